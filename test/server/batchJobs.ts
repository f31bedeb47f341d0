// Bedrock's batch inference control plane for the local test server, with the paths, query
// names and JSON shapes of @aws-sdk/client-bedrock's service model (restJson1):
//   POST /model-invocation-job                           CreateModelInvocationJob
//   GET  /model-invocation-job/{jobIdentifier}           GetModelInvocationJob   (id or percent-encoded ARN)
//   GET  /model-invocation-jobs?statusEquals=&nameContains=&submitTimeAfter=&submitTimeBefore=&sortBy=&sortOrder=&maxResults=&nextToken=
//                                                         ListModelInvocationJobs
//   POST /model-invocation-job/{jobIdentifier}/stop      StopModelInvocationJob
// A job reads its input JSONL from a real S3-compatible server (test/server/s3Server.ts) with the
// real @aws-sdk/client-s3, as Bedrock reads it with the job's role: Submitted → Validating →
// Scheduled → InProgress → Completed / PartiallyCompleted after scripted delays, then writes
// `<output>/<jobId>/<input file>.out` and `<output>/<jobId>/manifest.json.out` (the shapes of
// the AWS user guide's batch-inference-results page). It answers the failures Bedrock answers:
// a role the caller may not pass (AccessDeniedException, iam:PassRole), a role Bedrock cannot
// assume (ValidationException), too few records (ValidationException at create), a role that
// may not read the input or write the output and a missing bucket (the job goes Failed with a
// message naming them), records that fail (an `error` object on their line), Stop (Stopping →
// Stopped) and Stop of an ended job (ConflictException). Wordings Bedrock does not document are
// marked assumed. The server checks the signature (`bedrock`) before anything gets here.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkLlamaBody } from './bodyCheck';
import type { AwsCredentials } from './sigv4Check';

export type BatchOperation = 'CreateModelInvocationJob' | 'GetModelInvocationJob' | 'ListModelInvocationJobs' | 'StopModelInvocationJob';

export type BatchJobState = 'Submitted' | 'Validating' | 'Scheduled' | 'InProgress' | 'Stopping' | 'Completed' | 'PartiallyCompleted' | 'Failed' | 'Stopped' | 'Expired';

/** What a role may do, as far as these tests need. */
export interface BatchRoleJson {
  /** Its trust policy lets bedrock.amazonaws.com assume it. */
  trustsBedrock: boolean;
  /** s3:GetObject and s3:ListBucket on the input. */
  canRead: boolean;
  /** s3:PutObject on the output. */
  canWrite: boolean;
}

/** A record's scripted answer: a generation, or Bedrock's per-record error. */
export type BatchRecordScript =
  | { generation: string; stopReason?: 'stop' | 'length'; promptTokens?: number; generationTokens?: number }
  | { error: { errorCode: number; errorMessage: string } };

export interface BatchJobsData {
  region: string;
  accountId: string;
  /** Role ARN → what it may do; a role not listed does not exist. */
  roles: Record<string, BatchRoleJson>;
  /** Roles the caller may not pass (AccessDeniedException for iam:PassRole). */
  passRoleDenied: string[];
  /** Fewest records a job takes (Bedrock's default quota: 100). */
  minRecords: number;
  /** Time spent in Submitted+Validating+Scheduled, then in InProgress, then in Stopping (ms). */
  validatingMs: number;
  inProgressMs: number;
  stoppingMs: number;
  /** Per record id; others get the default echo answer. */
  answers: Record<string, BatchRecordScript>;
  /** Lines appended to every output file as written (hostile output tests). */
  extraOutputLines: string[];
  /** Largest page of ListModelInvocationJobs (a smaller maxResults wins). */
  pageSize: number;
}

export const TEST_BATCH_ACCOUNT_ID = '123456789012';
/** A service role that may do everything a batch job needs. */
export const TEST_BATCH_ROLE_ARN = `arn:aws:iam::${TEST_BATCH_ACCOUNT_ID}:role/BedrockBatchInference`;
/** A role Bedrock can assume that has no S3 permissions. */
export const TEST_BATCH_ROLE_NO_S3_ARN = `arn:aws:iam::${TEST_BATCH_ACCOUNT_ID}:role/BedrockBatchNoS3`;
/** A role that may read the input but not write the output. */
export const TEST_BATCH_ROLE_READ_ONLY_ARN = `arn:aws:iam::${TEST_BATCH_ACCOUNT_ID}:role/BedrockBatchReadOnly`;

/**
 * What the local Bedrock signs its own S3 requests with, standing for the job's service role
 * (test/server/s3Server.ts accepts it by default): apart from the caller's keys, so tests can
 * tell the caller's S3 requests from Bedrock's.
 */
export const BEDROCK_ROLE_CREDENTIALS: AwsCredentials = { accessKeyId: 'AKIDBEDROCKROLE', secretAccessKey: 'bedrock-role-secret' };

export function defaultBatchJobsData(): BatchJobsData {
  return {
    region: 'us-west-2',
    accountId: TEST_BATCH_ACCOUNT_ID,
    roles: {
      [TEST_BATCH_ROLE_ARN]: { trustsBedrock: true, canRead: true, canWrite: true },
      [TEST_BATCH_ROLE_NO_S3_ARN]: { trustsBedrock: true, canRead: false, canWrite: false },
      [TEST_BATCH_ROLE_READ_ONLY_ARN]: { trustsBedrock: true, canRead: true, canWrite: false },
    },
    passRoleDenied: [],
    minRecords: 100,
    validatingMs: 40,
    inProgressMs: 80,
    stoppingMs: 40,
    answers: {},
    extraOutputLines: [],
    pageSize: 50,
  };
}

/** A job as the server keeps it (GetModelInvocationJob's fields). */
export interface BatchJobRecord {
  jobArn: string;
  jobId: string;
  jobName: string;
  modelId: string;
  roleArn: string;
  clientRequestToken?: string;
  status: BatchJobState;
  message?: string;
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  inputUri: string;
  outputUri: string;
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
}

export type BatchAnswer =
  | { operation: BatchOperation; body: unknown }
  | { operation: BatchOperation; error: { errorType: string; status: number; message: string } };

export interface BatchJobsOptions {
  /** The S3 endpoint jobs read and write (path-style); settable later with `connectS3`. */
  s3Endpoint?: string;
  /** What Bedrock signs its S3 requests with (default BEDROCK_ROLE_CREDENTIALS). */
  s3Credentials?: AwsCredentials;
  data?: Partial<BatchJobsData>;
}

const JOB_NAME = /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/;
const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/;
const S3_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/;
const TERMINAL: ReadonlySet<BatchJobState> = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);

/** The operation a request is for, or undefined when it is not a batch call. */
export function batchOperation(method: string, path: string): BatchOperation | undefined {
  if (method === 'POST' && path === '/model-invocation-job') return 'CreateModelInvocationJob';
  if (method === 'GET' && /^\/model-invocation-job\/[^/]+$/.test(path)) return 'GetModelInvocationJob';
  if (method === 'GET' && path === '/model-invocation-jobs') return 'ListModelInvocationJobs';
  if (method === 'POST' && /^\/model-invocation-job\/[^/]+\/stop$/.test(path)) return 'StopModelInvocationJob';
  return undefined;
}

export class BatchJobs {
  data: BatchJobsData;
  /** Every job created since start or `reset()`, by job id. */
  readonly jobs = new Map<string, BatchJobRecord>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private s3: S3Client | undefined;
  private s3Endpoint: string | undefined;
  private s3Credentials: AwsCredentials | undefined;
  private readonly work = new Set<Promise<void>>();
  /** Aborted by `stop()` and `reset()`: a job's run in flight ends where it is. */
  private halt = new AbortController();

  constructor(private readonly options: BatchJobsOptions = {}) {
    this.data = this.fresh();
    this.s3Endpoint = options.s3Endpoint;
    this.s3Credentials = options.s3Credentials;
  }

  /** Where jobs read and write S3 from now on. */
  connectS3(endpoint: string, credentials?: AwsCredentials): void {
    this.s3?.destroy();
    this.s3 = undefined;
    this.s3Endpoint = endpoint;
    if (credentials) this.s3Credentials = credentials;
  }

  /** Back to the data the server was created with; jobs forgotten, timers cleared. */
  reset(): void {
    this.stop();
    this.jobs.clear();
    this.data = this.fresh();
  }

  /** Clears pending transitions (the server is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.halt.abort();
    this.halt = new AbortController();
  }

  /** Resolves once no job's run is in flight (after `reset()`: once the halted ones have let go of S3). */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  /** The answer to a batch call, or undefined when it is not one. */
  async answer(method: string, url: string, rawBody: string): Promise<BatchAnswer | undefined> {
    const parsed = new URL(url, 'http://local');
    const path = parsed.pathname;
    const operation = batchOperation(method, path);
    if (!operation) return undefined;
    const segment = path.split('/')[2] ?? '';
    switch (operation) {
      case 'CreateModelInvocationJob':
        return this.create(rawBody);
      case 'GetModelInvocationJob': {
        const job = this.find(segment);
        return job ? { operation, body: view(job) } : notFound(operation, segment);
      }
      case 'ListModelInvocationJobs':
        return this.list(parsed.searchParams);
      case 'StopModelInvocationJob': {
        const job = this.find(segment);
        if (!job) return notFound(operation, segment);
        if (TERMINAL.has(job.status) || job.status === 'Stopping') {
          // Assumed wording: AWS documents ConflictException for Stop without its text.
          return { operation, error: { errorType: 'ConflictException', status: 400, message: `The job ${job.jobArn} is in status ${job.status} and cannot be stopped.` } };
        }
        this.move(job, 'Stopping');
        this.schedule(this.data.stoppingMs, () => {
          if (job.status === 'Stopping') this.move(job, 'Stopped', { end: true });
        });
        return { operation, body: {} };
      }
    }
  }

  private async create(rawBody: string): Promise<BatchAnswer> {
    const operation = 'CreateModelInvocationJob';
    const invalid = (message: string): BatchAnswer => ({ operation, error: { errorType: 'ValidationException', status: 400, message } });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return invalid('Malformed request body.');
    }
    const jobName = body.jobName;
    const roleArn = body.roleArn;
    const modelId = body.modelId;
    const inputUri = (body.inputDataConfig as { s3InputDataConfig?: { s3Uri?: unknown } } | undefined)?.s3InputDataConfig?.s3Uri;
    const outputUri = (body.outputDataConfig as { s3OutputDataConfig?: { s3Uri?: unknown } } | undefined)?.s3OutputDataConfig?.s3Uri;
    if (typeof jobName !== 'string' || !JOB_NAME.test(jobName)) {
      return invalid(`1 validation error detected: Value '${String(jobName)}' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}`);
    }
    if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) {
      return invalid(`1 validation error detected: Value '${String(roleArn)}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`);
    }
    if (typeof modelId !== 'string' || modelId === '') return invalid("1 validation error detected: Value null at 'modelId' failed to satisfy constraint: Member must not be null");
    if (typeof inputUri !== 'string' || !S3_URI.test(inputUri)) return invalid(`1 validation error detected: Value '${String(inputUri)}' at 'inputDataConfig.s3InputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: ^s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?$`);
    if (typeof outputUri !== 'string' || !S3_URI.test(outputUri)) return invalid(`1 validation error detected: Value '${String(outputUri)}' at 'outputDataConfig.s3OutputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: ^s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?$`);
    const token = typeof body.clientRequestToken === 'string' ? body.clientRequestToken : undefined;
    if (token) {
      const same = [...this.jobs.values()].find((j) => j.clientRequestToken === token);
      if (same) return { operation, body: { jobArn: same.jobArn } }; // idempotent: the job that token made
    }
    const d = this.data;
    if (d.passRoleDenied.includes(roleArn)) {
      return { operation, error: { errorType: 'AccessDeniedException', status: 403,
        message: `User: arn:aws:iam::${d.accountId}:user/test is not authorized to perform: iam:PassRole on resource: ${roleArn} because no identity-based policy allows the iam:PassRole action` } };
    }
    const role = d.roles[roleArn];
    if (!role || !role.trustsBedrock) {
      // Assumed wording.
      return invalid(`The provided role ${roleArn} does not exist, or Amazon Bedrock cannot assume it. Check the role's trust policy.`);
    }
    // Bedrock counts the records when the job is created (assumed: the quota is documented, its check's timing is not).
    const input = await this.readInput(inputUri).catch(() => undefined);
    if (input && role.canRead && input.records.length < d.minRecords) {
      return invalid(`The number of records in the input (${input.records.length}) is less than the minimum number of records (${d.minRecords}) required for a batch inference job with ${modelId}.`);
    }
    const jobId = randomBytes(6).toString('hex');
    const now = new Date().toISOString();
    const job: BatchJobRecord = {
      jobArn: `arn:aws:bedrock:${d.region}:${d.accountId}:model-invocation-job/${jobId}`,
      jobId,
      jobName,
      modelId,
      roleArn,
      clientRequestToken: token,
      status: 'Submitted',
      submitTime: now,
      lastModifiedTime: now,
      inputUri,
      outputUri,
    };
    this.jobs.set(jobId, job);
    this.schedule(1, () => this.move(job, 'Validating'));
    this.schedule(Math.max(2, d.validatingMs), () => void this.track(this.run(job)));
    return { operation, body: { jobArn: job.jobArn } };
  }

  // Validation's end: read the input with the role, then run every record.
  private async run(job: BatchJobRecord): Promise<void> {
    if (job.status !== 'Validating') return;
    const signal = this.halt.signal;
    const d = this.data;
    const role = d.roles[job.roleArn];
    const bucket = bucketOf(job.inputUri);
    let input: Awaited<ReturnType<BatchJobs['readInput']>>;
    try {
      input = await this.readInput(job.inputUri, signal);
    } catch (err) {
      if (signal.aborted) return;
      const name = (err as { name?: string }).name;
      // Assumed wordings.
      if (name === 'NoSuchBucket') return this.fail(job, `The S3 bucket ${bucket} does not exist (NoSuchBucket). Check the input location ${job.inputUri}.`);
      return this.fail(job, `Amazon Bedrock could not read the input at ${job.inputUri}: ${(err as Error).message}`);
    }
    if (!role?.canRead) return this.fail(job, `Access denied: the role ${job.roleArn} is not authorized to perform s3:GetObject on the input ${job.inputUri} (s3:ListBucket on bucket ${bucket}).`);
    if (input.records.length === 0) return this.fail(job, `No JSONL records were found at ${job.inputUri}.`);
    if (input.records.length < d.minRecords) {
      return this.fail(job, `The number of records in the input (${input.records.length}) is less than the minimum number of records (${d.minRecords}) required for a batch inference job.`);
    }
    job.totalRecordCount = input.records.length;
    job.processedRecordCount = 0;
    job.successRecordCount = 0;
    job.errorRecordCount = 0;
    this.move(job, 'Scheduled');
    this.move(job, 'InProgress');
    try {
      await sleep(d.inProgressMs, undefined, { signal });
    } catch {
      return; // the server was reset or stopped
    }
    if (current(job) !== 'InProgress') return; // stopped meanwhile
    if (!role.canWrite) return this.fail(job, `Access denied: the role ${job.roleArn} is not authorized to perform s3:PutObject on the output location ${job.outputUri}.`);
    const outputs = new Map<string, string[]>();
    let inputTokens = 0;
    let outputTokens = 0;
    for (const record of input.records) {
      const line = this.answerRecord(job.modelId, record);
      if (line.ok) {
        job.successRecordCount++;
        inputTokens += line.inputTokens;
        outputTokens += line.outputTokens;
      } else {
        job.errorRecordCount++;
      }
      job.processedRecordCount++;
      const lines = outputs.get(record.file) ?? [];
      lines.push(line.json);
      outputs.set(record.file, lines);
    }
    const { bucket: outBucket, key: outPrefix } = splitUri(job.outputUri);
    const folder = `${outPrefix.replace(/\/?$/, '/')}${job.jobId}/`.replace(/^\//, '');
    const s3 = this.client();
    for (const [file, lines] of outputs) {
      const body = [...lines, ...d.extraOutputLines].join('\n') + '\n';
      await s3.send(new PutObjectCommand({ Bucket: outBucket, Key: `${folder}${file}.out`, Body: body }), { abortSignal: signal });
    }
    const manifest = {
      totalRecordCount: job.totalRecordCount,
      processedRecordCount: job.processedRecordCount,
      successRecordCount: job.successRecordCount,
      errorRecordCount: job.errorRecordCount,
      inputTokenCount: inputTokens,
      outputTokenCount: outputTokens,
    };
    await s3.send(new PutObjectCommand({ Bucket: outBucket, Key: `${folder}manifest.json.out`, Body: JSON.stringify(manifest) }), { abortSignal: signal });
    if (current(job) !== 'InProgress' || signal.aborted) return;
    this.move(job, job.errorRecordCount > 0 ? 'PartiallyCompleted' : 'Completed', { end: true });
  }

  // One output line: the scripted answer or error, or a short echo; a body Bedrock would refuse fails its record.
  private answerRecord(modelId: string, record: InputRecord): { ok: true; json: string; inputTokens: number; outputTokens: number } | { ok: false; json: string } {
    const script = this.data.answers[record.recordId];
    const invalid = record.modelInput === undefined ? 'Malformed input request: the line is not valid JSON.' : checkLlamaBody(JSON.stringify(record.modelInput), modelId);
    if (invalid !== undefined || (script && 'error' in script)) {
      const error = script && 'error' in script ? script.error : { errorCode: 400, errorMessage: invalid ?? 'Malformed input request' };
      return { ok: false, json: JSON.stringify({ recordId: record.recordId, modelInput: record.modelInput ?? null, error }) };
    }
    const prompt = typeof (record.modelInput as { prompt?: unknown }).prompt === 'string' ? (record.modelInput as { prompt: string }).prompt : '';
    const generation = script?.generation ?? `Summary of ${record.recordId}: ${prompt.replace(/<\|[^|]*\|>/g, ' ').replace(/\s+/g, ' ').trim().slice(-60)}`;
    const inputTokens = script?.promptTokens ?? Math.max(1, Math.ceil(prompt.length / 4));
    const outputTokens = script?.generationTokens ?? Math.max(1, Math.ceil(generation.length / 4));
    const modelOutput = { generation, prompt_token_count: inputTokens, generation_token_count: outputTokens, stop_reason: script?.stopReason ?? 'stop' };
    return { ok: true, json: JSON.stringify({ recordId: record.recordId, modelInput: record.modelInput, modelOutput }), inputTokens, outputTokens };
  }

  // Every `.jsonl` at the input location (the object itself, or every one under the prefix).
  private async readInput(uri: string, signal?: AbortSignal): Promise<{ records: InputRecord[] }> {
    const { bucket, key } = splitUri(uri);
    const s3 = this.client();
    const keys: string[] = [];
    if (key.endsWith('.jsonl')) keys.push(key);
    else {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }), { abortSignal: signal });
        for (const item of page.Contents ?? []) if (item.Key?.endsWith('.jsonl')) keys.push(item.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    const records: InputRecord[] = [];
    for (const k of keys.sort()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }), { abortSignal: signal });
      const text = (await got.Body?.transformToString('utf8')) ?? '';
      const file = k.slice(k.lastIndexOf('/') + 1);
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        let parsed: { recordId?: unknown; modelInput?: unknown } | undefined;
        try {
          parsed = JSON.parse(line) as { recordId?: unknown; modelInput?: unknown };
        } catch {
          parsed = undefined;
        }
        // Bedrock adds a record id where the input has none.
        const recordId = typeof parsed?.recordId === 'string' ? parsed.recordId : `${file.replace(/\W/g, '').slice(0, 8)}${String(i).padStart(7, '0')}`;
        records.push({ recordId, modelInput: typeof parsed?.modelInput === 'object' && parsed.modelInput !== null ? parsed.modelInput : undefined, file });
      });
    }
    return { records };
  }

  private list(q: URLSearchParams): BatchAnswer {
    const operation = 'ListModelInvocationJobs';
    const max = Number(q.get('maxResults') ?? 1000);
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      return { operation, error: { errorType: 'ValidationException', status: 400, message: `1 validation error detected: Value '${q.get('maxResults')}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000` } };
    }
    const after = q.get('submitTimeAfter');
    const before = q.get('submitTimeBefore');
    let jobs = [...this.jobs.values()].filter((j) =>
      (!q.get('statusEquals') || j.status === q.get('statusEquals')) &&
      (!q.get('nameContains') || j.jobName.includes(q.get('nameContains') ?? '')) &&
      (!after || Date.parse(j.submitTime) > Date.parse(after)) &&
      (!before || Date.parse(j.submitTime) < Date.parse(before)));
    jobs.sort((a, b) => a.submitTime.localeCompare(b.submitTime) || a.jobId.localeCompare(b.jobId));
    if ((q.get('sortOrder') ?? 'Descending') === 'Descending') jobs = jobs.reverse();
    const token = q.get('nextToken');
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) return { operation, error: { errorType: 'ValidationException', status: 400, message: 'Invalid pagination token.' } };
    const size = Math.min(max, this.data.pageSize);
    const page = jobs.slice(start, start + size).map(view);
    const next = start + size < jobs.length ? Buffer.from(`offset:${start + size}`).toString('base64url') : undefined;
    return { operation, body: next ? { invocationJobSummaries: page, nextToken: next } : { invocationJobSummaries: page } };
  }

  private find(identifier: string): BatchJobRecord | undefined {
    const id = decodeURIComponent(identifier);
    return this.jobs.get(id) ?? [...this.jobs.values()].find((j) => j.jobArn === id);
  }

  private fail(job: BatchJobRecord, message: string): void {
    if (TERMINAL.has(job.status) || job.status === 'Stopping') return;
    job.message = message;
    this.move(job, 'Failed', { end: true });
  }

  private move(job: BatchJobRecord, status: BatchJobState, opts: { end?: boolean } = {}): void {
    if (TERMINAL.has(job.status)) return;
    job.status = status;
    job.lastModifiedTime = new Date().toISOString();
    if (opts.end) job.endTime = job.lastModifiedTime;
  }

  private schedule(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private track(work: Promise<void>): void {
    const done = work.catch(() => undefined).finally(() => this.work.delete(done));
    this.work.add(done);
  }

  private client(): S3Client {
    if (!this.s3Endpoint) throw Object.assign(new Error('The local Bedrock server has no S3 endpoint (BatchJobs.connectS3).'), { name: 'NoS3' });
    const c = this.s3Credentials ?? BEDROCK_ROLE_CREDENTIALS;
    this.s3 ??= new S3Client({
      region: this.data.region,
      endpoint: this.s3Endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    });
    return this.s3;
  }

  private fresh(): BatchJobsData {
    return structuredClone({ ...defaultBatchJobsData(), ...this.options.data });
  }
}

interface InputRecord {
  recordId: string;
  modelInput: unknown;
  /** The input file's name (its output is `<file>.out`). */
  file: string;
}

/** GetModelInvocationJob's body (also a ListModelInvocationJobs summary). */
function view(job: BatchJobRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    jobArn: job.jobArn,
    jobName: job.jobName,
    modelId: job.modelId,
    roleArn: job.roleArn,
    status: job.status,
    submitTime: job.submitTime,
    lastModifiedTime: job.lastModifiedTime,
    inputDataConfig: { s3InputDataConfig: { s3Uri: job.inputUri, s3InputFormat: 'JSONL' } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: job.outputUri } },
  };
  if (job.clientRequestToken) out.clientRequestToken = job.clientRequestToken;
  if (job.message) out.message = job.message;
  if (job.endTime) out.endTime = job.endTime;
  for (const field of ['totalRecordCount', 'processedRecordCount', 'successRecordCount', 'errorRecordCount'] as const) {
    if (job[field] !== undefined) out[field] = job[field];
  }
  return out;
}

function notFound(operation: BatchOperation, identifier: string): BatchAnswer {
  return { operation, error: { errorType: 'ResourceNotFoundException', status: 404, message: `The specified job ${decodeURIComponent(identifier)} was not found.` } };
}

function splitUri(uri: string): { bucket: string; key: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The job's state now (it changes while a run awaits). */
function current(job: BatchJobRecord): BatchJobState {
  return job.status;
}

function bucketOf(uri: string): string {
  return splitUri(uri).bucket;
}
