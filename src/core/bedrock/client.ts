// Talks to Llama on Bedrock through the real SDK: streaming and whole answers, with
// cancellation, an idle timeout, visible retries and typed errors. The SDK is loaded on
// first use (sdkLoader) and one SDK client is kept per LlamaBedrockClient: its
// connection pool is what makes the second request fast, and its memoized credentials
// are resolved once and again only when they are about to expire.

import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { displayProxyUrl, proxyForUrl, type ResolvedProxy } from '../proxyConfig';
import type { LatencyFigures, LlamaRequestBody, RequestOptions, ServedAs, StopReason, StreamEvent, TokenUsage } from '../types';
import { authSourceFor, profileName, type AuthSource } from './authSource';
import { ChunkAccumulator, MalformedChunkError } from './chunkDecoder';
import { sharedClientConfig } from './clientConfig';
import { BedrockLlamaError, toBedrockLlamaError, type ErrorContext } from './errors';
import { DEFAULT_CONNECT_TIMEOUT_MS, type NetworkOptions } from './httpHandler';
import { abortError, RequestGuard, watchRetries, type RetryListener } from './requestGuard';
import { loadSdk, type Sdk } from './sdkLoader';

export interface BedrockClientOptions extends NetworkOptions {
  /** undefined: the SDK's own resolution (env, profile). */
  region?: string;
  /** e.g. the local test server URL. */
  endpoint?: string;
  /** Named profile → fromIni({ profile }); else the default Node provider chain. */
  profile?: string;
  /** Explicit credentials or credential provider (tests); wins over `profile`. */
  credentials?: BedrockRuntimeClientConfig['credentials'];
  /** A Bedrock API key: sent as `Authorization: Bearer …` instead of SigV4. Wins over everything. */
  bearerToken?: string;
  /** Attempts per request including the first (default 3). */
  maxAttempts?: number;
  /**
   * Default 'standard', on purpose: after a single throttle, adaptive mode's client-side
   * rate limiter held the following requests back by 300-600 ms each.
   */
  retryMode?: 'standard' | 'adaptive';
  /** Longest silence allowed before the first chunk and between chunks; 0/undefined = none. */
  idleTimeoutMs?: number;
  /**
   * Streaming only: how long one attempt may wait for the response headers; the SDK
   * retries an attempt that runs out. undefined: no limit beyond the idle timeout.
   */
  firstByteTimeoutMs?: number;
  /** 'http1' (default): NodeHttpHandler, proxy friendly. 'http2': the SDK's default handler (no proxy support). */
  httpVersion?: 'http1' | 'http2';
}

export interface InvokeRequest {
  modelId: string;
  body: LlamaRequestBody;
  /** Told when the SDK retries this request (throttling, 5xx, a dropped connection). */
  onRetry?: RetryListener;
  /** Told once Bedrock accepted the request (HTTP 200): from then on it bills the prompt. */
  onAccepted?: () => void;
  /** Latency, guardrail and service tier (headers). */
  options?: RequestOptions;
  /** Told as each HTTP attempt goes out (credentials resolved, request signed). */
  onSent?: () => void;
}

/** What Show Connection Info reports. */
export interface ConnectionDetails {
  /** The region requests go to, as the SDK resolved it. */
  region?: string;
  endpoint?: string;
  auth: AuthSource;
  /** How the credentials were obtained (SDK feature names) and when they expire. */
  credentials?: { sources: string[]; expiration?: Date };
  /** Why credentials could not be resolved. */
  credentialError?: BedrockLlamaError;
  /** The proxy for the endpoint, credentials removed. */
  proxy?: { url: string; source: ResolvedProxy['source'] };
}

export interface InvokeResult {
  text: string;
  stopReason?: StopReason;
  usage: TokenUsage;
  latency: LatencyFigures;
  served: ServedAs;
}

/**
 * InvokeModel sends nothing until the whole answer is generated (Llama 4 can take minutes
 * for 8K tokens), so its silence limit is never shorter than this.
 */
export const WHOLE_ANSWER_MIN_WAIT_MS = 300_000;

export class LlamaBedrockClient {
  private sdkClient: Promise<BedrockRuntimeClient> | undefined;
  private resolvedRegion: string | undefined;
  private disposed = false;
  /** Decided once, like the SDK client it configures. */
  readonly auth: AuthSource;

  constructor(private readonly options: BedrockClientOptions) {
    this.auth = authSourceFor(options, process.env);
  }

  /** Streams the answer: text deltas, then one `end`. Throws BedrockLlamaError. */
  async *stream(req: InvokeRequest, signal?: AbortSignal): AsyncGenerator<StreamEvent> {
    const guard = new RequestGuard(this.options.idleTimeoutMs, signal);
    const acc = new ChunkAccumulator();
    try {
      const [sdk, client] = await this.ready(guard);
      const command = new sdk.InvokeModelWithResponseStreamCommand({
        modelId: req.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(req.body),
        ...optionFields(req.options),
      });
      this.watch(command.middlewareStack, guard, req);
      const started = performance.now();
      let firstTokenAt: number | undefined;
      const response = await client.send(command, { abortSignal: guard.signal, requestTimeout: this.options.firstByteTimeoutMs });
      guard.arm(); // headers are in; now the first chunk must come in time
      req.onAccepted?.();
      if (!response.body) throw new Error('Bedrock returned no event stream');
      // From here on nothing is retried: an error mid-stream ends the request with the text so far.
      for await (const event of response.body) {
        guard.disarm(); // time spent by our consumer is not silence from Bedrock
        const bytes = event.chunk?.bytes;
        if (bytes) {
          const text = acc.pushBytes(bytes);
          if (text) {
            firstTokenAt ??= performance.now();
            yield { type: 'text', text };
          }
        }
        guard.throwIfStopped(); // the caller may have aborted while we were suspended
        guard.arm();
      }
      guard.disarm();
      guard.throwIfStopped(); // an aborted HTTP/2 stream can end without an error
      const summary = acc.summary();
      if (summary.rawStopReason === undefined) throw new TruncatedStream();
      const ended = performance.now();
      yield {
        type: 'end',
        stopReason: summary.stopReason,
        usage: summary.usage,
        latency: {
          timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
          totalMs: ended - started,
          bedrockFirstByteMs: summary.bedrockFirstByteMs,
          bedrockInvocationMs: summary.bedrockInvocationMs,
        },
        served: served(response, summary.guardrail),
      };
    } catch (err) {
      throw this.translate(err, guard, req.modelId, acc.text);
    } finally {
      guard.dispose(); // also ends the network stream when the consumer stops early
    }
  }

  /** The whole answer in one response (InvokeModel). Throws BedrockLlamaError. */
  async invoke(req: InvokeRequest, signal?: AbortSignal): Promise<InvokeResult> {
    const guard = new RequestGuard(this.wholeAnswerWaitMs(), signal);
    const acc = new ChunkAccumulator();
    try {
      const [sdk, client] = await this.ready(guard);
      const command = new sdk.InvokeModelCommand({
        modelId: req.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(req.body),
        ...optionFields(req.options),
      });
      this.watch(command.middlewareStack, guard, req);
      const started = performance.now();
      // No first-byte limit here: the headers only come once the whole answer is generated.
      const response = await client.send(command, { abortSignal: guard.signal });
      guard.disarm();
      req.onAccepted?.();
      acc.pushBytes(response.body); // same fields as a stream chunk
      const totalMs = performance.now() - started;
      const summary = acc.summary();
      return {
        text: acc.text,
        stopReason: summary.stopReason,
        usage: summary.usage,
        latency: { timeToFirstTokenMs: totalMs, totalMs, bedrockInvocationMs: summary.bedrockInvocationMs },
        served: served(response, summary.guardrail),
      };
    } catch (err) {
      throw this.translate(err, guard, req.modelId, acc.text, this.wholeAnswerWaitMs());
    } finally {
      guard.dispose();
    }
  }

  private wholeAnswerWaitMs(): number | undefined {
    const idle = this.options.idleTimeoutMs;
    return idle ? Math.max(idle, WHOLE_ANSWER_MIN_WAIT_MS) : idle;
  }

  /** The region requests go to: the option, else what the SDK resolved (AWS_REGION, the profile). */
  async region(): Promise<string | undefined> {
    if (this.options.region || this.disposed) return this.options.region;
    try {
      const client = await (this.sdkClient ??= this.createSdkClient());
      this.resolvedRegion ??= await client.config.region();
    } catch {
      // No region anywhere: requests will say so.
    }
    return this.resolvedRegion;
  }

  /** Region, endpoint, identity and proxy, resolving credentials (may take a moment: SSO, credential_process). */
  async connectionDetails(timeoutMs = 10_000): Promise<ConnectionDetails> {
    const region = await this.region();
    const endpoint = this.endpointUrl(region);
    const proxy = this.proxyFor(endpoint);
    const details: ConnectionDetails = {
      region,
      endpoint,
      auth: this.auth,
      proxy: proxy ? { url: displayProxyUrl(proxy.url), source: proxy.source } : undefined,
    };
    if (this.auth.kind === 'apiKey' || this.auth.kind === 'apiKeyEnv' || this.disposed) return details;
    try {
      const client = await (this.sdkClient ??= this.createSdkClient());
      const identity = await withTimeout(client.config.credentials(), timeoutMs);
      const sources = Object.keys((identity as { $source?: Record<string, unknown> }).$source ?? {});
      details.credentials = { sources, expiration: identity.expiration };
    } catch (err) {
      details.credentialError = err instanceof CredentialsTimeout
        ? new BedrockLlamaError({ kind: 'noCredentials', retryable: true, userMessage: `Resolving AWS credentials took longer than ${timeoutMs / 1000} s (an SSO, role or credential_process step may be waiting).` })
        : toBedrockLlamaError(err, this.context('', ''));
    }
    return details;
  }

  /** Closes the connection pool; later calls fail with kind 'aborted'. */
  dispose(): void {
    this.disposed = true;
    void this.sdkClient?.then((client) => client.destroy(), () => undefined);
    this.sdkClient = undefined;
  }

  private async ready(guard: RequestGuard): Promise<[Sdk, BedrockRuntimeClient]> {
    if (this.disposed) throw new BedrockLlamaError({ kind: 'aborted', retryable: false, userMessage: 'The Bedrock client was closed.' });
    guard.throwIfStopped();
    this.sdkClient ??= this.createSdkClient();
    const result = await Promise.all([loadSdk(), this.sdkClient]);
    if (!this.options.region && this.resolvedRegion === undefined) {
      this.resolvedRegion = await result[1].config.region().catch(() => undefined); // for messages
    }
    guard.throwIfStopped();
    return result;
  }

  private async createSdkClient(): Promise<BedrockRuntimeClient> {
    const sdk = await loadSdk();
    return new sdk.BedrockRuntimeClient(sharedClientConfig(sdk, this.options, this.auth));
  }

  private watch(stack: unknown, guard: RequestGuard, req: InvokeRequest): void {
    guard.watchAttempts(stack);
    const onSent = req.onSent;
    // Innermost: runs as the signed request goes to the HTTP handler, once per attempt.
    if (onSent) {
      (stack as { add(mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: object): void }).add(
        (next) => (args) => { onSent(); return next(args); },
        { step: 'deserialize', priority: 'low', name: 'llamaSent' },
      );
    }
    const onRetry = req.onRetry;
    if (onRetry) watchRetries(stack, (err) => toBedrockLlamaError(err, this.context(req.modelId, '')).kind, onRetry);
  }

  private endpointUrl(region: string | undefined): string {
    return this.options.endpoint ?? `https://bedrock-runtime.${region ?? 'us-east-1'}.amazonaws.com${region?.startsWith('cn-') ? '.cn' : ''}`;
  }

  private proxyFor(endpoint: string): ResolvedProxy | undefined {
    if ((this.options.httpVersion ?? 'http1') !== 'http1') return undefined;
    try {
      return proxyForUrl(endpoint, this.options.proxy ?? {}, this.options.env ?? process.env);
    } catch {
      return undefined; // an invalid proxy setting is reported by the request itself
    }
  }

  private context(modelId: string, partialText: string): ErrorContext {
    const o = this.options;
    const region = o.region ?? this.resolvedRegion;
    const proxy = this.proxyFor(this.endpointUrl(region));
    return {
      modelId,
      region,
      profile: profileName(this.auth),
      partialText,
      auth: this.auth,
      proxy: proxy ? displayProxyUrl(proxy.url) : undefined,
      connectTimeoutMs: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: o.firstByteTimeoutMs,
    };
  }

  private translate(err: unknown, guard: RequestGuard, modelId: string, partialText: string, idleMs = this.options.idleTimeoutMs): BedrockLlamaError {
    const ctx = this.context(modelId, partialText);
    if (guard.stoppedBy === 'idle') {
      const seconds = ((idleMs ?? 0) / 1000).toFixed(1);
      return new BedrockLlamaError({
        kind: 'idleTimeout',
        retryable: true,
        partialText,
        userMessage: `Bedrock sent nothing for ${seconds} s, so the request to ${modelId} was stopped. Try again; if it keeps happening, check your network or raise the idle timeout.`,
        cause: err,
      });
    }
    if (guard.stoppedBy === 'caller') return toBedrockLlamaError(abortError(), ctx);
    if (err instanceof MalformedChunkError) {
      return new BedrockLlamaError({
        kind: 'streamError',
        retryable: true,
        partialText,
        detail: err.problem,
        userMessage: `The answer from ${modelId} contained a chunk this extension cannot read (${err.problem}). The text received before it is kept; try again.`,
      });
    }
    if (err instanceof TruncatedStream) {
      return new BedrockLlamaError({
        kind: 'streamError',
        retryable: true,
        partialText,
        userMessage: `The answer from ${modelId} ended before Bedrock finished it. Try again.`,
      });
    }
    return toBedrockLlamaError(err, ctx);
  }
}

class TruncatedStream extends Error {}

/** The SDK input fields for the request options; nothing for what is left at its default. */
function optionFields(options: RequestOptions | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!options) return fields;
  if (options.latency === 'optimized') fields.performanceConfigLatency = 'optimized';
  if (options.guardrail) {
    fields.guardrailIdentifier = options.guardrail.id;
    fields.guardrailVersion = options.guardrail.version;
    fields.trace = options.guardrail.trace;
  }
  if (options.serviceTier && options.serviceTier !== 'default') fields.serviceTier = options.serviceTier;
  return fields;
}

/** What the response headers (as SDK output fields) and the body say was served. */
function served(output: { performanceConfigLatency?: string; serviceTier?: string }, guardrail: ServedAs['guardrail']): ServedAs {
  const out: ServedAs = {};
  if (output.performanceConfigLatency) out.latency = output.performanceConfigLatency;
  if (output.serviceTier) out.serviceTier = output.serviceTier;
  if (guardrail) out.guardrail = guardrail;
  return out;
}

class CredentialsTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CredentialsTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
