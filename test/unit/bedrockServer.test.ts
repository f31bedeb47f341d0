// The local Bedrock server, checked on the wire with plain Node HTTP clients and the
// event-stream codec, and its request checks (signatures, API keys, bodies) with the real
// SDK client (the extension's own SDK-level tests are in bedrockClient.test.ts).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClientConfig,
  type InvokeModelCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import {
  BedrockTestServer,
  DEFAULT_BLOCKED_MESSAGE,
  GUARDRAIL_NOT_FOUND,
  HTTP_ERROR_STATUS,
  TEST_API_KEYS,
  TEST_CREDENTIALS,
  chunkText,
  httpError,
  textResponse,
  type AwsCredentials,
  type BedrockHttpErrorType,
  type RecordedRequest,
} from '../server/bedrockServer';
import { isLlama4Model, isVisionModel, maxGenLen } from '../server/bodyCheck';
import { INVALID_TOKEN, SIGNATURE_MISMATCH, Sha256 } from '../server/sigv4Check';
import { collect } from './awsSupport';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const STREAM_PATH = '/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke-with-response-stream';
const BODY = JSON.stringify({ prompt: 'Say hello', temperature: 0.5, top_p: 0.9, max_gen_len: 64 });
/** A Bedrock API key the server accepts: the plain wire tests authenticate with it. */
const AUTH = { authorization: `Bearer ${TEST_API_KEYS[0]}` };

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** POSTs over HTTP/1.1 and collects the whole response. */
function post1(url: string, urlPath: string, body = BODY, headers: Record<string, string> = AUTH): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs over HTTP/2 cleartext (prior knowledge) and collects the whole response. */
async function post2(url: string, urlPath: string, body = BODY): Promise<RawResponse> {
  const session = http2.connect(url);
  try {
    const stream = session.request({ ':method': 'POST', ':path': urlPath, 'content-type': 'application/json', ...AUTH });
    stream.end(body);
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return { status: Number(headers[':status']), headers, body: Buffer.concat(parts) };
  } finally {
    session.close();
  }
}

/** Splits an event-stream body into messages by their length prelude. */
function decodeEvents(body: Buffer): Message[] {
  const messages: Message[] = [];
  for (let offset = 0; offset < body.length; ) {
    const length = body.readUInt32BE(offset);
    messages.push(codec.decode(body.subarray(offset, offset + length)));
    offset += length;
  }
  return messages;
}

function headerValues(message: Message): Record<string, unknown> {
  return Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, v.value]));
}

/** The Llama chunk JSON inside a chunk event. */
function chunkJson(message: Message): Record<string, unknown> {
  const { bytes } = JSON.parse(toUtf8(message.body)) as { bytes: string };
  return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as Record<string, unknown>;
}

describe('BedrockTestServer', () => {
  let server: BedrockTestServer;
  let url: string;

  beforeEach(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  afterEach(() => server.stop());

  it('listens on a free port of 127.0.0.1', () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(url).port, '0');
  });

  it('streams chunk events over HTTP/1.1 in Bedrock framing', async () => {
    server.enqueue({
      type: 'response',
      chunks: ['Hello', ' there', '!'],
      promptTokenCount: 12,
      stopReason: 'stop',
      metrics: { invocationLatency: 250 },
      padding: true,
    });
    const res = await post1(url, STREAM_PATH);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.amazon.eventstream');
    assert.equal(res.headers['x-amzn-bedrock-content-type'], 'application/json');
    assert.ok(res.headers['x-amzn-requestid']);

    const events = decodeEvents(res.body);
    assert.equal(events.length, 3);
    for (const event of events) {
      assert.deepEqual(headerValues(event), { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' });
    }
    const chunks = events.map(chunkJson);
    assert.deepEqual(chunks.map((c) => c.generation), ['Hello', ' there', '!']);
    assert.deepEqual(chunks.map((c) => c.prompt_token_count), [12, null, null]);
    assert.deepEqual(chunks.map((c) => c.stop_reason), [null, null, 'stop']);
    const counts = chunks.map((c) => c.generation_token_count as number);
    assert.ok(counts[0] > 0 && counts[0] < counts[1] && counts[1] < counts[2], 'running generation_token_count');
    assert.ok(chunks.every((c) => typeof c.p === 'string'), 'padding field p');
    assert.equal(chunks[0]['amazon-bedrock-invocationMetrics'], undefined);
    const metrics = chunks[2]['amazon-bedrock-invocationMetrics'] as Record<string, number>;
    assert.equal(metrics.inputTokenCount, 12);
    assert.equal(metrics.outputTokenCount, counts[2]);
    assert.equal(metrics.invocationLatency, 250);
    assert.equal(typeof metrics.firstByteLatency, 'number');
  });

  it('speaks HTTP/2 cleartext on the same port', async () => {
    server.enqueue(textResponse('one two three', { chunks: 3 }));
    const res = await post2(url, STREAM_PATH);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.amazon.eventstream');
    assert.deepEqual(decodeEvents(res.body).map((e) => chunkJson(e).generation), ['one ', 'two ', 'three']);
    assert.equal(server.requests[0].httpVersion, '2.0');
  });

  it('can put the stop reason on a separate empty final chunk', async () => {
    server.enqueue(textResponse('a b', { separateFinalChunk: true, stopReason: 'length' }));
    const chunks = decodeEvents((await post1(url, STREAM_PATH)).body).map(chunkJson);
    assert.deepEqual(chunks.map((c) => c.generation), ['a ', 'b', '']);
    assert.deepEqual(chunks.map((c) => c.stop_reason), [null, null, 'length']);
  });

  it('paces chunks on a fixed clock and records when the first and last went out', async () => {
    const chunks = Array.from({ length: 41 }, (_, i) => `w${i} `);
    server.enqueue({ type: 'response', chunks, chunksPerSecond: 400, chunkDelayMs: 1000 });
    const body = (await post1(url, STREAM_PATH)).body;
    assert.deepEqual(decodeEvents(body).map(chunkJson).map((c) => c.generation), chunks);
    const [record] = server.requests;
    assert.ok(record.firstChunkAt !== undefined && record.lastChunkAt !== undefined);
    // Never ahead of the schedule (40 intervals of 2.5 ms), and chunkDelayMs is ignored.
    const span = record.lastChunkAt - record.firstChunkAt;
    assert.ok(span >= 99 && span < 5000, `40 paced intervals took ${span.toFixed(1)} ms`);
  });

  it('logs path, decoded model id, body, headers, auth scheme and HTTP version', async () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0';
    const seen: RecordedRequest[] = [];
    server.on('request', (r) => seen.push(r));
    server.enqueue(textResponse('ok'));
    await post1(url, `/model/${encodeURIComponent(arn)}/invoke`, BODY, { ...AUTH, 'x-extra': 'yes' });
    const [record] = server.requests;
    assert.equal(seen[0], record);
    assert.equal(record.operation, 'invoke');
    assert.equal(record.modelId, arn);
    assert.equal(record.rawModelId, encodeURIComponent(arn));
    assert.equal(record.path, `/model/${encodeURIComponent(arn)}/invoke`);
    assert.deepEqual(record.body, JSON.parse(BODY));
    assert.equal(record.authScheme, 'Bearer');
    assert.equal(record.headers['x-extra'], 'yes');
    assert.equal(record.httpVersion, '1.1');
    assert.equal((await server.ended(record)).outcome, 'completed');
  });

  it('answers InvokeModel with one JSON body', async () => {
    server.enqueue(textResponse('Whole answer here', { promptTokenCount: 5, stopReason: 'length' }));
    const res = await post1(url, '/model/meta.llama3-8b-instruct-v1%3A0/invoke');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const json = JSON.parse(res.body.toString()) as Record<string, unknown>;
    assert.equal(json.generation, 'Whole answer here');
    assert.equal(json.prompt_token_count, 5);
    assert.equal(json.stop_reason, 'length');
    assert.equal(res.headers['x-amzn-bedrock-input-token-count'], '5');
  });

  it('returns every Bedrock HTTP error with status, x-amzn-errortype and message', async () => {
    for (const [type, status] of Object.entries(HTTP_ERROR_STATUS)) {
      server.enqueue(httpError(type as BedrockHttpErrorType, `scripted ${type}`));
      const res = await post1(url, STREAM_PATH);
      assert.equal(res.status, status, type);
      assert.equal(res.headers['x-amzn-errortype'], type);
      assert.deepEqual(JSON.parse(res.body.toString()), { message: `scripted ${type}` });
    }
  });

  it('sends a modeled exception event after N chunks', async () => {
    server.enqueue(textResponse('a b c d', { fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException', message: 'model broke' } }));
    const events = decodeEvents((await post1(url, STREAM_PATH)).body);
    assert.equal(events.length, 3);
    assert.deepEqual(events.slice(0, 2).map((e) => chunkJson(e).generation), ['a ', 'b ']);
    assert.deepEqual(headerValues(events[2]), { ':exception-type': 'modelStreamErrorException', ':content-type': 'application/json', ':message-type': 'exception' });
    assert.deepEqual(JSON.parse(toUtf8(events[2].body)), { message: 'model broke' });
  });

  it('stalls after N chunks until the client goes away, and notices it', async () => {
    server.enqueue(textResponse('a b c', { fault: { type: 'stall', afterChunks: 1 } }));
    const ended: RecordedRequest[] = [];
    server.on('requestEnd', (r) => ended.push(r));
    const req = http.request(new URL(STREAM_PATH, url), { method: 'POST', headers: AUTH, agent: false });
    req.on('error', () => undefined);
    req.end(BODY);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    res.on('error', () => undefined);
    await once(res, 'data');
    const record = await server.nthRequest(0);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(record.outcome, 'pending');
    assert.equal(record.chunksSent, 1);
    req.destroy();
    await server.ended(record);
    assert.equal(record.outcome, 'clientDisconnected');
    assert.equal(record.clientDisconnected, true);
    assert.deepEqual(ended, [record]);
  });

  it('notices an HTTP/2 client cancelling its stream', async () => {
    server.enqueue(textResponse('a b c d e', { chunkDelayMs: 20 }));
    const session = http2.connect(url);
    const stream = session.request({ ':method': 'POST', ':path': STREAM_PATH, ...AUTH });
    stream.end(BODY);
    await once(stream, 'data');
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const record = await server.ended(await server.nthRequest(0));
    session.close();
    assert.equal(record.outcome, 'clientDisconnected');
    assert.ok(record.chunksSent < 5);
  });

  it('drops the connection after N chunks', async () => {
    server.enqueue(textResponse('a b c', { fault: { type: 'drop', afterChunks: 2 } }));
    await assert.rejects(post1(url, STREAM_PATH), /aborted|ECONNRESET|socket hang up/);
    const record = await server.ended(server.requests[0]);
    assert.equal(record.outcome, 'dropped');
    assert.equal(record.chunksSent, 2);
    assert.equal(record.clientDisconnected, false);
  });

  it('answers from the queue, then the handler, then the default echo', async () => {
    server.enqueue(textResponse('queued'));
    server.setHandler((r) => textResponse(`handled ${r.modelId}`));
    const first = decodeEvents((await post1(url, STREAM_PATH)).body).map((e) => chunkJson(e).generation).join('');
    const second = decodeEvents((await post1(url, STREAM_PATH)).body).map((e) => chunkJson(e).generation).join('');
    assert.equal(first, 'queued');
    assert.equal(second, 'handled us.meta.llama3-3-70b-instruct-v1:0');
    server.setHandler(undefined);
    const echo = JSON.parse((await post1(url, '/model/m/invoke', JSON.stringify({ prompt: '<|begin_of_text|>what is up<|eot_id|>' }))).body.toString()) as { generation: string };
    assert.match(echo.generation, /You said: what is up/);
  });

  it('answers unknown routes with 404', async () => {
    const res = await post1(url, '/model/m/converse');
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-amzn-errortype'], 'UnknownOperationException');
  });

  it('stop() closes open connections and ends stalled responses', async () => {
    server.enqueue(textResponse('a', { fault: { type: 'stall', afterChunks: 0 } }));
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume(); // 'close' only comes once the data is read
    socket.write(`POST ${STREAM_PATH} HTTP/1.1\r\nhost: x\r\nauthorization: ${AUTH.authorization}\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`);
    const record = await server.nthRequest(0);
    await server.stop();
    if (!socket.destroyed) await once(socket, 'close');
    assert.equal(record.outcome, 'serverStopped');
  });

  it('chunkText splits at whitespace and joins back', () => {
    const text = 'The quick  brown fox\njumps over the lazy dog';
    for (const n of [1, 2, 3, 5, 100]) {
      const pieces = chunkText(text, n);
      assert.equal(pieces.join(''), text);
      assert.equal(pieces.length, Math.min(n, 9));
    }
    assert.deepEqual(chunkText('', 3), ['']);
  });

  it('runs standalone, prints its URL and takes the identities it accepts as flags', async function () {
    this.timeout(15000);
    const file = path.join(__dirname, '..', 'server', 'bedrockServer.ts');
    const flags = ['--access-key', 'AKIDCLI:cli-secret:cli:token', '--api-key', 'ABSKcommandline0123'];
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', file, '--port', '0', '--quiet', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      for await (const data of child.stdout) {
        out += String(data);
        if (out.includes('\n')) break;
      }
      const standaloneUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      assert.ok(standaloneUrl, out);
      const res = await post1(standaloneUrl, '/model/m/invoke', BODY, { authorization: 'Bearer ABSKcommandline0123' });
      assert.match((JSON.parse(res.body.toString()) as { generation: string }).generation, /Say hello/);
      assert.equal((await post1(standaloneUrl, '/model/m/invoke')).status, 403, 'the flag replaced the default keys');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('BedrockTestServer checks requests as Bedrock does', () => {
  const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
  const INVOKE_PATH = `/model/${encodeURIComponent(MODEL)}/invoke`;
  const [KEYS] = TEST_CREDENTIALS; // AKIDTEST, what most tests sign with
  const clients: BedrockRuntimeClient[] = [];
  let server: BedrockTestServer;
  let url: string;

  beforeEach(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.stop();
  });

  /** The real SDK client on the local server; HTTP/2 (the SDK's default) unless `http1`. */
  function sdk(config: Partial<BedrockRuntimeClientConfig> = {}, http1 = true): BedrockRuntimeClient {
    const c = new BedrockRuntimeClient({
      region: 'us-west-2', endpoint: url, credentials: KEYS, maxAttempts: 1, authSchemePreference: ['sigv4'],
      ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
      ...config,
    });
    clients.push(c);
    return c;
  }

  interface Outcome {
    status: number | undefined;
    name?: string;
    message?: string;
  }

  /** InvokeModel; the SDK's error name and HTTP status when it fails. */
  async function invoke(client: BedrockRuntimeClient, body: unknown = JSON.parse(BODY), modelId = MODEL): Promise<Outcome> {
    try {
      const out = await client.send(new InvokeModelCommand({ modelId, contentType: 'application/json', body: JSON.stringify(body) }));
      return { status: out.$metadata.httpStatusCode };
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      return { status: e.$metadata?.httpStatusCode, name: e.name, message: e.message };
    }
  }

  /** SigV4 headers for a raw POST of `body` (what the SDK would send, minus its extras). */
  async function signedHeaders(body: string, o: { credentials?: AwsCredentials; service?: string; extra?: Record<string, string> } = {}): Promise<Record<string, string>> {
    const signer = new SignatureV4({ credentials: o.credentials ?? KEYS, region: 'us-west-2', service: o.service ?? 'bedrock', sha256: Sha256, applyChecksum: false });
    const { host, hostname } = new URL(url);
    const request = await signer.sign({
      method: 'POST', protocol: 'http:', hostname, path: INVOKE_PATH, query: {}, body,
      headers: { host, 'content-type': 'application/json', ...o.extra },
    });
    return request.headers;
  }

  function errorOf(res: RawResponse): { type: unknown; message: unknown } {
    return { type: res.headers['x-amzn-errortype'], message: (JSON.parse(res.body.toString()) as { message: unknown }).message };
  }

  for (const http1 of [true, false]) {
    it(`accepts a good SigV4 signature over ${http1 ? 'HTTP/1.1' : 'HTTP/2'}, with and without a session token`, async () => {
      server.enqueue(textResponse('signed'), textResponse('with a token'));
      assert.deepEqual(await invoke(sdk({}, http1)), { status: 200 });
      const temporary = TEST_CREDENTIALS.find((c) => c.sessionToken)!;
      assert.deepEqual(await invoke(sdk({ credentials: temporary }, http1)), { status: 200 });
      const [plain, withToken] = server.requests;
      assert.equal(plain.httpVersion, http1 ? '1.1' : '2.0');
      assert.match(plain.headers.authorization, http1 ? /SignedHeaders=[^,]*\bhost\b/ : /SignedHeaders=:authority;/);
      assert.equal(withToken.headers['x-amz-security-token'], temporary.sessionToken);
    });
  }

  it('refuses a wrong secret with 403 InvalidSignatureException, before any script runs', async () => {
    server.enqueue(textResponse('never sent'));
    const out = await invoke(sdk({ credentials: { ...KEYS, secretAccessKey: 'not-the-secret' } }));
    assert.deepEqual(out, { status: 403, name: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });
    assert.equal(server.pendingScripts, 1);
    assert.equal(server.requests[0].script?.type, 'httpError');
  });

  it('refuses an unknown access key, and a missing or wrong session token, with 403 UnrecognizedClientException', async () => {
    const unknown = { status: 403, name: 'UnrecognizedClientException', message: INVALID_TOKEN };
    assert.deepEqual(await invoke(sdk({ credentials: { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'secret' } })), unknown);
    const temporary = TEST_CREDENTIALS.find((c) => c.sessionToken)!;
    assert.deepEqual(await invoke(sdk({ credentials: { ...temporary, sessionToken: undefined } })), unknown);
    assert.deepEqual(await invoke(sdk({ credentials: { ...temporary, sessionToken: 'stolen-token' } })), unknown);
    assert.deepEqual(await invoke(sdk({ credentials: { ...KEYS, sessionToken: 'unexpected' } })), unknown);
  });

  it('refuses a signature more than 5 minutes off the clock, either way', async () => {
    const late = await invoke(sdk({ systemClockOffset: -6 * 60_000 }));
    assert.equal(late.status, 403);
    assert.equal(late.name, 'InvalidSignatureException');
    assert.match(late.message!, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const early = await invoke(sdk({ systemClockOffset: 6 * 60_000 }));
    assert.equal(early.name, 'InvalidSignatureException');
    assert.match(early.message!, /^Signature not yet current: .* is still later than .* \(.* \+ 5 min\.\)$/);
    server.enqueue(textResponse('within the window'));
    assert.deepEqual(await invoke(sdk({ systemClockOffset: -4 * 60_000 })), { status: 200 });
  });

  it("sends a Date header the SDK corrects its clock from, so its retry passes", async () => {
    server.enqueue(textResponse('second try'));
    assert.deepEqual(await invoke(sdk({ systemClockOffset: -60 * 60_000, maxAttempts: 2 })), { status: 200 });
    assert.deepEqual(server.requests.map((r) => r.script?.type), ['httpError', 'response']);
  });

  it('refuses a body changed after signing (raw HTTP/1.1), and a declared body hash that does not match', async () => {
    const headers = await signedHeaders(BODY);
    server.enqueue(textResponse('the signed body'));
    assert.equal((await post1(url, INVOKE_PATH, BODY, headers)).status, 200, 'the signed request as it was');
    const tampered = await post1(url, INVOKE_PATH, BODY.replace('Say hello', 'Say goodbye'), headers);
    assert.equal(tampered.status, 403);
    assert.deepEqual(errorOf(tampered), { type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });

    const hash = createHash('sha256').update(BODY).digest('hex');
    const declared = await signedHeaders(BODY, { extra: { 'x-amz-content-sha256': hash } });
    assert.deepEqual(errorOf(await post1(url, INVOKE_PATH, `${BODY} `, declared)), {
      type: 'InvalidSignatureException', message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('checks the credential scope: the service, and the region when the server names its regions', async () => {
    const wrongService = await post1(url, INVOKE_PATH, BODY, await signedHeaders(BODY, { service: 'bedrock-runtime' }));
    assert.deepEqual(errorOf(wrongService), { type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'bedrock'. " });
    const oregon = new BedrockTestServer({ regions: ['us-west-2'] });
    try {
      ({ url } = await oregon.start());
      assert.deepEqual(await invoke(sdk({ region: 'eu-west-1' })), {
        status: 403, name: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
      });
      assert.equal((await invoke(sdk())).status, 200);
    } finally {
      await oregon.stop();
    }
  });

  it('answers a request without Authorization with 403 MissingAuthenticationTokenException', async () => {
    const res = await post1(url, INVOKE_PATH, BODY, {});
    assert.equal(res.status, 403);
    assert.deepEqual(errorOf(res), { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('accepts configured API keys and refuses others as Bedrock does (the extension says the key was rejected)', async () => {
    const withKey = (token: string): BedrockRuntimeClient => sdk({ credentials: undefined, token: { token }, authSchemePreference: ['httpBearerAuth'] });
    server.enqueue(textResponse('keyed'));
    assert.deepEqual(await invoke(withKey(TEST_API_KEYS[0])), { status: 200 });
    assert.equal(server.requests[0].authScheme, 'Bearer');
    assert.deepEqual(await invoke(withKey('ABSKrevokedkey0123456789')), {
      status: 403, name: 'AccessDeniedException', message: 'Authentication failed: Please make sure your API Key is valid.',
    });
    assert.deepEqual(await invoke(withKey('not-a-bedrock-key')), {
      status: 403, name: 'AccessDeniedException', message: 'Invalid API Key format: Must start with pre-defined prefix',
    });
    const custom = new BedrockTestServer({ apiKeys: ['ABSKonlythisone'] });
    try {
      ({ url } = await custom.start());
      assert.equal((await invoke(withKey(TEST_API_KEYS[0]))).status, 403, 'the option replaces the defaults');
      const extension = new LlamaBedrockClient({ region: 'us-west-2', endpoint: url, bearerToken: 'ABSKsomeoneelse0123', maxAttempts: 1 });
      const { error } = await collect(extension.stream({ modelId: MODEL, body: JSON.parse(BODY) as never }));
      extension.dispose();
      assert.match(error?.userMessage ?? '', /^Bedrock rejected the API key stored in VS Code/);
    } finally {
      await custom.stop();
    }
  });

  for (const [rule, body, modelId, message] of [
    ['max_gen_len over 2048', { prompt: 'Hi', max_gen_len: 2049 }, MODEL, '#/max_gen_len: 2049 is not less or equal to 2048'],
    ['images for a model without vision', { prompt: 'Hi', images: ['aGVsbG8='] }, MODEL, '#: extraneous key [images] is not permitted'],
    ['a missing prompt', { max_gen_len: 64 }, MODEL, '#: required key [prompt] not found'],
    ['an empty prompt', { prompt: '' }, MODEL, '#/prompt: expected minLength: 1, actual: 0'],
    ['max_gen_len not an integer', { prompt: 'Hi', max_gen_len: 1.5 }, MODEL, '#/max_gen_len: expected type: Integer, found: BigDecimal'],
    ['temperature over 1', { prompt: 'Hi', temperature: 1.5 }, MODEL, '#/temperature: 1.5 is not less or equal to 1'],
    ['top_p as a string', { prompt: 'Hi', top_p: '0.9' }, MODEL, '#/top_p: expected type: Number, found: String'],
    ['an unknown field', { prompt: 'Hi', stop: ['\n'] }, MODEL, '#: extraneous key [stop] is not permitted'],
    ['images as a string', { prompt: 'Hi', images: 'aGVsbG8=' }, 'us.meta.llama3-2-11b-instruct-v1:0', '#/images: expected type: JSONArray, found: String'],
    ['a data: URL as an image', { prompt: 'Hi', images: ['data:image/png;base64,aGVsbG8='] }, 'meta.llama3-2-90b-instruct-v1:0', '#/images/0: string [data:image/png;base64,aG…] is not valid base64'],
    ['several problems', { max_gen_len: 0, temperature: -1 }, MODEL, '#: 3 schema violations found'],
    ['a body that is not an object', ['Hi'], MODEL, '#: expected type: JSONObject, found: JSONArray'],
  ] as const) {
    it(`refuses ${rule} with 400 ValidationException`, async () => {
      server.enqueue(textResponse('never sent'));
      assert.deepEqual(await invoke(sdk(), body, modelId), {
        status: 400, name: 'ValidationException', message: `Malformed input request: ${message}, please reformat your input and try again.`,
      });
      assert.equal(server.pendingScripts, 1);
    });
  }

  it('accepts base64 images for Llama 3.2 11B and 90B Vision, by id, profile id or ARN', async () => {
    const body = { prompt: '<|image|>What is this?', temperature: 0, top_p: 1, max_gen_len: 2048, images: ['aGVsbG8=', 'iVBORw0KGgo='] };
    for (const id of ['us.meta.llama3-2-11b-instruct-v1:0', 'meta.llama3-2-90b-instruct-v1:0']) {
      server.enqueue(textResponse('a picture'));
      assert.deepEqual(await invoke(sdk(), body, id), { status: 200 });
    }
    assert.equal(isVisionModel('arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.meta.llama3-2-90b-instruct-v1:0'), true);
    assert.equal(isVisionModel('meta.llama3-2-11b-instruct-v1:0:128k'), true);
    assert.equal(isVisionModel('meta.llama3-2-3b-instruct-v1:0'), false);
    assert.equal(isVisionModel('arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123'), false);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post1(url, INVOKE_PATH, 'prompt=Hi');
    assert.equal(res.status, 400);
    assert.deepEqual(errorOf(res), { type: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' });
  });
});

describe('BedrockTestServer models and request options, through the real SDK', () => {
  const SCOUT = 'us.meta.llama4-scout-17b-instruct-v1:0';
  const L33 = 'us.meta.llama3-3-70b-instruct-v1:0';
  const L31_70 = 'us.meta.llama3-1-70b-instruct-v1:0';
  const L31_8 = 'meta.llama3-1-8b-instruct-v1:0';
  const [KEYS] = TEST_CREDENTIALS;
  const clients: BedrockRuntimeClient[] = [];
  const servers: BedrockTestServer[] = [];
  let server: BedrockTestServer;

  async function startServer(options: ConstructorParameters<typeof BedrockTestServer>[0] = {}): Promise<BedrockTestServer> {
    const s = new BedrockTestServer({ defaultScript: textResponse('ok'), ...options }); // quicker than the paced echo
    servers.push(s);
    await s.start();
    return s;
  }
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of servers.splice(0)) await s.stop();
  });

  function sdk(on = server): BedrockRuntimeClient {
    const c = new BedrockRuntimeClient({
      region: 'us-west-2', endpoint: on.url, credentials: KEYS, maxAttempts: 1, authSchemePreference: ['sigv4'], requestHandler: new NodeHttpHandler(),
    });
    clients.push(c);
    return c;
  }

  type Options = Omit<InvokeModelCommandInput, 'modelId' | 'body'>;
  const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ prompt: 'Say hello', max_gen_len: 64, ...extra });

  async function invoke(modelId: string, options: Options = {}, on = server) {
    const out = await sdk(on).send(new InvokeModelCommand({ modelId, contentType: 'application/json', body: body(), ...options }));
    return { out, json: JSON.parse(Buffer.from(out.body).toString()) as Record<string, unknown> };
  }

  async function stream(modelId: string, options: Options = {}, on = server) {
    const out = await sdk(on).send(new InvokeModelWithResponseStreamCommand({ modelId, contentType: 'application/json', body: body(), ...options }));
    const chunks: Array<Record<string, unknown>> = [];
    for await (const event of out.body ?? []) {
      if (event.chunk?.bytes) chunks.push(JSON.parse(Buffer.from(event.chunk.bytes).toString()) as Record<string, unknown>);
    }
    return { out, chunks };
  }

  /** The SDK's error name, status and message for a failed call. */
  async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
    try {
      await call;
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } };
      return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
    }
    throw new Error('expected the call to fail');
  }

  it('refuses streaming for Llama 4 in every id form with a ValidationException, while InvokeModel works', async () => {
    const ids = [SCOUT, 'meta.llama4-maverick-17b-instruct-v1:0', `arn:aws:bedrock:us-west-2:123456789012:inference-profile/${SCOUT}`];
    for (const id of ids) {
      server.enqueue(textResponse('never streamed'));
      const refused = await failure(stream(id));
      assert.equal(refused.name, 'ValidationException');
      assert.equal(refused.status, 400);
      assert.equal(refused.message, `The model ${id} does not support streaming. Use InvokeModel instead.`);
      assert.match(refused.message, /does not support streaming/);
      assert.equal(server.pendingScripts, 1, 'refused before any script ran');
      const { json } = await invoke(id);
      assert.equal(json.generation, 'never streamed');
    }
    // Other models stream; the option overrides the rule.
    assert.ok((await stream(L33)).chunks.length > 0);
    const open = await startServer({ streamingRefused: () => false });
    assert.ok((await stream(SCOUT, {}, open)).chunks.length > 0);
  });

  it('takes images and max_gen_len up to 8192 for Llama 4 (2048 for the others)', async () => {
    const images = { images: ['aGVsbG8='] };
    const ok = await sdk().send(new InvokeModelCommand({ modelId: SCOUT, body: body({ ...images, prompt: '<|image|>What is this?', max_gen_len: 8192 }) }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    const tooLong = await failure(sdk().send(new InvokeModelCommand({ modelId: SCOUT, body: body({ max_gen_len: 8193 }) })));
    assert.match(tooLong.message, /#\/max_gen_len: 8193 is not less or equal to 8192/);
    const l33 = await failure(sdk().send(new InvokeModelCommand({ modelId: L33, body: body({ max_gen_len: 4096 }) })));
    assert.match(l33.message, /is not less or equal to 2048/);
    assert.equal(isLlama4Model('arn:aws:bedrock:us-east-1::foundation-model/meta.llama4-maverick-17b-instruct-v1:0'), true);
    assert.equal(isVisionModel('meta.llama4-maverick-17b-instruct-v1:0'), true);
    assert.equal(maxGenLen('meta.llama3-2-90b-instruct-v1:0'), 2048);
  });

  it('records the header-borne options the SDK sends, for both operations', async () => {
    const options: Options = { performanceConfigLatency: 'optimized', guardrailIdentifier: 'gr-test123', guardrailVersion: '1', trace: 'ENABLED', serviceTier: 'priority' };
    await invoke(L33, options);
    await stream(L33, options);
    await invoke(L33);
    const expected = { latency: 'optimized', guardrailId: 'gr-test123', guardrailVersion: '1', trace: 'ENABLED', serviceTier: 'priority' };
    assert.deepEqual(server.requests.map((r) => r.options), [expected, expected, {}]);
    assert.equal(server.requests[0].headers['x-amzn-bedrock-guardrailidentifier'], 'gr-test123');
  });

  it('serves optimized latency only where offered, reports it in the SDK output, and lets a script say "served as standard"', async () => {
    assert.equal((await invoke(L31_70, { performanceConfigLatency: 'optimized' })).out.performanceConfigLatency, 'optimized');
    assert.equal((await stream(L31_70, { performanceConfigLatency: 'optimized' })).out.performanceConfigLatency, 'optimized');
    assert.equal((await invoke(L33, { performanceConfigLatency: 'optimized' })).out.performanceConfigLatency, 'standard');
    assert.equal((await invoke(L31_70, { performanceConfigLatency: 'standard' })).out.performanceConfigLatency, 'standard');
    assert.equal((await invoke(L31_70)).out.performanceConfigLatency, 'standard');
    server.enqueue(textResponse('over quota', { servedLatency: 'standard' }));
    assert.equal((await invoke(L31_70, { performanceConfigLatency: 'optimized' })).out.performanceConfigLatency, 'standard');

    const asked: Array<[string, string | undefined]> = [];
    const regional = await startServer({ latencyOptimized: (id, region) => (asked.push([id, region]), region === 'us-east-2') });
    assert.equal((await invoke(L33, { performanceConfigLatency: 'optimized' }, regional)).out.performanceConfigLatency, 'standard');
    assert.deepEqual(asked, [[L33, 'us-west-2']], 'the region of the signature');

    const bad = await failure(invoke(L31_70, { performanceConfigLatency: 'fast' as never }));
    assert.equal(bad.name, 'ValidationException');
    assert.match(bad.message, /Value 'fast' at 'performanceConfigLatency' failed to satisfy constraint/);
  });

  it('refuses a service tier the model does not offer, and reports the served tier in the SDK output', async () => {
    const refused = await failure(invoke(L31_8, { serviceTier: 'priority' }));
    assert.deepEqual(refused, { name: 'ValidationException', status: 400, message: `The provided service tier 'priority' is not supported for model ${L31_8}.` });
    assert.equal((await invoke(SCOUT, { serviceTier: 'flex' })).out.serviceTier, 'flex');
    assert.equal((await stream(L33, { serviceTier: 'priority' })).out.serviceTier, 'priority');
    assert.equal((await invoke(L31_8, { serviceTier: 'default' })).out.serviceTier, 'default');
    assert.equal((await invoke(L31_8)).out.serviceTier, 'default');
    assert.match((await failure(invoke(SCOUT, { serviceTier: 'reserved' }))).message, /service tier 'reserved'/);
    const custom = await startServer({ serviceTiers: () => ['default', 'reserved'] });
    assert.equal((await invoke(L31_8, { serviceTier: 'reserved' }, custom)).out.serviceTier, 'reserved');
  });

  it('refuses an unknown guardrail identifier or version, and accepts a known one by id or ARN', async () => {
    const notFound = { name: 'ValidationException', status: 400, message: GUARDRAIL_NOT_FOUND };
    assert.deepEqual(await failure(invoke(L33, { guardrailIdentifier: 'gr-nope', guardrailVersion: '1' })), notFound);
    assert.deepEqual(await failure(invoke(L33, { guardrailIdentifier: 'gr-test123', guardrailVersion: '7' })), notFound);
    assert.deepEqual(await failure(invoke(L33, { guardrailIdentifier: 'gr-test123' })), notFound);
    assert.match(GUARDRAIL_NOT_FOUND, /guardrail/);
    const { json } = await invoke(L33, { guardrailIdentifier: 'arn:aws:bedrock:us-west-2:123456789012:guardrail/gr-test123', guardrailVersion: 'DRAFT' });
    assert.equal(json['amazon-bedrock-guardrailAction'], 'NONE');
    const own = await startServer({ guardrails: { 'gr-mine': ['3'] } });
    assert.equal((await invoke(L33, { guardrailIdentifier: 'gr-mine', guardrailVersion: '3' }, own)).out.$metadata.httpStatusCode, 200);
    assert.deepEqual(await failure(invoke(L33, { guardrailIdentifier: 'gr-test123', guardrailVersion: '1' }, own)), notFound);
  });

  it('marks an InvokeModel answer a guardrail blocked, with the trace only when tracing is on', async () => {
    const guardrail = { guardrailIdentifier: 'gr-test123', guardrailVersion: 'DRAFT' };
    const trace = { input: { 'gr-test123': { topicPolicy: { topics: [{ name: 'Secrets', type: 'DENY', action: 'BLOCKED' }] } } } };
    server.enqueue(
      textResponse('the model said this', { guardrail: { action: 'INTERVENED' } }),
      textResponse('the model said this', { guardrail: { action: 'INTERVENED', message: 'Blocked by policy.', trace } }),
      textResponse('fine answer'),
    );
    const plain = (await invoke(L33, guardrail)).json;
    assert.equal(plain.generation, DEFAULT_BLOCKED_MESSAGE);
    assert.equal(plain['amazon-bedrock-guardrailAction'], 'INTERVENED');
    assert.equal('amazon-bedrock-trace' in plain, false);
    const traced = (await invoke(L33, { ...guardrail, trace: 'ENABLED' })).json;
    assert.equal(traced.generation, 'Blocked by policy.');
    assert.deepEqual(traced['amazon-bedrock-trace'], { guardrail: trace });
    const passed = (await invoke(L33, { ...guardrail, trace: 'ENABLED' })).json;
    assert.equal(passed.generation, 'fine answer');
    assert.equal(passed['amazon-bedrock-guardrailAction'], 'NONE');
    assert.equal('amazon-bedrock-guardrailAction' in (await invoke(L33)).json, false, 'no guardrail, no field');
  });

  it('marks the chunks of a blocked stream: every chunk with text and the last; the trace on the last when tracing is on', async () => {
    const guardrail = { guardrailIdentifier: 'gr-test123', guardrailVersion: '1' };
    server.enqueue(
      textResponse('a b c', { guardrail: { action: 'INTERVENED', message: 'No.' }, separateFinalChunk: true }),
      textResponse('a b c', { guardrail: { action: 'INTERVENED', message: 'No.' }, separateFinalChunk: true }),
      textResponse('one two three'),
    );
    const plain = (await stream(L33, guardrail)).chunks;
    assert.deepEqual(plain.map((c) => [c.generation, c['amazon-bedrock-guardrailAction'], 'amazon-bedrock-trace' in c]), [['No.', 'INTERVENED', false], ['', 'INTERVENED', false]]);
    const traced = (await stream(L33, { ...guardrail, trace: 'ENABLED_FULL' })).chunks;
    assert.equal('amazon-bedrock-trace' in traced[0], false);
    assert.equal(traced[1]['amazon-bedrock-guardrailAction'], 'INTERVENED');
    assert.deepEqual(Object.keys((traced[1]['amazon-bedrock-trace'] as { guardrail: object }).guardrail), ['input']);
    const passed = (await stream(L33, guardrail)).chunks;
    assert.equal(passed.map((c) => c.generation).join(''), 'one two three');
    assert.deepEqual(passed.map((c) => c['amazon-bedrock-guardrailAction']), [undefined, undefined, 'NONE']);
  });

  it('takes the new script fields from a standalone --script-file', async function () {
    this.timeout(15000);
    const dir = mkdtempSync(path.join(tmpdir(), 'bedrock-scripts-'));
    const scripts = path.join(dir, 'scripts.json');
    writeFileSync(scripts, JSON.stringify([{ type: 'response', chunks: ['secret'], servedLatency: 'standard', guardrail: { action: 'INTERVENED', message: 'Blocked.' } }]));
    const file = path.join(__dirname, '..', 'server', 'bedrockServer.ts');
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', file, '--port', '0', '--quiet', '--script-file', scripts], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      for await (const data of child.stdout) {
        out += String(data);
        if (out.includes('\n')) break;
      }
      const standaloneUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      assert.ok(standaloneUrl, out);
      const headers = { ...AUTH, 'x-amzn-bedrock-performanceconfig-latency': 'optimized', 'x-amzn-bedrock-guardrailidentifier': 'gr-test123', 'x-amzn-bedrock-guardrailversion': '1' };
      const res = await post1(standaloneUrl, `/model/${encodeURIComponent(L31_70)}/invoke`, BODY, headers);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-amzn-bedrock-performanceconfig-latency'], 'standard');
      const json = JSON.parse(res.body.toString()) as Record<string, unknown>;
      assert.equal(json.generation, 'Blocked.');
      assert.equal(json['amazon-bedrock-guardrailAction'], 'INTERVENED');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
