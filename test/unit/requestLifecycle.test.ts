// The request lifecycle of src/core/request, in plain Node with the real AWS SDK client
// against the local Bedrock server: the caller owns the AbortController, every ending is
// one typed outcome, and every request Bedrock bills is metered (estimated when stopped
// or failed after Bedrock accepted it).
import { strict as assert } from 'node:assert';
import type { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { StopRequest, type RequestOutcome } from '../../src/core/request/outcome';
import { runRequest, type RequestDeps, type RequestSpec } from '../../src/core/request/runRequest';
import { validateSettings } from '../../src/core/settingsSchema';
import { BedrockTestServer, httpError, textResponse } from '../server/bedrockServer';
import { localClients } from './awsSupport';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const SPEC: RequestSpec = { prompt: { task: { kind: 'summarize' }, attachment: { text: 'function add(a, b) { return a + b; }', languageId: 'javascript' } } };

describe('request lifecycle (core) against the local Bedrock server', () => {
  let server: BedrockTestServer;
  let url: string;
  const { client, disposeAll } = localClients(() => url);
  let leases: { acquired: number; released: number };

  before(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  beforeEach(() => { leases = { acquired: 0, released: 0 }; });
  afterEach(() => {
    disposeAll();
    server.reset();
  });
  after(() => server.stop());

  function deps(settings: Record<string, unknown> = {}, options: Parameters<typeof client>[0] = {}): RequestDeps {
    const c: LlamaBedrockClient = client({ idleTimeoutMs: 300, ...options });
    return {
      settings: validateSettings({ modelId: MODEL, region: 'us-west-2', endpoint: url, ...settings }),
      connect: () => {
        leases.acquired++;
        return Promise.resolve({ client: c, release: () => { leases.released++; } });
      },
      profiles: new MapProfileMemory(),
      requestId: 'r-test',
    };
  }

  async function run(d: RequestDeps, signal = new AbortController().signal, onText?: (t: string, all: string) => void): Promise<{ outcome: RequestOutcome; streamed: string }> {
    let streamed = '';
    const outcome = await runRequest(SPEC, d, { text: (t) => { streamed += t; onText?.(t, streamed); } }, signal);
    return { outcome, streamed };
  }

  it('ends ok with the text, Bedrock\'s own counts and the stop reason', async () => {
    server.enqueue(textResponse('Adds two numbers.', { chunks: 4, metrics: { inputTokenCount: 40, outputTokenCount: 5, invocationLatency: 10, firstByteLatency: 5 } }));
    const { outcome, streamed } = await run(deps());
    assert.equal(outcome.kind, 'ok');
    if (outcome.kind !== 'ok') return;
    assert.equal(outcome.text, 'Adds two numbers.');
    assert.equal(streamed, outcome.text);
    assert.equal(outcome.stopReason, 'stop');
    assert.deepEqual(outcome.meter.usage, { inputTokens: 40, outputTokens: 5 });
    assert.equal(outcome.meter.estimated, false);
    assert.ok(outcome.meter.costUsd! > 0, 'the catalog prices the model');
    assert.equal(outcome.modelId, MODEL);
    assert.deepEqual(leases, { acquired: 1, released: 1 });
  });

  it('sends nothing for invalid settings and says which', async () => {
    const { outcome } = await run(deps({ temperature: 7 }));
    assert.equal(outcome.kind, 'invalidSettings');
    if (outcome.kind === 'invalidSettings') assert.equal(outcome.errors[0].key, 'bedrockLlama.temperature');
    assert.equal(server.requests.length, 0);
    assert.equal(leases.acquired, 0);
  });

  it('sends nothing when the prompt cannot fit, and says so', async () => {
    const { outcome } = await run(deps({ systemPrompt: 'word '.repeat(200_000) }));
    assert.equal(outcome.kind, 'promptTooLong');
    assert.equal(server.requests.length, 0);
  });

  it('a Stop mid-stream keeps the text and meters the prompt and output as estimates', async () => {
    server.enqueue(textResponse('one two three four five six seven eight', { chunks: 8, chunkDelayMs: 40 }));
    const controller = new AbortController();
    const { outcome, streamed } = await run(deps(), controller.signal, (_t, all) => {
      if (all.length > 8) controller.abort(new StopRequest('user'));
    });
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind !== 'stopped') return;
    assert.equal(outcome.cause, 'user');
    assert.equal(outcome.text, streamed);
    assert.ok(outcome.meter, 'Bedrock accepted the request, so it is metered');
    assert.equal(outcome.meter.estimated, true);
    assert.ok(outcome.meter.usage.inputTokens > 10 && outcome.meter.usage.outputTokens > 0);
    assert.ok(outcome.meter.costUsd! > 0);
    assert.deepEqual(leases, { acquired: 1, released: 1 });
  });

  it('tells who stopped it: a closed document', async () => {
    server.enqueue(textResponse('one two three four', { chunks: 4, chunkDelayMs: 40 }));
    const controller = new AbortController();
    const { outcome } = await run(deps(), controller.signal, () => controller.abort(new StopRequest('documentClosed')));
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind === 'stopped') assert.equal(outcome.cause, 'documentClosed');
  });

  it('a request stopped before Bedrock accepted it is not metered', async () => {
    const controller = new AbortController();
    controller.abort(new StopRequest('user'));
    const { outcome } = await run(deps(), controller.signal);
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind === 'stopped') assert.equal(outcome.meter, undefined);
  });

  it('a stall fails as idleTimeout with the text so far, metered as an estimate', async () => {
    server.enqueue(textResponse('before the stall and more', { chunks: 5, fault: { type: 'stall', afterChunks: 2 } }));
    const { outcome, streamed } = await run(deps());
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind !== 'failed') return;
    assert.equal(outcome.failure.kind, 'idleTimeout');
    assert.equal(outcome.failure.retryable, true);
    assert.equal(outcome.text, streamed);
    assert.ok(outcome.text.length > 0);
    assert.equal(outcome.meter?.estimated, true);
  });

  it('a mid-stream exception fails with the text so far, metered', async () => {
    server.enqueue(textResponse('partial answer here', { chunks: 3, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } }));
    const { outcome } = await run(deps());
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind !== 'failed') return;
    assert.equal(outcome.failure.kind, 'streamError');
    assert.ok(outcome.text.length > 0);
    assert.ok(outcome.meter);
  });

  it('throttling past the retries fails unmetered: Bedrock never accepted it', async () => {
    server.enqueue(httpError('ThrottlingException', 'Too many requests'), httpError('ThrottlingException', 'Too many requests'), httpError('ThrottlingException', 'Too many requests'));
    const retries: number[] = [];
    // The SDK backs off 0.5–1 s after a throttle: longer than the idle limit, which must not count it as silence.
    const outcome = await runRequest(SPEC, deps({}, { maxAttempts: 3 }), { text: () => undefined, retrying: (n) => retries.push(n) }, new AbortController().signal);
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind !== 'failed') return;
    assert.equal(outcome.failure.kind, 'throttled');
    assert.equal(outcome.meter, undefined);
    assert.deepEqual(retries, [2, 3]);
    assert.equal(server.requests.length, 3);
  });

  it('Retry is a fresh run of the same spec: nothing from the failed run leaks into it', async () => {
    server.enqueue(
      textResponse('first try', { chunks: 2, fault: { type: 'exception', afterChunks: 1, exceptionType: 'internalServerException' } }),
      textResponse('second try', { chunks: 2 }),
    );
    const d = deps();
    const first = await run(d);
    assert.equal(first.outcome.kind, 'failed');
    const second = await run(d);
    assert.equal(second.outcome.kind, 'ok');
    assert.equal(second.streamed, 'second try');
    assert.equal(server.requests[0].body && JSON.stringify(server.requests[0].body), JSON.stringify(server.requests[1].body), 'the same request body');
    assert.deepEqual(leases, { acquired: 2, released: 2 });
  });

  it('Continue sends the answer so far and asks the model to go on', async () => {
    server.enqueue(textResponse(' and the rest.', { chunks: 2 }));
    const outcome = await runRequest({ prompt: { ...SPEC.prompt, continueFrom: 'The first half' } }, deps(), { text: () => undefined }, new AbortController().signal);
    assert.equal(outcome.kind, 'ok');
    const prompt = (server.requests[0].body as { prompt: string }).prompt;
    assert.ok(prompt.endsWith('The first half'), 'the partial answer ends the prompt');
  });
});
