// A Summarize Files… run sent as a Bedrock batch job, as the VS Code edge keeps it (in the
// workspace's state) from submission until its results are in the files: the job (batchPersist),
// the run's files with what became of them, a hash of the text each file was summarized from (a
// file that changed since is not overwritten), and where the job stands. Read back untrusted:
// checked field by field, and a job that does not fit is dropped alone.
import { createHash } from 'node:crypto';
import { formatUsd } from '../pricing';
import { formatDuration, validateRunState, type RunState } from '../summarizeFiles/progress';
import { MAX_PERSISTED_JOBS, validatePersistedJob, type PersistedBatchJob } from './batchPersist';

export const TRACKED_JOBS_VERSION = 1;
export { TRACKED_JOBS_KEY } from './trackedJobsKey';

/**
 * `running`: submitted, not ended; `applying`: ended, results being written into the files;
 * `applied`: done (see `run` for each file); `failed`: the job failed or its results could not be
 * read (`failure` says why); `stopped`: stopped before it had results.
 */
export type TrackedPhase = 'running' | 'applying' | 'applied' | 'failed' | 'stopped';

export interface TrackedStatus {
  state: string;
  total?: number;
  processed?: number;
  success?: number;
  error?: number;
  /** Epoch ms of the look. */
  at: number;
  message?: string;
}

export interface TrackedBatchJob {
  version: typeof TRACKED_JOBS_VERSION;
  job: PersistedBatchJob;
  /** The run: files in the job are `pending` until their result is applied. */
  run: RunState;
  /** File URI → sha256 of the text that was summarized (our own summary block taken out). */
  hashes: Record<string, string>;
  /** e.g. "Llama 3.1 8B Instruct", for the report and the list. */
  modelText: string;
  /** The model id as configured (what prices the job). */
  configModelId: string;
  phase: TrackedPhase;
  status?: TrackedStatus;
  failure?: string;
  /** The job's cost once metered (batch prices); set once, so a reload never meters it twice. */
  meteredUsd?: number;
  /** The results were metered (the cost may be unknown: no batch price). */
  metered?: boolean;
  /** USD per 1M tokens at batch prices, as known at submission (the model resolved as routing saw it). */
  batchPrice?: { input: number; output: number };
  /** Who writes the results (see batchApply.ts's claim): kept so a reload of the same window takes its own claim back. */
  claimedBy?: string;
}

const PHASES: readonly TrackedPhase[] = ['running', 'applying', 'applied', 'failed', 'stopped'];
const HASH = /^[0-9a-f]{64}$/;
const MAX_TEXT = 500;

/**
 * What the job's result is checked against: the summarized text's hash, line endings aside (the
 * same file read from disk and from an open document may differ only there).
 */
export function textHash(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex');
}

/** The kept jobs, each checked; damaged ones dropped, newest `MAX_PERSISTED_JOBS` kept. */
export function validateTrackedJobs(raw: unknown): TrackedBatchJob[] {
  if (!Array.isArray(raw)) return [];
  const out: TrackedBatchJob[] = [];
  const seen = new Set<string>();
  for (const item of raw.slice(-MAX_PERSISTED_JOBS)) {
    const job = validateTrackedJob(item);
    if (job && !seen.has(job.job.jobArn)) {
      seen.add(job.job.jobArn);
      out.push(job);
    }
  }
  return out;
}

export function validateTrackedJob(v: unknown): TrackedBatchJob | undefined {
  if (!isRecord(v) || v.version !== TRACKED_JOBS_VERSION) return undefined;
  const job = validatePersistedJob(v.job);
  const run = validateRunState(v.run);
  if (!job || !run) return undefined;
  const phase = PHASES.find((p) => p === v.phase);
  if (!phase || !isText(v.modelText) || !isText(v.configModelId) || !isRecord(v.hashes)) return undefined;
  const uris = new Set(run.files.map((f) => f.uri));
  const hashes: Record<string, string> = {};
  for (const [uri, hash] of Object.entries(v.hashes)) {
    if (!uris.has(uri) || typeof hash !== 'string' || !HASH.test(hash)) return undefined;
    hashes[uri] = hash;
  }
  // Every record stands for a file of the run.
  if (!Object.values(job.records).every((uri) => uris.has(uri))) return undefined;
  const tracked: TrackedBatchJob = { version: TRACKED_JOBS_VERSION, job, run, hashes, modelText: v.modelText, configModelId: v.configModelId, phase };
  const status = trackedStatus(v.status);
  if (status) tracked.status = status;
  if (isText(v.failure)) tracked.failure = v.failure;
  if (typeof v.meteredUsd === 'number' && Number.isFinite(v.meteredUsd) && v.meteredUsd >= 0) tracked.meteredUsd = v.meteredUsd;
  if (v.metered === true) tracked.metered = true;
  if (isRecord(v.batchPrice) && isAmount(v.batchPrice.input) && isAmount(v.batchPrice.output)) tracked.batchPrice = { input: v.batchPrice.input, output: v.batchPrice.output };
  if (typeof v.claimedBy === 'string' && /^[0-9a-f]{16,64}$/.test(v.claimedBy)) tracked.claimedBy = v.claimedBy;
  return tracked;
}

function trackedStatus(v: unknown): TrackedStatus | undefined {
  if (!isRecord(v) || typeof v.state !== 'string' || !/^[A-Za-z]{1,32}$/.test(v.state) || !isCount(v.at)) return undefined;
  const status: TrackedStatus = { state: v.state, at: v.at };
  for (const k of ['total', 'processed', 'success', 'error'] as const) if (isCount(v[k])) status[k] = v[k];
  if (isText(v.message)) status.message = v.message;
  return status;
}

/** "InProgress · 40 of 120 records", the counts when Bedrock gave them. */
export function statusText(status: TrackedStatus | undefined): string {
  if (!status) return 'Submitted';
  const { total, processed } = status;
  const counts = total !== undefined && total > 0 ? ` · ${processed ?? 0} of ${total} records` : '';
  return `${status.state}${counts}`;
}

/** One line for the progress notification and Show Batch Jobs. */
export function jobSummary(tracked: TrackedBatchJob, now: number): string {
  const files = Object.keys(tracked.job.records).length;
  const age = formatAge(now - tracked.job.createdAt);
  switch (tracked.phase) {
    case 'running': return `${statusText(tracked.status)} · ${files} files · started ${age} ago`;
    case 'applying': return tracked.failure ? `Ended; its results are not written yet: ${tracked.failure}` : `Writing the summaries of ${files} files`;
    case 'applied': return tracked.failure ? `Done: ${tracked.failure}` : `${appliedCounts(tracked.run)} · ${tracked.metered ? (tracked.meteredUsd === undefined ? 'cost unknown' : `${formatUsd(tracked.meteredUsd)} at batch prices`) : 'not metered'}`;
    case 'failed': return `Failed: ${tracked.failure ?? tracked.status?.message ?? 'no reason given'}`;
    case 'stopped': return `Stopped · ${files} files`;
  }
}

function appliedCounts(run: RunState): string {
  let done = 0;
  let failed = 0;
  for (const f of run.files) {
    if (f.status === 'done') done++;
    else if (f.status === 'failed') failed++;
  }
  return `${done} summarized${failed ? `, ${failed} failed` : ''}`;
}

/** "42 s", "3 min", "2 h 5 min", "3 days". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} days`;
}

/** The time since the job was created, for the progress notification ("0:42"). */
export function elapsedText(tracked: TrackedBatchJob, now: number): string {
  return formatDuration(now - tracked.job.createdAt);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
}

function isAmount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e6;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
