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
}

/** The persisted form (VS Code globalState). Keys: `YYYY-MM-DD`, `YYYY-MM` (local time), model id, task. */
export interface UsageSnapshot {
  version: typeof USAGE_VERSION;
  days: Record<string, UsageTotals>;
  months: Record<string, UsageTotals>;
  models: Record<string, UsageTotals>;
  /** By task: explain, summarize, ask, chat, batch (absent in snapshots from before tasks were kept). */
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
export const MAX_DAYS = 90;
export const MAX_MONTHS = 24;

interface Buckets {
  days: Map<string, UsageTotals>;
  months: Map<string, UsageTotals>;
  models: Map<string, UsageTotals>;
  tasks: Map<string, UsageTotals>;
}

export class UsageLedger {
  private session = zero();
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
    return new UsageLedger(toSnapshot(parseBuckets(json)));
  }

  /** Sum of two snapshots (order does not matter), kept within the day/month bounds. */
  static merge(a: unknown, b: unknown): UsageSnapshot {
    return toSnapshot(mergeBuckets(parseBuckets(a), parseBuckets(b)));
  }

  record(entry: UsageRecord): void {
    const inc = increment(entry);
    const day = dayKey(entry.at);
    const month = monthKey(entry.at);
    addTo(this.session, inc);
    addAt(this.sessionModels, entry.modelId, inc);
    for (const b of [this.history, this.unsaved]) {
      addAt(b.days, day, inc);
      addAt(b.months, month, inc);
      addAt(b.models, entry.modelId, inc);
      if (entry.task) addAt(b.tasks, entry.task, inc);
    }
    trim(this.history);
  }

  /** Starts a new session meter; day, month and model history stay. */
  resetSession(): void {
    this.session = zero();
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
    return { ...(this.history.days.get(dayKey(at)) ?? zero()) };
  }

  /** Totals of the local month containing `at`. */
  monthTotals(at: Date): UsageTotals {
    return { ...(this.history.months.get(monthKey(at)) ?? zero()) };
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

function zero(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, requests: 0, unknownCostRequests: 0, estimatedRequests: 0, cachedRequests: 0, savedUsd: 0 };
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function increment({ usage, costUsd, estimated, cached, savedUsd }: UsageRecord): UsageTotals {
  // A cached answer was neither sent nor billed: it counts only as money saved.
  if (cached) return { ...zero(), cachedRequests: 1, savedUsd: count(savedUsd) };
  const known = typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd >= 0;
  return {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    costUsd: known ? costUsd : 0,
    requests: 1,
    unknownCostRequests: known ? 0 : 1,
    estimatedRequests: estimated ? 1 : 0,
    cachedRequests: 0,
    savedUsd: 0,
  };
}

function addTo(target: UsageTotals, inc: UsageTotals): void {
  target.inputTokens += inc.inputTokens;
  target.outputTokens += inc.outputTokens;
  target.costUsd += inc.costUsd;
  target.requests += inc.requests;
  target.unknownCostRequests += inc.unknownCostRequests;
  target.estimatedRequests += inc.estimatedRequests;
  target.cachedRequests += inc.cachedRequests;
  target.savedUsd += inc.savedUsd;
}

function addAt(map: Map<string, UsageTotals>, key: string, inc: UsageTotals): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = zero()));
  addTo(t, inc);
}

function emptyBuckets(): Buckets {
  return { days: new Map(), months: new Map(), models: new Map(), tasks: new Map() };
}

/** A fresh sum; neither input is changed or shared. */
function mergeBuckets(a: Buckets, b: Buckets): Buckets {
  const out = emptyBuckets();
  for (const src of [a, b]) {
    for (const [k, t] of src.days) addAt(out.days, k, t);
    for (const [k, t] of src.months) addAt(out.months, k, t);
    for (const [k, t] of src.models) addAt(out.models, k, t);
    for (const [k, t] of src.tasks) addAt(out.tasks, k, t);
  }
  return trim(out);
}

/** Keeps the most recent keys; `YYYY-MM(-DD)` keys sort chronologically as strings. */
function trim(b: Buckets): Buckets {
  keepNewest(b.days, MAX_DAYS);
  keepNewest(b.months, MAX_MONTHS);
  return b;
}

function keepNewest(map: Map<string, UsageTotals>, max: number): void {
  if (map.size <= max) return;
  const old = [...map.keys()].sort().slice(0, map.size - max);
  for (const k of old) map.delete(k);
}

function fromMap(map: Map<string, UsageTotals>): Record<string, UsageTotals> {
  return Object.fromEntries([...map].map(([k, t]) => [k, { ...t }]));
}

function toSnapshot(b: Buckets): UsageSnapshot {
  return { version: USAGE_VERSION, days: fromMap(b.days), months: fromMap(b.months), models: fromMap(b.models), tasks: fromMap(b.tasks) };
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
  return trim(out);
}

function parseMap(src: unknown, into: Map<string, UsageTotals>, keyShape: RegExp): void {
  if (!isRecord(src)) return;
  for (const [k, v] of Object.entries(src)) {
    if (!keyShape.test(k) || !isRecord(v)) continue;
    into.set(k, {
      inputTokens: count(v.inputTokens),
      outputTokens: count(v.outputTokens),
      costUsd: count(v.costUsd),
      requests: count(v.requests),
      unknownCostRequests: count(v.unknownCostRequests),
      estimatedRequests: count(v.estimatedRequests),
      cachedRequests: count(v.cachedRequests),
      savedUsd: count(v.savedUsd),
    });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
