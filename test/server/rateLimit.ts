// A request-rate limit for the local Bedrock server, as Bedrock enforces its on-demand quotas:
// a request over the limit is answered HTTP 429 ThrottlingException at once, and is not queued.
// A token bucket: it holds `burst` tokens (default: one second's worth, `perSecond`), starts
// full, refills at `perSecond` tokens per second; each runtime request (InvokeModel,
// InvokeModelWithResponseStream) that gets past the server's checks takes one, and one that
// finds the bucket empty is throttled (and takes none). Bedrock does not document how it
// meters its requests-per-minute quota; a bucket is the usual model, and the only assumption.
//
// The limit over any interval t is then `burst + perSecond × t` requests admitted, so N
// requests cannot all be admitted before (N − burst) / perSecond seconds.
import { performance } from 'node:perf_hooks';

export interface RateLimitOptions {
  /** Requests admitted per second, on average (> 0). */
  perSecond: number;
  /** The most admitted at once after a quiet spell (default `perSecond`, at least 1). */
  burst?: number;
  /** The clock, in ms (default performance.now): tests move a fake one. */
  now?: () => number;
}

export class RateLimit {
  readonly perSecond: number;
  readonly burst: number;
  private tokens: number;
  private at: number;
  private readonly now: () => number;

  constructor(options: RateLimitOptions) {
    if (!(options.perSecond > 0) || !Number.isFinite(options.perSecond)) throw new Error(`rateLimit.perSecond must be a positive number (got ${options.perSecond})`);
    const burst = options.burst ?? Math.max(1, options.perSecond);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new Error(`rateLimit.burst must be at least 1 (got ${burst})`);
    this.now = options.now ?? (() => performance.now());
    this.perSecond = options.perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.at = this.now();
  }

  /** True: the request may go on (a token was taken). False: throttle it. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** A full bucket again (between tests). */
  reset(): void {
    this.tokens = this.burst;
    this.at = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
  }
}

/** `--rate-limit 10` or `10:5` (per second : burst), as the standalone server and the bench's server child take it. */
export function parseRateLimit(spec: string): RateLimitOptions {
  const [perSecond, burst, ...rest] = spec.split(':').map(Number);
  if (rest.length > 0 || !(perSecond > 0) || (burst !== undefined && !(burst >= 1))) {
    throw new Error(`--rate-limit wants PER_SECOND[:BURST], e.g. 10 or 10:5 (got '${spec}')`);
  }
  return burst === undefined ? { perSecond } : { perSecond, burst };
}
