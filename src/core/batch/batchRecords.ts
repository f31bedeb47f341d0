// The files of a Bedrock batch inference job, as plain data: the input JSONL records, the
// `.jsonl.out` lines Bedrock writes back, and the job's `manifest.json.out`. No AWS SDK, no I/O.
//
// Formats, from the AWS user guide (checked 2026-11-30):
// - Input (batch-inference-data.html): one JSON object a line, `{"recordId": "…", "modelInput": {…}}`,
//   `modelInput` being the model's InvokeModel body (for Llama: prompt, temperature, top_p, max_gen_len);
//   record ids are alphanumeric strings. The order of the output is not guaranteed to match the input's.
// - Output (batch-inference-results.html): one `.jsonl.out` per input file, each line
//   `{"recordId": "…", "modelInput": {…}, "modelOutput": {InvokeModel response body}}`, or with an
//   `"error": {"errorCode": 400, "errorMessage": "…"}` object in place of `modelOutput` for a record
//   that failed; beside them `manifest.json.out`: totalRecordCount, processedRecordCount,
//   successRecordCount, errorRecordCount, inputTokenCount, outputTokenCount.
// Everything read back is untrusted: each line is parsed and type-checked on its own, and a bad
// line becomes a failed record (or a problem, when not even its record id can be read); nothing throws.
import { createHash } from 'node:crypto';
import { ChunkAccumulator, MalformedChunkError, validateChunk } from '../bedrock/chunkDecoder';
import { redact, truncate } from '../bedrock/redact';
import type { LlamaRequestBody, StopReason, TokenUsage } from '../types';

/**
 * Bedrock's default for the per-model quota "Minimum number of records per batch inference job
 * for ${Model}". The AWS user guide names the quota (batch-inference-data.html, batch-inference-
 * example.html: "add records until you hit the minimum") and points to the Amazon Bedrock service
 * quotas table (docs.aws.amazon.com/general/latest/gr/bedrock.html) for its value, which could not
 * be read here; public code and docs that quote the table give 100 (checked 2026-11-30).
 * Adjustable per account and model: Bedrock's own refusal of a smaller set is also a fallback.
 */
export const BATCH_MIN_RECORDS = 100;

/** Bedrock's default quota "Batch inference input file size (in GB)": 1 GB per JSONL file (quoted as not adjustable; same sources). */
export const BATCH_MAX_INPUT_FILE_BYTES = 1_000_000_000;

/** The name of the input file inside the job's input folder (its output is `records.jsonl.out`). */
export const INPUT_FILE_NAME = 'records.jsonl';
export const MANIFEST_FILE_NAME = 'manifest.json.out';

/** One file (or other unit) to run: `key` is what the caller maps results back to (e.g. a file's path). */
export interface BatchItem {
  key: string;
  body: LlamaRequestBody;
}

/** The JSONL to upload, and which record id stands for which key. */
export interface BatchInput {
  jsonl: string;
  /** recordId → key, in input order. */
  records: Record<string, string>;
  count: number;
  bytes: number;
}

/**
 * A record id: the zero-padded position and a short hash of the key, alphanumeric only
 * (`r000042a1b2c3d4`), so ids are unique within a job, stable for the same list, and carry
 * nothing of the path itself.
 */
export function recordIdFor(index: number, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `r${String(index).padStart(6, '0')}${hash}`;
}

export function buildBatchInput(items: readonly BatchItem[]): BatchInput {
  const records: Record<string, string> = {};
  const lines: string[] = [];
  items.forEach((item, i) => {
    const recordId = recordIdFor(i, item.key);
    records[recordId] = item.key;
    lines.push(JSON.stringify({ recordId, modelInput: item.body }));
  });
  const jsonl = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  return { jsonl, records, count: lines.length, bytes: Buffer.byteLength(jsonl) };
}

/** Why a job with `count` records cannot run as a Bedrock batch job, or undefined when it can. */
export function tooFewRecords(count: number, minimum = BATCH_MIN_RECORDS): string | undefined {
  return count < minimum ? tooFewText(count, minimum) : undefined;
}

/** The fallback notice; either figure may be unknown (Bedrock's own refusal names neither). */
export function tooFewText(count: number | undefined, minimum: number | undefined): string {
  const what = count === undefined ? 'These files are' : count === 1 ? '1 file is' : `${count} files are`;
  const needs = minimum === undefined ? 'the minimum number of records' : `the ${minimum} records`;
  const so = count === 1 ? 'so it is' : 'so they are';
  return `${what} fewer than ${needs} Bedrock needs for a batch job, ${so} summarized on demand instead.`;
}

// ---------------------------------------------------------------------------------------
// Output

export interface BatchRecordOk {
  recordId: string;
  ok: true;
  text: string;
  usage: TokenUsage;
  stopReason: StopReason | undefined;
}

export interface BatchRecordFailed {
  recordId: string;
  ok: false;
  /** What went wrong, secrets removed: Bedrock's error, or what was wrong with the line. */
  reason: string;
  /** Bedrock's `errorCode` (an HTTP status) when it sent one. */
  errorCode?: number;
}

export type BatchRecordResult = BatchRecordOk | BatchRecordFailed;

export interface OutputLimits {
  /** Longest line read (UTF-8 bytes); a longer one fails its record unread. Default 16 MiB. */
  maxLineBytes?: number;
  /** Longest answer kept (characters); a longer one fails its record. Default 256 Ki. */
  maxTextChars?: number;
}

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_TEXT_CHARS = 256 * 1024;
/** Token counts past this are not a count Bedrock would send. */
const MAX_TOKENS = 1e9;
const RECORD_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface ParsedOutput {
  /** One result per record id read, the first usable line winning. */
  records: Map<string, BatchRecordResult>;
  /** Lines that could not be tied to a record: `line N: why`. */
  problems: string[];
}

/** Reads one `.jsonl.out` line; undefined for a blank line. */
export function parseOutputLine(line: string, limits: OutputLimits = {}): BatchRecordResult | { problem: string } | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    const id = peekRecordId(trimmed);
    return id ? failed(id, 'its output line is not valid JSON') : { problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const obj = value as Record<string, unknown>;
  const recordId = obj.recordId;
  if (typeof recordId !== 'string' || !RECORD_ID.test(recordId)) {
    return { problem: typeof recordId === 'string' ? 'a malformed recordId' : 'no recordId' };
  }
  if (obj.error !== undefined && obj.error !== null) return failed(recordId, errorReason(obj.error), errorCode(obj.error));
  if (obj.modelOutput === undefined || obj.modelOutput === null) return failed(recordId, 'Bedrock returned neither an answer nor an error for it');
  return answer(recordId, obj.modelOutput, limits.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
}

/**
 * Reads a `.jsonl.out` file as it streams in, a line at a time: memory stays within one line
 * (at most `maxLineBytes`) whatever the file's size.
 */
export class OutputReader {
  readonly records = new Map<string, BatchRecordResult>();
  readonly problems: string[] = [];
  private readonly maxLineBytes: number;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversized = false;
  private head = '';
  private lineNo = 0;

  constructor(private readonly name: string, private readonly limits: OutputLimits = {}) {
    this.maxLineBytes = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
      this.append(data.subarray(0, nl));
      this.endLine();
      data = data.subarray(nl + 1);
    }
    this.append(data);
  }

  /** The last line (without a final newline). */
  end(): ParsedOutput {
    if (this.partBytes > 0 || this.oversized) this.endLine();
    return { records: this.records, problems: this.problems };
  }

  private append(data: Buffer): void {
    if (data.length === 0) return;
    if (this.oversized) return;
    if (this.partBytes + data.length > this.maxLineBytes) {
      // Keep only the start, where Bedrock puts the record id; drop the rest unread.
      this.head = Buffer.concat([...this.parts, data]).subarray(0, 1024).toString('utf8');
      this.parts = [];
      this.partBytes = 0;
      this.oversized = true;
      return;
    }
    this.parts.push(Buffer.from(data)); // a copy: the caller's buffer may be reused
    this.partBytes += data.length;
  }

  private endLine(): void {
    this.lineNo++;
    if (this.oversized) {
      const id = peekRecordId(this.head);
      const size = sizeText(this.maxLineBytes);
      if (id) this.keep(failed(id, `its output line is longer than ${size}`));
      else this.problems.push(`${this.name} line ${this.lineNo}: longer than ${size}`);
    } else if (this.partBytes > 0) {
      const parsed = parseOutputLine(Buffer.concat(this.parts, this.partBytes).toString('utf8'), this.limits);
      if (parsed && 'problem' in parsed) this.problems.push(`${this.name} line ${this.lineNo}: ${parsed.problem}`);
      else if (parsed) this.keep(parsed);
    }
    this.parts = [];
    this.partBytes = 0;
    this.oversized = false;
    this.head = '';
  }

  // The first line for a record wins, except that an answer replaces a failure.
  private keep(result: BatchRecordResult): void {
    const seen = this.records.get(result.recordId);
    if (!seen || (!seen.ok && result.ok)) this.records.set(result.recordId, result);
  }
}

/** Parses a whole `.jsonl.out` text (tests, small files). */
export function parseOutputJsonl(text: string, name = 'output', limits: OutputLimits = {}): ParsedOutput {
  const reader = new OutputReader(name, limits);
  reader.push(Buffer.from(text, 'utf8'));
  return reader.end();
}

/**
 * Every expected record's outcome: its result when the output has one, else a failure
 * saying it is missing. Results for record ids the job never had are left out.
 */
export function resultsFor(expected: Iterable<string>, found: ReadonlyMap<string, BatchRecordResult>, missingReason = 'the job wrote no result for it'): BatchRecordResult[] {
  const out: BatchRecordResult[] = [];
  for (const recordId of expected) out.push(found.get(recordId) ?? failed(recordId, missingReason));
  return out;
}

function answer(recordId: string, modelOutput: unknown, maxTextChars: number): BatchRecordResult {
  const acc = new ChunkAccumulator();
  try {
    acc.push(validateChunk(modelOutput));
  } catch (err) {
    const problem = err instanceof MalformedChunkError ? err.problem : 'unreadable';
    return failed(recordId, `its answer is malformed (${truncate(redact(problem), 80)})`);
  }
  const output = modelOutput as Record<string, unknown>;
  if (typeof output.generation !== 'string') return failed(recordId, 'its answer has no text');
  if (output.generation.length > maxTextChars) return failed(recordId, `its answer is longer than ${maxTextChars} characters`);
  if (acc.intervened) return failed(recordId, 'a guardrail blocked its answer');
  const summary = acc.summary();
  const { inputTokens, outputTokens } = summary.usage;
  if (!isTokenCount(output.prompt_token_count) || !isTokenCount(output.generation_token_count)) {
    return failed(recordId, 'its answer has no valid token counts');
  }
  return { recordId, ok: true, text: acc.text, usage: { inputTokens, outputTokens }, stopReason: summary.stopReason };
}

function isTokenCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS;
}

function failed(recordId: string, reason: string, errorCode?: number): BatchRecordFailed {
  return errorCode === undefined ? { recordId, ok: false, reason } : { recordId, ok: false, reason, errorCode };
}

function errorReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Bedrock reported an error for it';
  const e = error as Record<string, unknown>;
  const code = errorCode(error);
  const message = typeof e.errorMessage === 'string' && e.errorMessage.trim() !== '' ? truncate(redact(e.errorMessage.replace(/\s+/g, ' ').trim()), 300) : undefined;
  if (code === undefined && !message) return 'Bedrock reported an error for it';
  const prefix = code === undefined ? 'Bedrock error' : `Bedrock error ${code}`;
  return message ? `${prefix}: ${message}` : prefix;
}

function errorCode(error: unknown): number | undefined {
  const code = (error as Record<string, unknown> | null)?.errorCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 999 ? code : undefined;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** The record id at the start of a line that cannot be parsed whole. */
function peekRecordId(text: string): string | undefined {
  const id = /"recordId"\s*:\s*"([^"\\]{1,128})"/.exec(text.slice(0, 1024))?.[1];
  return id && RECORD_ID.test(id) ? id : undefined;
}

// ---------------------------------------------------------------------------------------
// Manifest

export interface BatchManifest {
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
  inputTokenCount?: number;
  outputTokenCount?: number;
}

const MANIFEST_FIELDS = ['totalRecordCount', 'processedRecordCount', 'successRecordCount', 'errorRecordCount', 'inputTokenCount', 'outputTokenCount'] as const;

/** `manifest.json.out`, each field kept only when it is a whole, non-negative number; undefined when not a JSON object. */
export function parseManifest(text: string): BatchManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const manifest: BatchManifest = {};
  for (const field of MANIFEST_FIELDS) {
    const v = (value as Record<string, unknown>)[field];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) manifest[field] = v;
  }
  return manifest;
}
