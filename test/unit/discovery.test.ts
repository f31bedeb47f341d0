// Model discovery with the real @aws-sdk/client-bedrock against the local server's control
// plane: what is asked (pagination, signing, API keys), what comes back, and the quiet
// fallbacks when Bedrock says no or cannot be reached.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { BedrockClient, GetFoundationModelCommand } from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { offersLatencyOptimized, resolveModel, UnknownModelError } from '../../src/core/catalog';
import { ControlPlaneClient, type ControlPlaneOptions } from '../../src/core/discovery/controlPlaneClient';
import { underlyingEntries, underlyingLookup, streamingLookup, pickerRows, type ModelRow } from '../../src/core/discovery/modelDirectory';
import type { Discovery, DiscoveryResult } from '../../src/core/discovery/types';
import { priceFor } from '../../src/core/pricing';
import { BedrockTestServer } from '../server/bedrockServer';
import {
  TEST_APPLICATION_PROFILE_ARN,
  TEST_APPLICATION_PROFILE_NAME,
  TEST_CUSTOM_MODEL_ARN,
  TEST_CUSTOM_MODEL_NAME,
  TEST_PROVISIONED_ARN,
  TEST_PROVISIONED_CREATING_ARN,
  TEST_PROVISIONED_CREATING_NAME,
  TEST_PROVISIONED_NAME,
} from '../server/controlPlane';
import { signingKeyId } from './awsSupport';

function ok(result: DiscoveryResult): Discovery {
  assert.equal(result.status, 'ok', JSON.stringify(result));
  return (result as Extract<DiscoveryResult, { status: 'ok' }>).discovery;
}

describe('model discovery against the local control plane', () => {
  let server: BedrockTestServer;
  const made: ControlPlaneClient[] = [];
  const client = (options: Partial<ControlPlaneOptions> = {}): ControlPlaneClient => {
    const c = new ControlPlaneClient({
      region: 'us-west-2',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      ...options,
    });
    made.push(c);
    return c;
  };

  before(async () => {
    server = new BedrockTestServer();
    await server.start();
  });
  afterEach(() => {
    for (const c of made.splice(0)) c.dispose();
    server.reset();
  });
  after(() => server.stop());

  it('lists Meta models, follows every ListInferenceProfiles page and signs each call for `bedrock`', async () => {
    const discovery = ok(await client().discover());
    const ops = server.controlPlaneRequests.map((r) => r.operation);
    assert.equal(ops[0], 'ListFoundationModels');
    // 11 system profiles at 4 a page, then one page of application profiles.
    assert.equal(ops.filter((o) => o === 'ListInferenceProfiles').length, 4);
    assert.equal(ops.filter((o) => o === 'GetInferenceProfile').length, 2);
    assert.ok(ops.includes('GetFoundationModelAvailability'));
    for (const r of server.controlPlaneRequests) {
      assert.equal(r.method, 'GET');
      assert.match(r.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-west-2\/bedrock\/aws4_request/);
      assert.equal(signingKeyId(r.headers.authorization), 'AKIDTEST');
      assert.equal(r.outcome, 'completed');
      assert.equal((r.script as { type?: string } | undefined)?.type, undefined, `${r.operation} was answered, not refused`);
    }
    assert.ok(server.controlPlaneRequests.some((r) => r.path === `/inference-profiles/${encodeURIComponent(TEST_APPLICATION_PROFILE_ARN)}`), 'the ARN is percent-encoded in the path');

    assert.equal(discovery.region, 'us-west-2');
    assert.ok(discovery.models.every((m) => m.modelId.startsWith('meta.llama')));
    assert.equal(discovery.models.find((m) => m.modelId === 'meta.llama4-scout-17b-instruct-v1:0')?.responseStreamingSupported, false);
    const ids = discovery.profiles.map((p) => p.id);
    assert.ok(ids.includes('us.meta.llama3-3-70b-instruct-v1:0'));
    assert.ok(ids.includes('global.meta.llama3-3-70b-instruct-v1:0'));
    assert.ok(!ids.some((id) => id.includes('anthropic')), 'profiles of other providers are skipped');
    assert.ok(!discovery.profiles.some((p) => p.name === 'claude-costs'), 'application profiles over other models are skipped');
    assert.deepEqual(discovery.notes, []);
  });

  it('maps an application profile ARN to its model: Llama 3 template, the 3.3 price and a 128K window', async () => {
    const discovery = ok(await client().discover());
    const app = discovery.profiles.find((p) => p.type === 'APPLICATION');
    assert.equal(app?.name, TEST_APPLICATION_PROFILE_NAME);
    assert.equal(app?.id, TEST_APPLICATION_PROFILE_ARN);
    const underlying = underlyingLookup(discovery);
    assert.equal(underlying(TEST_APPLICATION_PROFILE_ARN), 'meta.llama3-3-70b-instruct-v1:0');

    // The regression: without the lookup a profile ARN has no model, so no window or price.
    const resolved = resolveModel(TEST_APPLICATION_PROFILE_ARN, { underlying });
    assert.equal(resolved.kind, 'arn-application-profile');
    assert.equal(resolved.invokeId, TEST_APPLICATION_PROFILE_ARN, 'the ARN is still what is sent');
    assert.equal(resolved.family, 'llama3');
    assert.equal(resolved.contextWindow, 128_000);
    assert.deepEqual(priceFor(resolved, {}, { region: 'us-west-2' }), { input: 0.72, output: 0.72 });
    assert.equal(priceFor(resolveModel(TEST_APPLICATION_PROFILE_ARN, { family: 'llama3' })), undefined);
  });

  it('reports streaming per model from responseStreamingSupported', async () => {
    const streaming = streamingLookup(ok(await client().discover()));
    assert.equal(streaming('meta.llama4-maverick-17b-instruct-v1:0'), false);
    assert.equal(streaming('us.meta.llama4-scout-17b-instruct-v1:0'), false);
    assert.equal(streaming('meta.llama3-3-70b-instruct-v1:0'), true);
    assert.equal(streaming('meta.llama9-unknown-v1:0'), undefined);
  });

  it('asks with a Bedrock API key as `Authorization: Bearer`', async () => {
    ok(await client({ credentials: undefined, bearerToken: 'test-api-key' }).discover());
    assert.ok(server.controlPlaneRequests.length > 3);
    for (const r of server.controlPlaneRequests) assert.equal(r.headers.authorization, 'Bearer test-api-key');
  });

  it('falls back quietly when ListFoundationModels is denied, naming the permission', async () => {
    server.controlPlane.data.denied = true;
    const result = await client().discover();
    assert.deepEqual(result, { status: 'denied', operation: 'ListFoundationModels', message: 'no permission for bedrock:ListFoundationModels' });
    assert.equal(server.controlPlaneRequests.length, 1, 'nothing more is asked');
    const rows = pickerRows({ fallback: result as Exclude<DiscoveryResult, { status: 'ok' }>, region: 'us-west-2' });
    assert.equal(rows[0].kind, 'note');
    assert.match((rows[0] as { detail: string }).detail, /Bedrock did not list models \(no permission for bedrock:ListFoundationModels\)\. Refresh Model List to try again\./);
    assert.ok(rows.some((r) => r.kind === 'model' && r.modelId === 'us.meta.llama3-3-70b-instruct-v1:0'), 'the built-in list');
  });

  it('keeps the models when only the profile calls are denied, and says so', async () => {
    server.controlPlane.data.denied = ['ListInferenceProfiles', 'GetFoundationModelAvailability'];
    const discovery = ok(await client().discover());
    assert.ok(discovery.models.length > 5);
    assert.deepEqual(discovery.profiles, []);
    assert.equal(discovery.notes.length, 2);
    assert.match(discovery.notes[0], /no permission for bedrock:ListInferenceProfiles/);
    assert.ok(discovery.models.every((m) => m.access === undefined), 'a denied availability check means unknown, not no access');
    // The calls already in flight (4 at a time) finish; none is started after the first denial.
    assert.ok(server.controlPlaneRequests.filter((r) => r.operation === 'GetFoundationModelAvailability').length <= 4, 'stopped asking');
  });

  it('marks a model the account has no access to', async () => {
    server.controlPlane.data.availability['meta.llama3-1-405b-instruct-v1:0'] = { entitlementAvailability: 'NOT_AVAILABLE' };
    server.controlPlane.data.availability['meta.llama3-8b-instruct-v1:0'] = { authorizationStatus: 'NOT_AUTHORIZED' };
    const discovery = ok(await client().discover());
    const access = (id: string) => discovery.models.find((m) => m.modelId === id)?.access;
    assert.deepEqual(access('meta.llama3-1-405b-instruct-v1:0'), { usable: false, reason: 'model access not granted to this account' });
    assert.equal(access('meta.llama3-8b-instruct-v1:0')?.usable, false);
    assert.deepEqual(access('meta.llama3-3-70b-instruct-v1:0'), { usable: true });
    const rows = pickerRows({ discovery, region: 'us-west-2' });
    const row = rows.find((r) => r.kind === 'model' && r.modelId === 'meta.llama3-1-405b-instruct-v1:0');
    assert.ok(row && row.kind === 'model');
    assert.equal(row.usable, false);
    assert.match(row.detail, /No access: model access not granted to this account; request access in the Bedrock console → Model access/);
  });

  describe('custom models and provisioned throughput', () => {
    const L31_70B = 'meta.llama3-1-70b-instruct-v1:0';
    const L31_8B = 'meta.llama3-1-8b-instruct-v1:0';

    it('follows every ListCustomModels and ListProvisionedModelThroughputs page and keeps the Llama ones', async () => {
      server.controlPlane.data.pageSize = 1;
      server.controlPlane.data.provisionedThroughputs.push({
        provisionedModelName: 'titan-pt',
        provisionedModelArn: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/titan0000003',
        modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-text-express-v1:0:8k',
        desiredModelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-text-express-v1:0:8k',
        foundationModelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-text-express-v1:0:8k',
        modelUnits: 1,
        desiredModelUnits: 1,
        status: 'InService',
        creationTime: '2025-01-01T00:00:00Z',
        lastModifiedTime: '2025-01-01T00:00:00Z',
      });
      const discovery = ok(await client().discover());
      const ops = server.controlPlaneRequests.map((r) => r.operation);
      // One item a page: 2 custom models (one Titan), 3 throughputs (one Titan).
      assert.equal(ops.filter((o) => o === 'ListCustomModels').length, 2);
      assert.equal(ops.filter((o) => o === 'ListProvisionedModelThroughputs').length, 3);
      for (const r of server.controlPlaneRequests.filter((q) => q.operation === 'ListCustomModels' || q.operation === 'ListProvisionedModelThroughputs')) {
        assert.match(r.headers.authorization ?? '', /\/us-west-2\/bedrock\/aws4_request/);
        assert.equal(r.outcome, 'completed');
      }
      assert.deepEqual(discovery.customModels, [{
        arn: TEST_CUSTOM_MODEL_ARN,
        name: TEST_CUSTOM_MODEL_NAME,
        baseModelArn: `arn:aws:bedrock:us-west-2::foundation-model/${L31_8B}:128k`,
        baseId: `${L31_8B}:128k`,
        baseModelName: 'Llama 3.1 8B Instruct',
        customizationType: 'FINE_TUNING',
        status: 'Active',
      }], 'the Titan fine-tune is left out');
      assert.deepEqual(discovery.provisioned?.map((p) => [p.name, p.arn, p.baseId, p.status, p.modelUnits, p.commitmentDuration]), [
        [TEST_PROVISIONED_NAME, TEST_PROVISIONED_ARN, `${L31_70B}:128k`, 'InService', 2, undefined],
        [TEST_PROVISIONED_CREATING_NAME, TEST_PROVISIONED_CREATING_ARN, `${L31_8B}:128k`, 'Creating', 1, 'OneMonth'],
      ], 'every page, no page twice, the Titan throughput left out');
      assert.equal(discovery.provisioned?.[1].modelArn, TEST_CUSTOM_MODEL_ARN, 'the Creating one serves the custom model');
      assert.deepEqual(discovery.notes, []);
    });

    it('shows them in the picker as "Custom and provisioned models"', async () => {
      const rows = pickerRows({ discovery: ok(await client().discover()), region: 'us-west-2', currentId: TEST_PROVISIONED_ARN });
      const start = rows.findIndex((r) => r.kind === 'separator' && r.label === 'Custom and provisioned models');
      assert.ok(start > 0, 'the group is there');
      const next = rows.findIndex((r, i) => i > start && r.kind === 'separator');
      assert.equal(rows[next].kind === 'separator' && rows[next].label, 'Legacy', 'before Legacy');
      const group = rows.slice(start + 1, next) as ModelRow[];
      assert.deepEqual(group.map((r) => [r.name, r.modelId, r.usable, r.current]), [
        [TEST_PROVISIONED_NAME, TEST_PROVISIONED_ARN, true, true],
        [TEST_PROVISIONED_CREATING_NAME, TEST_PROVISIONED_CREATING_ARN, false, false],
        [TEST_CUSTOM_MODEL_NAME, TEST_CUSTOM_MODEL_ARN, true, false],
      ]);
      assert.equal(group[0].detail, '128K context · billed per model unit-hour · streams · 2 model units · no commitment · InService · provisioned throughput of Llama 3.1 70B Instruct');
      assert.equal(group[1].detail,
        '$(lock) Not usable: provisioned throughput is Creating (only InService throughput answers requests) · 128K context · billed per model unit-hour · streams · ' +
        `1 model unit · 1-month commitment · provisioned throughput of ${TEST_CUSTOM_MODEL_NAME} (Llama 3.1 8B Instruct)`);
      assert.equal(group[2].detail, '128K context · $0.22 in / $0.22 out per 1M tokens (base model price) · streams · fine-tuned from Llama 3.1 8B Instruct');
      assert.ok(!rows.some((r) => r.kind === 'model' && r.name === 'titan-summaries'), 'no Titan row');
    });

    it('resolves a provisioned ARN through discovery to its base model (template, window) but never prices it per token from that model', async () => {
      const discovery = ok(await client().discover());
      const underlying = underlyingLookup(discovery);
      assert.equal(underlying(TEST_PROVISIONED_ARN), `${L31_70B}:128k`);
      const resolved = resolveModel(TEST_PROVISIONED_ARN, { underlying });
      assert.deepEqual([resolved.kind, resolved.invokeId, resolved.baseId, resolved.info?.id, resolved.family, resolved.contextWindow],
        ['arn-provisioned', TEST_PROVISIONED_ARN, `${L31_70B}:128k`, L31_70B, 'llama3', 128_000]);
      assert.equal(priceFor(resolved, {}, { region: 'us-west-2' }), undefined, 'billed per model unit-hour: unknown per token');
      assert.equal(priceFor(resolved, { [L31_70B]: { input: 1, output: 1 } }), undefined, 'not the base model\'s override either');
      assert.deepEqual(priceFor(resolved, { [TEST_PROVISIONED_ARN]: { input: 3, output: 4 } }), { input: 3, output: 4 }, 'the user\'s own figure for the ARN');
      assert.equal(offersLatencyOptimized(resolved, 'us-east-2'), false, 'latency-optimized is an on-demand offer');
      assert.throws(() => resolveModel(TEST_PROVISIONED_ARN), UnknownModelError, 'without discovery the family setting is still needed');
    });

    it('resolves a custom model ARN that shows no base through discovery, priced as its base model', async () => {
      const discovery = ok(await client().discover());
      const underlying = underlyingLookup(discovery);
      const resolved = resolveModel(TEST_CUSTOM_MODEL_ARN, { underlying });
      assert.deepEqual([resolved.kind, resolved.invokeId, resolved.baseId, resolved.info?.id, resolved.family, resolved.contextWindow],
        ['arn-custom', TEST_CUSTOM_MODEL_ARN, `${L31_8B}:128k`, L31_8B, 'llama3', 128_000]);
      assert.deepEqual(priceFor(resolved, {}, { region: 'us-west-2' }), { input: 0.22, output: 0.22 });
      assert.throws(() => resolveModel(TEST_CUSTOM_MODEL_ARN), UnknownModelError);
      // What the extension keeps across sessions: application profiles, throughputs and custom models.
      assert.deepEqual(Object.fromEntries(underlyingEntries(discovery)), {
        [TEST_APPLICATION_PROFILE_ARN]: 'meta.llama3-3-70b-instruct-v1:0',
        [TEST_CUSTOM_MODEL_ARN]: `${L31_8B}:128k`,
        [TEST_PROVISIONED_ARN]: `${L31_70B}:128k`,
        [TEST_PROVISIONED_CREATING_ARN]: `${L31_8B}:128k`,
      });
    });

    it('notes a denied ListCustomModels or ListProvisionedModelThroughputs and keeps the rest', async () => {
      server.controlPlane.data.denied = ['ListCustomModels', 'ListProvisionedModelThroughputs'];
      const discovery = ok(await client().discover());
      assert.deepEqual(discovery.notes, [
        'no permission for bedrock:ListCustomModels (custom models)',
        'no permission for bedrock:ListProvisionedModelThroughputs (provisioned throughput)',
      ]);
      assert.deepEqual([discovery.customModels, discovery.provisioned], [[], []]);
      assert.ok(discovery.models.length > 5 && discovery.profiles.length > 5, 'models and profiles still listed');
      const rows = pickerRows({ discovery, region: 'us-west-2' });
      assert.ok(!rows.some((r) => r.kind === 'separator' && r.label === 'Custom and provisioned models'));
      assert.equal(underlyingLookup(discovery)(TEST_PROVISIONED_ARN), undefined);
    });
  });

  it('is offline, not an error, when nothing listens at the endpoint', async () => {
    const port = await closedPort();
    const result = await client({ endpoint: `http://127.0.0.1:${port}` }).discover();
    assert.equal(result.status, 'offline', JSON.stringify(result));
  });

  it('refused credentials are a failure with the credentials message, not a denial', async () => {
    const result = await client({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'wrong' } }).discover();
    assert.equal(result.status, 'failed');
  });

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const result = await client().discover(ac.signal);
    assert.equal(result.status, 'failed');
  });

  it('serves GetFoundationModel as the service does, 404 for an unknown model', async () => {
    const sdk = new BedrockClient({ region: 'us-west-2', endpoint: server.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
    try {
      const got = await sdk.send(new GetFoundationModelCommand({ modelIdentifier: 'meta.llama4-scout-17b-instruct-v1:0' }));
      assert.equal(got.modelDetails?.responseStreamingSupported, false);
      assert.deepEqual(got.modelDetails?.inputModalities, ['TEXT', 'IMAGE']);
      await assert.rejects(sdk.send(new GetFoundationModelCommand({ modelIdentifier: 'meta.llama9-nope-v1:0' })), { name: 'ResourceNotFoundException' });
      assert.deepEqual(server.controlPlaneRequests.map((r) => r.operation), ['GetFoundationModel', 'GetFoundationModel']);
    } finally {
      sdk.destroy();
    }
  });

  it('keys the cache by the account id when the identity has one, else by the auth source and a key fingerprint, plus region and endpoint', async () => {
    const hash = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 16);
    const withAccount = client({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', accountId: '111122223333' } as never });
    assert.equal(await withAccount.cacheKey(), `account:111122223333|us-west-2|${server.url}`);
    assert.equal(await client().cacheKey(), `identity:credentials#${hash('AKIDTEST')}|us-west-2|${server.url}`);
    const apiKey = await client({ credentials: undefined, bearerToken: 'test-api-key', region: 'eu-west-1' }).cacheKey();
    assert.equal(apiKey, `identity:apiKey#${hash('test-api-key')}|eu-west-1|${server.url}`);
    assert.ok(!apiKey.includes('test-api-key'), 'never the key itself');
    // Another account's key under the same source gets its own entry.
    assert.notEqual(await client({ credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } }).cacheKey(), await client().cacheKey());
    assert.equal(await client({ credentials: undefined, profile: 'dev', endpoint: undefined }).cacheKey(), 'identity:profile:dev|us-west-2|');
  });
});

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
