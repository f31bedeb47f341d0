// Batches streamed text into a bounded number of writes: at most one write in flight,
// at most one write per `intervalMs`, and whatever arrives while a write is in flight
// goes out in the next one. `finish()` flushes at once, without waiting for the interval.

export interface CoalescerOptions {
  /** Minimum time between the starts of two writes (20 ms: at most 50 writes a second). */
  intervalMs: number;
  /** Performs one write; the next starts only after it settles. */
  write: (text: string) => Promise<void>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class Coalescer {
  private buffer = '';
  private inFlight: Promise<void> | undefined;
  private timer: unknown;
  private lastWriteAt = -Infinity;
  private failure: unknown;
  private closed = false;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  /** Number of writes performed (for tests and the benchmark). */
  writes = 0;

  constructor(private readonly options: CoalescerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  push(text: string): void {
    if (this.closed || !text) return;
    this.buffer += text;
    this.schedule();
  }

  /** Flushes everything now and resolves when it is written; rejects if any write failed. */
  async finish(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    while (this.inFlight || this.buffer) {
      if (this.inFlight) await this.inFlight;
      else this.flush();
    }
    if (this.failure) throw this.failure;
  }

  private schedule(): void {
    if (this.inFlight || this.timer !== undefined) return;
    const wait = this.lastWriteAt + this.options.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = this.setTimer(() => { this.timer = undefined; this.flush(); }, wait);
  }

  private flush(): void {
    if (!this.buffer || this.inFlight || this.failure) {
      if (this.failure) this.buffer = '';
      return;
    }
    const text = this.buffer;
    this.buffer = '';
    this.lastWriteAt = this.now();
    this.writes++;
    this.inFlight = this.options.write(text).then(
      () => undefined,
      (err: unknown) => { this.failure ??= err; },
    ).finally(() => {
      this.inFlight = undefined;
      if (this.buffer && !this.closed) this.schedule();
    });
  }
}
