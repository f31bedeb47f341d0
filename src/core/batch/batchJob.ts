// Runs a set of Llama requests as one Bedrock batch inference job: writes the input JSONL to
// S3 (@aws-sdk/client-s3), creates the job with the service role (CreateModelInvocationJob),
// follows it (GetModelInvocationJob, polled with back-off), stops it, lists the account's jobs,
// and reads every `.jsonl.out` of the result back into one outcome per record.
//
// Both SDK clients get the configuration every other request gets (clientConfig.ts): region,
// the proxy-aware HTTP/1.1 handler, the credentials of bedrockLlama.profile or the default chain.
// The Bedrock endpoint (bedrockLlama.endpoint) is the control plane's; S3 has its own
// (`s3Endpoint`, AWS's when unset). A Bedrock API key signs the control plane only: S3 takes
// AWS credentials, found the SDK's usual way. The S3 client is its own lazily loaded file
// (dist/batchSdk.js). No `vscode`: plain values in, typed outcomes or BedrockLlamaErrors out.
import { randomBytes } from 'node:crypto';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { authSourceFor, type AuthSource } from '../bedrock/authSource';
import type { BedrockClientOptions } from '../bedrock/client';
import { errorContextFor, sharedClientConfig } from '../bedrock/clientConfig';
import { loadControlSdk, type ControlSdk } from '../bedrock/controlSdkLoader';
import { BedrockLlamaError, toBedrockLlamaError, type ErrorContext } from '../bedrock/errors';
import { redact, truncate } from '../bedrock/redact';
import { abortError } from '../bedrock/requestGuard';
import { loadSdk, type Sdk } from '../bedrock/sdkLoader';
import type { TokenUsage } from '../types';
import { BatchJobError, controlFailure, jobFailure, ROLE_SETTING, S3_URI_SETTING, s3Failure, tooFew, type ControlTarget, type S3Target } from './batchErrors';
import { inputUriOf, jobIdOf, outputFolderOf, type PersistedBatchJob } from './batchPersist';
import {
  BATCH_MAX_INPUT_FILE_BYTES,
  BATCH_MIN_RECORDS,
  INPUT_FILE_NAME,
  MANIFEST_FILE_NAME,
  OutputReader,
  parseManifest,
  resultsFor,
  type BatchInput,
  type BatchManifest,
  type BatchRecordFailed,
  type BatchRecordOk,
  type BatchRecordResult,
  type OutputLimits,
} from './batchRecords';
import { loadBatchSdk, type BatchSdk } from './batchSdkLoader';

/** Bedrock's job states (ModelInvocationJobStatus). */
export type BatchJobState =
  | 'Submitted' | 'Validating' | 'Scheduled' | 'InProgress' | 'Stopping'
  | 'Completed' | 'PartiallyCompleted' | 'Failed' | 'Stopped' | 'Expired';

const STATES: ReadonlySet<string> = new Set(['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping', 'Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);
const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired']);
/** States whose output folder holds results to read. */
const HAS_RESULTS: ReadonlySet<string> = new Set(['Completed', 'PartiallyCompleted', 'Stopped', 'Expired']);

export function isTerminal(state: string): boolean {
  return TERMINAL.has(state);
}

export interface BatchJobClientOptions extends BedrockClientOptions {
  /** S3's endpoint (a local S3-compatible server in tests); unset: AWS's for the region. Path-style addressing when set. */
  s3Endpoint?: string;
  /** Bedrock's minimum records per job for this account and model (default BATCH_MIN_RECORDS). */
  minRecords?: number;
  /** Output reading limits (tests). */
  outputLimits?: OutputLimits;
  /** Epoch ms clock (tests). */
  now?: () => number;
}

export interface SubmitRequest {
  /** From buildBatchInput. */
  input: BatchInput;
  /** bedrockLlama.batch.s3Uri: `s3://bucket/optional/prefix/`. */
  s3Uri: string;
  /** bedrockLlama.batch.roleArn. */
  roleArn: string;
  /** The model id as sent (base id, inference profile id or ARN). */
  modelId: string;
  /** A name to recognize the job by; made safe for Bedrock and suffixed with the run id. */
  jobName?: string;
}

/** A job as Bedrock describes it (GetModelInvocationJob, ListModelInvocationJobs), type-checked. */
export interface BatchJobStatus {
  jobArn: string;
  jobName?: string;
  modelId?: string;
  /** The service role it runs with. */
  roleArn?: string;
  /** Bedrock's state; 'Unknown' for one this version does not know. */
  state: BatchJobState | 'Unknown';
  /** The state as Bedrock spelled it. */
  rawState: string;
  /** True once the job will not change any more. */
  done: boolean;
  /** Bedrock's message, secrets removed. */
  message?: string;
  submittedAt?: number;
  lastModifiedAt?: number;
  endedAt?: number;
  /** The record counts of the job's description. */
  counts: { total?: number; processed?: number; success?: number; error?: number };
  /** The output location as created (`s3://…/`), Bedrock adding the job id. */
  outputUri?: string;
  inputUri?: string;
  /** `manifest.json.out`, read once the job has results. */
  manifest?: BatchManifest;
  /** For a Failed (or Expired) job: why, in words that say what to change. */
  failure?: BatchJobError;
}

export interface BatchResults {
  /** Records with an answer, in input order. */
  ok: Array<BatchRecordOk & { key: string }>;
  /** Records without one, in input order, each with its reason: retry them on demand. */
  failed: Array<BatchRecordFailed & { key: string }>;
  /** Lines of the output that could not be tied to a record. */
  problems: string[];
  /** Output files that could not be read: their records are not known, not failed (read again later). */
  unreadable: Array<{ file: string; why: string }>;
  /** Bedrock's counts for the answered records (what the batch bills). */
  usage: TokenUsage;
  manifest?: BatchManifest;
  /** The `.jsonl.out` files read. */
  files: string[];
}

export interface S3Location {
  bucket: string;
  /** '' or a key prefix ending in '/'. */
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const MAX_PAGES = 100;
const MAX_OUTPUT_FILES = 1000;

/** bedrockLlama.batch.s3Uri taken apart, or why it cannot be used. */
export function parseS3Uri(uri: string): S3Location | { problem: string } {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri.trim());
  if (!m) return { problem: `${S3_URI_SETTING} must look like s3://bucket/prefix/ (got "${truncate(redact(uri), 80)}").` };
  const bucket = m[1];
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    return { problem: `"${truncate(bucket, 70)}" in ${S3_URI_SETTING} is not a valid S3 bucket name (3–63 lower-case letters, digits, dots and hyphens).` };
  }
  const rest = m[2] ?? '';
  if (rest.length > 700 || /[\u0000-\u001f\u007f\\]/.test(rest)) return { problem: `The key prefix in ${S3_URI_SETTING} is too long or holds control characters.` };
  const prefix = rest.replace(/^\/+/, '').replace(/\/+$/, '');
  return { bucket, prefix: prefix ? `${prefix}/` : '' };
}

/** Bedrock's job name rules: 1–63 characters, letters and digits, then `-`, `+`, `.` too. */
export function safeJobName(name: string | undefined, runId: string): string {
  const base = (name ?? 'llama-summaries').replace(/[^A-Za-z0-9+.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+/g, '-');
  const suffix = `-${runId}`;
  const head = (base || 'llama').slice(0, 63 - suffix.length).replace(/[^A-Za-z0-9]+$/, '');
  return `${head || 'llama'}${suffix}`;
}

/** Sleeps `ms` unless `signal` aborts first (then rejects with an AbortError). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class BatchJobClient {
  readonly auth: AuthSource;
  private clients: Promise<{ control: ControlSdk; bedrock: BedrockClient; batch: BatchSdk; s3: S3Client }> | undefined;
  private resolvedRegion: string | undefined;

  constructor(private readonly options: BatchJobClientOptions) {
    this.auth = authSourceFor(options, process.env);
  }

  /** The region jobs run in: the option, else what the SDK resolves (AWS_REGION, the profile). */
  async region(): Promise<string | undefined> {
    if (this.options.region) return this.options.region;
    try {
      const { bedrock } = await this.sdk();
      this.resolvedRegion ??= await bedrock.config.region();
    } catch {
      // No region anywhere: the calls say so.
    }
    return this.resolvedRegion;
  }

  /**
   * Writes the input under a fresh folder of `s3Uri` and creates the job. Returns what to keep
   * to follow it. A set below the minimum throws a BatchJobError with `fallback` before
   * anything is written; so does Bedrock's own refusal of too few records.
   */
  async submit(request: SubmitRequest, signal?: AbortSignal): Promise<PersistedBatchJob> {
    const { input } = request;
    const minimum = this.options.minRecords ?? BATCH_MIN_RECORDS;
    if (input.count < minimum) throw tooFew(input.count, minimum);
    if (input.bytes > BATCH_MAX_INPUT_FILE_BYTES) {
      throw new BatchJobError({ batchKind: 'inputTooLarge', kind: 'validation', fallback: true,
        userMessage: `The files come to ${(input.bytes / 1e9).toFixed(2)} GB of input, more than the 1 GB Bedrock takes in one batch job file, so they are summarized on demand instead.` });
    }
    const location = parseS3Uri(request.s3Uri);
    if ('problem' in location) throw new BatchJobError({ batchKind: 'invalidS3Uri', kind: 'configuration', setting: S3_URI_SETTING, userMessage: location.problem });
    if (!ROLE_ARN.test(request.roleArn.trim())) {
      throw new BatchJobError({ batchKind: 'invalidRoleArn', kind: 'configuration', setting: ROLE_SETTING,
        userMessage: `${ROLE_SETTING} must be an IAM role ARN such as arn:aws:iam::123456789012:role/BedrockBatchRole (got "${truncate(redact(request.roleArn), 80)}").` });
    }
    const roleArn = request.roleArn.trim();
    const now = (this.options.now ?? Date.now)();
    const runId = `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${randomBytes(3).toString('hex')}`;
    const folder = `${location.prefix}llama-batch/${runId}/`;
    const inputKey = `${folder}input/${INPUT_FILE_NAME}`;
    const outputPrefix = `${folder}output/`;
    const { control, bedrock, batch, s3 } = await this.sdk();
    const region = await this.region();

    const put: S3Target = { bucket: location.bucket, key: inputKey, action: 'write', region };
    try {
      await s3.send(new batch.PutObjectCommand({ Bucket: location.bucket, Key: inputKey, Body: input.jsonl, ContentType: 'application/jsonl' }), { abortSignal: signal });
    } catch (err) {
      throw this.s3Error(err, put, signal);
    }

    const jobName = safeJobName(request.jobName, runId);
    const target: ControlTarget = { operation: 'CreateModelInvocationJob', modelId: request.modelId, roleArn, records: input.count };
    let jobArn: string;
    try {
      // Not aborted once it goes: a job Bedrock has created bills, so it must be kept and followed
      // (Cancel before this point stops the upload; clientRequestToken makes the SDK's retries idempotent).
      const created = await bedrock.send(new control.CreateModelInvocationJobCommand({
        jobName,
        roleArn,
        modelId: request.modelId,
        clientRequestToken: runId.replace(/[^A-Za-z0-9-]/g, ''),
        inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${location.bucket}/${folder}input/`, s3InputFormat: 'JSONL' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${location.bucket}/${outputPrefix}` } },
      }));
      if (typeof created.jobArn !== 'string' || !/:model-invocation-job\/[A-Za-z0-9]+$/.test(created.jobArn)) {
        throw new BatchJobError({ batchKind: 'jobFailed', kind: 'unknown', userMessage: 'Bedrock created the batch job but returned no usable job ARN.' });
      }
      jobArn = created.jobArn;
    } catch (err) {
      // No job will read the input: take it away again if we may (s3:DeleteObject), else leave it.
      await s3.send(new batch.DeleteObjectCommand({ Bucket: location.bucket, Key: inputKey })).catch(() => undefined);
      throw this.controlError(err, target, signal);
    }
    return {
      version: 1,
      jobArn,
      jobName,
      region: regionOfArn(jobArn) ?? region ?? '',
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      modelId: request.modelId,
      roleArn,
      createdAt: now,
      bucket: location.bucket,
      inputKey,
      outputPrefix,
      records: { ...input.records },
      lastStatus: 'Submitted',
    };
  }

  /** The job's state and counts; once it has results, also its manifest. */
  async status(job: string | PersistedBatchJob, signal?: AbortSignal): Promise<BatchJobStatus> {
    const jobArn = typeof job === 'string' ? job : job.jobArn;
    const { control, bedrock } = await this.sdk();
    let raw: RawJob;
    try {
      raw = (await bedrock.send(new control.GetModelInvocationJobCommand({ jobIdentifier: jobArn }), { abortSignal: signal })) as RawJob;
    } catch (err) {
      throw this.controlError(err, { operation: 'GetModelInvocationJob', jobArn, modelId: typeof job === 'string' ? undefined : job.modelId }, signal);
    }
    const status = toStatus(raw, jobArn);
    const facts = typeof job === 'string' ? factsOf(status) : { roleArn: job.roleArn, inputUri: inputUriOf(job), outputUri: outputFolderOf(job).uri, bucket: job.bucket };
    if (status.state === 'Failed' || (status.state === 'Expired' && status.message)) status.failure = jobFailure(status.message, facts);
    if (HAS_RESULTS.has(status.state)) status.manifest = await this.readManifest(job, status, signal);
    return status;
  }

  /** Asks Bedrock to stop the job (it goes Stopping, then Stopped). */
  async stop(job: string | PersistedBatchJob, signal?: AbortSignal): Promise<void> {
    const jobArn = typeof job === 'string' ? job : job.jobArn;
    const { control, bedrock } = await this.sdk();
    try {
      await bedrock.send(new control.StopModelInvocationJobCommand({ jobIdentifier: jobArn }), { abortSignal: signal });
    } catch (err) {
      throw this.controlError(err, { operation: 'StopModelInvocationJob', jobArn }, signal);
    }
  }

  /** The account's batch jobs in this region, newest first (every page, up to `max`). */
  async list(filter: { nameContains?: string; max?: number } = {}, signal?: AbortSignal): Promise<BatchJobStatus[]> {
    const { control, bedrock } = await this.sdk();
    const max = filter.max ?? 100;
    const out: BatchJobStatus[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES && out.length < max; page++) {
        const got = (await bedrock.send(new control.ListModelInvocationJobsCommand({
          nameContains: filter.nameContains, maxResults: Math.min(100, max - out.length), nextToken, sortBy: 'CreationTime', sortOrder: 'Descending',
        }), { abortSignal: signal })) as { invocationJobSummaries?: unknown; nextToken?: unknown };
        const summaries = Array.isArray(got.invocationJobSummaries) ? got.invocationJobSummaries : [];
        for (const summary of summaries) {
          const arn = (summary as RawJob | null)?.jobArn;
          if (typeof arn !== 'string') continue;
          const status = toStatus(summary as RawJob, arn);
          if (status.state === 'Failed') status.failure = jobFailure(status.message, factsOf(status));
          out.push(status);
        }
        nextToken = typeof got.nextToken === 'string' && got.nextToken !== '' ? got.nextToken : undefined;
        if (!nextToken || seen.has(nextToken)) break;
        seen.add(nextToken);
      }
    } catch (err) {
      throw this.controlError(err, { operation: 'ListModelInvocationJobs' }, signal);
    }
    return out.slice(0, max);
  }

  /**
   * Every record's outcome, read from every `.jsonl.out` under the job's output folder: the
   * answer with Bedrock's token counts, or why there is none. Records the output does not
   * mention (a stopped job, a lost line) are failed with that reason.
   */
  async results(job: PersistedBatchJob, signal?: AbortSignal): Promise<BatchResults> {
    const { batch, s3 } = await this.sdk();
    const folder = outputFolderOf(job);
    const keys: string[] = [];
    let manifestKey: string | undefined;
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const listed = await s3.send(new batch.ListObjectsV2Command({ Bucket: folder.bucket, Prefix: folder.prefix, ContinuationToken: token }), { abortSignal: signal });
        for (const item of listed.Contents ?? []) {
          if (typeof item.Key !== 'string') continue;
          if (item.Key.endsWith('.jsonl.out') && keys.length < MAX_OUTPUT_FILES) keys.push(item.Key);
          else if (item.Key === `${folder.prefix}${MANIFEST_FILE_NAME}`) manifestKey = item.Key;
        }
        token = listed.IsTruncated && listed.NextContinuationToken ? listed.NextContinuationToken : undefined;
        if (!token) break;
      }
    } catch (err) {
      throw this.s3Error(err, { bucket: folder.bucket, key: folder.prefix, action: 'list', region: job.region }, signal);
    }
    keys.sort();
    const found = new Map<string, BatchRecordResult>();
    const problems: string[] = [];
    const unreadable: BatchResults['unreadable'] = [];
    for (const key of keys) {
      const name = key.slice(folder.prefix.length);
      const reader = new OutputReader(name, this.options.outputLimits);
      try {
        const got = await s3.send(new batch.GetObjectCommand({ Bucket: folder.bucket, Key: key }), { abortSignal: signal });
        for await (const chunk of (got.Body ?? []) as AsyncIterable<Uint8Array>) reader.push(chunk);
      } catch (err) {
        if (signal?.aborted) throw this.s3Error(err, { bucket: folder.bucket, key, action: 'read', region: job.region }, signal);
        const why = this.s3Error(err, { bucket: folder.bucket, key, action: 'read', region: job.region }).userMessage;
        problems.push(`${name}: ${why}`);
        unreadable.push({ file: `s3://${folder.bucket}/${key}`, why });
        continue;
      }
      const parsed = reader.end();
      problems.push(...parsed.problems);
      for (const [recordId, result] of parsed.records) {
        if (!(recordId in job.records)) {
          problems.push(`${name}: a result for record ${recordId}, which this job did not send`);
          continue;
        }
        const seen = found.get(recordId);
        if (!seen || (!seen.ok && result.ok)) found.set(recordId, result);
      }
    }
    const missing = keys.length === 0 ? 'the job wrote no output' : 'the job wrote no result for it';
    const ok: BatchResults['ok'] = [];
    const failed: BatchResults['failed'] = [];
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    for (const result of resultsFor(Object.keys(job.records), found, missing)) {
      const key = job.records[result.recordId];
      if (result.ok) {
        ok.push({ ...result, key });
        usage.inputTokens += result.usage.inputTokens;
        usage.outputTokens += result.usage.outputTokens;
      } else {
        failed.push({ ...result, key });
      }
    }
    const manifest = manifestKey ? await this.readObjectText(folder.bucket, manifestKey, signal).then((text) => (text === undefined ? undefined : parseManifest(text))) : undefined;
    return { ok, failed, problems, unreadable, usage, manifest, files: keys.map((k) => `s3://${folder.bucket}/${k}`) };
  }

  dispose(): void {
    void this.clients?.then(({ bedrock, s3 }) => {
      bedrock.destroy();
      s3.destroy();
    }, () => undefined);
    this.clients = undefined;
  }

  private sdk(): Promise<{ control: ControlSdk; bedrock: BedrockClient; batch: BatchSdk; s3: S3Client }> {
    this.clients ??= Promise.all([loadSdk(), loadControlSdk(), loadBatchSdk()]).then(([runtime, control, batch]) => ({
      control,
      bedrock: new control.BedrockClient(sharedClientConfig(runtime, this.options, this.auth)),
      batch,
      s3: new batch.S3Client(this.s3Config(runtime)),
    }));
    return this.clients;
  }

  // The shared configuration, less what belongs to Bedrock: its endpoint and its API key.
  private s3Config(runtime: Sdk): S3ClientConfig {
    const shared = sharedClientConfig(runtime, this.options, this.auth);
    const { endpoint: _bedrockEndpoint, token: _token, authSchemePreference: _scheme, ...rest } = shared;
    const config: S3ClientConfig = { ...rest };
    if (this.options.s3Endpoint) {
      config.endpoint = this.options.s3Endpoint;
      config.forcePathStyle = true;
    }
    return config;
  }

  private async readManifest(job: string | PersistedBatchJob, status: BatchJobStatus, signal?: AbortSignal): Promise<BatchManifest | undefined> {
    let location: { bucket: string; key: string } | undefined;
    if (typeof job !== 'string') {
      const folder = outputFolderOf(job);
      location = { bucket: folder.bucket, key: `${folder.prefix}${MANIFEST_FILE_NAME}` };
    } else if (status.outputUri) {
      const parsed = parseS3Uri(status.outputUri);
      if (!('problem' in parsed)) location = { bucket: parsed.bucket, key: `${parsed.prefix}${jobIdOf(status.jobArn)}/${MANIFEST_FILE_NAME}` };
    }
    if (!location) return undefined;
    const text = await this.readObjectText(location.bucket, location.key, signal);
    return text === undefined ? undefined : parseManifest(text);
  }

  /** A small object's text; undefined when it cannot be read (the manifest is a nicety). */
  private async readObjectText(bucket: string, key: string, signal?: AbortSignal, maxBytes = 64 * 1024): Promise<string | undefined> {
    const { batch, s3 } = await this.sdk();
    try {
      const got = await s3.send(new batch.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of (got.Body ?? []) as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) return undefined;
        parts.push(Buffer.from(chunk));
      }
      return Buffer.concat(parts).toString('utf8');
    } catch {
      if (signal?.aborted) throw toBedrockLlamaError(abortError(), this.context('the batch job'));
      return undefined;
    }
  }

  private s3Error(err: unknown, target: S3Target, signal?: AbortSignal): BedrockLlamaError {
    if (signal?.aborted) return toBedrockLlamaError(abortError(), this.context(`s3://${target.bucket}/${target.key}`));
    return s3Failure(err, target, this.context(`s3://${target.bucket}/${target.key}`, this.options.s3Endpoint ?? `https://s3.${target.region ?? 'us-east-1'}.amazonaws.com`));
  }

  private controlError(err: unknown, target: ControlTarget, signal?: AbortSignal): BedrockLlamaError {
    if (err instanceof BedrockLlamaError) return err;
    if (signal?.aborted) return toBedrockLlamaError(abortError(), this.context(target.modelId ?? 'the batch job'));
    return controlFailure(err, target, this.context(target.modelId ?? 'the batch job'));
  }

  private context(modelId: string, endpoint?: string): ErrorContext {
    return errorContextFor(this.options, this.auth, this.options.region ?? this.resolvedRegion, modelId, endpoint);
  }

}

export interface PollOptions {
  signal?: AbortSignal;
  /** First wait (default 5 s), doubled after each look up to `maxDelayMs` (default 60 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Told every status read (the first right away). */
  onStatus?: (status: BatchJobStatus) => void;
  /** Told when a look failed in a way that may pass (network, throttling); polling goes on. */
  onTransientError?: (error: BedrockLlamaError) => void;
}

/**
 * Follows a job until it ends: looks at once, then after 5 s, 10 s, … up to 60 s between
 * looks. A look that fails for a passing reason (network, throttling, a 5xx) is retried on
 * the same schedule; any other failure ends the polling. Aborting `signal` ends it with an
 * `aborted` BedrockLlamaError (the job itself goes on: stop() stops it).
 */
export async function pollBatchJob(client: Pick<BatchJobClient, 'status'>, job: string | PersistedBatchJob, options: PollOptions = {}): Promise<BatchJobStatus> {
  const { signal } = options;
  let delay = options.initialDelayMs ?? 5_000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  for (;;) {
    if (signal?.aborted) throw toBedrockLlamaError(abortError(), { modelId: 'the batch job', partialText: '' });
    try {
      const status = await client.status(job, signal);
      options.onStatus?.(status);
      if (status.done) return status;
    } catch (err) {
      const e = err instanceof BedrockLlamaError ? err : toBedrockLlamaError(err, { modelId: 'the batch job', partialText: '' });
      if (e.kind === 'aborted' || signal?.aborted) throw toBedrockLlamaError(abortError(), { modelId: 'the batch job', partialText: '' });
      if (!(e.retryable || e.kind === 'network')) throw e;
      options.onTransientError?.(e);
    }
    try {
      await abortableSleep(delay, signal);
    } catch (err) {
      throw toBedrockLlamaError(err, { modelId: 'the batch job', partialText: '' });
    }
    delay = Math.min(maxDelay, delay * 2);
  }
}

// --- response shapes (the SDK's, narrowed to what is read; checked, not trusted) -----------

interface RawJob {
  jobArn?: unknown;
  jobName?: unknown;
  modelId?: unknown;
  roleArn?: unknown;
  status?: unknown;
  message?: unknown;
  submitTime?: unknown;
  lastModifiedTime?: unknown;
  endTime?: unknown;
  inputDataConfig?: { s3InputDataConfig?: { s3Uri?: unknown } };
  outputDataConfig?: { s3OutputDataConfig?: { s3Uri?: unknown } };
  totalRecordCount?: unknown;
  processedRecordCount?: unknown;
  successRecordCount?: unknown;
  errorRecordCount?: unknown;
}

function toStatus(raw: RawJob, jobArn: string): BatchJobStatus {
  const rawState = typeof raw.status === 'string' ? raw.status : '';
  const state = STATES.has(rawState) ? (rawState as BatchJobState) : 'Unknown';
  const status: BatchJobStatus = {
    jobArn: typeof raw.jobArn === 'string' ? raw.jobArn : jobArn,
    state,
    rawState,
    done: TERMINAL.has(state),
    counts: {
      total: count(raw.totalRecordCount),
      processed: count(raw.processedRecordCount),
      success: count(raw.successRecordCount),
      error: count(raw.errorRecordCount),
    },
  };
  if (typeof raw.jobName === 'string') status.jobName = truncate(raw.jobName, 128);
  if (typeof raw.modelId === 'string') status.modelId = truncate(raw.modelId, 2048);
  if (typeof raw.message === 'string' && raw.message.trim() !== '') status.message = truncate(redact(raw.message.replace(/\s+/g, ' ').trim()), 500);
  const submitted = time(raw.submitTime);
  if (submitted !== undefined) status.submittedAt = submitted;
  const modified = time(raw.lastModifiedTime);
  if (modified !== undefined) status.lastModifiedAt = modified;
  const ended = time(raw.endTime);
  if (ended !== undefined) status.endedAt = ended;
  const out = raw.outputDataConfig?.s3OutputDataConfig?.s3Uri;
  if (typeof out === 'string' && out.startsWith('s3://')) status.outputUri = out;
  const input = raw.inputDataConfig?.s3InputDataConfig?.s3Uri;
  if (typeof input === 'string' && input.startsWith('s3://')) status.inputUri = input;
  if (typeof raw.roleArn === 'string') status.roleArn = truncate(raw.roleArn, 2048);
  return status;
}

function factsOf(status: BatchJobStatus): { roleArn?: string; inputUri?: string; outputUri?: string; bucket?: string } {
  const roleArn = status.roleArn;
  const parsed = status.inputUri ? parseS3Uri(status.inputUri) : undefined;
  return { roleArn, inputUri: status.inputUri, outputUri: status.outputUri, bucket: parsed && !('problem' in parsed) ? parsed.bucket : undefined };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function time(v: unknown): number | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function regionOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):/.exec(arn)?.[1];
}
