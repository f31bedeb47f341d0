// The local Bedrock server, checked on the wire with plain Node HTTP clients and the
// event-stream codec, and its request checks (signatures, API keys, bodies) with the real
// SDK client (the extension's own SDK-level tests are in bedrockClient.test.ts).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import { BedrockRuntimeClient, InvokeModelCommand, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import {
  BedrockTestServer,
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
import { isVisionModel } from '../server/bodyCheck';
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
