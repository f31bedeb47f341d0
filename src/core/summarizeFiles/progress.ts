// A Summarize Files… run as it is kept in the workspace's state after every file, so that a
// reload, a crash or Cancel leaves it resumable ("Resume summarizing: 37 of 120 files left").
// What is read back is untrusted (another version of the extension, a damaged store): it is
// checked field by field and bounded, and anything that does not fit is dropped as a whole.
import { formatTokens, formatUsd } from '../pricing';

export const RUN_STATE_VERSION = 1;
/** workspaceState key. */
export const RUN_STATE_KEY = 'bedrockLlama.summarizeFiles.run';

/** More files than this are not kept (nor run at once). */
export const MAX_RUN_FILES = 10_000;
const MAX_URI = 4096;
const MAX_REASON = 500;
/** A summary kept for the report; longer ones are cut (max_gen_len tokens is far less). */
export const MAX_SUMMARY_CHARS = 20_000;

export type FileStatus = 'pending' | 'done' | 'failed' | 'skipped';

export interface RunFile {
  /** The file's URI, as `Uri.toString()` writes it. */
  uri: string;
  /** Workspace-relative path, for messages and the report. */
  path: string;
  status: FileStatus;
  /** Why it failed or was skipped. */
  reason?: string;
  /** Report mode: the summary, for the report written at the end. */
  summary?: string;
}

export type RunOutput =
  | { kind: 'header' }
  /** `target`: the URI of the Markdown file to write; absent: an untitled document. */
  | { kind: 'report'; target?: string };

export interface RunState {
  version: typeof RUN_STATE_VERSION;
  id: string;
  /** Epoch ms. */
  startedAt: number;
  output: RunOutput;
  files: RunFile[];
  /** Over every request of the run, stopped and failed ones included (Bedrock bills those too). */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Some requests had no price: the cost is a lower bound. */
  unpriced: boolean;
  /** Cheap to read at activation: the files to summarize (not skipped) and those not done yet. */
  total: number;
  left: number;
}

export interface RunCounts {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  pending: number;
}

export function countFiles(files: readonly RunFile[]): RunCounts {
  const c: RunCounts = { total: 0, done: 0, failed: 0, skipped: 0, pending: 0 };
  for (const f of files) {
    c[f.status]++;
    if (f.status !== 'skipped') c.total++;
  }
  return c;
}

/** `total` and `left` brought up to date (call before saving). */
export function withCounts(state: RunState): RunState {
  const c = countFiles(state.files);
  return { ...state, total: c.total, left: c.pending };
}

export function resumeMessage(left: number, total: number): string {
  return `Resume summarizing: ${left} of ${total} file${total === 1 ? '' : 's'} left`;
}

/** The kept run, checked; undefined when there is none or it does not hold together. */
export function validateRunState(raw: unknown): RunState | undefined {
  if (!isRecord(raw) || raw.version !== RUN_STATE_VERSION) return undefined;
  const { id, startedAt, output, files, inputTokens, outputTokens, costUsd, unpriced } = raw;
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) return undefined;
  if (!isCount(startedAt) || !isCount(inputTokens) || !isCount(outputTokens) || !isAmount(costUsd) || typeof unpriced !== 'boolean') return undefined;
  const out = runOutput(output);
  if (!out || !Array.isArray(files) || files.length === 0 || files.length > MAX_RUN_FILES) return undefined;
  const checked: RunFile[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const file = runFile(f);
    if (!file || seen.has(file.uri)) return undefined;
    seen.add(file.uri);
    checked.push(file);
  }
  return withCounts({ version: RUN_STATE_VERSION, id, startedAt, output: out, files: checked, inputTokens, outputTokens, costUsd, unpriced, total: 0, left: 0 });
}

function runOutput(v: unknown): RunOutput | undefined {
  if (!isRecord(v)) return undefined;
  if (v.kind === 'header') return { kind: 'header' };
  if (v.kind !== 'report') return undefined;
  if (v.target === undefined) return { kind: 'report' };
  return isUri(v.target) ? { kind: 'report', target: v.target } : undefined;
}

const STATUSES: readonly FileStatus[] = ['pending', 'done', 'failed', 'skipped'];

function runFile(v: unknown): RunFile | undefined {
  if (!isRecord(v)) return undefined;
  const { uri, path, status, reason, summary } = v;
  if (!isUri(uri) || typeof path !== 'string' || path.length === 0 || path.length > MAX_URI) return undefined;
  const known = STATUSES.find((s) => s === status);
  if (!known) return undefined;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON)) return undefined;
  if (summary !== undefined && (typeof summary !== 'string' || summary.length > MAX_SUMMARY_CHARS)) return undefined;
  const file: RunFile = { uri, path, status: known };
  if (reason !== undefined) file.reason = reason;
  if (summary !== undefined) file.summary = summary;
  return file;
}

/** A URI string with a scheme (`file:///…`, `vscode-remote://…`), no control characters. */
function isUri(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_URI && /^[a-z][a-z0-9+.-]*:/i.test(v) && !/[\u0000-\u001f\u007f]/.test(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isAmount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e9;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A reason cut to what is kept. */
export function keptReason(reason: string): string {
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}

export interface ProgressFigures {
  done: number;
  total: number;
  tokens: number;
  costUsd: number;
  unpriced: boolean;
  /** ms; undefined until it can be told. */
  etaMs: number | undefined;
  /** Requests allowed at once now. */
  concurrency: number;
}

/** The progress notification's line: "12 of 30 files · 18k tokens · $0.0042 · about 0:41 left · 4 at a time". */
export function progressMessage(p: ProgressFigures): string {
  const cost = `${p.unpriced ? '≥ ' : ''}${formatUsd(p.costUsd)}`;
  const eta = p.etaMs === undefined ? '' : ` · about ${formatDuration(p.etaMs)} left`;
  return `${p.done} of ${p.total} files · ${formatTokens(p.tokens)} tokens · ${cost}${eta} · ${p.concurrency} at a time`;
}

/**
 * Time left from the pace so far: the files still to do at the rate files finished since this
 * session of the run began (a resumed run's earlier files do not count).
 */
export function etaMs(finishedThisSession: number, elapsedMs: number, left: number): number | undefined {
  if (finishedThisSession === 0 || elapsedMs <= 0) return undefined;
  return (elapsedMs / finishedThisSession) * left;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
