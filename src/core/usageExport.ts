// The usage report as files: CSV for spreadsheets, JSON for scripts.
//
// CSV (RFC 4180: comma separated, CRLF line ends, a header row, fields with a comma, quote or
// line break in double quotes): one row per day and `breakdown`:
//   total  the whole day (`id` and `name` empty);
//   model  one row per model used that day (`id`: its base id, or the id as sent; `name`: its display name);
//   task   one row per task that day (explain, summarize, ask, chat, batch).
// Sum the rows of one breakdown only: the model rows of a day add up to its total row, the task
// rows to the part of it that had a task. Days older than the ledger's breakdowns (90 days) have
// only a total row. Costs are USD; `estimated_*` is the part of the columns before it that came
// from local estimates (stopped or failed requests), the rest is Bedrock's count; `cached_answers`
// and `saved_usd` are answers from the response cache, which cost nothing and are not in `cost_usd`.
// Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
// return) get a leading ' (OWASP, CSV injection).
import type { UsageTotals } from './usage';
import type { UsageReport } from './usageReport';

const COLUMNS: ReadonlyArray<[header: string, field: keyof UsageTotals]> = [
  ['requests', 'requests'],
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['cost_usd', 'costUsd'],
  ['estimated_requests', 'estimatedRequests'],
  ['estimated_input_tokens', 'estimatedInputTokens'],
  ['estimated_output_tokens', 'estimatedOutputTokens'],
  ['estimated_cost_usd', 'estimatedCostUsd'],
  ['unpriced_requests', 'unknownCostRequests'],
  ['cached_answers', 'cachedRequests'],
  ['saved_usd', 'savedUsd'],
];

export const CSV_HEADER = ['date', 'breakdown', 'id', 'name', ...COLUMNS.map(([h]) => h)];

export function toCsv(report: UsageReport): string {
  const names = new Map([...report.models, ...report.tasks].map((e) => [e.id, e.label]));
  const lines = [CSV_HEADER.join(',')];
  const row = (date: string, breakdown: string, id: string, t: UsageTotals) =>
    lines.push([date, breakdown, text(id), text(id ? names.get(id) ?? id : ''), ...COLUMNS.map(([, f]) => number(t[f]))].join(','));
  for (const day of report.days) {
    row(day.date, 'total', '', day.totals);
    for (const [id, t] of Object.entries(day.models)) row(day.date, 'model', id, t);
    for (const [id, t] of Object.entries(day.tasks)) row(day.date, 'task', id, t);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The report as it is, under a marker naming the format. */
export function toJson(report: UsageReport): string {
  return `${JSON.stringify({ format: 'bedrock-llama-usage', version: 1, ...report }, null, 2)}\n`;
}

/** A text field: defused as a formula, then quoted when it has to be. */
export function text(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Plain decimal notation (never `1e-7`), without float noise past 10 decimals. */
function number(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
}
