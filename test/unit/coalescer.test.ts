import { strict as assert } from 'node:assert';
import { Coalescer } from '../../src/core/editing/coalescer';

/** A manual clock: timers fire only when the test advances time. */
function manualClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => { const t = { at: now + ms, fn }; timers.push(t); return t; },
    clearTimer: (h: unknown) => { const i = timers.indexOf(h as never); if (i >= 0) timers.splice(i, 1); },
    async advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) { timers.splice(timers.indexOf(t), 1); t.fn(); }
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('coalescer', () => {
  it('writes the first chunk at once, then batches within the interval', async () => {
    const clock = manualClock();
    const written: string[] = [];
    const c = new Coalescer({ intervalMs: 20, write: async (t) => { written.push(t); }, ...clock });
    c.push('a');
    assert.deepEqual(written, ['a']);
    await clock.advance(1);
    c.push('b'); c.push('c'); c.push('d');
    assert.deepEqual(written, ['a']);
    await clock.advance(19);
    assert.deepEqual(written, ['a', 'bcd']);
    await c.finish();
    assert.equal(c.writes, 2);
  });

  it('never has two writes in flight, and sends what arrived meanwhile next', async () => {
    const clock = manualClock();
    let release!: () => void;
    let inFlight = 0;
    let maxInFlight = 0;
    const written: string[] = [];
    const c = new Coalescer({
      intervalMs: 0,
      write: (t) => new Promise<void>((r) => { inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); written.push(t); release = () => { inFlight--; r(); }; }),
      ...clock,
    });
    c.push('a');
    c.push('b');
    c.push('c');
    assert.deepEqual(written, ['a']);
    release();
    await clock.advance(0);
    assert.deepEqual(written, ['a', 'bc']);
    release();
    await c.finish();
    assert.equal(maxInFlight, 1);
  });

  it('bounds the writes per second however fast text arrives', async () => {
    const clock = manualClock();
    const c = new Coalescer({ intervalMs: 20, write: async () => {}, ...clock });
    for (let ms = 0; ms < 1000; ms++) { c.push('x'); await clock.advance(1); }
    await c.finish();
    assert.ok(c.writes <= 51, `wrote ${c.writes} times in one second`);
    assert.ok(c.writes >= 45, `wrote only ${c.writes} times`);
  });

  it('finish flushes the rest at once without waiting for the interval', async () => {
    const clock = manualClock();
    const written: string[] = [];
    const c = new Coalescer({ intervalMs: 1000, write: async (t) => { written.push(t); }, ...clock });
    c.push('a');
    c.push('b');
    await c.finish();
    assert.deepEqual(written, ['a', 'b']);
  });

  it('finish rejects when a write failed, and stops writing', async () => {
    const clock = manualClock();
    let calls = 0;
    const c = new Coalescer({ intervalMs: 0, write: async () => { calls++; throw new Error('document closed'); }, ...clock });
    c.push('a');
    await clock.advance(0);
    c.push('b');
    await assert.rejects(c.finish(), /document closed/);
    assert.equal(calls, 1);
  });
});
