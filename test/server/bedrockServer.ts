// A local stand-in for the Bedrock runtime, for tests, integration runs and benchmarks.
//
// It speaks the real wire protocol (see /work/shared/docs/bedrock.md) so the real
// `BedrockRuntimeClient` can talk to it: HTTP/1.1 and HTTP/2 cleartext (prior knowledge)
// on one port, `POST /model/{modelId}/invoke` and `/invoke-with-response-stream`, AWS
// event-stream framing encoded by `@smithy/eventstream-codec`, and Bedrock's error shapes.
// What each request gets is scripted (`enqueue`, `setHandler`); every request is logged.
//
//   const server = new BedrockTestServer();
//   const { url } = await server.start();
//   server.enqueue(textResponse('Hello there', { chunks: 3, chunkDelayMs: 5 }));
//   ... point the client's `endpoint` at `url` ...
//   const [request] = server.requests;          // what arrived
//   await server.ended(request);                 // until the response is over
//   await server.stop();
//
// Requests are checked as Bedrock checks them before anything is scripted: SigV4 signatures
// (test/server/sigv4Check.ts) or Bedrock API keys against the accepted identities, then the
// route, then the Llama body (test/server/bodyCheck.ts), each refused with AWS's error.
// The defaults accept the throwaway keys the tests, scripts and benches use (authCheck.ts).
//
// Models and request options, as Bedrock treats them (defaults overridable per server):
// Llama 4 refuses the streaming operation (`streamingRefused`); the SDK's header-borne inputs
// (latency, guardrail, trace, service tier) are recorded in `RecordedRequest.options` and
// checked (`serviceTiers`, `guardrails`); the served latency and tier come back as response
// headers (`latencyOptimized`, `ResponseScript.servedLatency`); a script's `guardrail`
// intervention replaces the answer and marks the body or chunks as Bedrock does.
//
// Standalone: `npx tsx test/server/bedrockServer.ts --port 0 [--script-file scripts.json]
//   [--access-key ID:SECRET[:TOKEN]]... [--api-key KEY]... [--region REGION]...`

import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { checkAuth, TEST_API_KEYS, TEST_CREDENTIALS, type AuthPolicy } from './authCheck';
import { BatchJobs, batchOperation, type BatchJobsOptions, type BatchOperation } from './batchJobs';
import { ControlPlane, controlPlaneOperation, type ControlPlaneData, type ControlPlaneOperation } from './controlPlane';
import { checkLlamaBody } from './bodyCheck';
import { RateLimit, type RateLimitOptions } from './rateLimit';
import type { AwsCredentials } from './sigv4Check';

export { TEST_API_KEYS, TEST_CREDENTIALS } from './authCheck';
export type { AwsCredentials } from './sigv4Check';

// ---------------------------------------------------------------------------------------
// Scripts: what the server answers

/** Error types Bedrock returns as HTTP errors, with their status codes. */
export const HTTP_ERROR_STATUS = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ModelErrorException: 424,
  ServiceQuotaExceededException: 400,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
  ExpiredTokenException: 403,
} as const;
export type BedrockHttpErrorType = keyof typeof HTTP_ERROR_STATUS;

/** Modeled exceptions Bedrock can send inside an event stream (`:exception-type`). */
export type StreamExceptionType =
  | 'modelStreamErrorException'
  | 'throttlingException'
  | 'internalServerException'
  | 'serviceUnavailableException'
  | 'validationException'
  | 'modelTimeoutException';

/** Bedrock's `amazon-bedrock-invocationMetrics`, sent in the last chunk. */
export interface InvocationMetrics {
  inputTokenCount: number;
  outputTokenCount: number;
  invocationLatency: number;
  firstByteLatency: number;
}

/** One streamed piece of generated text. */
export interface ChunkSpec {
  text: string;
  /** Wait before sending this chunk (default: the script's `chunkDelayMs`, or `firstByteDelayMs` for the first). */
  delayMs?: number;
  /** Tokens this chunk adds to the running `generation_token_count` (default ≈ text length / 4, at least 1). */
  tokens?: number;
  /** Sent as the chunk's payload instead of the Llama JSON (streaming only): a malformed chunk. */
  raw?: string;
}

/** How a response goes wrong after `afterChunks` text chunks were sent. */
export type StreamFault =
  /** A modeled exception event (`:message-type` exception). Non-streaming: the matching HTTP error. */
  | { type: 'exception'; afterChunks: number; exceptionType: StreamExceptionType; message?: string }
  /** Stop sending and keep the connection open until the client goes away (or `stop()`). */
  | { type: 'stall'; afterChunks: number }
  /**
   * Destroy the connection (TCP socket for HTTP/1.1, the session for HTTP/2) `delayMs`
   * (default 20) after the last chunk: a reset that arrives with unread chunks makes
   * Node discard them, so without the pause the client may never see those chunks.
   */
  | { type: 'drop'; afterChunks: number; delayMs?: number };

/** A (streamed or whole) Llama answer. The same script serves both operations. */
export interface ResponseScript {
  type: 'response';
  chunks: ReadonlyArray<string | ChunkSpec>;
  /** Wait before sending the status line and headers (the SDK's `send()` resolves on headers). */
  headersDelayMs?: number;
  /** Wait after the headers, before the first chunk (default 0). */
  firstByteDelayMs?: number;
  /** Default wait before each chunk after the first (default 0). */
  chunkDelayMs?: number;
  /**
   * Pace the stream on a fixed clock instead: chunk i goes out `i / chunksPerSecond` s after
   * the first (per chunk, whatever its token count), catching up without waiting when timers
   * run late, so the rate holds where 1 ms timers would drift. Overrides `chunkDelayMs`.
   */
  chunksPerSecond?: number;
  /** `prompt_token_count` of the first chunk (default ≈ prompt length / 4). */
  promptTokenCount?: number;
  /** `stop_reason` of the last chunk (default 'stop'; null sends null). */
  stopReason?: 'stop' | 'length' | null;
  /** Overrides of the measured invocation metrics; null leaves them out. */
  metrics?: Partial<InvocationMetrics> | null;
  /** Add a padding field `p` to every chunk, as real responses do. */
  padding?: boolean;
  /** Put `stop_reason` and metrics on an extra chunk with empty `generation` (as the service often does). */
  separateFinalChunk?: boolean;
  fault?: StreamFault;
  /** Latency reported as served (default: optimized when asked for and offered); e.g. 'standard' for "over quota". */
  servedLatency?: 'standard' | 'optimized';
  /** A guardrail blocks the answer: the text becomes `message` (default DEFAULT_BLOCKED_MESSAGE). */
  guardrail?: GuardrailIntervention;
}

/** A scripted guardrail intervention; `trace` is sent as `amazon-bedrock-trace.guardrail` when tracing is on. */
export interface GuardrailIntervention {
  action: 'INTERVENED';
  message?: string;
  trace?: unknown;
  /**
   * Streams only: say `INTERVENED` on the last chunk alone, after the message went out as plain
   * text (the placement on real streams is not documented; clients must cope with both).
   */
  actionOnLastChunkOnly?: boolean;
}

/** An HTTP error response: status, `x-amzn-errortype`, body `{"message": ...}`. */
export interface HttpErrorScript {
  type: 'httpError';
  errorType: BedrockHttpErrorType | (string & {});
  /** Default: HTTP_ERROR_STATUS[errorType], else 500. */
  status?: number;
  message?: string;
  delayMs?: number;
}

export type Script = ResponseScript | HttpErrorScript;

/** Picks the script for a request (it may inspect the logged request). */
export type ScriptHandler = (request: RecordedRequest) => Script | Promise<Script>;

const DEFAULT_ERROR_MESSAGES: Record<BedrockHttpErrorType, string> = {
  ValidationException: 'Malformed input request, please reformat your input and try again.',
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: 'The provided model identifier is invalid.',
  ModelTimeoutException: 'Model has timed out in processing the request.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ModelNotReadyException: 'Model is not ready for inference. Wait and try your request again.',
  ModelErrorException: 'The model encountered an error processing the request.',
  ServiceQuotaExceededException: 'Your request exceeds the service quota for your account.',
  InternalServerException: 'An internal server error occurred. Retry your request.',
  ServiceUnavailableException: 'The service is currently unavailable. Try again later.',
  ExpiredTokenException: 'The security token included in the request is expired',
};

/** Splits `text` into at most `count` pieces at whitespace; joining them gives `text` back. */
export function chunkText(text: string, count: number): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const n = Math.max(1, Math.min(count, words.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(words.slice(Math.floor((i * words.length) / n), Math.floor(((i + 1) * words.length) / n)).join(''));
  }
  return pieces;
}

/** A response script streaming `text` in `chunks` pieces (default: one per word). */
export function textResponse(
  text: string,
  options: Omit<ResponseScript, 'type' | 'chunks'> & { chunks?: number } = {},
): ResponseScript {
  const { chunks = Number.MAX_SAFE_INTEGER, ...rest } = options;
  return { type: 'response', chunks: chunkText(text, chunks), ...rest };
}

/** An HTTP error script with Bedrock's status and a default message for known types. */
export function httpError(errorType: BedrockHttpErrorType | (string & {}), message?: string): HttpErrorScript {
  return { type: 'httpError', errorType, message };
}

// ---------------------------------------------------------------------------------------
// The request log

export type Operation = 'invoke' | 'invoke-with-response-stream' | ControlPlaneOperation | BatchOperation;

/** How a response ended. */
export type RequestOutcome =
  | 'pending' // still being answered
  | 'completed' // the whole scripted response was sent (including errors and exception events)
  | 'dropped' // the server destroyed the connection as scripted
  | 'clientDisconnected' // the client went away before the response was over
  | 'serverStopped'; // `stop()` ended it (e.g. a stall nobody cancelled)

export interface RecordedRequest {
  readonly id: number;
  readonly method: string;
  /** The raw (percent-encoded) request path. */
  readonly path: string;
  readonly operation: Operation | undefined;
  /** The model id as it appeared in the path. */
  readonly rawModelId: string | undefined;
  /** The model id, percent-decoded. */
  readonly modelId: string | undefined;
  readonly httpVersion: '1.1' | '2.0';
  /** The client's TCP port: equal ports mean a reused connection. */
  readonly remotePort: number | undefined;
  /** Lower-cased header names; HTTP/2 pseudo-headers included. */
  readonly headers: Readonly<Record<string, string>>;
  /** The Authorization scheme, e.g. 'AWS4-HMAC-SHA256' or 'Bearer'; undefined without the header. */
  readonly authScheme: string | undefined;
  readonly rawBody: string;
  /** The JSON body, parsed; undefined when it is not JSON. */
  readonly body: unknown;
  /** The SDK inputs that travel as `X-Amzn-Bedrock-*` headers. */
  readonly options: RequestOptions;
  /** `performance.now()` when the request body had arrived. */
  readonly receivedAt: number;
  /** The script that answered it (for a refused request: the error it got). */
  script: Script | undefined;
  outcome: RequestOutcome;
  /** True when the client went away before the response was over. */
  clientDisconnected: boolean;
  /** Text chunk events sent. */
  chunksSent: number;
  /** `performance.now()` when the first and the last text chunk were written. */
  firstChunkAt: number | undefined;
  lastChunkAt: number | undefined;
  endedAt: number | undefined;
}

interface ServerEvents {
  /** A request arrived (body read, not yet answered: a listener may still enqueue its script). */
  request: [RecordedRequest];
  /** A response is over; `outcome` tells how. */
  requestEnd: [RecordedRequest];
}

// ---------------------------------------------------------------------------------------
// The server

export interface BedrockTestServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Answer when the queue is empty and no handler is set (default: a short echo of the prompt). */
  defaultScript?: Script | ScriptHandler;
  /** Called with one line per request and response end (e.g. console.log for standalone use). */
  log?: (line: string) => void;
  /** Access keys whose SigV4 signatures are accepted (default TEST_CREDENTIALS). */
  credentials?: readonly AwsCredentials[];
  /** Bedrock API keys accepted as `Authorization: Bearer <key>` (default TEST_API_KEYS). */
  apiKeys?: readonly string[];
  /** Regions a signature's scope may name (default: any region id; one server stands in for every regional endpoint). */
  regions?: readonly string[];
  /** The control plane's data (test/server/controlPlane.ts), over the us-west-2 defaults. */
  controlPlane?: Partial<ControlPlaneData>;
  /** Batch inference jobs (test/server/batchJobs.ts): the S3 server they use and their data. */
  batch?: BatchJobsOptions;
  /** Models whose InvokeModelWithResponseStream is refused (default: ids containing `llama4`, as AWS documents). */
  streamingRefused?: (modelId: string) => boolean;
  /** Where `optimized` latency is served (default: Llama 3.1 70B and 405B ids, any region). */
  latencyOptimized?: (modelId: string, region: string | undefined) => boolean;
  /** Service tiers a model accepts (default: default/flex/priority for Llama 4 and 3.3, else default only). */
  serviceTiers?: (modelId: string) => readonly string[];
  /** Guardrail identifier → accepted versions (default `{ 'gr-test123': ['DRAFT', '1'] }`). */
  guardrails?: Readonly<Record<string, readonly string[]>>;
  /** A request-rate limit (test/server/rateLimit.ts): runtime requests over it get 429 ThrottlingException. Default: none. */
  rateLimit?: RateLimitOptions;
}

// The parts of the HTTP/1.1 and HTTP/2 compatibility APIs the handler uses.
type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const ROUTE = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Per-response state shared by the writers. */
interface Exchange {
  record: RecordedRequest;
  req: AnyRequest;
  res: AnyResponse;
  /** Aborted when the response is over for any reason; cancels waits. */
  closed: AbortController;
  requestId: string;
}

export class BedrockTestServer extends EventEmitter<ServerEvents> {
  /** Every runtime request (invoke, invoke-with-response-stream, refused ones) since start or `reset()`, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /**
   * Model discovery's control-plane calls, apart: discovery runs in the background, and tests
   * that count or index runtime requests must not see its calls interleaved.
   */
  readonly controlPlaneRequests: RecordedRequest[] = [];
  /** Model discovery's calls (ListFoundationModels, …): edit `controlPlane.data`; `reset()` restores it. */
  readonly controlPlane: ControlPlane;
  /** Batch inference jobs (CreateModelInvocationJob, …), logged with the control plane's calls: edit `batchJobs.data`. */
  readonly batchJobs: BatchJobs;

  private readonly host: string;
  private readonly defaultScript: Script | ScriptHandler;
  private readonly log: ((line: string) => void) | undefined;
  private readonly auth: AuthPolicy;
  private readonly models: Required<Pick<BedrockTestServerOptions, 'streamingRefused' | 'latencyOptimized' | 'serviceTiers' | 'guardrails'>>;
  private readonly queue: Script[] = [];
  private handler: ScriptHandler | undefined;
  private readonly rateLimit: RateLimit | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly open = new Set<Exchange>();
  private readonly endWaiters = new Map<RecordedRequest, Array<() => void>>();
  private readonly tcp: net.Server;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private nextId = 1;
  private address: { url: string; port: number } | undefined;

  constructor(options: BedrockTestServerOptions = {}) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.defaultScript = options.defaultScript ?? echoScript;
    this.log = options.log;
    this.auth = { credentials: options.credentials ?? TEST_CREDENTIALS, apiKeys: options.apiKeys ?? TEST_API_KEYS, regions: options.regions };
    this.controlPlane = new ControlPlane(options.controlPlane);
    this.batchJobs = new BatchJobs(options.batch);
    this.rateLimit = options.rateLimit && new RateLimit(options.rateLimit);
    this.models = {
      streamingRefused: options.streamingRefused ?? ((id) => /llama4/.test(id)),
      // Offered through the US cross-region profile only (a profile id or its ARN), as AWS serves it.
      latencyOptimized: options.latencyOptimized ?? ((id) => /^(?:arn:[^/]+:inference-profile\/)?us\.meta\.llama3-1-(?:70|405)b/.test(id)),
      serviceTiers: options.serviceTiers ?? ((id) => (/llama4|llama3-3/.test(id) ? ['default', 'flex', 'priority'] : ['default'])),
      guardrails: options.guardrails ?? DEFAULT_GUARDRAILS,
    };
    const onRequest = (req: AnyRequest, res: AnyResponse): void => void this.handle(req, res);
    this.h1 = http.createServer(onRequest);
    this.h1.keepAliveTimeout = 60_000;
    this.h2 = http2.createServer(onRequest);
    this.h2.on('sessionError', () => undefined); // a client that goes away mid-session is expected
    // No Nagle: http.createServer would set this itself, but it never sees the accept.
    // Without it every second small event write waits ~40 ms for a delayed ACK.
    this.tcp = net.createServer({ noDelay: true }, (socket) => this.route(socket));
  }

  /** Listens on `port` (default 0: a free port chosen now). */
  async start(port = 0): Promise<{ url: string; port: number }> {
    if (this.address) return this.address;
    this.tcp.listen(port, this.host);
    await once(this.tcp, 'listening');
    const actual = (this.tcp.address() as net.AddressInfo).port;
    this.address = { url: `http://${this.host}:${actual}`, port: actual };
    return this.address;
  }

  /** Base URL, e.g. http://127.0.0.1:45123 (after `start`). */
  get url(): string {
    if (!this.address) throw new Error('BedrockTestServer is not started');
    return this.address.url;
  }

  /** Closes the listener and every open connection; pending responses end as 'serverStopped'. */
  async stop(): Promise<void> {
    this.batchJobs.stop();
    for (const exchange of this.open) this.finish(exchange, 'serverStopped');
    for (const socket of this.sockets) socket.destroy();
    if (this.address) {
      this.address = undefined;
      await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    }
  }

  /** Appends scripts; each request takes the first one. */
  enqueue(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  /** Answers requests when the queue is empty; undefined restores the default script. */
  setHandler(handler: ScriptHandler | undefined): this {
    this.handler = handler;
    return this;
  }

  /** Scripts still queued. */
  get pendingScripts(): number {
    return this.queue.length;
  }

  /** Clears the queue, the handler and the request log (between tests). */
  reset(): void {
    this.queue.length = 0;
    this.handler = undefined;
    this.requests.length = 0;
    this.controlPlaneRequests.length = 0;
    this.controlPlane.reset();
    this.batchJobs.reset();
    this.rateLimit?.reset();
  }

  /** Resolves once the response to `record` is over (at once if it already is). */
  ended(record: RecordedRequest): Promise<RecordedRequest> {
    if (record.outcome !== 'pending') return Promise.resolve(record);
    return new Promise((resolve) => {
      const waiters = this.endWaiters.get(record) ?? [];
      waiters.push(() => resolve(record));
      this.endWaiters.set(record, waiters);
    });
  }

  /** Resolves with the `index`-th request (0-based) once it has arrived. */
  async nthRequest(index: number): Promise<RecordedRequest> {
    while (this.requests.length <= index) await once(this, 'request');
    return this.requests[index];
  }

  // Sends a connection to the HTTP/2 or the HTTP/1.1 server by its first bytes.
  private route(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined); // resets by clients are part of the tests
    let head = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      head = Buffer.concat([head, data]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && n < H2_PREFACE.length) return; // wait for the whole preface
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isH2) {
        this.h2.emit('connection', socket); // the session reads the unshifted bytes itself on the next tick
      } else {
        this.h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  private async handle(req: AnyRequest, res: AnyResponse): Promise<void> {
    const raw = await readBody(req).catch(() => undefined);
    if (raw === undefined) return; // the client went away while sending
    const record = this.record(req, raw.toString('utf8'));
    const exchange: Exchange = { record, req, res, closed: new AbortController(), requestId: randomUUID() };
    this.open.add(exchange);
    res.on('close', () => {
      // Closed before the script ended the response: the client went away. ('close' can
      // also fire just before our own finish() after a complete response: writableEnded.)
      if (record.outcome === 'pending' && !res.writableEnded) this.finish(exchange, 'clientDisconnected');
    });
    const control = controlPlaneOperation(record.method, record.path) !== undefined || batchOperation(record.method, record.path) !== undefined;
    (control ? this.controlPlaneRequests : this.requests).push(record);
    this.log?.(`→ #${record.id} HTTP/${record.httpVersion} ${record.method} ${record.operation ?? record.path} ${record.modelId ?? ''} auth=${record.authScheme ?? 'none'}`);
    this.emit('request', record);
    try {
      const refusal = await this.refusal(record, req.url ?? '', raw);
      if (refusal) {
        this.log?.(`! #${record.id} refused: ${refusal.errorType}: ${refusal.message}`);
        record.script = refusal;
        await this.sendError(exchange, refusal);
        return;
      }
      const control = this.controlPlane.answer(record.method, req.url ?? '') ?? (await this.batchJobs.answer(record.method, req.url ?? '', record.rawBody));
      if (control) {
        if ('error' in control) return await this.sendError(exchange, { type: 'httpError', ...control.error });
        await endJson(exchange, control.body);
        return this.finish(exchange, 'completed');
      }
      // Over the rate limit: throttled as Bedrock does, and the scripts stay queued.
      const script = this.rateLimit?.take() === false ? httpError('ThrottlingException') : await this.pickScript(record);
      record.script = script;
      if (script.type === 'httpError') await this.sendError(exchange, script);
      else if (record.operation === 'invoke') await this.sendWhole(exchange, script);
      else await this.sendStream(exchange, script);
    } catch (err) {
      if (!exchange.closed.signal.aborted) {
        this.log?.(`! #${record.id} server error: ${String(err)}`);
        res.destroy();
        this.finish(exchange, 'dropped');
      }
    }
  }

  // What Bedrock refuses before a model sees the request: who sent it, where, and the body.
  private async refusal(record: RecordedRequest, url: string, body: Buffer): Promise<HttpErrorScript | undefined> {
    const denied = await checkAuth({ method: record.method, url, headers: record.headers, body }, this.auth);
    if (denied) return { type: 'httpError', ...denied };
    if (record.operation && controlPlaneOperation(record.method, record.path) === record.operation) return undefined;
    if (record.operation && batchOperation(record.method, record.path) === record.operation) return undefined;
    if (!record.operation || record.method !== 'POST') {
      return { type: 'httpError', errorType: 'UnknownOperationException', status: 404, message: `No route for ${record.method} ${record.path}` };
    }
    const modelId = record.modelId ?? '';
    if (record.operation === 'invoke-with-response-stream' && this.models.streamingRefused(modelId)) {
      return httpError('ValidationException', `The model ${modelId} does not support streaming. Use InvokeModel instead.`);
    }
    const invalid = checkLlamaBody(record.rawBody, modelId);
    if (invalid !== undefined) return httpError('ValidationException', invalid);
    return this.optionRefusal(record.options, modelId);
  }

  // The header-borne options: enum values as the SDK's model has them, then what this model
  // and account accept. (AWS's wording for an unsupported tier is not documented: assumed.)
  private optionRefusal(options: RequestOptions, modelId: string): HttpErrorScript | undefined {
    const badEnum = enumViolation('performanceConfigLatency', options.latency, ['standard', 'optimized'])
      ?? enumViolation('trace', options.trace, ['ENABLED', 'DISABLED', 'ENABLED_FULL']);
    if (badEnum) return httpError('ValidationException', badEnum);
    if (options.serviceTier !== undefined && !this.models.serviceTiers(modelId).includes(options.serviceTier)) {
      return httpError('ValidationException', `The provided service tier '${options.serviceTier}' is not supported for model ${modelId}.`);
    }
    if (options.guardrailId !== undefined || options.guardrailVersion !== undefined) {
      const id = options.guardrailId?.replace(/^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:guardrail\//, '');
      const versions = id === undefined ? undefined : this.models.guardrails[id];
      if (!versions || options.guardrailVersion === undefined || !versions.includes(options.guardrailVersion)) {
        return httpError('ValidationException', GUARDRAIL_NOT_FOUND);
      }
    }
    return undefined;
  }

  // What was served, as response headers the SDK maps to `performanceConfigLatency` and `serviceTier`.
  private servedHeaders(record: RecordedRequest, script: ResponseScript): Record<string, string> {
    const optimized = record.options.latency === 'optimized' && this.models.latencyOptimized(record.modelId ?? '', signedRegion(record.headers));
    return {
      'x-amzn-bedrock-performanceconfig-latency': script.servedLatency ?? (optimized ? 'optimized' : 'standard'),
      'x-amzn-bedrock-service-tier': record.options.serviceTier ?? 'default',
    };
  }

  private record(req: AnyRequest, rawBody: string): RecordedRequest {
    const path = (req.url ?? '').split('?')[0];
    const match = ROUTE.exec(path);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    return {
      id: this.nextId++,
      method: req.method ?? '',
      path,
      operation: match ? (match[2] as Operation) : controlPlaneOperation(req.method ?? '', path) ?? batchOperation(req.method ?? '', path),
      rawModelId: match?.[1],
      modelId: match ? safeDecode(match[1]) : undefined,
      httpVersion: req.httpVersion === '2.0' ? '2.0' : '1.1',
      remotePort: req.socket?.remotePort,
      headers,
      authScheme: headers.authorization?.split(' ', 1)[0],
      rawBody,
      body,
      options: requestOptions(headers),
      receivedAt: performance.now(),
      script: undefined,
      outcome: 'pending',
      clientDisconnected: false,
      chunksSent: 0,
      firstChunkAt: undefined,
      lastChunkAt: undefined,
      endedAt: undefined,
    };
  }

  private async pickScript(record: RecordedRequest): Promise<Script> {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.handler) return this.handler(record);
    return typeof this.defaultScript === 'function' ? this.defaultScript(record) : this.defaultScript;
  }

  private finish(exchange: Exchange, outcome: Exclude<RequestOutcome, 'pending'>): void {
    const { record } = exchange;
    if (record.outcome !== 'pending') return;
    record.outcome = outcome;
    record.clientDisconnected = outcome === 'clientDisconnected';
    record.endedAt = performance.now();
    exchange.closed.abort();
    this.open.delete(exchange);
    this.log?.(`← #${record.id} ${outcome} after ${record.chunksSent} chunk(s)`);
    for (const wake of this.endWaiters.get(record) ?? []) wake();
    this.endWaiters.delete(record);
    this.emit('requestEnd', record);
  }

  private async sendError(exchange: Exchange, script: HttpErrorScript): Promise<void> {
    await wait(script.delayMs, exchange);
    const status = script.status ?? HTTP_ERROR_STATUS[script.errorType as BedrockHttpErrorType] ?? 500;
    const message = script.message ?? DEFAULT_ERROR_MESSAGES[script.errorType as BedrockHttpErrorType] ?? script.errorType;
    const body = JSON.stringify({ message });
    exchange.res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-errortype': script.errorType,
      'x-amzn-requestid': exchange.requestId,
    });
    await endResponse(exchange.res, body);
    this.finish(exchange, 'completed');
  }

  // InvokeModel: the whole answer at once, after the scripted generation time.
  private async sendWhole(exchange: Exchange, script: ResponseScript): Promise<void> {
    const started = performance.now();
    const plan = planChunks(blocked(script));
    const generationTime = plan.reduce((sum, chunk) => sum + chunk.delayMs, (script.headersDelayMs ?? 0));
    const fault = script.fault;
    await wait(generationTime, exchange);
    if (fault?.type === 'stall') return this.stall(exchange);
    if (fault?.type === 'drop') return this.drop(exchange);
    if (fault?.type === 'exception') {
      const errorType = fault.exceptionType[0].toUpperCase() + fault.exceptionType.slice(1);
      return this.sendError(exchange, { type: 'httpError', errorType, message: fault.message, status: HTTP_ERROR_STATUS[errorType as BedrockHttpErrorType] ?? 424 });
    }
    const outputTokens = plan.reduce((sum, chunk) => sum + chunk.tokens, 0);
    const latency = Math.round(performance.now() - started);
    const body = JSON.stringify({
      generation: plan.map((chunk) => chunk.text).join(''),
      prompt_token_count: promptTokens(script, exchange.record),
      generation_token_count: outputTokens,
      stop_reason: script.stopReason === undefined ? 'stop' : script.stopReason,
      ...guardrailFields(exchange.record, script, true),
    });
    exchange.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': exchange.requestId,
      ...this.servedHeaders(exchange.record, script),
      'x-amzn-bedrock-invocation-latency': String(latency),
      'x-amzn-bedrock-input-token-count': String(promptTokens(script, exchange.record)),
      'x-amzn-bedrock-output-token-count': String(outputTokens),
    });
    await endResponse(exchange.res, body);
    exchange.record.chunksSent = plan.length;
    this.finish(exchange, 'completed');
  }

  // InvokeModelWithResponseStream: one event-stream message per chunk.
  private async sendStream(exchange: Exchange, script: ResponseScript): Promise<void> {
    const { res, record } = exchange;
    await wait(script.headersDelayMs, exchange);
    const started = performance.now();
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-content-type': 'application/json',
      'x-amzn-requestid': exchange.requestId,
      ...this.servedHeaders(record, script),
    });
    if ('flushHeaders' in res) res.flushHeaders(); // HTTP/2 sends its headers on writeHead
    const plan = planChunks(blocked(script));
    const fault = script.fault;
    const limit = fault ? Math.min(fault.afterChunks, plan.length) : plan.length;
    let generated = 0;
    let firstByte: number | undefined;
    let pacedFrom: number | undefined;
    for (let i = 0; i < limit; i++) {
      const chunk = plan[i];
      if (script.chunksPerSecond && i > 0) {
        pacedFrom ??= performance.now();
        const due = pacedFrom + (i * 1000) / script.chunksPerSecond;
        // Timers may fire up to a millisecond early: never send ahead of the schedule.
        for (let left = due - performance.now(); left > 0; left = due - performance.now()) await wait(left, exchange);
      } else {
        await wait(chunk.delayMs, exchange);
      }
      generated += chunk.tokens;
      firstByte ??= performance.now() - started;
      const last = !fault && i === plan.length - 1;
      const json: Record<string, unknown> = {
        generation: chunk.text,
        prompt_token_count: i === 0 ? promptTokens(script, record) : null,
        generation_token_count: generated,
        stop_reason: last && script.stopReason !== undefined ? script.stopReason : last ? 'stop' : null,
      };
      if (last && script.metrics !== null) {
        json['amazon-bedrock-invocationMetrics'] = {
          inputTokenCount: promptTokens(script, record),
          outputTokenCount: generated,
          invocationLatency: Math.round(performance.now() - started),
          firstByteLatency: Math.round(firstByte),
          ...script.metrics,
        };
      }
      const lateAction = script.guardrail?.actionOnLastChunkOnly === true;
      if (last || (chunk.text !== '' && !lateAction)) Object.assign(json, guardrailFields(record, script, last));
      if (script.padding) json.p = PADDING.slice(0, 1 + ((i * 7) % PADDING.length));
      await writeEvent(exchange, chunkMessage(chunk.raw ?? JSON.stringify(json)));
      record.chunksSent++;
      record.lastChunkAt = performance.now();
      record.firstChunkAt ??= record.lastChunkAt;
    }
    if (fault?.type === 'stall') return this.stall(exchange);
    if (fault?.type === 'drop') {
      await wait(fault.delayMs ?? 20, exchange);
      return this.drop(exchange);
    }
    if (fault?.type === 'exception') {
      await writeEvent(exchange, exceptionMessage(fault.exceptionType, fault.message ?? `Scripted ${fault.exceptionType}`));
    }
    await endResponse(res);
    this.finish(exchange, 'completed');
  }

  // Keeps the response open until the client goes away or the server stops.
  private async stall(exchange: Exchange): Promise<void> {
    if (!exchange.closed.signal.aborted) await once(exchange.closed.signal, 'abort');
  }

  private drop(exchange: Exchange): void {
    this.finish(exchange, 'dropped');
    const { req, res } = exchange;
    if ('stream' in res) (req as http2.Http2ServerRequest).stream.session?.destroy();
    else res.socket?.destroy();
  }
}

// ---------------------------------------------------------------------------------------
// Helpers

const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The SDK's input fields sent as headers (@aws-sdk/client-bedrock-runtime's schema), as recorded. */
export interface RequestOptions {
  /** `performanceConfigLatency`: X-Amzn-Bedrock-PerformanceConfig-Latency. */
  latency?: string;
  /** `guardrailIdentifier`: X-Amzn-Bedrock-GuardrailIdentifier. */
  guardrailId?: string;
  /** `guardrailVersion`: X-Amzn-Bedrock-GuardrailVersion. */
  guardrailVersion?: string;
  /** `trace`: X-Amzn-Bedrock-Trace. */
  trace?: string;
  /** `serviceTier`: X-Amzn-Bedrock-Service-Tier. */
  serviceTier?: string;
}

const OPTION_HEADERS: Record<keyof RequestOptions, string> = {
  latency: 'x-amzn-bedrock-performanceconfig-latency',
  guardrailId: 'x-amzn-bedrock-guardrailidentifier',
  guardrailVersion: 'x-amzn-bedrock-guardrailversion',
  trace: 'x-amzn-bedrock-trace',
  serviceTier: 'x-amzn-bedrock-service-tier',
};

const DEFAULT_GUARDRAILS: Readonly<Record<string, readonly string[]>> = { 'gr-test123': ['DRAFT', '1'] };
/** AWS's message for an unknown guardrail identifier or version. */
export const GUARDRAIL_NOT_FOUND = 'The guardrail identifier or version provided in the request does not exist.';
/** The answer's text when a scripted guardrail intervenes without its own message. */
export const DEFAULT_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

function requestOptions(headers: Readonly<Record<string, string>>): RequestOptions {
  const options: RequestOptions = {};
  for (const [key, name] of Object.entries(OPTION_HEADERS) as Array<[keyof RequestOptions, string]>) {
    if (headers[name] !== undefined) options[key] = headers[name];
  }
  return options;
}

/** AWS's wording for a value outside a modeled enum. */
function enumViolation(field: string, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined || allowed.includes(value)) return undefined;
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`;
}

/** The region of a SigV4 credential scope; undefined for API keys. */
function signedRegion(headers: Readonly<Record<string, string>>): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '')?.[1];
}

/** The script as sent: an intervention replaces the answer by the guardrail's message. */
function blocked(script: ResponseScript): ResponseScript {
  if (!script.guardrail) return script;
  const message = script.guardrail.message ?? DEFAULT_BLOCKED_MESSAGE;
  // A late action: the message streams in pieces as plain text, the action comes on a final chunk of its own.
  return script.guardrail.actionOnLastChunkOnly
    ? { ...script, chunks: chunkText(message, 3), separateFinalChunk: true }
    : { ...script, chunks: [message] };
}

/**
 * Guardrail fields of an InvokeModel body or a stream chunk. Confirmed (AWS user guide,
 * "Use a guardrail with InvokeModel", example response): `amazon-bedrock-guardrailAction`
 * (INTERVENED | NONE) and `amazon-bedrock-trace` in the body. Assumed: the trace's key
 * (`guardrail`, as SDK users read it; the guide's sample shows `guardrails`), and for streams
 * the action on every chunk with text and on the last, the trace on the last only.
 */
function guardrailFields(record: RecordedRequest, script: ResponseScript, last: boolean): Record<string, unknown> {
  const { guardrailId, trace } = record.options;
  if (!script.guardrail) return last && guardrailId !== undefined ? { 'amazon-bedrock-guardrailAction': 'NONE' } : {};
  const fields: Record<string, unknown> = { 'amazon-bedrock-guardrailAction': 'INTERVENED' };
  if (last && (trace === 'ENABLED' || trace === 'ENABLED_FULL')) {
    fields['amazon-bedrock-trace'] = { guardrail: script.guardrail.trace ?? defaultTrace(guardrailId ?? 'gr-test123') };
  }
  return fields;
}

function defaultTrace(guardrailId: string): unknown {
  return { input: { [guardrailId]: { contentPolicy: { filters: [{ type: 'VIOLENCE', confidence: 'HIGH', filterStrength: 'HIGH', action: 'BLOCKED' }] } } } };
}

interface PlannedChunk {
  text: string;
  delayMs: number;
  tokens: number;
  raw?: string;
}

function planChunks(script: ResponseScript): PlannedChunk[] {
  const plan = script.chunks.map((spec, i): PlannedChunk => {
    const chunk = typeof spec === 'string' ? { text: spec } : spec;
    const defaultDelay = i === 0 ? (script.firstByteDelayMs ?? 0) : (script.chunkDelayMs ?? 0);
    return { text: chunk.text, delayMs: chunk.delayMs ?? defaultDelay, tokens: chunk.tokens ?? estimateTokens(chunk.text), raw: chunk.raw };
  });
  // The stop reason and metrics need a chunk to ride on.
  if (plan.length === 0 || script.separateFinalChunk) plan.push({ text: '', delayMs: plan.length === 0 ? (script.firstByteDelayMs ?? 0) : 0, tokens: 0 });
  return plan;
}

function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.round(text.length / 4));
}

function promptTokens(script: ResponseScript, record: RecordedRequest): number {
  if (script.promptTokenCount !== undefined) return script.promptTokenCount;
  const prompt = (record.body as { prompt?: unknown } | undefined)?.prompt;
  return typeof prompt === 'string' ? Math.max(1, Math.ceil(prompt.length / 4)) : 1;
}

function chunkMessage(payload: string): Uint8Array {
  const bytes = Buffer.from(payload).toString('base64');
  return encode(
    { ':event-type': str('chunk'), ':content-type': str('application/json'), ':message-type': str('event') },
    JSON.stringify({ bytes }),
  );
}

function exceptionMessage(exceptionType: string, message: string): Uint8Array {
  return encode(
    { ':exception-type': str(exceptionType), ':content-type': str('application/json'), ':message-type': str('exception') },
    JSON.stringify({ message }),
  );
}

function encode(headers: MessageHeaders, body: string): Uint8Array {
  return codec.encode({ headers, body: fromUtf8(body) });
}

function str(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

/** Waits `ms` unless the exchange closes first (then throws, ending the script). */
async function wait(ms: number | undefined, exchange: Exchange): Promise<void> {
  if (exchange.closed.signal.aborted) throw new Error('closed');
  if (ms && ms > 0) await sleep(ms, undefined, { signal: exchange.closed.signal });
}

async function writeEvent(exchange: Exchange, message: Uint8Array): Promise<void> {
  const { res, closed } = exchange;
  if (closed.signal.aborted) throw new Error('closed');
  const ok = (res.write as (chunk: Uint8Array) => boolean)(message);
  if (!ok) await once(res, 'drain', { signal: closed.signal }); // respect back-pressure in benchmarks
}

/** A 200 JSON answer (the control plane's). */
function endJson(exchange: Exchange, value: unknown): Promise<void> {
  const body = JSON.stringify(value);
  exchange.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': exchange.requestId });
  return endResponse(exchange.res, body);
}

function endResponse(res: AnyResponse, body?: string): Promise<void> {
  return new Promise((resolve) => (res.end as (data: string | undefined, cb: () => void) => void)(body, () => resolve()));
}

async function readBody(req: AnyRequest): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts); // the bytes as sent: the signature covers them
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The default answer: a short, streamed echo of the last user text of the prompt. */
function echoScript(record: RecordedRequest): Script {
  const prompt = (record.body as { prompt?: unknown } | undefined)?.prompt;
  const plain = typeof prompt === 'string' ? prompt.replace(/<\|[^|]*\|>|\[\/?INST\]|<<\/?SYS>>|<\/?s>/g, ' ') : '';
  const tail = plain.replace(/\s+/g, ' ').trim().split(' ').filter((w) => w !== 'user' && w !== 'assistant').slice(-12).join(' ');
  return textResponse(`This is the local Bedrock test server. You said: ${tail || '(nothing)'}`, { chunkDelayMs: 20 });
}

// ---------------------------------------------------------------------------------------
// Standalone use

interface CliArgs {
  port: number;
  host: string;
  scriptFile?: string;
  quiet: boolean;
  /** Each replaces the defaults when given at least once. */
  credentials?: AwsCredentials[];
  apiKeys?: string[];
  regions?: string[];
}

function parseArgs(argv: string[]): CliArgs {
  const values = (name: string): string[] => argv.flatMap((arg, i) => (arg === name && i + 1 < argv.length ? [argv[i + 1]] : []));
  const some = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);
  const credentials = values('--access-key').map((spec): AwsCredentials => {
    const [accessKeyId, secretAccessKey, ...token] = spec.split(':');
    if (!accessKeyId || !secretAccessKey) throw new Error(`--access-key wants ID:SECRET[:TOKEN], got '${spec}'`);
    return { accessKeyId, secretAccessKey, sessionToken: token.length > 0 ? token.join(':') : undefined };
  });
  return {
    port: Number(values('--port')[0] ?? 0),
    host: values('--host')[0] ?? '127.0.0.1',
    scriptFile: values('--script-file')[0],
    quiet: argv.includes('--quiet'),
    credentials: some(credentials),
    apiKeys: some(values('--api-key')),
    regions: some(values('--region')),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A script file holds either an array of scripts (queued in order) or { queue?: Script[], default?: Script }.
  let queue: Script[] = [];
  let defaultScript: Script | undefined;
  if (args.scriptFile) {
    const parsed = JSON.parse(readFileSync(args.scriptFile, 'utf8')) as Script[] | { queue?: Script[]; default?: Script };
    if (Array.isArray(parsed)) queue = parsed;
    else ({ queue = [], default: defaultScript } = parsed);
  }
  const { credentials, apiKeys, regions } = args;
  const server = new BedrockTestServer({ host: args.host, defaultScript, log: args.quiet ? undefined : (line) => console.log(line), credentials, apiKeys, regions });
  server.enqueue(...queue);
  const { url } = await server.start(args.port);
  console.log(`Bedrock test server listening on ${url}`);
  const shutdown = (): void => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
