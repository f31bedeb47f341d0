// Model discovery in a real extension host against the local server's control plane:
// Refresh Model List, the 24-hour cache across region changes, the quiet fallback when
// Bedrock says no, and an application inference profile picked by its ARN being priced
// as the model behind it.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { DiscoveryResult } from '../../src/core/discovery/types';
import { TEST_APPLICATION_PROFILE_ARN, TEST_APPLICATION_PROFILE_NAME } from '../server/controlPlane';
import { summarizeOneLine } from './support/editor';
import { activate } from './support/extension';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const config = () => vscode.workspace.getConfiguration('bedrockLlama');

describe('model picker and discovery', function () {
  this.timeout(20_000);
  const bedrock = useLocalBedrock();
  before(() => activate());
  afterEach(async () => {
    for (const key of ['modelId', 'region']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  const controlPlaneCalls = () => bedrock().controlPlaneRequests.filter((r) => r.method === 'GET').map((r) => r.operation);

  it('Refresh Model List asks the control plane, signed for bedrock, and learns profiles and streaming', async () => {
    const api = await activate();
    const result = await vscode.commands.executeCommand<DiscoveryResult>('bedrockLlama.refreshModels');
    assert.equal(result.status, 'ok', JSON.stringify(result));
    const calls = controlPlaneCalls();
    assert.equal(calls[0], 'ListFoundationModels');
    assert.ok(calls.filter((o) => o === 'ListInferenceProfiles').length >= 3, `every page: ${JSON.stringify(calls)}`);
    assert.ok(calls.includes('GetInferenceProfile'));
    for (const r of bedrock().controlPlaneRequests) assert.match(r.headers.authorization ?? '', /\/us-west-2\/bedrock\/aws4_request/);

    const { discovery } = api.services.models.state;
    assert.equal(discovery?.region, 'us-west-2');
    assert.ok(discovery?.profiles.some((p) => p.name === TEST_APPLICATION_PROFILE_NAME && p.id === TEST_APPLICATION_PROFILE_ARN));
    assert.equal(api.services.models.underlying(TEST_APPLICATION_PROFILE_ARN), 'meta.llama3-3-70b-instruct-v1:0');
    assert.equal(api.services.models.streamingSupported('meta.llama4-scout-17b-instruct-v1:0'), false);
    assert.equal(api.services.models.streamingSupported('meta.llama3-1-8b-instruct-v1:0'), true);
  });

  it('keeps what it found per region for 24 hours: switching back asks Bedrock nothing', async () => {
    const api = await activate();
    await vscode.commands.executeCommand('bedrockLlama.refreshModels'); // us-west-2, now cached
    await config().update('region', 'us-east-1', vscode.ConfigurationTarget.Global);
    bedrock().reset();
    api.services.models.ensureStarted();
    await api.services.models.idle();
    assert.equal(controlPlaneCalls()[0], 'ListFoundationModels', 'another region is asked');
    assert.equal(api.services.models.state.discovery?.region, 'us-east-1');

    await config().update('region', undefined, vscode.ConfigurationTarget.Global);
    bedrock().reset();
    api.services.models.ensureStarted();
    await api.services.models.idle();
    assert.deepEqual(controlPlaneCalls(), [], 'us-west-2 came from the cache');
    assert.equal(api.services.models.state.discovery?.region, 'us-west-2');
  });

  it('a refused refresh keeps the list it had; without one, the built-in list applies quietly', async () => {
    const api = await activate();
    const found = await vscode.commands.executeCommand<DiscoveryResult>('bedrockLlama.refreshModels');
    assert.equal(found.status, 'ok');
    bedrock().controlPlane.data.denied = true;
    const refused = await vscode.commands.executeCommand<DiscoveryResult>('bedrockLlama.refreshModels');
    assert.deepEqual(refused, { status: 'denied', operation: 'ListFoundationModels', message: 'no permission for bedrock:ListFoundationModels' });
    assert.equal(api.services.models.state.discovery?.region, 'us-west-2', 'nothing known was dropped');
    assert.equal(api.services.models.underlying(TEST_APPLICATION_PROFILE_ARN), 'meta.llama3-3-70b-instruct-v1:0');

    // A region never listed before: nothing to keep, so the catalog applies.
    await config().update('region', 'eu-west-1', vscode.ConfigurationTarget.Global);
    const denied = await vscode.commands.executeCommand<DiscoveryResult>('bedrockLlama.refreshModels');
    assert.equal(denied.status, 'denied');
    const state = api.services.models.state;
    assert.equal(state.discovery, undefined);
    assert.equal(state.failure?.status, 'denied');
    assert.equal(api.services.models.streamingSupported('meta.llama4-scout-17b-instruct-v1:0'), false, 'the catalog still knows Llama 4 does not stream');
    // The model behind an application profile ARN is remembered from the earlier list (ARNs are unique).
    assert.equal(api.services.models.underlying(TEST_APPLICATION_PROFILE_ARN), 'meta.llama3-3-70b-instruct-v1:0');
  });

  it('Select Model… with an application profile ARN writes it, and the request is priced by the model behind it', async () => {
    const api = await activate();
    const found = await vscode.commands.executeCommand<DiscoveryResult>('bedrockLlama.refreshModels');
    assert.equal(found.status, 'ok');
    await vscode.commands.executeCommand('bedrockLlama.selectModel', TEST_APPLICATION_PROFILE_ARN);
    assert.equal(config().get('modelId'), TEST_APPLICATION_PROFILE_ARN);

    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    bedrock().reset();
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1, metrics: { inputTokenCount: 1200, outputTokenCount: 300 } }));
    await summarizeOneLine();
    const invoked = bedrock().requests.filter((r) => r.method === 'POST');
    assert.equal(invoked.length, 1);
    assert.equal(invoked[0].modelId, TEST_APPLICATION_PROFILE_ARN, 'the ARN is what is sent');
    const prompt = (invoked[0].body as { prompt: string }).prompt;
    assert.ok(prompt.startsWith('<|begin_of_text|><|start_header_id|>'), 'the Llama 3 template');
    const totals = api.services.usage.ledger.sessionTotals();
    assert.deepEqual([totals.inputTokens, totals.outputTokens], [1200, 300]);
    // Llama 3.3 70B: $0.72 per 1M tokens in and out.
    assert.equal(totals.costUsd?.toFixed(6), ((1500 * 0.72) / 1e6).toFixed(6));
  });

  it('a request with an application profile ARN nobody has resolved yet waits for discovery, then goes out with its model\'s template and price', async () => {
    const api = await activate();
    // A profile discovery has never seen (not remembered), in a region never listed in this session.
    const arn = `arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/fresh0001`;
    bedrock().controlPlane.data.profiles.push({
      inferenceProfileName: 'fresh-maverick', inferenceProfileArn: arn, inferenceProfileId: 'fresh0001', status: 'ACTIVE', type: 'APPLICATION',
      models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/meta.llama4-maverick-17b-instruct-v1:0' }],
    });
    await config().update('region', 'ap-northeast-1', vscode.ConfigurationTarget.Global);
    await config().update('modelId', arn, vscode.ConfigurationTarget.Global);
    assert.equal(api.services.settings.current.ok, false, 'not resolvable before discovery');

    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    bedrock().enqueue(textResponse('Sets x.', { chunks: 1, promptTokenCount: 1000 }));
    await summarizeOneLine();
    const [sent] = bedrock().requests;
    assert.equal(sent?.modelId, arn);
    assert.equal(sent.operation, 'invoke', 'Llama 4 behind the profile: InvokeModel');
    assert.ok((sent.body as { prompt: string }).prompt.startsWith('<|begin_of_text|><|header_start|>'), 'the Llama 4 template');
    const totals = api.services.usage.ledger.sessionTotals();
    assert.equal(totals.inputTokens, 1000);
    assert.ok(totals.costUsd !== undefined && totals.costUsd > 0, 'priced as Llama 4 Maverick');
  });
});
