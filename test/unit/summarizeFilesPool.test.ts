// Summarize Files…'s adaptive pool: a pure scheduler checked with a fake runner (halve on a
// throttle once per episode, +1 after a run of successes, never above the setting, abortable,
// requeue), then driven through runRequest and the real AWS SDK client against the local
// Bedrock server answering some requests with ThrottlingException.
import { strict as assert } from 'node:assert';
import type { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { runRequest, type RequestDeps } from '../../src/core/request/runRequest';
import { validateSettings } from '../../src/core/settingsSchema';
import { fileRequest } from '../../src/core/summarizeFiles/plan';
import { AdaptiveConcurrency, runPool, type PoolResult } from '../../src/core/summarizeFiles/pool';
import { httpError, textResponse } from '../server/bedrockServer';
import { useLocalServer } from './awsSupport';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('Summarize Files: adaptive concurrency', () => {
  it('halves on a throttle, once per episode, and climbs back one step after a run of successes, never above the setting', () => {
    const c = new AdaptiveConcurrency(8, () => 0);
    const before = c.ticket();
    assert.equal(c.throttled(before), true);
    assert.equal(c.limit, 4);
    assert.equal(c.throttled(before), false, 'another request of the same episode');
    assert.equal(c.limit, 4);
    c.succeeded(before); // started before the decrease: does not count
    const now = c.ticket();
    for (let i = 0; i < 3; i++) c.succeeded(now);
    assert.equal(c.limit, 4, 'not yet: as many successes as the limit');
    c.succeeded(now);
    assert.equal(c.limit, 5);
    for (let i = 0; i < 100; i++) c.succeeded(c.ticket());
    assert.equal(c.limit, 8, 'never above the setting');
    for (let i = 0; i < 10; i++) c.throttled(c.ticket());
    assert.equal(c.limit, 1, 'never below one');
    assert.deepEqual(c.history.map((h) => `${h.reason}:${h.limit}`).slice(0, 6), ['start:8', 'throttled:4', 'recovered:5', 'recovered:6', 'recovered:7', 'recovered:8']);
  });

  it('runs at most the limit at once, lowers it on throttling and raises it again', async () => {
    const limiter = new AdaptiveConcurrency(4);
    let running = 0;
    const seen: number[] = [];
    const throttleAt = new Set([6, 7]);
    let started = 0;
    const result = await runPool(Array.from({ length: 40 }, (_, i) => i), limiter, async (_item, context) => {
      const n = ++started;
      running++;
      seen.push(running);
      assert.ok(running <= limiter.limit, 'never more than the limit when an item starts');
      await tick(2);
      if (throttleAt.has(n)) context.throttled();
      running--;
      return 'done';
    }, new AbortController().signal);
    assert.deepEqual(result.unfinished, []);
    assert.equal(result.peak, 4);
    const limits = limiter.history.map((h) => h.limit);
    assert.deepEqual(limits.slice(0, 2), [4, 2], 'halved once for the two throttles of one episode');
    assert.equal(limits.at(-1), 4, 'back up to the setting');
    assert.ok(limiter.history.some((h) => h.reason === 'recovered'));
    // While the limit was 2, no third request started.
    assert.ok(Math.max(...seen) <= 4);
  });

  it('requeues an item at the end, with its attempt number, and stops starting new items when aborted', async () => {
    const limiter = new AdaptiveConcurrency(2);
    const attempts: string[] = [];
    const controller = new AbortController();
    const done: number[] = [];
    const result = await runPool([1, 2, 3, 4, 5, 6], limiter, async (item, context): Promise<PoolResult> => {
      attempts.push(`${item}#${context.attempt}`);
      await tick();
      if (item === 1 && context.attempt === 1) return 'requeue';
      if (item === 3) {
        controller.abort();
        return 'stopped';
      }
      done.push(item);
      return 'done';
    }, controller.signal);
    // 1 and 2 start; 1 goes to the back of the queue, 3 takes its place, 2 ends and 4 starts; 3 aborts the run.
    assert.deepEqual(attempts, ['1#1', '2#1', '3#1', '4#1']);
    assert.deepEqual(done, [2, 4]);
    assert.deepEqual(result.unfinished, [3, 5, 6, 1], 'the stopped one, then the queue as it was, the requeued item last');
  });

  it('counts a thrown error as a failure of that item and goes on', async () => {
    const failed: number[] = [];
    const result = await runPool([1, 2, 3], new AdaptiveConcurrency(3), async (item) => {
      if (item === 2) throw new Error('boom');
      return 'done';
    }, new AbortController().signal, (item) => failed.push(item));
    assert.deepEqual([result.unfinished, failed], [[], [2]]);
  });
});

describe('Summarize Files: the pool through runRequest against the local Bedrock server', () => {
  const local = useLocalServer();

  it('halves on ThrottlingException retries and climbs back to the setting; every file is summarized', async function () {
    this.timeout(30_000);
    // The SDK retries a throttled request itself (3 attempts, backing off): each retry reports the throttle.
    const c: LlamaBedrockClient = local.client({ maxAttempts: 3 });
    const deps: RequestDeps = {
      settings: validateSettings({ modelId: 'meta.llama3-1-8b-instruct-v1:0', region: 'us-west-2', endpoint: local.url() }),
      connect: () => Promise.resolve({ client: c, release: () => undefined }),
      profiles: new MapProfileMemory(),
      requestId: 'r-pool',
    };
    let inFlight = 0;
    let peak = 0;
    let arrived = 0;
    const server = local.server();
    server.setHandler(() => {
      // Requests 5 to 8 (the second wave) are throttled once each; every other answer comes after 30 ms.
      const n = ++arrived;
      return n >= 5 && n <= 8 ? httpError('ThrottlingException') : textResponse(`Summary of request ${n}.`, { chunks: 2, chunkDelayMs: 15 });
    });
    const limiter = new AdaptiveConcurrency(4);
    const summaries = new Map<number, string>();
    const files = Array.from({ length: 24 }, (_, i) => i);
    const result = await runPool(files, limiter, async (i, context) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        const outcome = await runRequest(fileRequest({ path: `f${i}.ts`, text: `export const v${i} = ${i};\n` }), deps, {
          text: () => undefined,
          retrying: (_attempt, reason) => { if (reason.kind === 'throttled') context.throttled(); },
        }, new AbortController().signal);
        if (outcome.kind === 'failed' && outcome.failure.kind === 'throttled') {
          context.throttled();
          return 'requeue';
        }
        if (outcome.kind !== 'ok') return 'failed';
        summaries.set(i, outcome.text);
        return 'done';
      } finally {
        inFlight--;
      }
    }, new AbortController().signal);
    assert.deepEqual(result.unfinished, []);
    assert.equal(summaries.size, 24, 'every file summarized');
    assert.equal(peak, 4, 'never more than the setting at once');
    const steps = limiter.history.map((h) => `${h.reason}:${h.limit}`);
    assert.equal(steps[0], 'start:4');
    assert.ok(steps.includes('throttled:2'), `halved: ${steps.join(' ')}`);
    assert.equal(steps.filter((s) => s.startsWith('throttled')).length, 1, `one episode, one halving: ${steps.join(' ')}`);
    assert.equal(limiter.limit, 4, `back to the setting: ${steps.join(' ')}`);
    assert.ok(server.requests.filter((r) => r.outcome !== 'pending').length >= 28, 'the throttled requests were sent again');
    // The request ids the server saw as the batch task: each file's prompt names its file.
    assert.ok(server.requests.every((r) => typeof (r.body as { prompt?: string }).prompt === 'string'));
  });
});
