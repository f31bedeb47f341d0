// A submitted batch job as plain JSON, kept by the VS Code edge (globalState) so the job is
// followed again after a reload or a restart: where it runs, where its input and output are,
// and which record stands for which file. What comes back from storage is untrusted (another
// version wrote it, or someone edited it): `validatePersistedJob` takes it apart field by field.

export interface PersistedBatchJob {
  version: 1;
  jobArn: string;
  jobName: string;
  /** The region the job runs in (its ARN's). */
  region: string;
  /** The Bedrock endpoint used, when not AWS's own (bedrockLlama.endpoint). */
  endpoint?: string;
  /** The model id as sent. */
  modelId: string;
  roleArn: string;
  /** Epoch ms. */
  createdAt: number;
  bucket: string;
  /** The input JSONL's key. */
  inputKey: string;
  /** The key prefix given as the output location, ending in '/'; Bedrock writes under `<outputPrefix><jobId>/`. */
  outputPrefix: string;
  /** recordId → the caller's key (a file's path or URI), in input order. */
  records: Record<string, string>;
  /** What the job said last, for showing it before it is asked again. */
  lastStatus?: string;
}

export const MAX_PERSISTED_JOBS = 200;
/** Bedrock's default "Records per batch inference job" quota is 50,000; leave room above it. */
const MAX_RECORDS = 100_000;
const MAX_KEY_CHARS = 4096;
const JOB_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]{1,32}:\d{12}:model-invocation-job\/[A-Za-z0-9]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RECORD_ID = /^[A-Za-z0-9]{1,64}$/;
const STATUS = /^[A-Za-z]{1,32}$/;
// 2020-01-01 .. 2100-01-01
const EARLIEST = 1_577_836_800_000;
const LATEST = 4_102_444_800_000;

/** The job id inside a job ARN (the last path segment). */
export function jobIdOf(jobArn: string): string {
  return jobArn.slice(jobArn.lastIndexOf('/') + 1);
}

export function inputUriOf(job: Pick<PersistedBatchJob, 'bucket' | 'inputKey'>): string {
  return `s3://${job.bucket}/${job.inputKey}`;
}

/** The folder Bedrock writes this job's `.jsonl.out` files and manifest to. */
export function outputFolderOf(job: Pick<PersistedBatchJob, 'bucket' | 'outputPrefix' | 'jobArn'>): { bucket: string; prefix: string; uri: string } {
  const prefix = `${job.outputPrefix}${jobIdOf(job.jobArn)}/`;
  return { bucket: job.bucket, prefix, uri: `s3://${job.bucket}/${prefix}` };
}

/** The job when `value` is a well-formed persisted job, else undefined. */
export function validatePersistedJob(value: unknown): PersistedBatchJob | undefined {
  if (!isObject(value) || value.version !== 1) return undefined;
  const v = value;
  if (!matches(v.jobArn, JOB_ARN) || !str(v.jobName, 1, 128) || !matches(v.region, REGION) || !str(v.modelId, 1, 2048)) return undefined;
  if (!matches(v.roleArn, ROLE_ARN) || !matches(v.bucket, BUCKET) || !str(v.inputKey, 1, 1024) || !str(v.outputPrefix, 1, 1024)) return undefined;
  if (!v.outputPrefix.endsWith('/') || hasControl(v.inputKey) || hasControl(v.outputPrefix)) return undefined;
  if (typeof v.createdAt !== 'number' || !Number.isFinite(v.createdAt) || v.createdAt < EARLIEST || v.createdAt > LATEST) return undefined;
  if (v.endpoint !== undefined && !isHttpUrl(v.endpoint)) return undefined;
  if (v.lastStatus !== undefined && !matches(v.lastStatus, STATUS)) return undefined;
  const records = validRecords(v.records);
  if (!records) return undefined;
  const job: PersistedBatchJob = {
    version: 1,
    jobArn: v.jobArn,
    jobName: v.jobName,
    region: v.region,
    modelId: v.modelId,
    roleArn: v.roleArn,
    createdAt: v.createdAt,
    bucket: v.bucket,
    inputKey: v.inputKey,
    outputPrefix: v.outputPrefix,
    records,
  };
  if (v.endpoint !== undefined) job.endpoint = v.endpoint as string;
  if (v.lastStatus !== undefined) job.lastStatus = v.lastStatus as string;
  return job;
}

/** The well-formed jobs of a stored list (at most MAX_PERSISTED_JOBS, one per ARN); anything else is dropped. */
export function validatePersistedJobs(value: unknown): PersistedBatchJob[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const out: PersistedBatchJob[] = [];
  for (const item of value.slice(0, MAX_PERSISTED_JOBS * 2)) {
    const job = validatePersistedJob(item);
    if (!job || seen.has(job.jobArn)) continue;
    seen.add(job.jobArn);
    out.push(job);
    if (out.length === MAX_PERSISTED_JOBS) break;
  }
  return out;
}

function validRecords(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_RECORDS) return undefined;
  const records: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [recordId, key] of entries) {
    if (!RECORD_ID.test(recordId) || !str(key, 1, MAX_KEY_CHARS)) return undefined;
    records[recordId] = key;
  }
  return { ...records };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, min: number, max: number): v is string {
  return typeof v === 'string' && v.length >= min && v.length <= max;
}

function matches(v: unknown, pattern: RegExp): v is string {
  return typeof v === 'string' && v.length <= 2048 && pattern.test(v);
}

function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(text);
}

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2048) return false;
  try {
    const url = new URL(v);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
