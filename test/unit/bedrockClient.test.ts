// LlamaBedrockClient with the real BedrockRuntimeClient against the local Bedrock
// server, plus the pure chunk decoder and error mapping.
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { ChunkAccumulator, decodeChunk, MalformedChunkError } from '../../src/core/bedrock/chunkDecoder';
import type { InvokeRequest } from '../../src/core/bedrock/client';
import { BedrockLlamaError, toBedrockLlamaError, type BedrockLlamaErrorKind } from '../../src/core/bedrock/errors';
import {
  BedrockTestServer,
  httpError,
  textResponse,
  type BedrockHttpErrorType,
  type StreamExceptionType,
} from '../server/bedrockServer';
import { collect, useLocalServer } from './awsSupport';

const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
const REQUEST: InvokeRequest = {
  modelId: MODEL,
  body: { prompt: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>', temperature: 0.5, top_p: 0.9, max_gen_len: 256 },
};
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LlamaBedrockClient against the local Bedrock server', () => {
  const local = useLocalServer();
  const client = local.client;

  describe('streaming', () => {
    it('ends with a clear streamError on a malformed chunk, keeping the text before it', async () => {
      local.server().enqueue({ type: 'response', chunks: ['Hello ', 'there', { text: '', raw: JSON.stringify({ generation: 7 }) }, 'never'] });
      const { texts, end, error } = await collect(client().stream(REQUEST));
      assert.equal(end, undefined);
      assert.deepEqual(texts, ['Hello ', 'there']);
      assert.equal(error?.kind, 'streamError');
      assert.equal(error?.retryable, true);
      assert.equal(error?.partialText, 'Hello there');
      assert.match(error?.userMessage ?? '', /chunk this extension cannot read \(generation is 7\)/);
    });

    it('yields the text, then usage from the invocation metrics and the stop reason', async () => {
      local.server().enqueue({
        type: 'response',
        chunks: ['Hello ', 'there, ', 'how are ', 'you?'],
        chunkDelayMs: 2,
        promptTokenCount: 11,
        metrics: { inputTokenCount: 42, outputTokenCount: 7, invocationLatency: 321, firstByteLatency: 45 },
      });
      const { texts, end, error } = await collect(client().stream(REQUEST));
      assert.equal(error, undefined);
      assert.deepEqual(texts, ['Hello ', 'there, ', 'how are ', 'you?']);
      assert.ok(end);
      assert.equal(end.stopReason, 'stop');
      assert.deepEqual(end.usage, { inputTokens: 42, outputTokens: 7 });
      assert.equal(end.latency.bedrockInvocationMs, 321);
      assert.equal(end.latency.bedrockFirstByteMs, 45);
      assert.ok(end.latency.timeToFirstTokenMs! >= 0 && end.latency.timeToFirstTokenMs! <= end.latency.totalMs!);

      const [record] = local.server().requests;
      assert.equal(record.operation, 'invoke-with-response-stream');
      assert.equal(record.modelId, MODEL);
      assert.deepEqual(record.body, REQUEST.body);
      assert.equal(record.authScheme, 'AWS4-HMAC-SHA256');
      assert.equal(record.httpVersion, '1.1');
    });

    it('falls back on the chunk token counts without metrics', async () => {
      local.server().enqueue({ type: 'response', chunks: [{ text: 'a', tokens: 3 }, { text: 'b', tokens: 2 }], promptTokenCount: 9, metrics: null });
      const { end } = await collect(client().stream(REQUEST));
      assert.deepEqual(end?.usage, { inputTokens: 9, outputTokens: 5 });
      assert.equal(end?.latency.bedrockInvocationMs, undefined);
    });

    it("reports a 'length' stop, also on a separate empty final chunk", async () => {
      local.server().enqueue(textResponse('cut short', { stopReason: 'length', separateFinalChunk: true }));
      const { texts, end } = await collect(client().stream(REQUEST));
      assert.deepEqual(texts, ['cut ', 'short']); // the empty final chunk yields no text
      assert.equal(end?.stopReason, 'length');
    });

    for (const httpVersion of ['http1', 'http2'] as const) {
      it(`streams the same answer over ${httpVersion}`, async () => {
        local.server().enqueue(textResponse('Same answer either way', { chunks: 3, chunkDelayMs: 2 }));
        const { texts, end } = await collect(client({ httpVersion }).stream(REQUEST));
        assert.equal(texts.join(''), 'Same answer either way');
        assert.equal(end?.stopReason, 'stop');
        assert.equal(local.server().requests[0].httpVersion, httpVersion === 'http1' ? '1.1' : '2.0');
      });
    }

    it('reuses one connection for consecutive requests (http1)', async () => {
      const c = client();
      local.server().enqueue(textResponse('one'), textResponse('two'));
      await collect(c.stream(REQUEST));
      await collect(c.stream(REQUEST));
      assert.equal(local.server().requests.length, 2);
      assert.equal(local.server().requests[0].remotePort, local.server().requests[1].remotePort);
    });

    it('sends a Bedrock API key as Authorization: Bearer', async () => {
      local.server().enqueue(textResponse('ok'));
      const { error } = await collect(client({ credentials: undefined, bearerToken: 'test-api-key' }).stream(REQUEST));
      assert.equal(error, undefined);
      assert.equal(local.server().requests[0].authScheme, 'Bearer');
      assert.equal(local.server().requests[0].headers.authorization, 'Bearer test-api-key');
    });

    it('percent-encodes profile ids and ARNs in the path', async () => {
      const arn = 'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0';
      local.server().enqueue(textResponse('a'), textResponse('b'));
      const c = client();
      await collect(c.stream(REQUEST));
      await collect(c.stream({ ...REQUEST, modelId: arn }));
      const [profile, byArn] = local.server().requests;
      assert.equal(profile.rawModelId, 'us.meta.llama3-3-70b-instruct-v1%3A0');
      assert.equal(profile.modelId, MODEL);
      assert.equal(byArn.rawModelId, encodeURIComponent(arn));
      assert.match(byArn.rawModelId!, /%2F/);
      assert.equal(byArn.modelId, arn);
    });
  });

  describe('errors', () => {
    const cases: Array<[BedrockHttpErrorType, BedrockLlamaErrorKind, boolean, RegExp]> = [
      ['ValidationException', 'validation', false, /check the model id/i],
      ['AccessDeniedException', 'accessDenied', false, /model access/i],
      ['ResourceNotFoundException', 'modelNotFound', false, /check the model id and the region/i],
      ['ModelTimeoutException', 'modelTimeout', true, /try again/i],
      ['ThrottlingException', 'throttled', true, /wait a moment/i],
      ['ModelNotReadyException', 'modelNotReady', true, /try again/i],
      ['ModelErrorException', 'modelError', true, /try again/i],
      ['ServiceQuotaExceededException', 'quota', false, /Service Quotas/],
      ['InternalServerException', 'serverError', true, /try again/i],
      ['ServiceUnavailableException', 'unavailable', true, /try again/i],
      ['ExpiredTokenException', 'expiredCredentials', false, /refresh/i],
    ];
    for (const [type, kind, retryable, advice] of cases) {
      it(`maps HTTP ${type} to '${kind}'`, async () => {
        local.server().enqueue(httpError(type));
        const { error, texts } = await collect(client().stream(REQUEST));
        assert.ok(error);
        assert.equal(error.kind, kind);
        assert.equal(error.retryable, retryable);
        assert.equal(error.awsErrorName, type);
        assert.ok(error.httpStatus && error.httpStatus >= 400);
        assert.ok(error.requestId, 'request id from x-amzn-requestid');
        assert.match(error.userMessage, advice);
        assert.equal(error.partialText, '');
        assert.deepEqual(texts, []);
      });
    }

    for (const apostrophe of ['’', "'"]) {
      it(`recognises the inference-profile ValidationException (${apostrophe === '’' ? 'curly' : 'straight'} apostrophe)`, async () => {
        local.server().enqueue(httpError('ValidationException',
          `Invocation of model ID meta.llama3-2-3b-instruct-v1:0 with on-demand throughput isn${apostrophe}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`));
        const { error } = await collect(client().stream({ ...REQUEST, modelId: 'meta.llama3-2-3b-instruct-v1:0' }));
        assert.equal(error?.kind, 'needsInferenceProfile');
        assert.match(error!.userMessage, /us\.meta\.llama3-2-3b-instruct-v1:0/);
      });
    }

    const midStream: Array<[StreamExceptionType, BedrockLlamaErrorKind]> = [
      ['modelStreamErrorException', 'streamError'],
      ['throttlingException', 'throttled'],
      ['internalServerException', 'serverError'],
      ['serviceUnavailableException', 'unavailable'],
      ['validationException', 'validation'],
    ];
    for (const [exceptionType, kind] of midStream) {
      it(`keeps the partial text on a mid-stream ${exceptionType}`, async () => {
        local.server().enqueue(textResponse('one two three four', { fault: { type: 'exception', afterChunks: 2, exceptionType, message: 'went wrong' } }));
        const { texts, end, error } = await collect(client({ maxAttempts: 3 }).stream(REQUEST));
        assert.deepEqual(texts, ['one ', 'two ']);
        assert.equal(end, undefined);
        assert.equal(error?.kind, kind);
        assert.equal(error?.partialText, 'one two ');
        assert.equal(local.server().requests.length, 1, 'never retried once the stream started');
      });
    }

    it('retries a throttle, then streams the answer once', async () => {
      local.server().enqueue(httpError('ThrottlingException'), textResponse('after the throttle', { chunks: 3 }));
      const { texts, error } = await collect(client({ maxAttempts: 3 }).stream(REQUEST)); // back-off: random, up to 1 s
      assert.equal(error, undefined);
      assert.equal(texts.join(''), 'after the throttle');
      assert.equal(local.server().requests.length, 2);
      const [first, second] = local.server().requests;
      assert.equal(first.headers['amz-sdk-invocation-id'], second.headers['amz-sdk-invocation-id'], 'one logical request');
      assert.match(first.headers['amz-sdk-request'], /attempt=1/);
      assert.match(second.headers['amz-sdk-request'], /attempt=2/);
      assert.deepEqual(first.body, second.body);
    });

    it('gives up after maxAttempts and reports the last error', async () => {
      local.server().enqueue(httpError('ServiceUnavailableException'), httpError('ServiceUnavailableException'));
      const { error } = await collect(client({ maxAttempts: 2 }).stream(REQUEST));
      assert.equal(error?.kind, 'unavailable');
      assert.equal(local.server().requests.length, 2);
    });

    for (const httpVersion of ['http1', 'http2'] as const) {
      it(`reports a dropped connection with the partial text (${httpVersion})`, async () => {
        local.server().enqueue(textResponse('a b c d', { fault: { type: 'drop', afterChunks: 2 } }));
        const { texts, error } = await collect(client({ httpVersion }).stream(REQUEST));
        assert.deepEqual(texts, ['a ', 'b ']);
        assert.ok(error?.kind === 'network' || error?.kind === 'streamError', `kind ${error?.kind}`);
        assert.equal(error?.retryable, true);
        assert.equal(error?.partialText, 'a b ');
      });
    }

    it('reports a refused connection as network', async () => {
      const closed = new BedrockTestServer();
      const { url: deadUrl } = await closed.start();
      await closed.stop();
      const { error } = await collect(client({ endpoint: deadUrl }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
    });
  });

  describe('cancellation and timeouts', () => {
    for (const httpVersion of ['http1', 'http2'] as const) {
      it(`aborting mid-stream closes the connection at once (${httpVersion})`, async () => {
        local.server().enqueue(textResponse('w1 w2 w3 w4 w5 w6 w7 w8', { chunkDelayMs: 25 }));
        const controller = new AbortController();
        const stream = client({ httpVersion }).stream(REQUEST, controller.signal);
        const texts: string[] = [];
        for (let i = 0; i < 2; i++) {
          const next = await stream.next();
          assert.equal(next.done, false);
          if (!next.done && next.value.type === 'text') texts.push(next.value.text);
        }
        controller.abort();
        const record = await local.server().ended(local.server().requests[0]); // resolves only on the disconnect
        assert.equal(record.outcome, 'clientDisconnected');
        assert.ok(record.chunksSent < 8);
        await assert.rejects(stream.next(), (err: unknown) => {
          assert.ok(err instanceof BedrockLlamaError);
          assert.equal(err.kind, 'aborted');
          assert.equal(err.partialText, texts.join(''));
          return true;
        });
        assert.deepEqual(await stream.next(), { done: true, value: undefined });
      });
    }

    it('aborting while waiting for the first chunk ends the request', async () => {
      local.server().enqueue(textResponse('late', { firstByteDelayMs: 2000 }));
      const controller = new AbortController();
      const result = collect(client().stream(REQUEST, controller.signal));
      await local.server().nthRequest(0);
      await delay(20);
      controller.abort();
      const { error } = await result;
      assert.equal(error?.kind, 'aborted');
      assert.equal((await local.server().ended(local.server().requests[0])).outcome, 'clientDisconnected');
    });

    it('an already aborted signal sends nothing', async () => {
      const { error } = await collect(client().stream(REQUEST, AbortSignal.abort()));
      assert.equal(error?.kind, 'aborted');
      assert.equal(local.server().requests.length, 0);
    });

    it('a consumer that stops early closes the stream', async () => {
      local.server().enqueue(textResponse('a b c d e f', { chunkDelayMs: 20 }));
      for await (const event of client().stream(REQUEST)) {
        assert.equal(event.type, 'text');
        break;
      }
      assert.equal((await local.server().ended(local.server().requests[0])).outcome, 'clientDisconnected');
    });

    it('a stalled stream ends with idleTimeout and the partial text', async () => {
      local.server().enqueue(textResponse('x y z', { fault: { type: 'stall', afterChunks: 2 } }));
      const started = performance.now();
      const { texts, error } = await collect(client({ idleTimeoutMs: 150 }).stream(REQUEST));
      assert.deepEqual(texts, ['x ', 'y ']);
      assert.equal(error?.kind, 'idleTimeout');
      assert.equal(error?.partialText, 'x y ');
      assert.ok(performance.now() - started < 1000);
      assert.equal((await local.server().ended(local.server().requests[0])).outcome, 'clientDisconnected');
    });

    it('the idle timeout also covers the wait for the response headers', async () => {
      local.server().enqueue(textResponse('never', { headersDelayMs: 5000 }));
      const { error } = await collect(client({ idleTimeoutMs: 100, httpVersion: 'http2' }).stream(REQUEST));
      assert.equal(error?.kind, 'idleTimeout');
      assert.equal(error?.partialText, '');
    });

    it('a slow consumer does not count as idle time', async () => {
      local.server().enqueue(textResponse('a b c', { chunks: 3 }));
      const texts: string[] = [];
      for await (const event of client({ idleTimeoutMs: 50 }).stream(REQUEST)) {
        if (event.type === 'text') texts.push(event.text);
        await delay(80);
      }
      assert.equal(texts.join(''), 'a b c');
    });
  });

  describe('invoke (non-streaming)', () => {
    it('returns the whole answer with usage and stop reason', async () => {
      local.server().enqueue(textResponse('The whole answer.', { promptTokenCount: 13, stopReason: 'length', chunks: 2 }));
      const result = await client().invoke(REQUEST);
      assert.equal(result.text, 'The whole answer.');
      assert.equal(result.stopReason, 'length');
      assert.equal(result.usage.inputTokens, 13);
      assert.ok(result.usage.outputTokens > 0);
      assert.ok(result.latency.totalMs! >= 0);
      assert.equal(local.server().requests[0].operation, 'invoke');
    });

    it('maps errors the same way', async () => {
      local.server().enqueue(httpError('AccessDeniedException'));
      await assert.rejects(client().invoke(REQUEST), (err: unknown) => err instanceof BedrockLlamaError && err.kind === 'accessDenied');
    });

    it('honours abort', async () => {
      local.server().enqueue(textResponse('slow', { firstByteDelayMs: 2000 }));
      const controller = new AbortController();
      const pending = client({ httpVersion: 'http2' }).invoke(REQUEST, controller.signal);
      await local.server().nthRequest(0);
      controller.abort();
      await assert.rejects(pending, (err: unknown) => err instanceof BedrockLlamaError && err.kind === 'aborted');
      assert.equal((await local.server().ended(local.server().requests[0])).outcome, 'clientDisconnected');
    });
  });

  it('fails with aborted after dispose()', async () => {
    const c = client();
    c.dispose();
    const { error } = await collect(c.stream(REQUEST));
    assert.equal(error?.kind, 'aborted');
  });
});

describe('chunkDecoder', () => {
  it('decodes one chunk', () => {
    assert.deepEqual(decodeChunk(bytes({ generation: 'Hé', prompt_token_count: 3, generation_token_count: 1, stop_reason: null })), {
      generation: 'Hé', prompt_token_count: 3, generation_token_count: 1, stop_reason: null,
    });
  });

  it('accumulates text, running counts and the stop reason; metrics win', () => {
    const acc = new ChunkAccumulator();
    assert.equal(acc.pushBytes(bytes({ generation: 'Hello', prompt_token_count: 10, generation_token_count: 1, stop_reason: null, p: 'abc' })), 'Hello');
    assert.deepEqual(acc.summary().usage, { inputTokens: 10, outputTokens: 1 });
    assert.equal(acc.summary().stopReason, undefined);
    assert.equal(acc.pushBytes(bytes({ generation: ' world', prompt_token_count: null, generation_token_count: 2, stop_reason: null })), ' world');
    assert.equal(acc.pushBytes(bytes({
      generation: '', prompt_token_count: null, generation_token_count: 3, stop_reason: 'stop',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 11, outputTokenCount: 4, invocationLatency: 900, firstByteLatency: 120 },
    })), '');
    assert.equal(acc.text, 'Hello world');
    const summary = acc.summary();
    assert.equal(summary.stopReason, 'stop');
    assert.deepEqual(summary.usage, { inputTokens: 11, outputTokens: 4 });
    assert.equal(summary.bedrockFirstByteMs, 120);
    assert.equal(summary.bedrockInvocationMs, 900);
  });

  it("keeps an unknown stop reason raw and reports 'length' as is", () => {
    const acc = new ChunkAccumulator();
    acc.push({ generation: 'x', stop_reason: 'content_filtered' });
    assert.equal(acc.summary().stopReason, undefined);
    assert.equal(acc.summary().rawStopReason, 'content_filtered');
    acc.push({ stop_reason: 'length' });
    assert.equal(acc.summary().stopReason, 'length');
  });

  it('reads a whole InvokeModel response body the same way', () => {
    const acc = new ChunkAccumulator();
    acc.pushBytes(bytes({ generation: 'All of it', prompt_token_count: 5, generation_token_count: 3, stop_reason: 'length' }));
    assert.deepEqual(acc.summary().usage, { inputTokens: 5, outputTokens: 3 });
    assert.equal(acc.text, 'All of it');
  });

  it('refuses a chunk that is not JSON, not an object, or has fields of the wrong type', () => {
    const bad = ['{"generation":', '[1,2]', '"text"', 'null',
      JSON.stringify({ generation: 42 }), JSON.stringify({ generation: { text: 'x' } }), JSON.stringify({ stop_reason: 1 }),
      JSON.stringify({ generation_token_count: -1 }), JSON.stringify({ prompt_token_count: 'many' }),
      JSON.stringify({ 'amazon-bedrock-invocationMetrics': 'x' }), JSON.stringify({ 'amazon-bedrock-invocationMetrics': { inputTokenCount: 'x' } })];
    for (const text of bad) assert.throws(() => decodeChunk(new TextEncoder().encode(text)), MalformedChunkError, text);
    assert.deepEqual(decodeChunk(bytes({ generation: null, stop_reason: null, extra: true })), { generation: null, stop_reason: null, extra: true });
  });
});

describe('toBedrockLlamaError', () => {
  const ctx = { modelId: 'meta.llama3-2-3b-instruct-v1:0', region: 'eu-west-1', profile: 'dev', partialText: 'so far' };
  const named = (name: string, message: string, extra: object = {}): Error => Object.assign(new Error(message), { name, ...extra });

  it('maps an expired SSO session to ssoExpired with the login command', () => {
    const err = toBedrockLlamaError(named('CredentialsProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.'), ctx);
    assert.equal(err.kind, 'ssoExpired');
    assert.match(err.userMessage, /aws sso login --profile dev/);
    assert.equal(err.partialText, 'so far');
  });

  it('maps missing credentials to noCredentials', () => {
    assert.equal(toBedrockLlamaError(named('CredentialsProviderError', 'Could not load credentials from any providers'), ctx).kind, 'noCredentials');
    assert.equal(toBedrockLlamaError(new Error('Could not load credentials from any providers'), ctx).kind, 'noCredentials');
    assert.equal(toBedrockLlamaError(named('TokenProviderError', 'Token is expired. To refresh this SSO session run aws sso login'), ctx).kind, 'ssoExpired');
  });

  it('maps Node network errors to network', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT']) {
      const err = toBedrockLlamaError(Object.assign(new Error(`connect ${code}`), { code }), ctx);
      assert.equal(err.kind, 'network', code);
      assert.equal(err.retryable, true);
    }
    assert.equal(toBedrockLlamaError(new Error('socket hang up'), ctx).kind, 'network');
    assert.equal(toBedrockLlamaError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), ctx).kind, 'network');
  });

  it('maps AbortError to aborted', () => {
    assert.equal(toBedrockLlamaError(named('AbortError', 'Request aborted'), ctx).kind, 'aborted');
  });

  it('suggests the regional inference profile', () => {
    const err = toBedrockLlamaError(named('ValidationException', 'Invocation of model ID meta.llama3-2-3b-instruct-v1:0 with on-demand throughput isn’t supported.', { $metadata: { httpStatusCode: 400 } }), ctx);
    assert.equal(err.kind, 'needsInferenceProfile');
    assert.match(err.userMessage, /eu\.meta\.llama3-2-3b-instruct-v1:0/);
  });

  it('falls back on the HTTP status and fault for unknown names', () => {
    assert.equal(toBedrockLlamaError(named('SomethingNew', 'x', { $metadata: { httpStatusCode: 429 } }), ctx).kind, 'throttled');
    assert.equal(toBedrockLlamaError(named('SomethingNew', 'x', { $metadata: { httpStatusCode: 502 }, $fault: 'server' }), ctx).kind, 'serverError');
    assert.equal(toBedrockLlamaError('weird', ctx).kind, 'unknown');
  });

  it('never puts keys or tokens in the message', () => {
    const err = toBedrockLlamaError(named('Mystery', 'bad AKIAABCDEFGHIJKLMNOP Bearer ABSKsecretsecret123 Credential=AKIAX/20250101/us-east-1'), ctx);
    assert.doesNotMatch(err.userMessage, /AKIAABCD|ABSKsecret|secretsecret|AKIAX/);
    assert.doesNotMatch(err.detail ?? '', /AKIAABCD|ABSKsecret|secretsecret/);
  });
});
