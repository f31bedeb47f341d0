// Budget arithmetic: which budgets a request would pass, which warning levels spending has
// crossed, and the day and month they belong to in the user's own time zone.
import { strict as assert } from 'node:assert';
import { budgetsPassedBy, crossedLevels } from '../../src/core/budget';
import { UsageLedger } from '../../src/core/usage';

const NONE = { session: 0, daily: 0, monthly: 0 };

describe('budgets', () => {
  it('finds the budgets a request would pass, the tightest first; none without limits', () => {
    const spent = { session: 0.5, daily: 0.9, monthly: 9.5 };
    assert.deepEqual(budgetsPassedBy(spent, NONE, 100), []);
    assert.deepEqual(budgetsPassedBy(spent, { session: 0, daily: 1, monthly: 10 }, 0.05), []);
    const passed = budgetsPassedBy(spent, { session: 0, daily: 1, monthly: 10 }, 0.2);
    assert.deepEqual(passed.map((b) => b.name), ['daily']);
    const both = budgetsPassedBy(spent, { session: 0, daily: 1, monthly: 10 }, 0.6);
    assert.deepEqual(both.map((b) => b.name), ['daily', 'monthly'], '$0.10 left before $0.50 left');
    assert.deepEqual(budgetsPassedBy({ ...spent, daily: 1 }, { session: 0, daily: 1, monthly: 0 }, 0).map((b) => b.name), ['daily'], 'spent already: nothing more');
  });

  it('crosses 80 % and 100 % once per budget, named by its day, month or session', () => {
    const at = new Date(2026, 10, 30, 12);
    const limits = { session: 2, daily: 1, monthly: 10 };
    assert.deepEqual(crossedLevels({ session: 0.1, daily: 0.79, monthly: 1 }, limits, at, 's1'), []);
    const eighty = crossedLevels({ session: 0.1, daily: 0.8, monthly: 1 }, limits, at, 's1');
    assert.deepEqual(eighty.map((l) => l.key), ['daily:2026-11-30:80']);
    const full = crossedLevels({ session: 2, daily: 1.2, monthly: 8.5 }, limits, at, 's1');
    assert.deepEqual(full.map((l) => l.key), ['daily:2026-11-30:100', 'monthly:2026-11:80', 'session:s1:100']);
  });

  describe('in the user\'s time zone', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    for (const tz of ['America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
      it(`counts a request at 23:59 and one at 00:01 in different days and months (${tz})`, () => {
        process.env.TZ = tz;
        const l = new UsageLedger();
        const lastMinute = new Date(2026, 0, 31, 23, 59); // local time in `tz`
        const nextDay = new Date(2026, 1, 1, 0, 1);
        l.record({ modelId: 'm', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.9, at: lastMinute });
        l.record({ modelId: 'm', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0.3, at: nextDay });
        assert.equal(l.dayTotals(lastMinute).costUsd, 0.9);
        assert.equal(l.dayTotals(nextDay).costUsd, 0.3);
        assert.equal(l.monthTotals(lastMinute).costUsd, 0.9);
        assert.equal(l.monthTotals(nextDay).costUsd, 0.3);
        const limits = { session: 0, daily: 1, monthly: 1 };
        const before = crossedLevels({ session: 0, daily: 0.9, monthly: 0.9 }, limits, lastMinute, 's');
        const after = crossedLevels({ session: 0, daily: 0.9, monthly: 0.9 }, limits, nextDay, 's');
        assert.deepEqual(before.map((x) => x.key), ['daily:2026-01-31:80', 'monthly:2026-01:80']);
        assert.deepEqual(after.map((x) => x.key), ['daily:2026-02-01:80', 'monthly:2026-02:80'], 'a new day and month warn again');
      });
    }
  });
});
