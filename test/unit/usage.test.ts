import { strict as assert } from 'node:assert';
import { MAX_DAYS, MAX_MONTHS, USAGE_VERSION, UsageLedger, dayKey, monthKey } from '../../src/core/usage';

const A = 'meta.llama3-3-70b-instruct-v1:0';
const B = 'meta.llama3-1-8b-instruct-v1:0';
// Local-time constructors: the keys are local dates whatever the machine's time zone.
const jan31 = new Date(2025, 0, 31, 23, 59);
const feb1 = new Date(2025, 1, 1, 0, 1);

function use(inputTokens: number, outputTokens: number) {
  return { inputTokens, outputTokens };
}

describe('UsageLedger', () => {
  it('counts stopped or failed requests with estimates, and says how many were estimated', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 50), costUsd: 0.001, at: jan31 });
    l.record({ modelId: A, usage: use(80, 7), costUsd: 0.0005, estimated: true, at: jan31 });
    const t = l.sessionTotals();
    assert.deepEqual([t.requests, t.estimatedRequests, t.inputTokens, t.outputTokens], [2, 1, 180, 57]);
    assert.equal(UsageLedger.fromJSON(JSON.parse(JSON.stringify(l.toJSON()))).dayTotals(jan31).estimatedRequests, 1, 'kept across reloads');
  });

  it('adds up session, day, month and per-model totals', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 50), costUsd: 0.001, at: jan31 });
    l.record({ modelId: A, usage: use(10, 5), costUsd: 0.0001, at: jan31 });
    l.record({ modelId: B, usage: use(1, 2), at: jan31 });
    assert.deepEqual(l.sessionTotals(), { inputTokens: 111, outputTokens: 57, costUsd: 0.001 + 0.0001, requests: 3, unknownCostRequests: 1, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 });
    assert.deepEqual(l.dayTotals(jan31), l.sessionTotals());
    assert.deepEqual(l.monthTotals(jan31), l.sessionTotals());
    assert.deepEqual(l.modelTotals()[A], { inputTokens: 110, outputTokens: 55, costUsd: 0.001 + 0.0001, requests: 2, unknownCostRequests: 0, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 });
    assert.deepEqual(l.modelTotals()[B], { inputTokens: 1, outputTokens: 2, costUsd: 0, requests: 1, unknownCostRequests: 1, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 });
    assert.deepEqual(l.sessionByModel(), l.modelTotals());
  });

  it('rolls over at local midnight and month ends', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 0), costUsd: 1, at: jan31 });
    l.record({ modelId: A, usage: use(7, 0), costUsd: 2, at: feb1 });
    assert.equal(dayKey(jan31), '2025-01-31');
    assert.equal(monthKey(feb1), '2025-02');
    assert.equal(l.dayTotals(jan31).inputTokens, 100);
    assert.equal(l.dayTotals(feb1).inputTokens, 7);
    assert.equal(l.monthTotals(jan31).costUsd, 1);
    assert.equal(l.monthTotals(feb1).costUsd, 2);
    assert.equal(l.dayTotals(new Date(2025, 1, 2)).requests, 0);
    assert.equal(l.sessionTotals().inputTokens, 107);
  });

  it('resets the session but keeps history', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 50), costUsd: 0.5, at: jan31 });
    l.resetSession();
    assert.equal(l.sessionTotals().requests, 0);
    assert.deepEqual(l.sessionByModel(), {});
    assert.equal(l.dayTotals(jan31).requests, 1);
    assert.equal(l.modelTotals()[A].inputTokens, 100);
  });

  it('hands out copies, not its own state', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(1, 1), costUsd: 0, at: jan31 });
    l.sessionTotals().requests = 99;
    l.modelTotals()[A].requests = 99;
    l.toJSON().days['2025-01-31'].requests = 99;
    assert.equal(l.sessionTotals().requests, 1);
    assert.equal(l.modelTotals()[A].requests, 1);
    assert.equal(l.dayTotals(jan31).requests, 1);
  });

  it('round-trips through JSON with a version, without the session', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 50), costUsd: 0.25, at: jan31 });
    l.record({ modelId: B, usage: use(3, 4), at: feb1 });
    const json = JSON.parse(JSON.stringify(l)) as unknown;
    assert.equal((json as { version: number }).version, USAGE_VERSION);
    const back = UsageLedger.fromJSON(json);
    assert.deepEqual(back.toJSON(), l.toJSON());
    assert.equal(back.sessionTotals().requests, 0);
    assert.equal(back.monthTotals(jan31).costUsd, 0.25);
  });

  it('starts empty from unreadable persisted data and drops malformed entries', () => {
    for (const bad of [undefined, null, 'x', 42, [], {}, { days: {} }]) {
      assert.deepEqual(UsageLedger.fromJSON(bad).toJSON(), { version: USAGE_VERSION, days: {}, months: {}, models: {}, tasks: {} });
    }
    const l = UsageLedger.fromJSON({
      version: 1,
      days: { '2025-01-31': { inputTokens: 5, outputTokens: 'x', costUsd: -1, requests: 1 }, yesterday: { inputTokens: 1 } },
      months: [],
      models: { [A]: 7 },
    });
    assert.deepEqual(l.toJSON(), {
      version: 1,
      days: { '2025-01-31': { inputTokens: 5, outputTokens: 0, costUsd: 0, requests: 1, unknownCostRequests: 0, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 } },
      months: {},
      models: {},
      tasks: {},
    });
  });

  it('lets two windows save in turn without losing each other\'s counts', () => {
    let stored: unknown = undefined;
    const save = (l: UsageLedger) => {
      const pending = l.beginSave(stored);
      stored = JSON.parse(JSON.stringify(pending.data));
      pending.commit();
    };
    const w1 = UsageLedger.fromJSON(stored);
    const w2 = UsageLedger.fromJSON(stored);
    w1.record({ modelId: A, usage: use(100, 10), costUsd: 0.1, at: jan31 });
    w2.record({ modelId: A, usage: use(200, 20), costUsd: 0.2, at: jan31 });
    w2.record({ modelId: B, usage: use(1, 1), at: jan31 });
    save(w1);
    save(w2);
    w1.record({ modelId: A, usage: use(1000, 0), costUsd: 1, at: jan31 });
    save(w1);
    save(w1); // nothing new: must not add the same increments twice
    const final = UsageLedger.fromJSON(stored);
    assert.deepEqual(final.modelTotals()[A], { inputTokens: 1300, outputTokens: 30, costUsd: 0.1 + 0.2 + 1, requests: 3, unknownCostRequests: 0, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 });
    assert.equal(final.dayTotals(jan31).requests, 4);
    assert.equal(final.dayTotals(jan31).unknownCostRequests, 1);
    // After saving, a window sees the others' counts too, and keeps its own session.
    assert.equal(w1.dayTotals(jan31).requests, 4);
    assert.equal(w1.sessionTotals().requests, 2);
    assert.equal(w1.hasUnsaved(), false);
  });

  it('keeps increments recorded during a save, and puts them back when the write fails', () => {
    const w = new UsageLedger();
    w.record({ modelId: A, usage: use(1, 0), costUsd: 0, at: jan31 });
    const failed = w.beginSave(undefined);
    failed.abort();
    assert.equal(w.hasUnsaved(), true);
    const ok = w.beginSave(undefined);
    w.record({ modelId: A, usage: use(2, 0), costUsd: 0, at: jan31 }); // arrives while writing
    const stored = JSON.parse(JSON.stringify(ok.data)) as unknown;
    ok.commit();
    assert.equal(UsageLedger.fromJSON(stored).dayTotals(jan31).inputTokens, 1);
    assert.equal(w.dayTotals(jan31).inputTokens, 3);
    const next = w.beginSave(stored);
    next.commit();
    assert.equal(UsageLedger.fromJSON(next.data).dayTotals(jan31).inputTokens, 3);
  });

  it('merges commutatively', () => {
    const a = new UsageLedger();
    a.record({ modelId: A, usage: use(1, 2), costUsd: 0.1, at: jan31 });
    const b = new UsageLedger();
    b.record({ modelId: A, usage: use(3, 4), costUsd: 0.2, at: feb1 });
    b.record({ modelId: B, usage: use(5, 6), at: feb1 });
    const ab = UsageLedger.merge(a.toJSON(), b.toJSON());
    assert.deepEqual(ab, UsageLedger.merge(b.toJSON(), a.toJSON()));
    assert.equal(ab.models[A].inputTokens, 4);
    assert.equal(ab.months['2025-02'].requests, 2);
  });

  it('keeps only the newest days and months', () => {
    const l = new UsageLedger();
    const start = new Date(2020, 0, 1, 12);
    for (let i = 0; i < 800; i++) {
      const at = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i, 12);
      l.record({ modelId: A, usage: use(1, 0), costUsd: 0, at });
    }
    const json = l.toJSON();
    const days = Object.keys(json.days).sort();
    assert.equal(days.length, MAX_DAYS);
    assert.equal(days[days.length - 1], dayKey(new Date(2020, 0, 1 + 799, 12)));
    assert.equal(Object.keys(json.months).length, MAX_MONTHS);
    assert.equal(json.models[A].requests, 800);
    const merged = UsageLedger.merge(json, json);
    assert.equal(Object.keys(merged.days).length, MAX_DAYS);
  });

  it('keeps totals by task, and counts a cached answer as money saved, not spent', () => {
    const l = new UsageLedger();
    const at = new Date(2025, 0, 31, 12);
    l.record({ modelId: A, usage: { inputTokens: 100, outputTokens: 10 }, costUsd: 0.002, task: 'explain', at });
    l.record({ modelId: A, usage: { inputTokens: 100, outputTokens: 10 }, costUsd: 0, cached: true, savedUsd: 0.002, task: 'explain', at });
    l.record({ modelId: B, usage: { inputTokens: 50, outputTokens: 5 }, costUsd: 0.001, task: 'summarize', at });
    const s = l.sessionTotals();
    assert.deepEqual([s.requests, s.cachedRequests, s.inputTokens, s.costUsd, s.savedUsd], [2, 1, 150, 0.003, 0.002]);
    assert.deepEqual(Object.keys(l.taskTotals()).sort(), ['explain', 'summarize']);
    assert.deepEqual([l.taskTotals().explain.requests, l.taskTotals().explain.cachedRequests, l.taskTotals().explain.savedUsd], [1, 1, 0.002]);
    assert.deepEqual(l.dailyTotals().map(([d]) => d), ['2025-01-31']);
    const reloaded = UsageLedger.fromJSON(JSON.parse(JSON.stringify(l.toJSON())));
    assert.equal(reloaded.taskTotals().explain.savedUsd, 0.002, 'kept across reloads');
  });
});
