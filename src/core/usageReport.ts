// What the usage view shows and what it exports, built from the ledger alone: day rows
// (zero-filled, local-time keys as the ledger keeps them) with their spend by model and by
// task, the models and tasks with their totals over those days and all time, and the
// session / today / this month summary. Plain data, so both the webview and the exports
// take it as it is.
import { findModel } from './catalog';
import { addTotals, dayKey, zeroTotals, type DayDetail, type UsageLedger, type UsageTotals } from './usage';

/** Days the view draws. */
export const VIEW_DAYS = 30;

/** A day as the ledger keeps it, its models keyed as in `UsageReport.models`. */
export type ReportDay = DayDetail;

export interface ReportEntry {
  /** A catalog model's base id (its `us.`/`eu.`/`apac.`/`global.` routes counted with it), else the id as sent; or the task. */
  id: string;
  /** Display name: the catalog's, else the id; a task's name. */
  label: string;
  /** Over the report's days. */
  range: UsageTotals;
  allTime: UsageTotals;
}

export interface UsageReport {
  /** When the report was made, ISO 8601. */
  generatedAt: string;
  /** Oldest first, up to the local day of `generatedAt`: every one of the last days asked for (zero-filled), and older kept days that have usage. */
  days: ReportDay[];
  /** Dearest over the days first, then all time. */
  models: ReportEntry[];
  tasks: ReportEntry[];
  summary: {
    /** This window since it opened or since Reset Usage Meter. */
    session: UsageTotals;
    today: UsageTotals;
    month: UsageTotals;
    /** The sum of `days`. */
    range: UsageTotals;
    allTime: UsageTotals;
  };
}

const TASK_LABELS: Record<string, string> = { explain: 'Explain', summarize: 'Summarize', ask: 'Ask', chat: 'Chat', batch: 'Summarize Files', vscodeChat: 'VS Code chat' };

/**
 * @param days how many days back from `now` (its local day included); `'all'` adds every older
 *   day the ledger keeps (for exports: up to a year of totals, by model and task for 90 days).
 */
export function buildUsageReport(ledger: UsageLedger, now: Date, days: number | 'all' = VIEW_DAYS): UsageReport {
  const detail = new Map(ledger.dailyDetail().map((d) => [d.date, d]));
  const recent = dayKeysBack(now, days === 'all' ? VIEW_DAYS : days);
  const older = days === 'all' ? [...detail.keys()].filter((k) => k < recent[0]) : [];
  const keys = [...older, ...recent];

  const models = new Map<string, ReportEntry>();
  const tasks = new Map<string, ReportEntry>();
  const entry = (into: Map<string, ReportEntry>, id: string, label: string) => {
    let e = into.get(id);
    if (!e) into.set(id, (e = { id, label, range: zeroTotals(), allTime: zeroTotals() }));
    return e;
  };
  const rangeTotals = zeroTotals();
  const rows = keys.map((date): ReportDay => {
    const d = detail.get(date);
    const row: ReportDay = { date, totals: d ? { ...d.totals } : zeroTotals(), models: {}, tasks: {} };
    addTotals(rangeTotals, row.totals);
    for (const [id, t] of Object.entries(d?.models ?? {})) {
      const m = modelName(id);
      addTotals((row.models[m.id] ??= zeroTotals()), t);
      addTotals(entry(models, m.id, m.label).range, t);
    }
    for (const [task, t] of Object.entries(d?.tasks ?? {})) {
      row.tasks[task] = { ...t };
      addTotals(entry(tasks, task, taskLabel(task)).range, t);
    }
    return row;
  });
  const allTime = zeroTotals();
  for (const [id, t] of Object.entries(ledger.modelTotals())) {
    const m = modelName(id);
    addTotals(entry(models, m.id, m.label).allTime, t);
    addTotals(allTime, t);
  }
  for (const [task, t] of Object.entries(ledger.taskTotals())) addTotals(entry(tasks, task, taskLabel(task)).allTime, t);

  return {
    generatedAt: now.toISOString(),
    days: rows,
    models: sorted(models),
    tasks: sorted(tasks),
    summary: { session: ledger.sessionTotals(), today: ledger.dayTotals(now), month: ledger.monthTotals(now), range: rangeTotals, allTime },
  };
}

const ARN = /^arn:[a-z0-9-]+:bedrock:[a-z0-9-]*:\d*:([a-z-]+)\/(.+)$/;

/**
 * How a model id is shown and grouped: a catalog model under its base id, whatever route it went
 * by (a `us.`/`eu.`/`apac.`/`global.` profile, a foundation-model or inference-profile ARN); another
 * ARN by its last part and kind (`llama-tuned (imported model)`), anything else as it is.
 */
export function modelName(id: string): { id: string; label: string } {
  const arn = ARN.exec(id);
  const plain = !arn ? id : arn[1] === 'foundation-model' || arn[1] === 'inference-profile' ? arn[2] : undefined;
  const info = plain === undefined ? undefined : findModel(plain.replace(/^(us|eu|apac|global)\./, ''));
  if (info) return { id: info.id, label: info.label };
  return { id, label: arn ? `${arn[2].split('/').pop()} (${arn[1].replace(/-/g, ' ')})` : id };
}

function taskLabel(task: string): string {
  return Object.hasOwn(TASK_LABELS, task) ? TASK_LABELS[task as keyof typeof TASK_LABELS] : task;
}

function sorted(map: Map<string, ReportEntry>): ReportEntry[] {
  return [...map.values()].sort((a, b) => b.range.costUsd - a.range.costUsd || b.allTime.costUsd - a.allTime.costUsd || a.label.localeCompare(b.label));
}

/** `count` local day keys ending with the day of `now`, oldest first. */
function dayKeysBack(now: Date, count: number): string[] {
  const keys: string[] = [];
  // Noon: a day is never skipped or repeated where a clock change shifts midnight.
  for (let i = count - 1; i >= 0; i--) keys.push(dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i, 12)));
  return keys;
}
