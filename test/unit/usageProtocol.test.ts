// The usage view's protocol: each side drops what does not match exactly, down to every figure.
import { strict as assert } from 'node:assert';
import { UsageLedger } from '../../src/core/usage';
import { buildUsageReport } from '../../src/core/usageReport';
import { describeDropped, parseFromWebview, parseToWebview, type FromWebview, type ToWebview } from '../../src/shared/usageProtocol';
import { yearOfUsage } from '../support/usageYear';

const report = JSON.parse(JSON.stringify(buildUsageReport(yearOfUsage(), new Date(2025, 11, 31, 18)))) as ReturnType<typeof buildUsageReport>;

// One valid example of every message type (the Record makes a missing type a compile error).
const FROM: Record<FromWebview['type'], FromWebview> = {
  ready: { type: 'ready' },
  export: { type: 'export', format: 'csv' },
  resetSession: { type: 'resetSession' },
};
const TO: Record<ToWebview['type'], ToWebview> = {
  report: { type: 'report', report },
  exported: { type: 'exported', ok: false, message: 'Could not export the usage to /x.csv: permission denied' },
};

describe('usage protocol', () => {
  it('accepts every well-formed message, as it is', () => {
    for (const msg of Object.values(FROM)) assert.deepEqual(parseFromWebview(JSON.parse(JSON.stringify(msg))), msg);
    for (const msg of Object.values(TO)) assert.deepEqual(parseToWebview(JSON.parse(JSON.stringify(msg))), msg);
    assert.ok(parseToWebview({ type: 'report', report: buildUsageReport(new UsageLedger(), new Date()) }), 'an empty report');
  });

  it('drops extra keys, unknown types, missing or mistyped fields', () => {
    for (const v of [undefined, null, 1, 'ready', [], { type: 'ready', x: 1 }, { type: 'export' }, { type: 'export', format: 'xml' }, { type: 'reset' }]) {
      assert.equal(parseFromWebview(v), undefined, JSON.stringify(v));
    }
    for (const v of [{ type: 'report' }, { type: 'exported', ok: 'yes', message: '' }, { type: 'exported', ok: true }, { type: 'state', report }]) {
      assert.equal(parseToWebview(v), undefined, JSON.stringify(v));
    }
  });

  it('checks the report down to every figure', () => {
    const copy = () => JSON.parse(JSON.stringify(report)) as typeof report;
    const broken: Array<[string, (r: typeof report) => void]> = [
      ['a negative cost', (r) => { r.days[0].totals.costUsd = -1; }],
      ['a fractional request count', (r) => { r.summary.today.requests = 1.5; }],
      ['a figure as text', (r) => { (r.models[0].range as unknown as Record<string, unknown>).inputTokens = '12'; }],
      ['an extra figure', (r) => { (r.summary.session as unknown as Record<string, unknown>).bonus = 1; }],
      ['a missing figure', (r) => { delete (r.summary.month as unknown as Record<string, unknown>).savedUsd; }],
      ['a malformed date', (r) => { r.days[3].date = 'yesterday'; }],
      ['a model breakdown that is not totals', (r) => { (r.days[29].models as Record<string, unknown>).x = 5; }],
      ['a label that is not text', (r) => { (r.tasks[0] as unknown as Record<string, unknown>).label = 7; }],
      ['infinity', (r) => { r.summary.allTime.costUsd = Infinity; }],
    ];
    for (const [what, breakIt] of broken) {
      const r = copy();
      breakIt(r);
      assert.equal(parseToWebview({ type: 'report', report: r }), undefined, what);
    }
  });

  it('names a dropped message by its type, never its content', () => {
    assert.equal(describeDropped({ type: 'export', format: 'secret' }), "malformed 'export' message");
    assert.equal(describeDropped('x'), 'message without a known type');
  });
});
