// One error type for everything that can go wrong talking to Bedrock, so callers
// switch on `kind` instead of parsing SDK errors. `userMessage` says what to do and
// never carries secrets; `partialText` keeps what streamed before the failure.

export type BedrockLlamaErrorKind =
  | 'aborted'
  | 'throttled'
  | 'accessDenied'
  | 'expiredCredentials'
  | 'noCredentials'
  | 'ssoExpired'
  | 'modelNotFound'
  | 'needsInferenceProfile'
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

  constructor(init: BedrockLlamaErrorInit) {
    super(init.userMessage, { cause: init.cause });
    this.name = 'BedrockLlamaError';
    this.kind = init.kind;
    this.userMessage = init.userMessage;
    this.retryable = init.retryable;
    this.partialText = init.partialText ?? '';
    this.httpStatus = init.httpStatus;
    this.awsErrorName = init.awsErrorName;
    this.requestId = init.requestId;
    this.detail = init.detail;
  }
}

export interface ErrorContext {
  modelId: string;
  region?: string;
  /** Named AWS profile in use, for the `aws sso login --profile` hint. */
  profile?: string;
  partialText: string;
}

// What an SDK service error, credential error or Node network error may carry.
interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE',
  'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const NETWORK_MESSAGE = /socket hang up|\baborted\b|premature close|ERR_HTTP2|HTTP\/2 stream|session closed|network/i;
const INFERENCE_PROFILE = /on-demand throughput isn(?:'|’|`)?t supported|inference profile/i;
const SSO_EXPIRED = /sso.*(expired|refresh|login)|token is expired|aws sso login/i;

/** Maps anything thrown by the SDK, a credential provider or the network to a BedrockLlamaError. */
export function toBedrockLlamaError(err: unknown, ctx: ErrorContext): BedrockLlamaError {
  if (err instanceof BedrockLlamaError) {
    return err.partialText === ctx.partialText ? err : new BedrockLlamaError({ ...err, partialText: ctx.partialText, cause: err.cause });
  }
  const e: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : { message: String(err) };
  const name = typeof e.name === 'string' ? e.name : '';
  const rawMessage = typeof e.message === 'string' ? e.message : '';
  const status = e.$metadata?.httpStatusCode;
  const common = {
    partialText: ctx.partialText,
    httpStatus: status,
    awsErrorName: name && name !== 'Error' ? name : undefined,
    requestId: e.$metadata?.requestId ?? e.$response?.headers?.['x-amzn-requestid'],
    detail: rawMessage ? redact(rawMessage) : undefined,
    cause: err,
  };
  const make = (kind: BedrockLlamaErrorKind, retryable: boolean, userMessage: string): BedrockLlamaError =>
    new BedrockLlamaError({ ...common, kind, retryable, userMessage });
  const model = ctx.modelId;
  const where = ctx.region ? ` in ${ctx.region}` : '';

  if (name === 'AbortError') return make('aborted', false, 'The request was cancelled.');

  // Credentials, before any HTTP status: these never reached Bedrock.
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /could not load credentials/i.test(rawMessage)) {
    if (SSO_EXPIRED.test(rawMessage)) {
      const login = ctx.profile ? `aws sso login --profile ${ctx.profile}` : 'aws sso login';
      return make('ssoExpired', false, `Your AWS SSO session has expired. Run \`${login}\` in a terminal, then try again.`);
    }
    if (ctx.profile && /could not be found|not found/i.test(rawMessage)) {
      return make('noCredentials', false, `The AWS profile "${ctx.profile}" was not found in ~/.aws/config or ~/.aws/credentials. Check the profile name, or run \`aws configure --profile ${ctx.profile}\`.`);
    }
    return make('noCredentials', false,
      'No AWS credentials were found. Configure a profile (`aws configure` or `aws sso login`), set the AWS environment variables, or set a Bedrock API key, then try again.');
  }

  switch (name) {
    case 'ThrottlingException':
      return make('throttled', true, `Bedrock is throttling requests to ${model}${where} (too many requests or tokens per minute). Wait a moment and try again, or ask for a higher quota in Service Quotas.`);
    case 'ModelNotReadyException':
      return make('modelNotReady', true, `The model ${model} is not ready yet${where}. Wait a few seconds and try again.`);
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'RequestExpired':
      return make('expiredCredentials', false, 'Your AWS session credentials have expired. Refresh them (for SSO: `aws sso login`) and try again.');
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'IncompleteSignature':
      return make('expiredCredentials', false, 'AWS rejected the credentials as invalid or expired. Check the configured profile, keys or Bedrock API key, and refresh them.');
    case 'AccessDeniedException':
      return make('accessDenied', false, `Access to ${model}${where} was denied. Enable the model under Bedrock > Model access in the AWS console, and check that your IAM identity may call bedrock:InvokeModelWithResponseStream.`);
    case 'ResourceNotFoundException':
      return make('modelNotFound', false, `Model ${model} was not found${where}. Check the model id and the region (newer Llama models need an inference profile id such as \`us.${baseModelId(model)}\`).`);
    case 'ValidationException':
    case 'validationException':
      return validation(rawMessage, make, ctx);
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
    case 'TimeoutError':
      return make('network', true, 'The connection to Bedrock timed out. Check your network or proxy and try again.');
  }

  if (isNetworkError(e)) {
    return make('network', true, `The connection to Bedrock${where} failed or was interrupted. Check your network, proxy and endpoint settings, then try again.`);
  }

  // Unknown names: fall back on the HTTP status and fault.
  if (status === 429) return make('throttled', true, `Bedrock is throttling requests to ${model}${where}. Wait a moment and try again.`);
  if (status === 401 || status === 403) return make('accessDenied', false, `Bedrock refused the request for ${model}${where} (HTTP ${status}). Check your credentials and model access.`);
  if (status === 404) return make('modelNotFound', false, `Model ${model} was not found${where}. Check the model id and region.`);
  if (status === 400) return validation(rawMessage, make, ctx);
  if (status === 408) return make('modelTimeout', true, `${model} took too long to answer. Try again.`);
  if (status === 424) return make('modelError', true, `${model} failed while processing the request. Try again.`);
  if (status === 503) return make('unavailable', true, `Bedrock is unavailable${where} right now. Try again in a moment.`);
  if ((status !== undefined && status >= 500) || e.$fault === 'server') return make('serverError', true, 'Bedrock had an internal error. Try again in a moment.');
  return make('unknown', false, `The request to Bedrock failed${rawMessage ? `: ${truncate(redact(rawMessage))}` : '.'}`);
}

function validation(
  message: string,
  make: (kind: BedrockLlamaErrorKind, retryable: boolean, userMessage: string) => BedrockLlamaError,
  ctx: ErrorContext,
): BedrockLlamaError {
  if (INFERENCE_PROFILE.test(message)) {
    const suggestion = `${geoPrefix(ctx.region)}${baseModelId(ctx.modelId)}`;
    return make('needsInferenceProfile', false, `${ctx.modelId} can't be called on demand directly. Use an inference profile id instead, e.g. \`${suggestion}\`, in the model setting.`);
  }
  const said = message ? ` Bedrock said: ${truncate(redact(message))}` : '';
  return make('validation', false, `Bedrock rejected the request for ${ctx.modelId}.${said} Check the model id and the generation settings.`);
}

function isNetworkError(e: ErrorShape, depth = 0): boolean {
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || e.code.startsWith('ERR_HTTP2'))) return true;
  if (typeof e.message === 'string' && e.$metadata?.httpStatusCode === undefined && NETWORK_MESSAGE.test(e.message)) return true;
  const cause = e.cause;
  return depth < 5 && typeof cause === 'object' && cause !== null && isNetworkError(cause as ErrorShape, depth + 1);
}

/** `us.meta.x` → `meta.x`; ARNs and base ids unchanged. */
function baseModelId(modelId: string): string {
  return modelId.replace(/^(us|eu|apac|us-gov|ca|jp|au|global)\./, '');
}

function geoPrefix(region: string | undefined): string {
  if (!region) return 'us.';
  if (region.startsWith('eu-')) return 'eu.';
  if (region.startsWith('ap-')) return 'apac.';
  return 'us.';
}

/** Removes anything that looks like an access key, a bearer token or a secret from a message. */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[access key]')
    .replace(/\bABSK[A-Za-z0-9+/=_-]{8,}/g, '[api key]')
    .replace(/(Bearer\s+)\S+/gi, '$1[redacted]')
    .replace(/(Credential=)[^,\s]+/g, '$1[redacted]')
    .replace(/(Signature=)[0-9a-f]+/g, '$1[redacted]')
    .replace(/\b[A-Za-z0-9+/]{40}\b/g, '[redacted]');
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
