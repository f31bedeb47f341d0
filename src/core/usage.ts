// Token and cost accounting: this window's session, plus day, month and per-model
// history that all VS Code windows share through one persisted snapshot.
//
// Sharing without losing counts: every window keeps the increments it has recorded
// since its last save ("unsaved") apart from the history it has seen. To save, the glue
// reads the persisted snapshot, calls `beginSave(persisted)` — which adds this window's
// unsaved increments to it (`merge` is a commutative, per-key sum) — writes `data`, then
// calls `commit()` (or `abort()` if the write failed, which puts the increments back).
// Each window only ever adds its own increments to the latest stored totals, so two
// windows saving in turn both count. Saves of one window must not overlap; two windows
// writing at the very same moment can still race in the storage layer itself.
// The session is per window and is not persisted.
//
// Older windows (before the per-day breakdowns) read this snapshot too: they ignore the keys
// they do not know and read a missing field as 0, so they never throw or lose their own counts;
// a save of theirs drops the breakdowns and the days past their 90 until every window is new.
import type { TokenUsage } from './types';

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  /** Sum of the known costs, USD; a lower bound when `unknownCostRequests` > 0. */
  costUsd: number;
  requests: number;
  /** Requests without a price (cost unknown, not $0). */
  unknownCostRequests: number;
  /** Requests counted with local estimates (stopped or failed after Bedrock accepted them). */
  estimatedRequests: number;
  /** Answers replayed from the response cache: not sent, not billed. */
  cachedRequests: number;
  /** What those cached answers cost when Bedrock first answered them, USD. */
  savedUsd: number;
  /** The share of the tokens and cost above that are local estimates, not Bedrock's count (counted = total − estimated). */
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
  estimatedCostUsd: number;
}

/** As persisted: fields that are 0 are left out (a missing field reads as 0); a year's snapshot is some 40 % smaller. */
export type StoredTotals = Partial<UsageTotals>;

/** The persisted form (VS Code globalState). Keys: `YYYY-MM-DD`, `YYYY-MM` (local time), model id, task. */
export interface UsageSnapshot {
  version: typeof USAGE_VERSION;
  days: Record<string, StoredTotals>;
  months: Record<string, StoredTotals>;
  models: Record<string, StoredTotals>;
  /** By task: explain, summarize, ask, chat, batch (absent in snapshots from before tasks were kept). */
  tasks: Record<string, StoredTotals>;
  /** By day and model, keyed `YYYY-MM-DD <model id>`, for the newest MAX_BREAKDOWN_DAYS days (absent in older snapshots). */
  dayModels: Record<string, StoredTotals>;
  /** By day and task, keyed `YYYY-MM-DD <task>`, likewise. */
  dayTasks: Record<string, StoredTotals>;
}

/** One kept day: its totals, and by model and by task when the day is among those with breakdowns. */
export interface DayDetail {
  /** `YYYY-MM-DD`, local time. */
  date: string;
  totals: UsageTotals;
  models: Record<string, UsageTotals>;
  tasks: Record<string, UsageTotals>;
}

export interface UsageRecord {
  modelId: string;
  usage: TokenUsage;
  /** Omitted when the model has no price. */
  costUsd?: number;
  /** The tokens are a local estimate, not Bedrock's count. */
  estimated?: boolean;
  /** What the request was for (explain, summarize, ask, chat, batch). */
  task?: string;
  /** Replayed from the response cache: nothing was sent or billed; `savedUsd` is what it would have cost. */
  cached?: boolean;
  savedUsd?: number;
  at: Date;
}

/** A save in progress: write `data`, then `commit()`, or `abort()` if writing failed. */
export interface PendingSave {
  readonly data: UsageSnapshot;
  commit(): void;
  abort(): void;
}

export const USAGE_VERSION = 1;
/** Day totals: a year and a month, so a year back from any day of the month is there. */
export const MAX_DAYS = 400;
export const MAX_MONTHS = 24;
/** Days kept with their breakdown by model and by task (the usage view draws the last 30). */
export const MAX_BREAKDOWN_DAYS = 90;

const BUCKETS = ['days', 'months', 'models', 'tasks', 'dayModels', 'dayTasks'] as const satisfies ReadonlyArray<Exclude<keyof UsageSnapshot, 'version'>>;

/** The snapshot's buckets as maps, keyed the same (in `dayModels`/`dayTasks` the day is always the first 10 characters). */
type Buckets = Record<(typeof BUCKETS)[number], Map<string, UsageTotals>>;

export class UsageLedger {
  private session = zeroTotals();
  private sessionModels = new Map<string, UsageTotals>();
  /** The last saved or loaded totals plus this window's increments since. */
  private history: Buckets;
  /** This window's increments not yet written. */
  private unsaved: Buckets = emptyBuckets();

  constructor(history?: UsageSnapshot) {
    this.history = history ? parseBuckets(history) : emptyBuckets();
  }

  /** Loads persisted history; anything unreadable starts an empty ledger rather than failing. */
  static fromJSON(json: unknown): UsageLedger {
    const ledger = new UsageLedger();
    ledger.history = parseBuckets(json);
    return ledger;
  }

  /** Sum of two snapshots (order does not matter), kept within the day/month bounds. */
  static merge(a: unknown, b: unknown): UsageSnapshot {
    return toSnapshot(mergeBuckets(parseBuckets(a), parseBuckets(b)));
  }

  record(entry: UsageRecord): void {
    const inc = increment(entry);
    const day = dayKey(entry.at);
    const month = monthKey(entry.at);
    addTotals(this.session, inc);
    addAt(this.sessionModels, entry.modelId, inc);
    const newDay = !this.history.days.has(day);
    for (const b of [this.history, this.unsaved]) {
      addAt(b.days, day, inc);
      addAt(b.months, month, inc);
      addAt(b.models, entry.modelId, inc);
      addAt(b.dayModels, `${day} ${entry.modelId}`, inc);
      if (entry.task) {
        addAt(b.tasks, entry.task, inc);
        addAt(b.dayTasks, `${day} ${entry.task}`, inc);
      }
    }
    if (newDay) trim(this.history); // only a new day can push one out
  }

  /** Starts a new session meter; day, month and model history stay. */
  resetSession(): void {
    this.session = zeroTotals();
    this.sessionModels.clear();
  }

  sessionTotals(): UsageTotals {
    return { ...this.session };
  }

  sessionByModel(): Record<string, UsageTotals> {
    return fromMap(this.sessionModels);
  }

  /** Totals of the local day containing `at`. */
  dayTotals(at: Date): UsageTotals {
    return { ...(this.history.days.get(dayKey(at)) ?? zeroTotals()) };
  }

  /**
   * The local day's and month's totals containing `at` over every window: those stored in
   * `persisted` (what the others saved, just read) plus this window's unsaved increments. Reads
   * just those two entries, not the whole history: budgets ask before every request.
   */
  sharedTotals(persisted: unknown, at: Date): { day: UsageTotals; month: UsageTotals } {
    const stored = isRecord(persisted) && typeof persisted.version === 'number' ? persisted : {};
    const sum = (bucket: unknown, unsaved: Map<string, UsageTotals>, key: string) => {
      const t = isRecord(bucket) && Object.prototype.hasOwnProperty.call(bucket, key) ? readTotals(bucket[key]) : zeroTotals();
      addTotals(t, unsaved.get(key) ?? zeroTotals());
      return t;
    };
    return { day: sum(stored.days, this.unsaved.days, dayKey(at)), month: sum(stored.months, this.unsaved.months, monthKey(at)) };
  }

  /** Totals of the local month containing `at`. */
  monthTotals(at: Date): UsageTotals {
    return { ...(this.history.months.get(monthKey(at)) ?? zeroTotals()) };
  }

  /** All-time totals per model id, across windows as of the last save. */
  modelTotals(): Record<string, UsageTotals> {
    return fromMap(this.history.models);
  }

  /** All-time totals per task, across windows as of the last save. */
  taskTotals(): Record<string, UsageTotals> {
    return fromMap(this.history.tasks);
  }

  /** Every kept day (at most MAX_DAYS), oldest first, as `YYYY-MM-DD` → totals. */
  dailyTotals(): Array<[string, UsageTotals]> {
    return [...this.history.days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => [k, { ...t }]);
  }

  /** Every kept day, oldest first, with its totals by model and by task (empty past the newest MAX_BREAKDOWN_DAYS days with usage). */
  dailyDetail(): DayDetail[] {
    const byDay = new Map<string, DayDetail>();
    for (const [date, totals] of this.dailyTotals()) byDay.set(date, { date, totals, models: {}, tasks: {} });
    for (const [bucket, field] of [['dayModels', 'models'], ['dayTasks', 'tasks']] as const) {
      for (const [key, t] of this.history[bucket]) {
        const detail = byDay.get(key.slice(0, 10));
        if (detail) detail[field][key.slice(11)] = { ...t };
      }
    }
    return [...byDay.values()];
  }

  hasUnsaved(): boolean {
    return this.unsaved.models.size > 0 || this.unsaved.days.size > 0;
  }

  /** Adds this window's unsaved increments to `persisted` (the value just read from storage). */
  beginSave(persisted: unknown): PendingSave {
    const taken = this.unsaved;
    this.unsaved = emptyBuckets();
    const merged = mergeBuckets(parseBuckets(persisted), taken);
    let settled = false;
    return {
      data: toSnapshot(merged),
      commit: () => {
        if (settled) return;
        settled = true;
        // Increments recorded while the write was in flight stay unsaved and visible.
        this.history = mergeBuckets(merged, this.unsaved);
      },
      abort: () => {
        if (settled) return;
        settled = true;
        this.unsaved = mergeBuckets(taken, this.unsaved);
      },
    };
  }

  /**
   * This window's increments not yet handed to storage, in the persisted form (to add to what
   * other windows saved). A save being written is not among them: the storage's in-memory
   * value already holds it from the moment the write is asked for (VS Code's Memento).
   */
  unsavedJSON(): UsageSnapshot {
    return toSnapshot(this.unsaved);
  }

  /** History as last seen by this window (without the session), for persistence or display. */
  toJSON(): UsageSnapshot {
    return toSnapshot(this.history);
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function monthKey(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

const FIELDS = [
  'inputTokens', 'outputTokens', 'costUsd', 'requests', 'unknownCostRequests', 'estimatedRequests', 'cachedRequests', 'savedUsd',
  'estimatedInputTokens', 'estimatedOutputTokens', 'estimatedCostUsd',
] as const satisfies ReadonlyArray<keyof UsageTotals>;

export function zeroTotals(): UsageTotals {
  return {
    inputTokens: 0, outputTokens: 0, costUsd: 0, requests: 0, unknownCostRequests: 0, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0,
    estimatedInputTokens: 0, estimatedOutputTokens: 0, estimatedCostUsd: 0,
  };
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function increment({ usage, costUsd, estimated, cached, savedUsd }: UsageRecord): UsageTotals {
  // A cached answer was neither sent nor billed: it counts only as money saved.
  if (cached) return { ...zeroTotals(), cachedRequests: 1, savedUsd: count(savedUsd) };
  const known = typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd >= 0;
  const inc: UsageTotals = {
    ...zeroTotals(),
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    costUsd: known ? costUsd : 0,
    requests: 1,
    unknownCostRequests: known ? 0 : 1,
  };
  if (estimated) {
    inc.estimatedRequests = 1;
    inc.estimatedInputTokens = inc.inputTokens;
    inc.estimatedOutputTokens = inc.outputTokens;
    inc.estimatedCostUsd = inc.costUsd;
  }
  return inc;
}

/** Adds `inc` into `target`, field by field. */
export function addTotals(target: UsageTotals, inc: UsageTotals): void {
  for (const f of FIELDS) target[f] += inc[f];
}

function addAt(map: Map<string, UsageTotals>, key: string, inc: UsageTotals): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = zeroTotals()));
  addTotals(t, inc);
}

function emptyBuckets(): Buckets {
  return Object.fromEntries(BUCKETS.map((name) => [name, new Map()])) as Buckets;
}

/** A fresh sum; neither input is changed or shared. */
function mergeBuckets(a: Buckets, b: Buckets): Buckets {
  const out = emptyBuckets();
  for (const src of [a, b]) {
    for (const name of BUCKETS) for (const [k, t] of src[name]) addAt(out[name], k, t);
  }
  return trim(out);
}

/** Keeps the most recent keys; `YYYY-MM(-DD)` keys sort chronologically as strings. */
function trim(b: Buckets): Buckets {
  keepNewest(b.days, MAX_DAYS);
  keepNewest(b.months, MAX_MONTHS);
  keepNewestDays(b.dayModels, MAX_BREAKDOWN_DAYS);
  keepNewestDays(b.dayTasks, MAX_BREAKDOWN_DAYS);
  return b;
}

function keepNewest(map: Map<string, UsageTotals>, max: number): void {
  if (map.size <= max) return;
  const old = [...map.keys()].sort().slice(0, map.size - max);
  for (const k of old) map.delete(k);
}

/** For `YYYY-MM-DD <name>` keys: keeps every key of the newest `max` days. */
function keepNewestDays(map: Map<string, UsageTotals>, max: number): void {
  if (map.size <= max) return; // fewer keys than that are fewer days
  const days = new Set<string>();
  for (const k of map.keys()) days.add(k.slice(0, 10));
  if (days.size <= max) return;
  const oldest = [...days].sort()[days.size - max];
  for (const k of map.keys()) if (k.slice(0, 10) < oldest) map.delete(k);
}

function fromMap(map: Map<string, UsageTotals>): Record<string, UsageTotals> {
  return Object.fromEntries([...map].map(([k, t]) => [k, { ...t }]));
}

/** The persisted form of a bucket: zero fields left out. */
function stored(map: Map<string, UsageTotals>): Record<string, StoredTotals> {
  return Object.fromEntries([...map].map(([k, t]) => [k, Object.fromEntries(FIELDS.filter((f) => t[f] !== 0).map((f) => [f, t[f]]))]));
}

function toSnapshot(b: Buckets): UsageSnapshot {
  return { version: USAGE_VERSION, ...(Object.fromEntries(BUCKETS.map((name) => [name, stored(b[name])])) as Omit<UsageSnapshot, 'version'>) };
}

// Persisted data is untrusted (older or newer versions, hand edits): read what fits
// the version-1 shape and drop the rest rather than throw.
function parseBuckets(json: unknown): Buckets {
  const out = emptyBuckets();
  if (!isRecord(json) || typeof json.version !== 'number') return out;
  parseMap(json.days, out.days, /^\d{4}-\d{2}-\d{2}$/);
  parseMap(json.months, out.months, /^\d{4}-\d{2}$/);
  parseMap(json.models, out.models, /./);
  parseMap(json.tasks, out.tasks, /^[a-z]+$/);
  parseMap(json.dayModels, out.dayModels, /^\d{4}-\d{2}-\d{2} ./s);
  parseMap(json.dayTasks, out.dayTasks, /^\d{4}-\d{2}-\d{2} [a-z]+$/);
  return trim(out);
}

function parseMap(src: unknown, into: Map<string, UsageTotals>, keyShape: RegExp): void {
  if (!isRecord(src)) return;
  for (const [k, v] of Object.entries(src)) {
    if (keyShape.test(k) && isRecord(v)) into.set(k, readTotals(v));
  }
}

/** Every field a non-negative finite number; anything else, or missing, reads as 0. */
function readTotals(v: unknown): UsageTotals {
  const t = zeroTotals();
  // Counts are whole numbers (a hand-edited 1.5 would make every report invalid); amounts in USD are not.
  if (isRecord(v)) for (const f of FIELDS) t[f] = f.endsWith('Usd') ? count(v[f]) : Math.floor(count(v[f]));
  return t;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
