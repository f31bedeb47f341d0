// The usage view's page: totals at a glance, daily spend (by model, by task, or counted versus
// estimated) and daily tokens as charts, each with its figures in a table right below it, then
// tables by model, by task and in total. Built once; each report replaces the figures, never the
// controls, so focus stays where it is.
import { formatCount, formatTokens, formatUsd } from '../../core/pricing';
import type { UsageTotals } from '../../core/usage';
import type { ReportDay, ReportEntry, UsageReport } from '../../core/usageReport';
import type { ExportFormat } from '../../shared/usageProtocol';
import { h } from '../dom';
import { post, saveChoice, savedChoice } from './api';
import { BarChart, type Series } from './charts';
import { longDay, plural, shortDay, spend, tableDay } from './format';
import { DataTable, type Column } from './tables';
import { onThemeChange, readTheme } from './theme';

const BREAKDOWNS = ['model', 'task', 'source'] as const;
type Breakdown = (typeof BREAKDOWNS)[number];
const BREAKDOWN_LABELS: Record<Breakdown, string> = { model: 'By model', task: 'By task', source: 'Counted or estimated' };
/** Where a chart's figures are, for its accessible name. */
const SEE_TABLE = 'The figures are in the table below the chart.';
/** Below this a remainder is float noise, not a series. */
const EPSILON = 1e-12;

export class UsageView {
  readonly element: HTMLElement;
  private report: UsageReport | undefined;
  private breakdown: Breakdown = savedChoice('breakdown', BREAKDOWNS, 'model');
  private readonly status = h('p', { class: 'status', role: 'status' });
  private readonly empty = h('p', { class: 'empty', hidden: true }, 'Nothing recorded yet: usage appears here as you use Explain, Summarize, Ask and the chat.');
  private readonly cards = h('div', { class: 'cards' });
  private readonly toggles: HTMLButtonElement[];
  private readonly spendCanvas = h('canvas', { role: 'img' });
  private readonly tokenCanvas = h('canvas', { role: 'img' });
  private readonly spendChart: BarChart;
  private readonly tokenChart: BarChart;
  private readonly spendTable = new DataTable('daily-spend', { rows: true });
  private readonly tokenTable = new DataTable('daily-tokens', { rows: true });
  private readonly models = new DataTable('by-model');
  private readonly tasks = new DataTable('by-task');
  private readonly totals = new DataTable('totals');
  private readonly themeWatch: MutationObserver;

  constructor() {
    const exportButton = (format: ExportFormat, label: string) => button(label, () => post({ type: 'export', format }));
    const reset = button('Reset Usage Meter', () => post({ type: 'resetSession' }));
    reset.title = 'Starts a new session meter; the history is kept';
    reset.classList.add('secondary');
    this.toggles = BREAKDOWNS.map((b) => {
      const toggle = button(BREAKDOWN_LABELS[b], () => this.setBreakdown(b));
      toggle.dataset.breakdown = b;
      return toggle;
    });
    this.element = h('main', { class: 'usage' },
      h('header', { class: 'top' },
        h('h1', {}, 'Token Usage and Cost'),
        h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Usage' }, exportButton('csv', 'Export CSV…'), exportButton('json', 'Export JSON…'), reset),
      ),
      h('p', { class: 'note' }, 'From Bedrock\'s own counts; ≈ marks local estimates for requests that were stopped or failed after Bedrock accepted them. Answers from the response cache cost nothing and are counted as saved, not spent.'),
      this.status,
      this.empty,
      this.cards,
      section('Daily spend, last 30 days',
        h('div', { class: 'toggles', role: 'group', 'aria-label': 'Break down spend' }, ...this.toggles),
        h('div', { class: 'chart' }, this.spendCanvas),
        this.spendTable.element,
      ),
      section('Tokens per day, in and out', h('div', { class: 'chart' }, this.tokenCanvas), this.tokenTable.element),
      section('By model', this.models.element),
      section('By task', this.tasks.element),
      section('Totals', this.totals.element),
    );
    const theme = readTheme();
    this.spendChart = new BarChart(this.spendCanvas, formatUsd, theme);
    this.tokenChart = new BarChart(this.tokenCanvas, formatTokens, theme);
    this.themeWatch = onThemeChange(() => {
      const next = readTheme();
      this.spendChart.setTheme(next);
      this.tokenChart.setTheme(next);
    });
    this.showBreakdown();
  }

  show(report: UsageReport): void {
    this.report = report;
    const s = report.summary;
    this.empty.hidden = s.allTime.requests > 0 || s.allTime.cachedRequests > 0;
    this.cards.replaceChildren(
      card('Today', spend(s.today), tokensLine(s.today)),
      card('This month', spend(s.month), tokensLine(s.month)),
      card('Last 30 days', spend(s.range), tokensLine(s.range)),
      card('Cache savings, 30 days', formatUsd(s.range.savedUsd), `${plural(s.range.cachedRequests, 'answer')} from the response cache: not sent, not billed`),
    );
    this.showDaily();
    this.showTokens(report.days);
    this.models.set('By model, last 30 days and all time', entryColumns('Model'), report.models.map(entryRow));
    this.tasks.set('By task, last 30 days and all time', entryColumns('Task'), report.tasks.map(entryRow));
    this.showTotals(report);
  }

  /** How an export ended. */
  exported(ok: boolean, message: string): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', !ok);
  }

  dispose(): void {
    this.themeWatch.disconnect();
    this.spendChart.destroy();
    this.tokenChart.destroy();
  }

  private setBreakdown(b: Breakdown): void {
    this.breakdown = b;
    saveChoice('breakdown', b);
    this.showBreakdown();
    this.showDaily();
  }

  private showBreakdown(): void {
    for (const t of this.toggles) t.setAttribute('aria-pressed', String(t.dataset.breakdown === this.breakdown));
  }

  /** The spend chart and the table with its figures: both follow the breakdown. */
  private showDaily(): void {
    const report = this.report;
    if (!report) return;
    const series = spendSeries(report, this.breakdown);
    this.spendChart.set(report.days.map((d) => shortDay(d.date)), series);
    const what = BREAKDOWN_LABELS[this.breakdown].toLowerCase();
    const total = report.summary.range;
    const top = report.days.reduce<ReportDay | undefined>((best, d) => (d.totals.costUsd > (best?.totals.costUsd ?? 0) ? d : best), undefined);
    this.spendCanvas.setAttribute('aria-label', `Bar chart of daily spend over the last 30 days, ${what}: ${spend(total)} in all` +
      (top ? `, the most on ${longDay(top.date)} (${formatUsd(top.totals.costUsd)})` : '') + `. ${SEE_TABLE}`);
    const columns: Column[] = [
      { label: 'Date' }, ...series.map((s) => ({ label: s.label, numeric: true })), { label: 'Spend', numeric: true },
      { label: 'Cached answers', numeric: true }, { label: 'Saved', numeric: true },
    ];
    const rows = report.days.map((d, i) => [
      tableDay(d.date), ...series.map((s) => formatUsd(s.values[i])), spend(d.totals), formatCount(d.totals.cachedRequests), formatUsd(d.totals.savedUsd),
    ]).reverse();
    this.spendTable.set(`Daily spend ${what}, last 30 days, newest first`, columns, rows);
  }

  private showTokens(days: ReportDay[]): void {
    const values = (f: (t: UsageTotals) => number) => days.map((d) => f(d.totals));
    this.tokenChart.set(days.map((d) => shortDay(d.date)), [
      { label: 'In, counted by Bedrock', values: values((t) => t.inputTokens - t.estimatedInputTokens), color: 0, stack: 'in' },
      { label: 'In, estimated', values: values((t) => t.estimatedInputTokens), color: 0, light: true, stack: 'in' },
      { label: 'Out, counted by Bedrock', values: values((t) => t.outputTokens - t.estimatedOutputTokens), color: 3, stack: 'out' },
      { label: 'Out, estimated', values: values((t) => t.estimatedOutputTokens), color: 3, light: true, stack: 'out' },
    ]);
    const sum = (f: (t: UsageTotals) => number) => days.reduce((n, d) => n + f(d.totals), 0);
    this.tokenCanvas.setAttribute('aria-label', `Bar chart of tokens per day over the last 30 days, in and out side by side, estimated shares lighter: ` +
      `${formatCount(sum((t) => t.inputTokens))} in (${formatCount(sum((t) => t.estimatedInputTokens))} estimated), ` +
      `${formatCount(sum((t) => t.outputTokens))} out (${formatCount(sum((t) => t.estimatedOutputTokens))} estimated). ${SEE_TABLE}`);
    const columns: Column[] = [
      { label: 'Date' }, { label: 'Tokens in', numeric: true }, { label: 'In, estimated', numeric: true },
      { label: 'Tokens out', numeric: true }, { label: 'Out, estimated', numeric: true }, { label: 'Requests', numeric: true },
    ];
    const rows = days.map(({ date, totals: t }) => [
      tableDay(date), formatCount(t.inputTokens), formatCount(t.estimatedInputTokens), formatCount(t.outputTokens), formatCount(t.estimatedOutputTokens), formatCount(t.requests),
    ]).reverse();
    this.tokenTable.set('Tokens per day, last 30 days, newest first', columns, rows);
  }

  private showTotals({ summary: s }: UsageReport): void {
    const columns: Column[] = [
      { label: 'Period' }, { label: 'Requests', numeric: true }, { label: 'Tokens in', numeric: true }, { label: 'Tokens out', numeric: true },
      { label: 'Spend', numeric: true }, { label: 'Counted by Bedrock', numeric: true }, { label: 'Estimated', numeric: true },
      { label: 'Cached answers', numeric: true }, { label: 'Saved', numeric: true },
    ];
    const row = (label: string, t: UsageTotals) => [
      label, formatCount(t.requests), formatCount(t.inputTokens), formatCount(t.outputTokens), spend(t),
      formatUsd(t.costUsd - t.estimatedCostUsd), t.estimatedRequests > 0 ? `${formatUsd(t.estimatedCostUsd)} (${plural(t.estimatedRequests, 'request')})` : formatUsd(0),
      formatCount(t.cachedRequests), formatUsd(t.savedUsd),
    ];
    this.totals.set('Totals: spend counted by Bedrock and estimated locally, and answers from the response cache', columns, [
      row('This session', s.session), row('Today', s.today), row('This month', s.month), row('Last 30 days', s.range), row('All time', s.allTime),
    ]);
  }
}

/** The spend chart's series: one per model or task (with what none of them covers), or counted and estimated. */
function spendSeries(report: UsageReport, breakdown: Breakdown): Series[] {
  const days = report.days;
  if (breakdown === 'source') {
    return [
      { label: 'Counted by Bedrock', values: days.map((d) => Math.max(0, d.totals.costUsd - d.totals.estimatedCostUsd)), color: 0 },
      { label: 'Estimated', values: days.map((d) => d.totals.estimatedCostUsd), color: 0, light: true },
    ];
  }
  const entries = breakdown === 'model' ? report.models : report.tasks;
  const part = (d: ReportDay) => (breakdown === 'model' ? d.models : d.tasks);
  const series: Series[] = entries
    .filter((e) => e.range.costUsd > 0)
    .map((e, i) => ({ label: e.label, values: days.map((d) => part(d)[e.id]?.costUsd ?? 0), color: i }));
  const rest = days.map((d, i) => d.totals.costUsd - series.reduce((n, s) => n + s.values[i], 0));
  if (rest.some((v) => v > EPSILON)) {
    series.push({ label: breakdown === 'task' ? 'No task' : 'Not broken down', values: rest.map((v) => (v > EPSILON ? v : 0)), color: series.length });
  }
  return series;
}

function entryColumns(first: string): Column[] {
  return [
    { label: first }, { label: 'Requests', numeric: true }, { label: 'Tokens in', numeric: true }, { label: 'Tokens out', numeric: true },
    { label: 'Spend, 30 days', numeric: true }, { label: 'Estimated, 30 days', numeric: true }, { label: 'Saved, 30 days', numeric: true },
    { label: 'Spend, all time', numeric: true },
  ];
}

function entryRow(e: ReportEntry): string[] {
  const r = e.range;
  return [
    e.label, formatCount(r.requests), formatCount(r.inputTokens), formatCount(r.outputTokens), spend(r),
    formatUsd(r.estimatedCostUsd), formatUsd(r.savedUsd), spend(e.allTime),
  ];
}

function tokensLine(t: UsageTotals): string {
  return `${formatTokens(t.inputTokens)} in · ${formatTokens(t.outputTokens)} out · ${plural(t.requests, 'request')}`;
}

function card(title: string, value: string, detail: string): HTMLElement {
  return h('div', { class: 'card' }, h('h2', {}, title), h('p', { class: 'value' }, value), h('p', { class: 'detail' }, detail));
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...content);
}

function button(label: string, run: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button' }, label);
  b.addEventListener('click', run);
  return b;
}
