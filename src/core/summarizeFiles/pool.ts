// Runs many requests at once without fighting Bedrock's throttling: additive increase,
// multiplicative decrease (as TCP does). The limit starts at `bedrockLlama.batch.concurrency`,
// is halved when Bedrock throttles (an SDK retry for throttling, or a request that failed for
// it), and goes up by one after as many successes in a row as the limit itself, never above
// the setting. One throttling episode halves once: the requests already in flight when the
// limit went down report the same congestion, so their throttles (and successes) do not count.
// Pure: a scheduler over plain async functions and an AbortSignal.

export interface ConcurrencyChange {
  /** Epoch ms. */
  at: number;
  limit: number;
  reason: 'start' | 'throttled' | 'recovered';
}

export class AdaptiveConcurrency {
  private current: number;
  /** Goes up on every decrease: a request started before it reports an episode already counted. */
  private epoch = 0;
  private streak = 0;
  readonly history: ConcurrencyChange[] = [];

  constructor(readonly max: number, private readonly now: () => number = Date.now) {
    this.current = Math.max(1, Math.floor(max));
    this.history.push({ at: now(), limit: this.current, reason: 'start' });
  }

  get limit(): number {
    return this.current;
  }

  /** Taken when a request starts, given back with what happened to it. */
  ticket(): number {
    return this.epoch;
  }

  /** Bedrock throttled a request started with `ticket`; true when that lowered the limit. */
  throttled(ticket: number): boolean {
    if (ticket !== this.epoch) return false;
    this.epoch++;
    this.streak = 0;
    const next = Math.max(1, Math.floor(this.current / 2));
    if (next === this.current) return false;
    this.current = next;
    this.history.push({ at: this.now(), limit: next, reason: 'throttled' });
    return true;
  }

  /** A request started with `ticket` succeeded without being throttled. */
  succeeded(ticket: number): void {
    if (ticket !== this.epoch || this.current >= this.max) return;
    if (++this.streak < this.current) return;
    this.streak = 0;
    this.current++;
    this.history.push({ at: this.now(), limit: this.current, reason: 'recovered' });
  }
}

/**
 * What became of one item: `done` counts toward raising the limit, `failed` and `skipped` (no
 * request made) do not; `requeue` puts it back at the end of the queue (after a throttle, say).
 */
/** A file throttled to the end of the SDK's own retries is tried again later: this many tries in all. */
export const MAX_THROTTLED_TRIES = 3;

export type PoolResult = 'done' | 'failed' | 'skipped' | 'requeue' | 'stopped';

export interface PoolContext {
  /** 1 for the first try, 2 after one requeue… */
  attempt: number;
  /** Tell the pool Bedrock throttled this item's request (an SDK retry, or the final failure). */
  throttled(): void;
}

export interface PoolRun<T> {
  /** Items not finished: never started, stopped, or requeued when the run was stopped. */
  unfinished: T[];
  /** The most items that ran at once. */
  peak: number;
}

/**
 * Runs `work` over `items`, `limiter.limit` at a time, until all are done or `signal` aborts
 * (then no new item starts; those running get the signal through their own work and end).
 * `work` must not throw: a thrown error counts as a failure of that item.
 */
export async function runPool<T>(
  items: readonly T[],
  limiter: AdaptiveConcurrency,
  work: (item: T, context: PoolContext) => Promise<PoolResult>,
  signal: AbortSignal,
  onError: (item: T, err: unknown) => void = () => undefined,
): Promise<PoolRun<T>> {
  const queue = items.map((item) => ({ item, attempt: 1 }));
  const unfinished: T[] = [];
  let running = 0;
  let peak = 0;
  return new Promise<PoolRun<T>>((resolve) => {
    const finish = () => {
      if (running > 0) return;
      signal.removeEventListener('abort', finish);
      resolve({ unfinished: [...unfinished, ...queue.map((q) => q.item)], peak });
    };
    const startMore = () => {
      while (!signal.aborted && running < limiter.limit && queue.length > 0) start(queue.shift()!);
      if (signal.aborted || queue.length === 0) finish();
    };
    const start = (entry: { item: T; attempt: number }) => {
      running++;
      peak = Math.max(peak, running);
      const ticket = limiter.ticket();
      let wasThrottled = false;
      const context: PoolContext = {
        attempt: entry.attempt,
        throttled: () => {
          wasThrottled = true;
          limiter.throttled(ticket);
        },
      };
      void work(entry.item, context)
        .catch((err: unknown) => {
          onError(entry.item, err);
          return 'failed' as const;
        })
        .then((result) => {
          running--;
          if (result === 'done' && !wasThrottled) limiter.succeeded(ticket);
          if (result === 'requeue') {
            if (signal.aborted) unfinished.push(entry.item);
            else queue.push({ item: entry.item, attempt: entry.attempt + 1 });
          }
          if (result === 'stopped') unfinished.push(entry.item);
          startMore();
        });
    };
    signal.addEventListener('abort', finish);
    startMore();
  });
}
