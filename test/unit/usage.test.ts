import { strict as assert } from 'node:assert';
import { MAX_BREAKDOWN_DAYS, MAX_DAYS, MAX_MONTHS, USAGE_VERSION, UsageLedger, dayKey, monthKey, zeroTotals, type UsageTotals } from '../../src/core/usage';
import { yearOfUsage } from '../support/usageYear';

const A = 'meta.llama3-3-70b-instruct-v1:0';
const B = 'meta.llama3-1-8b-instruct-v1:0';
// Local-time constructors: the keys are local dates whatever the machine's time zone.
const jan31 = new Date(2025, 0, 31, 23, 59);
const feb1 = new Date(2025, 1, 1, 0, 1);

function use(inputTokens: number, outputTokens: number) {
  return { inputTokens, outputTokens };
}

/** The storage windows share: each saves its increments into it in turn, as UsageStore does. */
function sharedStorage() {
  const storage = {
    stored: undefined as unknown,
    save(l: UsageLedger): void {
      const pending = l.beginSave(storage.stored);
      storage.stored = JSON.parse(JSON.stringify(pending.data));
      pending.commit();
    },
  };
  return storage;
}

/** Totals with these fields, the rest 0. */
function totals(fields: Partial<UsageTotals>): UsageTotals {
  return { ...zeroTotals(), ...fields };
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
    assert.deepEqual(l.sessionTotals(), totals({ inputTokens: 111, outputTokens: 57, costUsd: 0.001 + 0.0001, requests: 3, unknownCostRequests: 1 }));
    assert.deepEqual(l.dayTotals(jan31), l.sessionTotals());
    assert.deepEqual(l.monthTotals(jan31), l.sessionTotals());
    assert.deepEqual(l.modelTotals()[A], totals({ inputTokens: 110, outputTokens: 55, costUsd: 0.001 + 0.0001, requests: 2 }));
    assert.deepEqual(l.modelTotals()[B], totals({ inputTokens: 1, outputTokens: 2, requests: 1, unknownCostRequests: 1 }));
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
    l.dailyDetail()[0].models[A].requests = 99;
    assert.equal(l.sessionTotals().requests, 1);
    assert.equal(l.modelTotals()[A].requests, 1);
    assert.equal(l.dayTotals(jan31).requests, 1);
    assert.equal(l.dailyDetail()[0].models[A].requests, 1);
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
      assert.deepEqual(UsageLedger.fromJSON(bad).toJSON(), { version: USAGE_VERSION, days: {}, months: {}, models: {}, tasks: {}, dayModels: {}, dayTasks: {} });
    }
    const l = UsageLedger.fromJSON({
      version: 1,
      days: { '2025-01-31': { inputTokens: 5, outputTokens: 'x', costUsd: -1, requests: 1 }, yesterday: { inputTokens: 1 } },
      months: [],
      models: { [A]: 7 },
    });
    assert.deepEqual(l.toJSON(), {
      version: 1,
      days: { '2025-01-31': { inputTokens: 5, requests: 1 } }, // zero fields are left out of the stored form
      months: {},
      models: {},
      tasks: {},
      dayModels: {},
      dayTasks: {},
    });
    assert.deepEqual(l.dayTotals(jan31), totals({ inputTokens: 5, requests: 1 }));
  });

  it('lets two windows save in turn without losing each other\'s counts', () => {
    const storage = sharedStorage();
    const save = (l: UsageLedger) => storage.save(l);
    const w1 = UsageLedger.fromJSON(storage.stored);
    const w2 = UsageLedger.fromJSON(storage.stored);
    w1.record({ modelId: A, usage: use(100, 10), costUsd: 0.1, at: jan31 });
    w2.record({ modelId: A, usage: use(200, 20), costUsd: 0.2, at: jan31 });
    w2.record({ modelId: B, usage: use(1, 1), at: jan31 });
    save(w1);
    save(w2);
    w1.record({ modelId: A, usage: use(1000, 0), costUsd: 1, at: jan31 });
    save(w1);
    save(w1); // nothing new: must not add the same increments twice
    const final = UsageLedger.fromJSON(storage.stored);
    assert.deepEqual(final.modelTotals()[A], totals({ inputTokens: 1300, outputTokens: 30, costUsd: 0.1 + 0.2 + 1, requests: 3 }));
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

  it('keeps only the newest days (a year and more), months, and days broken down by model and task', () => {
    const l = new UsageLedger();
    for (let i = 0; i < 800; i++) {
      const at = new Date(2020, 0, 1 + i, 12);
      l.record({ modelId: i % 2 ? A : B, usage: use(1, 0), costUsd: 0, task: 'chat', at });
    }
    const json = l.toJSON();
    const days = Object.keys(json.days).sort();
    assert.ok(MAX_DAYS >= 366, 'a year of day totals');
    assert.equal(days.length, MAX_DAYS);
    assert.equal(days[days.length - 1], dayKey(new Date(2020, 0, 1 + 799, 12)));
    assert.equal(Object.keys(json.months).length, MAX_MONTHS);
    assert.equal(json.models[A].requests, 400);
    const newest = (keys: string[]) => [...new Set(keys.map((k) => k.slice(0, 10)))].sort();
    assert.deepEqual(newest(Object.keys(json.dayModels)), days.slice(-MAX_BREAKDOWN_DAYS));
    assert.deepEqual(newest(Object.keys(json.dayTasks)), days.slice(-MAX_BREAKDOWN_DAYS));
    const merged = UsageLedger.merge(json, json);
    assert.equal(Object.keys(merged.days).length, MAX_DAYS);
    assert.equal(Object.keys(merged.dayModels).length, MAX_BREAKDOWN_DAYS, 'one model a day');
    assert.equal(UsageLedger.fromJSON(merged).dailyDetail().filter((d) => Object.keys(d.models).length > 0).length, MAX_BREAKDOWN_DAYS);
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

  it('keeps the estimated share of tokens and cost apart: counted = total − estimated', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(100, 50), costUsd: 0.003, task: 'chat', at: jan31 });
    l.record({ modelId: A, usage: use(40, 7), costUsd: 0.001, estimated: true, task: 'chat', at: jan31 });
    l.record({ modelId: B, usage: use(10, 0), estimated: true, at: jan31 }); // unpriced: no cost to estimate
    const day = l.dayTotals(jan31);
    assert.deepEqual(
      [day.inputTokens, day.estimatedInputTokens, day.outputTokens, day.estimatedOutputTokens, day.estimatedRequests, day.unknownCostRequests],
      [150, 50, 57, 7, 2, 1],
    );
    assert.equal(day.estimatedCostUsd, 0.001);
    assert.equal(day.costUsd - day.estimatedCostUsd, 0.003, 'counted by Bedrock');
    assert.deepEqual(l.modelTotals()[A], l.dailyDetail()[0].models[A]);
    assert.equal(l.taskTotals().chat.estimatedInputTokens, 40);
    const back = UsageLedger.fromJSON(JSON.parse(JSON.stringify(l.toJSON())));
    assert.deepEqual(back.dayTotals(jan31), day, 'kept across reloads');
  });

  it('breaks each day down by model and by task, in the local day of the request', () => {
    const l = new UsageLedger();
    l.record({ modelId: A, usage: use(10, 1), costUsd: 0.01, task: 'explain', at: jan31 });
    l.record({ modelId: `us.${A}`, usage: use(20, 2), costUsd: 0.02, task: 'chat', at: jan31 });
    l.record({ modelId: A, usage: use(30, 3), costUsd: 0.03, task: 'chat', at: feb1 });
    l.record({ modelId: 'odd id, with spaces', usage: use(1, 1), at: feb1 }); // no task
    const detail = UsageLedger.fromJSON(JSON.parse(JSON.stringify(l.toJSON()))).dailyDetail();
    assert.deepEqual(detail.map((d) => d.date), ['2025-01-31', '2025-02-01']);
    assert.deepEqual(Object.keys(detail[0].models).sort(), [A, `us.${A}`]);
    assert.deepEqual(Object.keys(detail[0].tasks).sort(), ['chat', 'explain']);
    assert.equal(detail[0].tasks.chat.costUsd, 0.02);
    assert.equal(detail[1].models['odd id, with spaces'].inputTokens, 1);
    assert.deepEqual(Object.keys(detail[1].tasks), ['chat']);
    assert.equal(detail[1].totals.requests, 2);
  });

  it('adds two windows\' breakdowns as it adds their totals', () => {
    const storage = sharedStorage();
    const save = (l: UsageLedger) => storage.save(l);
    const w1 = new UsageLedger();
    const w2 = new UsageLedger();
    w1.record({ modelId: A, usage: use(1, 0), costUsd: 0.1, task: 'chat', at: jan31 });
    w2.record({ modelId: A, usage: use(2, 0), costUsd: 0.2, estimated: true, task: 'chat', at: jan31 });
    assert.deepEqual(Object.keys(w2.unsavedJSON().dayModels), [`2025-01-31 ${A}`], 'unsaved increments carry the breakdowns');
    save(w1);
    save(w2);
    save(w2);
    const day = UsageLedger.fromJSON(storage.stored).dailyDetail()[0];
    assert.deepEqual([day.models[A].inputTokens, day.tasks.chat.requests, day.tasks.chat.estimatedRequests, day.models[A].estimatedInputTokens], [3, 2, 1, 2]);
    assert.equal(w1.dailyDetail().length, 1);
  });

  it('reads a snapshot from before the breakdowns, and an older window keeps its counts in a new snapshot', () => {
    // As a window of the previous version stored it: no estimated share, no breakdowns, every field written out.
    const old = {
      version: 1,
      days: { '2025-01-31': { inputTokens: 100, outputTokens: 10, costUsd: 0.5, requests: 2, unknownCostRequests: 0, estimatedRequests: 1, cachedRequests: 0, savedUsd: 0 } },
      months: { '2025-01': { inputTokens: 100, outputTokens: 10, costUsd: 0.5, requests: 2, unknownCostRequests: 0, estimatedRequests: 1, cachedRequests: 0, savedUsd: 0 } },
      models: { [A]: { inputTokens: 100, outputTokens: 10, costUsd: 0.5, requests: 2, unknownCostRequests: 0, estimatedRequests: 1, cachedRequests: 0, savedUsd: 0 } },
      tasks: {},
    };
    const fresh = new UsageLedger();
    fresh.record({ modelId: B, usage: use(5, 5), costUsd: 0.25, estimated: true, task: 'ask', at: jan31 });
    const current = fresh.toJSON();
    for (const merged of [UsageLedger.merge(old, current), UsageLedger.merge(current, old), fresh.beginSave(old).data]) {
      const l = UsageLedger.fromJSON(merged);
      assert.equal(l.dayTotals(jan31).requests, 3);
      assert.equal(l.dayTotals(jan31).costUsd, 0.75);
      assert.equal(l.dayTotals(jan31).estimatedRequests, 2);
      assert.equal(l.dayTotals(jan31).estimatedCostUsd, 0.25, 'the old window\'s estimate has no share: it reads as 0');
      assert.equal(l.monthTotals(jan31).inputTokens, 105);
      assert.deepEqual(Object.keys(l.dailyDetail()[0].models), [B], 'the breakdowns the new window kept');
    }
    // An older window reads the four buckets it knows, field by field, and a missing field as 0:
    // the new snapshot keeps those buckets and fields as they were (only zeros are left out).
    const known = new Set(['inputTokens', 'outputTokens', 'costUsd', 'requests', 'unknownCostRequests', 'estimatedRequests', 'cachedRequests', 'savedUsd']);
    const asOld = UsageLedger.merge(old, current);
    assert.equal(asOld.version, 1);
    for (const bucket of [asOld.days, asOld.months, asOld.models]) {
      for (const t of Object.values(bucket)) {
        const read = Object.fromEntries([...known].map((f) => [f, (t as Record<string, number | undefined>)[f] ?? 0]));
        assert.ok(Object.values(read).every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0));
      }
    }
    assert.equal(asOld.days['2025-01-31'].requests, 3);
  });

  it('reads today\'s and this month\'s totals over every window without reading the whole history', () => {
    const other = new UsageLedger();
    other.record({ modelId: A, usage: use(1, 1), costUsd: 0.5, at: jan31 });
    other.record({ modelId: A, usage: use(1, 1), costUsd: 0.25, at: new Date(2025, 0, 2, 12) });
    const stored = JSON.parse(JSON.stringify(other.toJSON())) as unknown;
    const mine = new UsageLedger();
    mine.record({ modelId: B, usage: use(1, 1), costUsd: 0.125, at: jan31 });
    const shared = mine.sharedTotals(stored, jan31);
    const merged = UsageLedger.fromJSON(UsageLedger.merge(stored, mine.unsavedJSON()));
    assert.deepEqual(shared, { day: merged.dayTotals(jan31), month: merged.monthTotals(jan31) });
    assert.deepEqual([shared.day.costUsd, shared.month.costUsd], [0.625, 0.875]);
    assert.deepEqual(mine.sharedTotals(undefined, jan31).day.costUsd, 0.125);
    assert.deepEqual(mine.sharedTotals({ version: 1, days: { '2025-01-31': 'x' } }, jan31).day.costUsd, 0.125);
  });

  it('keeps a year with 6 models and 5 tasks every day in a small snapshot', () => {
    const l = yearOfUsage();
    const bytes = JSON.stringify(l.toJSON()).length;
    assert.ok(bytes < 240_000, `${bytes} bytes`);
    assert.equal(l.dailyTotals().length, 365);
  });
});

