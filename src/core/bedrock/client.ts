// Talks to Llama on Bedrock through the real SDK: streaming and whole answers, with
// cancellation, an idle timeout and typed errors. The SDK is loaded on first use
// (sdkLoader) and one SDK client is kept per LlamaBedrockClient: its connection pool
// is what makes the second request fast.

import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { LatencyFigures, LlamaRequestBody, StopReason, StreamEvent, TokenUsage } from '../types';
import { ChunkAccumulator } from './chunkDecoder';
import { BedrockLlamaError, toBedrockLlamaError } from './errors';
import { loadSdk } from './sdkLoader';

export interface BedrockClientOptions {
  /** undefined: the SDK's own resolution (env, profile). */
  region?: string;
  /** e.g. the local test server URL. */
  endpoint?: string;
  /** Named profile → fromIni({ profile }); else the default Node provider chain. */
  profile?: string;
  /** Explicit credentials or credential provider (tests); wins over `profile`. */
  credentials?: BedrockRuntimeClientConfig['credentials'];
  /** A Bedrock API key: sent as `Authorization: Bearer …` instead of SigV4. */
  bearerToken?: string;
  /** Attempts per request including the first (default 3). */
  maxAttempts?: number;
  /** Default 'standard'. Adaptive mode holds later sends back for up to ~2 s after a single throttle. */
  retryMode?: 'standard' | 'adaptive';
  /** Longest silence allowed before the first chunk and between chunks; 0/undefined = none. */
  idleTimeoutMs?: number;
  /** 'http1' (default): NodeHttpHandler, proxy friendly. 'http2': the SDK's default handler. */
  httpVersion?: 'http1' | 'http2';
}

export interface InvokeRequest {
  modelId: string;
  body: LlamaRequestBody;
}

export interface InvokeResult {
  text: string;
  stopReason?: StopReason;
  usage: TokenUsage;
  latency: LatencyFigures;
}

export class LlamaBedrockClient {
  private sdkClient: Promise<BedrockRuntimeClient> | undefined;
  private disposed = false;

  constructor(private readonly options: BedrockClientOptions) {}

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
      });
      guard.watchAttempts(command.middlewareStack);
      const started = performance.now();
      let firstTokenAt: number | undefined;
      const response = await client.send(command, { abortSignal: guard.signal });
      guard.arm(); // headers are in; now the first chunk must come in time
      if (!response.body) throw new Error('Bedrock returned no event stream');
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
      };
    } catch (err) {
      throw this.translate(err, guard, req.modelId, acc.text);
    } finally {
      guard.dispose(); // also ends the network stream when the consumer stops early
    }
  }

  /** The whole answer in one response (InvokeModel). Throws BedrockLlamaError. */
  async invoke(req: InvokeRequest, signal?: AbortSignal): Promise<InvokeResult> {
    const guard = new RequestGuard(this.options.idleTimeoutMs, signal);
    const acc = new ChunkAccumulator();
    try {
      const [sdk, client] = await this.ready(guard);
      const command = new sdk.InvokeModelCommand({
        modelId: req.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(req.body),
      });
      guard.watchAttempts(command.middlewareStack);
      const started = performance.now();
      const response = await client.send(command, { abortSignal: guard.signal });
      guard.disarm();
      acc.pushBytes(response.body); // same fields as a stream chunk
      const totalMs = performance.now() - started;
      const summary = acc.summary();
      return {
        text: acc.text,
        stopReason: summary.stopReason,
        usage: summary.usage,
        latency: { timeToFirstTokenMs: totalMs, totalMs },
      };
    } catch (err) {
      throw this.translate(err, guard, req.modelId, acc.text);
    } finally {
      guard.dispose();
    }
  }

  /** Closes the connection pool; later calls fail with kind 'aborted'. */
  dispose(): void {
    this.disposed = true;
    void this.sdkClient?.then((client) => client.destroy(), () => undefined);
    this.sdkClient = undefined;
  }

  private async ready(guard: RequestGuard): Promise<[Awaited<ReturnType<typeof loadSdk>>, BedrockRuntimeClient]> {
    if (this.disposed) throw new BedrockLlamaError({ kind: 'aborted', retryable: false, userMessage: 'The Bedrock client was closed.' });
    guard.throwIfStopped();
    this.sdkClient ??= this.createSdkClient();
    const result = await Promise.all([loadSdk(), this.sdkClient]);
    guard.throwIfStopped();
    return result;
  }

  private async createSdkClient(): Promise<BedrockRuntimeClient> {
    const sdk = await loadSdk();
    const o = this.options;
    const config: BedrockRuntimeClientConfig = {
      region: o.region,
      endpoint: o.endpoint,
      profile: o.profile, // also where the SDK looks for the region
      maxAttempts: o.maxAttempts ?? 3,
      // Standard, not adaptive: after one throttle, adaptive mode's client-side rate limiter
      // delayed the next requests by 300-600 ms each, which an interactive tool cannot afford.
      retryMode: o.retryMode ?? 'standard',
    };
    // HTTP/1.1 works behind corporate proxies; the SDK's default is HTTP/2.
    if ((o.httpVersion ?? 'http1') === 'http1') config.requestHandler = new sdk.NodeHttpHandler();
    if (o.bearerToken) {
      config.token = { token: o.bearerToken };
      config.authSchemePreference = ['httpBearerAuth'];
    } else {
      config.credentials = o.credentials ?? (o.profile ? sdk.fromIni({ profile: o.profile }) : sdk.fromNodeProviderChain());
    }
    return new sdk.BedrockRuntimeClient(config);
  }

  private translate(err: unknown, guard: RequestGuard, modelId: string, partialText: string): BedrockLlamaError {
    const ctx = { modelId, region: this.options.region, profile: this.options.profile, partialText };
    if (guard.stoppedBy === 'idle') {
      const seconds = ((this.options.idleTimeoutMs ?? 0) / 1000).toFixed(1);
      return new BedrockLlamaError({
        kind: 'idleTimeout',
        retryable: true,
        partialText,
        userMessage: `Bedrock sent nothing for ${seconds} s, so the request to ${modelId} was stopped. Try again; if it keeps happening, check your network or raise the idle timeout.`,
        cause: err,
      });
    }
    if (guard.stoppedBy === 'caller') return toBedrockLlamaError(abortError(), ctx);
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

function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/** Minimal view of an SDK command's middleware stack (avoids naming its generics). */
interface MiddlewareStackLike {
  add(middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: { step: 'deserialize'; name: string }): void;
}

/**
 * One request's cancellation: the caller's signal and the idle timer both abort one
 * internal controller, whose signal goes to `client.send` so the SDK tears the
 * connection down at once; `stoppedBy` remembers which one fired.
 */
class RequestGuard {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  stoppedBy: 'caller' | 'idle' | undefined;

  constructor(
    private readonly idleMs: number | undefined,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    if (callerSignal?.aborted) this.stop('caller');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** (Re)starts the idle timer. */
  arm(): void {
    if (!this.idleMs || this.stoppedBy) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop('idle'), this.idleMs);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Times each attempt on its own: armed when an attempt starts, disarmed when it
   * fails, so the SDK's retry back-off never counts as silence.
   */
  watchAttempts(stack: unknown): void {
    if (!this.idleMs) return;
    (stack as MiddlewareStackLike).add(
      (next) => async (args) => {
        this.arm();
        try {
          return await next(args);
        } catch (err) {
          this.disarm();
          throw err;
        }
      },
      { step: 'deserialize', name: 'llamaIdleTimer' },
    );
  }

  throwIfStopped(): void {
    if (this.stoppedBy) throw abortError();
  }

  dispose(): void {
    this.disarm();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  private readonly onCallerAbort = (): void => this.stop('caller');

  private stop(by: 'caller' | 'idle'): void {
    if (this.stoppedBy) return;
    this.stoppedBy = by;
    this.disarm();
    this.controller.abort();
  }
}
