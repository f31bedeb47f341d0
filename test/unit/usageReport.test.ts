// What the usage view shows and exports, from the ledger: 30 zero-filled local days, spend by
// model (routes of one model together) and by task, the summary, and the CSV and JSON files.
import { strict as assert } from 'node:assert';
import { UsageLedger, zeroTotals } from '../../src/core/usage';
import { CSV_HEADER, text, toCsv, toJson } from '../../src/core/usageExport';
import { VIEW_DAYS, buildUsageReport, modelName, type UsageReport } from '../../src/core/usageReport';
import { yearOfUsage } from '../support/usageYear';

const L33 = 'meta.llama3-3-70b-instruct-v1:0';
const L31 = 'meta.llama3-1-8b-instruct-v1:0';
const use = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });

/** RFC 4180, for reading the CSV back: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && csv[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  assert.equal(field, '', 'the file ends with a line break');
  return rows;
}

describe('usage report', () => {
  const now = new Date(2025, 1, 3, 15, 30); // Feb 3, local time

  it('has the last 30 local days, oldest first, zero-filled, ending today', () => {
    const l = new UsageLedger();
    l.record({ modelId: L33, usage: use(100, 10), costUsd: 0.01, task: 'chat', at: new Date(2025, 1, 3, 9) });
    l.record({ modelId: L33, usage: use(50, 5), costUsd: 0.005, task: 'chat', at: new Date(2025, 0, 5, 9) }); // day 1 of 30
    l.record({ modelId: L33, usage: use(7, 7), costUsd: 1, task: 'chat', at: new Date(2025, 0, 4, 9) }); // 31 days back: not shown
    const r = buildUsageReport(l, now);
    assert.equal(r.days.length, VIEW_DAYS);
    assert.equal(r.days[0].date, '2025-01-05');
    assert.equal(r.days[29].date, '2025-02-03');
    assert.deepEqual(r.days[10].totals, zeroTotals());
    assert.equal(r.days[0].totals.inputTokens, 50);
    assert.equal(r.summary.range.costUsd, 0.015);
    assert.equal(r.summary.allTime.costUsd, 1.015);
    assert.equal(r.models[0].range.costUsd, 0.015);
    assert.equal(r.models[0].allTime.costUsd, 1.015);
    assert.equal(r.generatedAt, now.toISOString());
  });

  it('shows a model by its name, its routes (us., eu., apac., global., ARNs) together; other ARNs short, unknown ids as they are', () => {
    const l = new UsageLedger();
    const at = new Date(2025, 1, 3, 9);
    l.record({ modelId: L33, usage: use(1, 1), costUsd: 0.01, at });
    l.record({ modelId: `us.${L33}`, usage: use(1, 1), costUsd: 0.02, at });
    l.record({ modelId: `global.${L33}`, usage: use(1, 1), costUsd: 0.03, at });
    l.record({ modelId: L31, usage: use(1, 1), costUsd: 0.1, at });
    l.record({ modelId: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${L33}`, usage: use(1, 1), costUsd: 0.04, at });
    l.record({ modelId: 'arn:aws:bedrock:us-west-2:1:imported-model/x', usage: use(1, 1), at });
    l.record({ modelId: 'my-custom-id', usage: use(1, 1), at });
    const r = buildUsageReport(l, now);
    assert.deepEqual(r.models.map((m) => [m.id, m.label]), [
      [L31, 'Llama 3.1 8B Instruct'],
      [L33, 'Llama 3.3 70B Instruct'],
      ['my-custom-id', 'my-custom-id'],
      ['arn:aws:bedrock:us-west-2:1:imported-model/x', 'x (imported model)'],
    ], 'dearest first, then by name');
    assert.equal(r.models[1].range.requests, 4);
    assert.ok(Math.abs(r.days[29].models[L33].costUsd - 0.1) < 1e-12);
    assert.equal(r.models[3].range.unknownCostRequests, 1);
    assert.equal(modelName('arn:aws:bedrock:us-west-2:1:application-inference-profile/abc123').label, 'abc123 (application inference profile)');
    assert.equal(modelName(`arn:aws:bedrock:us-west-2::foundation-model/${L31}`).id, L31);
  });

  it('has spend by task, cache savings apart from spend, and the estimated share', () => {
    const l = new UsageLedger();
    const at = new Date(2025, 1, 3, 9);
    l.record({ modelId: L33, usage: use(100, 10), costUsd: 0.004, task: 'explain', at });
    l.record({ modelId: L33, usage: use(100, 10), costUsd: 0, cached: true, savedUsd: 0.004, task: 'explain', at });
    l.record({ modelId: L33, usage: use(30, 3), costUsd: 0.001, estimated: true, task: 'batch', at });
    l.record({ modelId: L33, usage: use(1, 1), costUsd: 0.002, at }); // no task
    const r = buildUsageReport(l, now);
    assert.deepEqual(r.tasks.map((t) => [t.id, t.label]), [['explain', 'Explain'], ['batch', 'Summarize Files']]);
    const today = r.summary.today;
    assert.deepEqual([today.requests, today.cachedRequests, today.savedUsd, today.estimatedRequests, today.estimatedCostUsd], [3, 1, 0.004, 1, 0.001]);
    assert.equal(today.costUsd, 0.007, 'the cached answer is not spend');
    assert.deepEqual(Object.keys(r.days[29].tasks).sort(), ['batch', 'explain']);
    assert.deepEqual(r.summary.month, today);
    assert.deepEqual(r.summary.session, today);
  });

  it('for an export, adds every older kept day that has usage', () => {
    const l = new UsageLedger();
    l.record({ modelId: L33, usage: use(1, 1), costUsd: 0.01, task: 'ask', at: new Date(2024, 5, 1, 12) });
    l.record({ modelId: L33, usage: use(1, 1), costUsd: 0.01, task: 'ask', at: new Date(2024, 11, 24, 12) });
    const r = buildUsageReport(l, now, 'all');
    assert.deepEqual(r.days.slice(0, 3).map((d) => d.date), ['2024-06-01', '2024-12-24', '2025-01-05']);
    assert.equal(r.days.length, VIEW_DAYS + 2);
    assert.equal(r.days[0].models[L33].requests, 1, 'among the newest 90 days with usage: broken down');
    assert.equal(r.days[1].tasks.ask.requests, 1);
    assert.equal(r.summary.range.requests, 2);
  });

  describe('in the user\'s time zone', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    for (const tz of ['America/Los_Angeles', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC']) {
      it(`puts 23:59 and 00:01 on their own days and months, and has 30 distinct days across a clock change (${tz})`, () => {
        process.env.TZ = tz;
        const l = new UsageLedger();
        l.record({ modelId: L33, usage: use(1, 0), costUsd: 0.9, task: 'chat', at: new Date(2025, 2, 31, 23, 59) });
        l.record({ modelId: L33, usage: use(2, 0), costUsd: 0.3, task: 'chat', at: new Date(2025, 3, 1, 0, 1) });
        const r = buildUsageReport(l, new Date(2025, 3, 1, 0, 30)); // 30 minutes into April 1
        assert.deepEqual(r.days.slice(-2).map((d) => [d.date, d.totals.costUsd, d.models[L33]?.inputTokens, d.tasks.chat?.inputTokens]),
          [['2025-03-31', 0.9, 1, 1], ['2025-04-01', 0.3, 2, 2]]);
        assert.equal(r.summary.today.costUsd, 0.3);
        assert.equal(r.summary.month.costUsd, 0.3, 'April only');
        // March 3 – April 1 spans the US (Mar 9) and Lord Howe (Apr 6: not yet) changes; Tokyo and UTC have none.
        const dates = r.days.map((d) => d.date);
        assert.equal(new Set(dates).size, 30);
        assert.equal(dates[0], '2025-03-03');
        assert.ok(dates.includes('2025-03-09') && dates.includes('2025-03-10'));
      });
    }

    it('has every day where the clock change skips midnight (America/Sao_Paulo, November 2018)', () => {
      process.env.TZ = 'America/Sao_Paulo';
      const r = buildUsageReport(new UsageLedger(), new Date(2018, 10, 10, 12));
      const dates = r.days.map((d) => d.date);
      assert.ok(dates.includes('2018-11-04'), 'the day that began at 01:00');
      assert.equal(new Set(dates).size, 30);
      assert.equal(dates.at(-1), '2018-11-10');
    });
  });
});

describe('usage export', () => {
  const now = new Date(2025, 1, 3, 15, 30);
  const hostile = ['=cmd|\' /C calc\'!A0', 'a,b', 'say "hi"', 'two\nlines', '+1', '-1', '@SUM(A1)', '\tTab', 'plain.id'];

  function hostileReport(): UsageReport {
    const l = new UsageLedger();
    for (const [i, modelId] of hostile.entries()) {
      l.record({ modelId, usage: use(10 + i, 1), costUsd: 0.0000001 * (i + 1), task: 'chat', at: new Date(2025, 1, 3, 9) });
    }
    return buildUsageReport(l, now);
  }

  it('writes one CSV row per day and breakdown, under a header, with CRLF line ends', () => {
    const l = new UsageLedger();
    l.record({ modelId: L33, usage: use(100, 10), costUsd: 0.004, task: 'explain', at: new Date(2025, 1, 3, 9) });
    l.record({ modelId: `us.${L33}`, usage: use(40, 4), costUsd: 0.001, estimated: true, task: 'chat', at: new Date(2025, 1, 3, 10) });
    l.record({ modelId: L33, usage: use(1, 1), cached: true, savedUsd: 0.002, task: 'chat', at: new Date(2025, 1, 3, 11) });
    const csv = toCsv(buildUsageReport(l, now));
    assert.ok(csv.endsWith('\r\n') && !/[^\r]\n/.test(csv));
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], CSV_HEADER);
    assert.deepEqual(rows[0].slice(0, 8), ['date', 'breakdown', 'id', 'name', 'requests', 'input_tokens', 'output_tokens', 'cost_usd']);
    assert.equal(rows.length, 1 + 30 + 1 + 2, 'a total row per day; a model row and two task rows on Feb 3');
    const col = (name: string) => CSV_HEADER.indexOf(name);
    const feb3 = rows.filter((r) => r[0] === '2025-02-03');
    assert.deepEqual(feb3.map((r) => [r[1], r[2], r[3]]), [['total', '', ''], ['model', L33, 'Llama 3.3 70B Instruct'], ['task', 'explain', 'Explain'], ['task', 'chat', 'Chat']]);
    const [total, model, , chat] = feb3;
    assert.deepEqual([total[col('requests')], total[col('input_tokens')], total[col('cost_usd')], total[col('estimated_cost_usd')]], ['2', '140', '0.005', '0.001']);
    assert.deepEqual([total[col('cached_answers')], total[col('saved_usd')]], ['1', '0.002']);
    assert.equal(model[col('estimated_input_tokens')], '40');
    assert.deepEqual([chat[col('requests')], chat[col('cached_answers')]], ['1', '1']);
    assert.deepEqual(rows[1], ['2025-01-05', 'total', '', '', ...CSV_HEADER.slice(4).map(() => '0')]);
  });

  it('quotes hostile model ids by RFC 4180 and defuses formulas with a leading \'', () => {
    const rows = parseCsv(toCsv(hostileReport()));
    const ids = rows.filter((r) => r[1] === 'model').map((r) => r[2]);
    assert.deepEqual(ids.sort(), [
      '\'\tTab', '\'+1', '\'-1', '\'=cmd|\' /C calc\'!A0', '\'@SUM(A1)', 'a,b', 'plain.id', 'say "hi"', 'two\nlines',
    ].sort());
    for (const r of rows) assert.equal(r.length, CSV_HEADER.length, JSON.stringify(r));
    assert.equal(text('a,b'), '"a,b"');
    assert.equal(text('say "hi"'), '"say ""hi"""');
    assert.equal(text('=1+1'), "'=1+1");
    assert.equal(text('\r=x'), '"\'\r=x"');
    assert.equal(text('plain'), 'plain');
  });

  it('writes amounts in plain decimals, never 1e-7', () => {
    const csv = toCsv(hostileReport());
    assert.ok(!/\de-\d/.test(csv));
    assert.match(csv, /,0\.0000001,/);
  });

  it('writes the report as JSON, under a format marker', () => {
    const report = buildUsageReport(yearOfUsage(), new Date(2025, 11, 31, 18), 'all');
    const back = JSON.parse(toJson(report)) as Record<string, unknown>;
    assert.equal(back.format, 'bedrock-llama-usage');
    assert.equal(back.version, 1);
    const { format: _f, version: _v, ...rest } = back;
    assert.deepEqual(rest, JSON.parse(JSON.stringify(report)));
    assert.equal(report.days.length, 365, 'a year of days');
    assert.equal(report.days.filter((d) => Object.keys(d.models).length > 0).length, 90);
    assert.equal(report.models.length, 5, 'the two routes of Llama 3.3 70B are one model');
  });
});
