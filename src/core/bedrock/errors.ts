// One error type for everything that can go wrong talking to Bedrock, so callers
// switch on `kind` instead of parsing SDK errors. `userMessage` says what to do and
// never carries secrets (the constructor redacts it and `detail`); `partialText` keeps
// what streamed before the failure.
// The messages themselves live by topic: credentialErrors, networkErrors, modelErrors.
import type { AuthSource } from './authSource';
import { credentialError, isCredentialError, rejectedApiKey, ssoLoginCommand } from './credentialErrors';
import { modelAccessError, modelNotFoundError, validationError } from './modelErrors';
import { networkError } from './networkErrors';
import { redact, truncate } from './redact';

export { redact, truncate } from './redact';

export type BedrockLlamaErrorKind =
  | 'aborted'
  | 'throttled'
  | 'accessDenied'
  | 'expiredCredentials'
  /** Bedrock turned the API key away (stored in VS Code or in AWS_BEARER_TOKEN_BEDROCK). */
  | 'apiKeyRejected'
  | 'noCredentials'
  | 'ssoExpired'
  | 'modelNotFound'
  | 'needsInferenceProfile'
  /** The model is not served by the streaming operation (Llama 4): ask again through InvokeModel. */
  | 'streamingUnsupported'
  /** bedrockLlama.guardrailId / guardrailVersion name no guardrail Bedrock knows. */
  | 'guardrailInvalid'
  /** The model does not take the service tier asked for. */
  | 'serviceTierUnsupported'
  | 'validation'
  | 'quota'
  | 'modelTimeout'
  | 'modelNotReady'
  | 'modelError'
  | 'serverError'
  | 'unavailable'
  | 'streamError'
  | 'idleTimeout'
  | 'network'
  /** A setting the request cannot work with (no region, a malformed proxy URL). */
  | 'configuration'
  | 'unknown';

export interface BedrockLlamaErrorInit {
  kind: BedrockLlamaErrorKind;
  userMessage: string;
  retryable: boolean;
  partialText?: string;
  httpStatus?: number;
  awsErrorName?: string;
  requestId?: string;
  /** The service's own message, secrets redacted (for logs). */
  detail?: string;
  /** The AWS profile involved (setting or AWS_PROFILE), for Sign In. */
  profile?: string;
  cause?: unknown;
}

export class BedrockLlamaError extends Error {
  readonly kind: BedrockLlamaErrorKind;
  readonly userMessage: string;
  readonly retryable: boolean;
  readonly partialText: string;
  readonly httpStatus?: number;
  readonly awsErrorName?: string;
  readonly requestId?: string;
  readonly detail?: string;
  readonly profile?: string;

  constructor(init: BedrockLlamaErrorInit) {
    // Redacted here, once for every message: each error is shown, stored with the chat and logged.
    const userMessage = redact(init.userMessage);
    super(userMessage, { cause: init.cause });
    this.name = 'BedrockLlamaError';
    this.kind = init.kind;
    this.userMessage = userMessage;
    this.retryable = init.retryable;
    this.partialText = init.partialText ?? '';
    this.httpStatus = init.httpStatus;
    this.awsErrorName = init.awsErrorName;
    this.requestId = init.requestId;
    this.detail = init.detail === undefined ? undefined : redact(init.detail);
    this.profile = init.profile;
  }
}

export interface ErrorContext {
  modelId: string;
  region?: string;
  /** Named AWS profile in use (setting or AWS_PROFILE), for the `aws sso login --profile` hint. */
  profile?: string;
  partialText: string;
  /** Where the identity came from: API key, profile, default chain. */
  auth?: AuthSource;
  /** The proxy the endpoint is reached through, without credentials. */
  proxy?: string;
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  /** For the config file paths named in messages (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What an SDK service error, credential error or Node network error may carry. */
export interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

export type MakeError = (kind: BedrockLlamaErrorKind, retryable: boolean, userMessage: string) => BedrockLlamaError;

/** The facts the message builders share. */
export interface Described {
  e: ErrorShape;
  name: string;
  rawMessage: string;
  status: number | undefined;
  requestId: string | undefined;
  /** ` in us-west-2`, or '' when the region is not known. */
  where: string;
  ctx: ErrorContext;
  make: MakeError;
}

/** Maps anything thrown by the SDK, a credential provider or the network to a BedrockLlamaError. */
export function toBedrockLlamaError(err: unknown, ctx: ErrorContext): BedrockLlamaError {
  if (err instanceof BedrockLlamaError) {
    return err.partialText === ctx.partialText ? err : new BedrockLlamaError({ ...err, partialText: ctx.partialText, cause: err.cause });
  }
  const e: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : { message: String(err) };
  const name = typeof e.name === 'string' ? e.name : '';
  const rawMessage = typeof e.message === 'string' ? e.message : '';
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId ?? e.$response?.headers?.['x-amzn-requestid'];
  const common = {
    partialText: ctx.partialText,
    httpStatus: status,
    awsErrorName: name && name !== 'Error' ? name : undefined,
    requestId,
    detail: rawMessage || undefined,
    profile: ctx.profile,
    cause: err,
  };
  const make: MakeError = (kind, retryable, userMessage) => new BedrockLlamaError({ ...common, kind, retryable, userMessage });
  const d: Described = { e, name, rawMessage, status, requestId, where: ctx.region ? ` in ${ctx.region}` : '', ctx, make };
  const model = ctx.modelId;
  const where = d.where;

  if (name === 'AbortError') return make('aborted', false, 'The request was cancelled.');

  // Credentials, before any HTTP status: these never reached Bedrock.
  if (isCredentialError(d)) return credentialError(d);
  const keyRejected = rejectedApiKey(d);
  if (keyRejected) return keyRejected;

  switch (name) {
    case 'ThrottlingException':
      return make('throttled', true, `Bedrock is throttling requests to ${model}${where} (too many requests or tokens per minute). Wait a moment and try again, or ask for a higher quota in Service Quotas.`);
    case 'ModelNotReadyException':
      return make('modelNotReady', true, `The model ${model} is not ready yet${where}. Wait a few seconds and try again.`);
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'RequestExpired':
      return make('expiredCredentials', false, `Your AWS session credentials have expired. Refresh them (for SSO: \`${ssoLoginCommand(ctx.profile)}\`) and try again.`);
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'IncompleteSignature':
      return make('expiredCredentials', false, 'AWS rejected the credentials as invalid or expired. Check the configured profile, keys or Bedrock API key, and refresh them.');
    case 'AccessDeniedException':
    case 'AccessDenied':
      return modelAccessError(d);
    case 'ResourceNotFoundException':
      return modelNotFoundError(d);
    case 'ValidationException':
    case 'validationException':
      return validationError(d);
    case 'ServiceQuotaExceededException':
      return make('quota', false, `Your account's Bedrock quota for ${model}${where} is used up. Ask for a higher quota in Service Quotas, or use another region or inference profile.`);
    case 'ModelTimeoutException':
    case 'modelTimeoutException':
      return make('modelTimeout', true, `${model} took too long to answer. Try again, perhaps with a shorter prompt or a lower maximum length.`);
    case 'ModelErrorException':
      return make('modelError', true, `${model} failed while processing the request. Try again; if it keeps failing, shorten or rephrase the prompt.`);
    case 'ModelStreamErrorException':
    case 'modelStreamErrorException':
      return make('streamError', true, `The answer from ${model} broke off with a model error. Try again.`);
    case 'InternalServerException':
    case 'internalServerException':
      return make('serverError', true, 'Bedrock had an internal error. Try again in a moment.');
    case 'ServiceUnavailableException':
    case 'serviceUnavailableException':
      return make('unavailable', true, `Bedrock is unavailable${where} right now. Try again in a moment, or use another region.`);
    case 'throttlingException':
      return make('throttled', true, `Bedrock throttled the answer from ${model}${where}. Wait a moment and try again.`);
  }

  const network = networkError(d);
  if (network) return network;

  // Unknown names: fall back on the HTTP status and fault.
  if (status === 429) return make('throttled', true, `Bedrock is throttling requests to ${model}${where}. Wait a moment and try again.`);
  if (status === 401 || status === 403) return make('accessDenied', false, `Bedrock refused the request for ${model}${where} (HTTP ${status}). Check your credentials and model access.`);
  if (status === 404) return modelNotFoundError(d);
  if (status === 400) return validationError(d);
  if (status === 408) return make('modelTimeout', true, `${model} took too long to answer. Try again.`);
  if (status === 424) return make('modelError', true, `${model} failed while processing the request. Try again.`);
  if (status === 503) return make('unavailable', true, `Bedrock is unavailable${where} right now. Try again in a moment.`);
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return make('serverError', true, 'Bedrock had an internal error. Try again in a moment.');
  // Redacted before truncating: half a key is no longer recognised as one.
  return make('unknown', false, `The request to Bedrock failed${rawMessage ? `: ${truncate(redact(rawMessage))}` : '.'}`);
}
