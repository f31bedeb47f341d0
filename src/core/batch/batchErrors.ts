// What can go wrong with a Bedrock batch job, said so the user knows what to change: the
// S3 bucket of bedrockLlama.batch.s3Uri, the service role of bedrockLlama.batch.roleArn, the
// caller's own permissions, or a set that Bedrock will not run as a batch (then the files
// are summarized on demand instead, and the user is told). Every message is redacted, as every
// BedrockLlamaError's is; failures that are not the batch's own (credentials, network,
// throttling) keep the request layer's messages and kinds.
import { BedrockLlamaError, redact, toBedrockLlamaError, truncate, type BedrockLlamaErrorKind, type ErrorContext, type ErrorShape } from '../bedrock/errors';
import { tooFewText } from './batchRecords';

export const S3_URI_SETTING = 'bedrockLlama.batch.s3Uri';
export const ROLE_SETTING = 'bedrockLlama.batch.roleArn';

export type BatchFailureKind =
  /** Fewer records than Bedrock's minimum per job: summarize on demand. */
  | 'tooFewRecords'
  /** The model (or region) does not run batch jobs: summarize on demand. */
  | 'modelUnsupported'
  /** Too many batch jobs at once for the account: summarize on demand, or wait. */
  | 'quota'
  /** More input than one batch job takes. */
  | 'inputTooLarge'
  | 'invalidS3Uri'
  | 'invalidRoleArn'
  | 'bucketMissing'
  /** The bucket is in another region than the job. */
  | 'bucketRegion'
  /** The caller's own identity may not read or write the bucket. */
  | 's3Denied'
  /** Only a Bedrock API key is set up: S3 takes AWS credentials. */
  | 's3Credentials'
  /** The caller may not pass the service role to Bedrock (iam:PassRole). */
  | 'passRoleDenied'
  /** The caller may not call the batch operation itself. */
  | 'operationDenied'
  /** Bedrock cannot assume the role. */
  | 'roleInvalid'
  /** The role cannot read the input. */
  | 'roleCannotRead'
  /** The role cannot write the output. */
  | 'roleCannotWrite'
  | 'jobNotFound'
  /** Stop asked of a job that has already ended. */
  | 'jobNotStoppable'
  /** Any other reason a job failed. */
  | 'jobFailed';

export interface BatchJobErrorInit {
  batchKind: BatchFailureKind;
  kind: BedrockLlamaErrorKind;
  userMessage: string;
  fallback?: boolean;
  setting?: string;
  retryable?: boolean;
  detail?: string;
  awsErrorName?: string;
  httpStatus?: number;
  requestId?: string;
  cause?: unknown;
}

export class BatchJobError extends BedrockLlamaError {
  readonly batchKind: BatchFailureKind;
  /** True when the files can still be summarized on demand: say why, then do that. */
  readonly fallback: boolean;
  /** The setting to change, when one is at fault (for Open Settings). */
  readonly setting?: string;

  constructor(init: BatchJobErrorInit) {
    super({ ...init, retryable: init.retryable ?? false });
    this.name = 'BatchJobError';
    this.batchKind = init.batchKind;
    this.fallback = init.fallback ?? false;
    this.setting = init.setting;
  }
}

/** Where an S3 call went: for the messages. */
export interface S3Target {
  bucket: string;
  key: string;
  action: 'write' | 'read' | 'list';
  region?: string;
}

const S3_ACTIONS: Record<S3Target['action'], string> = { write: 's3:PutObject', read: 's3:GetObject', list: 's3:ListBucket' };

/** An S3 failure of the caller's own requests (writing the input, reading the output). */
export function s3Failure(err: unknown, target: S3Target, ctx: ErrorContext): BedrockLlamaError {
  const { name, message, status, requestId } = shape(err);
  const common = { awsErrorName: name || undefined, httpStatus: status, requestId, detail: message || undefined, cause: err };
  const where = `s3://${target.bucket}/${target.key}`;
  if (name === 'NoSuchBucket') {
    return new BatchJobError({ ...common, batchKind: 'bucketMissing', kind: 'configuration', setting: S3_URI_SETTING,
      userMessage: `The S3 bucket "${target.bucket}" named in ${S3_URI_SETTING} does not exist${target.region ? ` (looked for in ${target.region})` : ''}. Create it, or set ${S3_URI_SETTING} to a bucket of yours in the region of the batch jobs.` });
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException' || status === 301) {
    return new BatchJobError({ ...common, batchKind: 'bucketRegion', kind: 'configuration', setting: S3_URI_SETTING,
      userMessage: `The S3 bucket "${target.bucket}" in ${S3_URI_SETTING} is in another region than ${target.region ?? 'the batch jobs'}. Bedrock batch jobs need a bucket in their own region: use one there, or change bedrockLlama.region.` });
  }
  if (ctx.auth && (ctx.auth.kind === 'apiKey' || ctx.auth.kind === 'apiKeyEnv') && (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))) {
    return new BatchJobError({ ...common, batchKind: 's3Credentials', kind: 'noCredentials',
      userMessage: 'Batch jobs keep their input and output in S3, which a Bedrock API key cannot sign for. Set up AWS credentials (`aws configure`, or a profile in bedrockLlama.profile) to use batch jobs.' });
  }
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || (status === 403 && !/signature|access key|token/i.test(`${name} ${message}`))) {
    return new BatchJobError({ ...common, batchKind: 's3Denied', kind: 'accessDenied', setting: S3_URI_SETTING,
      userMessage: `Your AWS identity may not ${target.action} ${where} (${S3_ACTIONS[target.action]}). Ask your AWS administrator to allow ${S3_ACTIONS[target.action]} on that bucket, or set ${S3_URI_SETTING} to one you can use.` });
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidToken' || name === 'ExpiredToken') {
    return new BatchJobError({ ...common, batchKind: 's3Denied', kind: name === 'ExpiredToken' ? 'expiredCredentials' : 'accessDenied',
      userMessage: `S3 rejected your AWS credentials (${name}) for ${where}. Check the configured profile or keys, and refresh them.` });
  }
  const general = toBedrockLlamaError(err, { ...ctx, modelId: where });
  // The request layer's network messages name Bedrock as the far end: here it is S3.
  if (general.kind === 'network') return new BedrockLlamaError({ ...general, userMessage: general.userMessage.replace(/\bBedrock\b/g, 'S3'), cause: err });
  if (general.kind !== 'unknown' && general.kind !== 'validation' && general.kind !== 'modelNotFound') return general;
  return new BatchJobError({ ...common, batchKind: 'jobFailed', kind: 'unknown', retryable: status !== undefined && status >= 500,
    userMessage: `S3 failed to ${target.action} ${where}${message ? `: ${truncate(redact(message))}` : ` (${name || `HTTP ${status ?? '?'}`})`}.` });
}

/** What the caller was doing with the control plane. */
export interface ControlTarget {
  operation: 'CreateModelInvocationJob' | 'GetModelInvocationJob' | 'ListModelInvocationJobs' | 'StopModelInvocationJob';
  modelId?: string;
  roleArn?: string;
  jobArn?: string;
  records?: number;
}

const MINIMUM = /\bminimum\b|at least \d+|fewer than|less than the (required|min)/i;
const RECORDS = /record/i;
const ROLE = /\brole\b|assume/i;
const S3 = /\bs3\b|bucket/i;
const STATE = /state|status|already|cannot be stopped|not in progress|terminal|completed|stopped|failed/i;
const UNSUPPORTED_MODEL = /(not supported|doesn(?:'|’)?t support|does not support|isn(?:'|’)?t supported|not available).{0,60}(batch|model invocation job)|(batch|model invocation job).{0,60}(not supported|isn(?:'|’)?t supported|not available)/i;

/** A failure of CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs or StopModelInvocationJob. */
export function controlFailure(err: unknown, target: ControlTarget, ctx: ErrorContext): BedrockLlamaError {
  const { name, message, status, requestId } = shape(err);
  const common = { awsErrorName: name || undefined, httpStatus: status, requestId, detail: message || undefined, cause: err };
  const role = target.roleArn ?? 'the service role';
  const said = message ? ` Bedrock said: ${truncate(redact(message))}` : '';
  if (name === 'ValidationException' && MINIMUM.test(message) && RECORDS.test(message)) {
    // Bedrock's own minimum (the account's quota), when it says it; not the default we checked against.
    const said = /minimum[^.\d]{0,60}?(\d{1,7})/i.exec(message)?.[1];
    return tooFew(target.records, said === undefined ? undefined : Number(said), message, common);
  }
  if (name === 'AccessDeniedException' && /iam:PassRole/i.test(message)) {
    return new BatchJobError({ ...common, batchKind: 'passRoleDenied', kind: 'accessDenied', setting: ROLE_SETTING,
      userMessage: `Your AWS identity may not pass the role in ${ROLE_SETTING} (${role}) to Bedrock (iam:PassRole). Ask your AWS administrator to allow iam:PassRole on that role for bedrock.amazonaws.com.` });
  }
  if (name === 'AccessDeniedException' && new RegExp(`bedrock:${target.operation}`, 'i').test(message)) {
    return new BatchJobError({ ...common, batchKind: 'operationDenied', kind: 'accessDenied',
      userMessage: `Your AWS identity may not call bedrock:${target.operation}. Ask your AWS administrator to allow bedrock:CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs and StopModelInvocationJob, or set bedrockLlama.batch.mode to onDemand.` });
  }
  if (name === 'ValidationException' && ROLE.test(message) && !S3.test(message)) {
    return new BatchJobError({ ...common, batchKind: 'roleInvalid', kind: 'configuration', setting: ROLE_SETTING,
      userMessage: `Bedrock cannot use the role in ${ROLE_SETTING} (${role}). Check that the role exists in this account and that its trust policy lets bedrock.amazonaws.com assume it.${said}` });
  }
  if (name === 'ValidationException' && S3.test(message)) {
    return new BatchJobError({ ...common, batchKind: 'bucketMissing', kind: 'configuration', setting: S3_URI_SETTING,
      userMessage: `Bedrock refused the S3 location in ${S3_URI_SETTING}.${said} Check the bucket, and that the role in ${ROLE_SETTING} may use it.` });
  }
  if (name === 'ValidationException' && UNSUPPORTED_MODEL.test(message)) {
    return new BatchJobError({ ...common, batchKind: 'modelUnsupported', kind: 'validation', fallback: true,
      userMessage: `${target.modelId ?? 'This model'} does not run as a Bedrock batch job${ctx.region ? ` in ${ctx.region}` : ''}, so the files are summarized on demand instead.` });
  }
  if (name === 'ServiceQuotaExceededException') {
    return new BatchJobError({ ...common, batchKind: 'quota', kind: 'quota', fallback: true,
      userMessage: `Your account has as many Bedrock batch jobs as its quota allows${ctx.region ? ` in ${ctx.region}` : ''}, so the files are summarized on demand instead. Wait for a job to end, or ask for a higher quota in Service Quotas.` });
  }
  if (name === 'ResourceNotFoundException' && target.operation !== 'CreateModelInvocationJob') {
    return new BatchJobError({ ...common, batchKind: 'jobNotFound', kind: 'modelNotFound',
      userMessage: `Bedrock has no batch job ${target.jobArn ?? ''} in this account and region (it may have been deleted, or belong to another region or account).` });
  }
  if (target.operation === 'StopModelInvocationJob' && (name === 'ConflictException' || (name === 'ValidationException' && STATE.test(message)))) {
    return new BatchJobError({ ...common, batchKind: 'jobNotStoppable', kind: 'validation',
      userMessage: `The batch job ${target.jobArn ?? ''} has already ended, so there is nothing to stop.` });
  }
  return toBedrockLlamaError(err, { ...ctx, modelId: target.modelId ?? 'the batch job' });
}

/** The fallback for a set below Bedrock's minimum, from our own count or Bedrock's refusal. */
export function tooFew(count: number | undefined, minimum: number | undefined, detail?: string, more: Partial<BatchJobErrorInit> = {}): BatchJobError {
  return new BatchJobError({ ...more, batchKind: 'tooFewRecords', kind: 'validation', fallback: true, detail, userMessage: tooFewText(count, minimum) });
}

/** The job facts a failure message names. */
export interface JobFacts {
  roleArn?: string;
  inputUri?: string;
  outputUri?: string;
  bucket?: string;
}

/** Why a job ended Failed, from Bedrock's `message`; undefined message: a generic failure. */
export function jobFailure(message: string | undefined, job: JobFacts): BatchJobError {
  const text = message ?? '';
  const said = text ? ` Bedrock said: ${truncate(redact(text))}` : '';
  const role = job.roleArn ?? 'the service role';
  // Read the words, not the names: a role or a bucket may be called "ReadOnly" or "output".
  const words = text.replace(/\barn:[^\s,;()]+/g, 'ARN').replace(/\bs3:\/\/[^\s,;()]+/g, 'S3URI');
  const denied = /access ?denied|not authori[sz]ed|forbidden|permission/i.test(words);
  const writing = /s3:PutObject/i.test(words) || (/\b(write|put|output)\b/i.test(words) && !/s3:GetObject|s3:ListBucket|\b(read|get|input)\b/i.test(words));
  if (denied && writing && (S3.test(words) || /S3URI/.test(words))) {
    return new BatchJobError({ batchKind: 'roleCannotWrite', kind: 'accessDenied', setting: ROLE_SETTING, detail: text,
      userMessage: `The role in ${ROLE_SETTING} (${role}) cannot write the results to ${job.outputUri ?? 'the output location'}. Give the role s3:PutObject on it (and s3:ListBucket on the bucket), then run the files again.${said}` });
  }
  if (denied && (S3.test(words) || /\binput\b/i.test(words))) {
    return new BatchJobError({ batchKind: 'roleCannotRead', kind: 'accessDenied', setting: ROLE_SETTING, detail: text,
      userMessage: `The role in ${ROLE_SETTING} (${role}) cannot read the input at ${job.inputUri ?? 'the input location'}. Give the role s3:GetObject and s3:ListBucket on the bucket of ${S3_URI_SETTING} (and s3:PutObject for the results), then run the files again.${said}` });
  }
  if (/NoSuchBucket|bucket.{0,80}(does not exist|doesn(?:'|’)t exist|not found)|(does not exist|not found).{0,40}bucket/i.test(text)) {
    const bucket = job.bucket ? `"${job.bucket}" ` : '';
    return new BatchJobError({ batchKind: 'bucketMissing', kind: 'configuration', setting: S3_URI_SETTING, detail: text,
      userMessage: `The S3 bucket ${bucket}named in ${S3_URI_SETTING} does not exist for Bedrock. Create it in the region of the batch jobs, or set ${S3_URI_SETTING} to one that exists.${said}` });
  }
  if (MINIMUM.test(text) && RECORDS.test(text)) return tooFew(undefined, undefined, text);
  if (ROLE.test(text)) {
    return new BatchJobError({ batchKind: 'roleInvalid', kind: 'configuration', setting: ROLE_SETTING, detail: text,
      userMessage: `Bedrock could not use the role in ${ROLE_SETTING} (${role}).${said}` });
  }
  return new BatchJobError({ batchKind: 'jobFailed', kind: 'unknown', detail: text || undefined,
    userMessage: `The Bedrock batch job failed.${said || ' Bedrock gave no reason.'}` });
}

function shape(err: unknown): { name: string; message: string; status?: number; requestId?: string } {
  const e: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : { message: String(err) };
  return {
    name: typeof e.name === 'string' && e.name !== 'Error' ? e.name : '',
    message: typeof e.message === 'string' ? e.message : '',
    status: e.$metadata?.httpStatusCode,
    requestId: e.$metadata?.requestId,
  };
}
