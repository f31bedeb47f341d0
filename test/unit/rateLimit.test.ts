// The local Bedrock server's request-rate limit (test/server/rateLimit.ts), checked through the
// real AWS SDK clients: requests over the limit get Bedrock's 429 ThrottlingException, the
// bucket refills at its rate up to its burst, and the SDK's own retries see a throttle.
import { strict as assert } from 'node:assert';
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import type { RetryReason } from '../../src/core/bedrock/requestGuard';
import type { LlamaRequestBody } from '../../src/core/types';
import { BedrockTestServer, TEST_CREDENTIALS, textResponse } from '../server/bedrockServer';
import { parseRateLimit, RateLimit, type RateLimitOptions } from '../server/rateLimit';
import { collect } from './awsSupport';

const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
const BODY = JSON.stringify({ prompt: 'Say hello', temperature: 0.5, top_p: 0.9, max_gen_len: 64 });
const [KEYS] = TEST_CREDENTIALS;
const THROTTLED = { status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };

describe('RateLimit (token bucket)', () => {
  it('starts full, refills at perSecond up to burst, and a refused take costs nothing', () => {
    let t = 0;
    const limit = new RateLimit({ perSecond: 4, burst: 2, now: () => t });
    assert.deepEqual([limit.take(), limit.take(), limit.take()], [true, true, false]);
    t += 200; // 0.8 token
    assert.equal(limit.take(), false);
    t += 50; // 1.0 token: the refused take above did not spend the 0.8
    assert.equal(limit.take(), true);
    t += 60_000; // a long quiet spell fills it to the burst, no more
    assert.deepEqual([limit.take(), limit.take(), limit.take()], [true, true, false]);
    limit.reset();
    assert.deepEqual([limit.take(), limit.take(), limit.take()], [true, true, false]);
  });

  it('holds a second’s worth by default, and refuses nonsense', () => {
    let t = 0;
    const limit = new RateLimit({ perSecond: 3, now: () => t });
    assert.equal(limit.burst, 3);
    assert.equal(new RateLimit({ perSecond: 0.5 }).burst, 1);
    t = 0;
    assert.deepEqual([limit.take(), limit.take(), limit.take(), limit.take()], [true, true, true, false]);
    for (const bad of [{ perSecond: 0 }, { perSecond: -1 }, { perSecond: Number.NaN }, { perSecond: 5, burst: 0.5 }] as RateLimitOptions[]) {
      assert.throws(() => new RateLimit(bad), /rateLimit\./);
    }
    assert.deepEqual(parseRateLimit('10'), { perSecond: 10 });
    assert.deepEqual(parseRateLimit('10:4'), { perSecond: 10, burst: 4 });
    for (const bad of ['', 'x', '0', '10:0', '10:x', '1:2:3']) assert.throws(() => parseRateLimit(bad), /--rate-limit/);
  });
});

describe('BedrockTestServer with a rate limit, through the real SDK', () => {
  const runtimeClients: BedrockRuntimeClient[] = [];
  const others: Array<{ destroy(): void } | { dispose(): void }> = [];
  let server: BedrockTestServer | undefined;
  let clock = 0;

  async function start(rateLimit: RateLimitOptions): Promise<BedrockTestServer> {
    server = new BedrockTestServer({ defaultScript: textResponse('ok'), rateLimit });
    await server.start();
    return server;
  }
  afterEach(async () => {
    for (const c of runtimeClients.splice(0)) c.destroy();
    for (const c of others.splice(0)) {
      if ('destroy' in c) c.destroy();
      else c.dispose();
    }
    await server?.stop();
    server = undefined;
  });

  function sdk(s: BedrockTestServer, credentials = KEYS): BedrockRuntimeClient {
    const c = new BedrockRuntimeClient({
      region: 'us-west-2', endpoint: s.url, credentials, maxAttempts: 1, authSchemePreference: ['sigv4'], requestHandler: new NodeHttpHandler(),
    });
    runtimeClients.push(c);
    return c;
  }

  /** InvokeModel, or the stream read to its end; the SDK's error name, status and message when it fails. */
  async function call(client: BedrockRuntimeClient, stream = false): Promise<{ status: number | undefined; name?: string; message?: string }> {
    try {
      if (stream) {
        const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, contentType: 'application/json', body: BODY }));
        for await (const _ of out.body ?? []) void _;
        return { status: out.$metadata.httpStatusCode };
      }
      const out = await client.send(new InvokeModelCommand({ modelId: MODEL, contentType: 'application/json', body: BODY }));
      return { status: out.$metadata.httpStatusCode };
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      return { status: e.$metadata?.httpStatusCode, name: e.name, message: e.message };
    }
  }

  it('answers requests over the limit 429 ThrottlingException, both operations, and leaves queued scripts queued', async () => {
    clock = 0;
    const s = await start({ perSecond: 2, burst: 2, now: () => clock });
    s.enqueue(textResponse('one'), textResponse('two'), textResponse('three'));
    const client = sdk(s);
    assert.deepEqual(await call(client), { status: 200 });
    assert.deepEqual(await call(client, true), { status: 200 });
    assert.deepEqual(await call(client), THROTTLED);
    assert.deepEqual(await call(client, true), THROTTLED);
    assert.equal(s.pendingScripts, 1, 'a throttled request takes no script');
    assert.deepEqual(s.requests.map((r) => (r.script?.type === 'httpError' ? r.script.errorType : 'ok')), ['ok', 'ok', 'ThrottlingException', 'ThrottlingException']);
    assert.ok(s.requests.every((r) => r.outcome === 'completed'));
    clock += 499; // just short of one token at 2 per second
    assert.deepEqual(await call(client), THROTTLED);
    clock += 1;
    assert.deepEqual(await call(client), { status: 200 });
    assert.equal(s.pendingScripts, 0);
  });

  it('counts neither refused requests nor model discovery’s control-plane calls', async () => {
    clock = 0;
    const s = await start({ perSecond: 1, burst: 1, now: () => clock });
    const wrong = await call(sdk(s, { ...KEYS, secretAccessKey: 'not-the-secret' }));
    assert.equal(wrong.status, 403);
    const control = new BedrockClient({ region: 'us-west-2', endpoint: s.url, credentials: KEYS, requestHandler: new NodeHttpHandler(), maxAttempts: 1 });
    others.push(control);
    for (let i = 0; i < 3; i++) assert.ok((await control.send(new ListFoundationModelsCommand({}))).modelSummaries?.length);
    assert.deepEqual(await call(sdk(s)), { status: 200 }, 'the one token was still there');
    assert.deepEqual(await call(sdk(s)), THROTTLED);
  });

  it('paces on the real clock: two at once, one throttled; admitted again after 1 / perSecond', async () => {
    const s = await start({ perSecond: 2, burst: 1 });
    const client = sdk(s);
    const both = await Promise.all([call(client), call(client)]);
    assert.deepEqual(both.map((o) => o.status).sort(), [200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 550));
    assert.deepEqual(await call(client), { status: 200 });
  });

  it("the extension's client: the SDK retries a throttled request on its own and says it was throttled", async () => {
    clock = 0;
    const s = await start({ perSecond: 10, burst: 1, now: () => clock });
    const client = new LlamaBedrockClient({ region: 'us-west-2', endpoint: s.url, credentials: KEYS, maxAttempts: 3 });
    others.push(client);
    const body = JSON.parse(BODY) as LlamaRequestBody;
    assert.equal((await collect(client.stream({ modelId: MODEL, body }))).texts.join(''), 'ok');
    const retries: Array<[number, RetryReason]> = [];
    const onRetry = (attempt: number, reason: RetryReason) => {
      retries.push([attempt, reason]);
      clock += 100; // the bucket has a token again when the retry goes out
    };
    const second = await collect(client.stream({ modelId: MODEL, body, onRetry }));
    assert.equal(second.error, undefined);
    assert.equal(second.texts.join(''), 'ok');
    assert.deepEqual(retries, [[2, { kind: 'throttled', maxAttempts: 3 }]]);
    assert.deepEqual(s.requests.map((r) => (r.script?.type === 'httpError' ? r.script.errorType : 'ok')), ['ok', 'ThrottlingException', 'ok']);
  });
});
