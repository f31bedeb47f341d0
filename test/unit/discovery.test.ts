// Model discovery with the real @aws-sdk/client-bedrock against the local server's control
// plane: what is asked (pagination, signing, API keys), what comes back, and the quiet
// fallbacks when Bedrock says no or cannot be reached.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { BedrockClient, GetFoundationModelCommand } from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { resolveModel } from '../../src/core/catalog';
import { ControlPlaneClient, type ControlPlaneOptions } from '../../src/core/discovery/controlPlaneClient';
import { underlyingLookup, streamingLookup, pickerRows } from '../../src/core/discovery/modelDirectory';
import type { Discovery, DiscoveryResult } from '../../src/core/discovery/types';
import { priceFor } from '../../src/core/pricing';
import { BedrockTestServer } from '../server/bedrockServer';
import { TEST_APPLICATION_PROFILE_ARN, TEST_APPLICATION_PROFILE_NAME } from '../server/controlPlane';
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
