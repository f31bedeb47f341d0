// The local Bedrock server, checked on the wire with plain Node HTTP clients and the
// event-stream codec (the SDK-level tests are in bedrockClient.test.ts).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  BedrockTestServer,
  HTTP_ERROR_STATUS,
  chunkText,
  httpError,
  textResponse,
  type BedrockHttpErrorType,
  type RecordedRequest,
} from '../server/bedrockServer';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const STREAM_PATH = '/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke-with-response-stream';
const BODY = JSON.stringify({ prompt: 'Say hello', temperature: 0.5, top_p: 0.9, max_gen_len: 64 });

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** POSTs over HTTP/1.1 and collects the whole response. */
function post1(url: string, urlPath: string, body = BODY, headers: Record<string, string> = {}): Promise<RawResponse> {
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
    const stream = session.request({ ':method': 'POST', ':path': urlPath, 'content-type': 'application/json' });
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
    await post1(url, `/model/${encodeURIComponent(arn)}/invoke`, BODY, { authorization: 'Bearer abc', 'x-extra': 'yes' });
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
    const req = http.request(new URL(STREAM_PATH, url), { method: 'POST', agent: false });
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
    const stream = session.request({ ':method': 'POST', ':path': STREAM_PATH });
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
    socket.write(`POST ${STREAM_PATH} HTTP/1.1\r\nhost: x\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`);
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

  it('runs standalone and prints its URL', async function () {
    this.timeout(15000);
    const file = path.join(__dirname, '..', 'server', 'bedrockServer.ts');
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', file, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      for await (const data of child.stdout) {
        out += String(data);
        if (out.includes('\n')) break;
      }
      const standaloneUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      assert.ok(standaloneUrl, out);
      const res = await post1(standaloneUrl, '/model/m/invoke');
      assert.match((JSON.parse(res.body.toString()) as { generation: string }).generation, /Say hello/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
