// The one protocol between the extension and the usage view, imported by both bundles. Each
// side parses what arrives with the checks below and drops (and logs) anything else. The view
// says `ready` when it listens (first load, and again each time it is shown after being hidden);
// the extension answers with the whole report, then a new one whenever usage changes.
import { arrayOf, exact, isBoolean, isCount, isFiniteNumber, isRecord, maxLength, oneOf, type Check, type Shape } from '../core/chat/guards';
import type { UsageTotals } from '../core/usage';
import type { ReportDay, ReportEntry, UsageReport } from '../core/usageReport';
import { parseMessage, type Schemas } from './messages';

export { describeDropped } from './messages';

export type ExportFormat = 'csv' | 'json';

export type ToWebview =
  | { type: 'report'; report: UsageReport }
  /** How an export the view asked for ended (also said in a notification when it failed). */
  | { type: 'exported'; ok: boolean; message: string };

export type FromWebview =
  | { type: 'ready' }
  /** The extension asks where (a save dialog) and writes the file. */
  | { type: 'export'; format: ExportFormat }
  /** Reset Usage Meter (the session; history is kept). */
  | { type: 'resetSession' };

/** Beyond what the ledger keeps (400 days, a few models): a bound, not a limit anyone meets. */
const MAX_DAYS = 1000;
const MAX_ENTRIES = 500;
const id = maxLength(2048);

const amount: Check = (v) => isFiniteNumber(v) && (v as number) >= 0;
const totals: Check = exact({
  inputTokens: amount, outputTokens: amount, costUsd: amount, requests: isCount, unknownCostRequests: isCount,
  estimatedRequests: isCount, cachedRequests: isCount, savedUsd: amount,
  estimatedInputTokens: amount, estimatedOutputTokens: amount, estimatedCostUsd: amount,
} satisfies Shape<UsageTotals>);

function recordOf(check: Check, maxKeys: number): Check {
  return (v) => isRecord(v) && Object.keys(v).length <= maxKeys && Object.entries(v).every(([k, x]) => k.length <= 2048 && check(x));
}

const day: Check = exact({
  date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
  totals,
  models: recordOf(totals, MAX_ENTRIES),
  tasks: recordOf(totals, MAX_ENTRIES),
} satisfies Shape<ReportDay>);
const entry: Check = exact({ id, label: id, range: totals, allTime: totals } satisfies Shape<ReportEntry>);
const report: Check = exact({
  generatedAt: maxLength(40),
  days: arrayOf(day, MAX_DAYS),
  models: arrayOf(entry, MAX_ENTRIES),
  tasks: arrayOf(entry, MAX_ENTRIES),
  summary: exact({ session: totals, today: totals, month: totals, range: totals, allTime: totals } satisfies Shape<UsageReport['summary']>),
} satisfies Shape<UsageReport>);

const TO_WEBVIEW: Schemas<ToWebview> = {
  report: { report },
  exported: { ok: isBoolean, message: maxLength(10_000) },
};

const FROM_WEBVIEW: Schemas<FromWebview> = {
  ready: {},
  export: { format: oneOf('csv', 'json') },
  resetSession: {},
};

/** The message if it is a well-formed FromWebview, else undefined. */
export function parseFromWebview(value: unknown): FromWebview | undefined {
  return parseMessage(FROM_WEBVIEW, value);
}

/** The message if it is a well-formed ToWebview, else undefined. */
export function parseToWebview(value: unknown): ToWebview | undefined {
  return parseMessage(TO_WEBVIEW, value);
}
