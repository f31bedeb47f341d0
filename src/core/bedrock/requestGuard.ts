// Per-request machinery hooked into an SDK command: the idle timer and cancellation
// (RequestGuard) and the retry watcher that tells the caller when the SDK retries.
import type { BedrockLlamaErrorKind } from './errors';

/** Why the SDK is trying again: the failed attempt's error kind. */
export interface RetryReason {
  kind: BedrockLlamaErrorKind;
  maxAttempts: number;
}

/** Called when attempt `attempt` (2, 3, …) starts, after the SDK's back-off. */
export type RetryListener = (attempt: number, reason: RetryReason) => void;

type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler) => Handler;

/** Minimal view of an SDK command's middleware stack (avoids naming its generics). */
interface MiddlewareStackLike {
  add(middleware: Middleware, options: { step: 'deserialize'; name: string }): void;
  addRelativeTo(middleware: Middleware, options: { relation: 'after'; toMiddleware: string; name: string }): void;
}

export function abortError(): Error {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

/**
 * One request's cancellation: the caller's signal and the idle timer both abort one
 * internal controller, whose signal goes to `client.send` so the SDK tears the
 * connection down at once; `stoppedBy` remembers which one fired.
 */
export class RequestGuard {
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
   * fails, so the SDK's retry back-off never counts as silence. It sits just inside the
   * retry loop, outside the deserializer: an HTTP error (a 429) reaches it as the thrown
   * error it becomes, not as a response.
   */
  watchAttempts(stack: unknown): void {
    if (!this.idleMs) return;
    (stack as MiddlewareStackLike).addRelativeTo(
      (next) => async (args) => {
        this.arm();
        try {
          return await next(args);
        } catch (err) {
          this.disarm();
          throw err;
        }
      },
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'llamaIdleTimer' },
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

/**
 * Reports retries: sits just inside the SDK's retry loop, remembers why an attempt
 * failed, and when the next one starts (the retry middleware has just set
 * `amz-sdk-request: attempt=N; max=M` on the request) tells the listener.
 * Only responses that failed before their body was handed over are retried, so a retry
 * never repeats text already shown.
 */
export function watchRetries(stack: unknown, classify: (err: unknown) => BedrockLlamaErrorKind, onRetry: RetryListener): void {
  let lastFailure: BedrockLlamaErrorKind | undefined;
  (stack as MiddlewareStackLike).addRelativeTo(
    (next) => async (args) => {
      const attempt = attemptHeader(args);
      if (attempt && attempt.attempt > 1 && lastFailure) {
        try {
          onRetry(attempt.attempt, { kind: lastFailure, maxAttempts: attempt.max });
        } catch {
          // A listener's failure must not fail the request.
        }
      }
      try {
        return await next(args);
      } catch (err) {
        lastFailure = classify(err);
        throw err;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'llamaRetryWatcher' },
  );
}

function attemptHeader(args: unknown): { attempt: number; max: number } | undefined {
  const headers = (args as { request?: { headers?: Record<string, string | undefined> } }).request?.headers;
  const m = /attempt=(\d+);\s*max=(\d+)/.exec(headers?.['amz-sdk-request'] ?? '');
  return m ? { attempt: Number(m[1]), max: Number(m[2]) } : undefined;
}
