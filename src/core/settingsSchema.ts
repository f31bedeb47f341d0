// The extension's settings: one table (SETTINGS_SCHEMA) that package.json's
// `contributes.configuration` is checked against, and a validator that turns raw
// values into a typed config or into messages naming the setting and what it allows.
// Nothing is sent to Bedrock while a setting is invalid.
import { ROUTE_TASKS, ROUTING_MODES, type RouteTask, type RoutingMode } from './routingSettings';
import { DEFAULT_MODEL_ID, resolveModel, type Price, type ResolveOptions, type ResolvedModel } from './catalog';

export const SECTION = 'bedrockLlama';

export const INFERENCE_PROFILE_MODES = ['auto', 'off', 'us', 'eu', 'apac', 'global'] as const;
export type InferenceProfileMode = (typeof INFERENCE_PROFILE_MODES)[number];

export const MODEL_FAMILY_SETTINGS = ['auto', 'llama4', 'llama3', 'llama2'] as const;
export type ModelFamilySetting = (typeof MODEL_FAMILY_SETTINGS)[number];

export const LATENCY_MODES = ['standard', 'optimized'] as const;
export type LatencyMode = (typeof LATENCY_MODES)[number];

export const SERVICE_TIERS = ['default', 'priority', 'flex'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

export const BUDGET_ACTIONS = ['warn', 'confirm', 'block'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

/** `bedrockLlama.batch.mode`: how Summarize Files… runs (see src/core/summarizeFiles/plan.ts chooseRunMode). */
export const BATCH_MODES = ['auto', 'onDemand', 'bedrockBatch'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

export interface LlamaConfig {
  modelId: string;
  /** `modelId` resolved with `modelFamily`. */
  model: ResolvedModel;
  modelFamily: ModelFamilySetting;
  /** undefined: the AWS SDK's own region resolution. */
  region: string | undefined;
  /** undefined: the SDK's default credential chain. */
  profile: string | undefined;
  endpoint: string | undefined;
  inferenceProfile: InferenceProfileMode;
  temperature: number;
  topP: number;
  maxGenLen: number;
  systemPrompt: string;
  responseLanguage: string;
  pricing: Record<string, Price>;
  budgetUsd: number;
  idleTimeoutSeconds: number;
  latency: LatencyMode;
  serviceTier: ServiceTier;
  /** undefined: no guardrail. */
  guardrailId: string | undefined;
  guardrailVersion: string;
  /** 0: no response cache. */
  cacheTtlMinutes: number;
  dailyBudgetUsd: number;
  monthlyBudgetUsd: number;
  budgetAction: BudgetAction;
  confirmAboveUsd: number;
  routing: RoutingMode;
  /** Model id per task, as written (resolved when a request is routed: see routing.ts). */
  taskModels: Partial<Record<RouteTask, string>>;
  /** Summarize Files…: requests in flight at once (lowered while Bedrock throttles). */
  batchConcurrency: number;
  batchMode: BatchMode;
  /** Where Bedrock batch jobs keep input and output (`s3://bucket/prefix`); undefined: not set. */
  batchS3Uri: string | undefined;
  /** The service role Bedrock batch jobs run as; undefined: not set. */
  batchRoleArn: string | undefined;
  /** From how many files `batchMode` auto uses a Bedrock batch job. */
  batchJobThreshold: number;
}

export interface SettingError {
  /** Full setting name, e.g. `bedrockLlama.temperature`. */
  key: string;
  message: string;
}

/** Where requests go and as whom: enough for model discovery, which must run even when the model id cannot be resolved yet. */
export type ConnectionConfig = Pick<LlamaConfig, 'region' | 'profile' | 'endpoint'>;

export type ValidationResult =
  | { ok: true; config: LlamaConfig }
  /** `connection`: present when region, profile and endpoint themselves are valid. */
  | { ok: false; errors: SettingError[]; connection?: ConnectionConfig };

type JsonType = 'string' | 'number' | 'integer' | 'object' | 'boolean';

/** One `contributes.configuration.properties` entry. */
export interface SettingSchema {
  type: JsonType;
  default: unknown;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  /**
   * `machine`: user (or remote machine) settings only, never a workspace's: a repository must not
   * decide where requests and credentials go, or what counts as spent. settingsScope.ts enforces it.
   */
  scope?: 'application' | 'machine' | 'window' | 'resource';
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
}

// Maxima: every number has one, so a typo cannot become a huge or non-finite value.
// Prices: Bedrock's dearest models cost tens of USD per 1M tokens; 10,000 leaves room for
// custom and provisioned models while catching a price entered per token or per 1K by mistake.
const MAX_PRICE_USD = 10_000;
// Budget: beyond a million dollars a session budget means no budget.
const MAX_BUDGET_USD = 1_000_000;
// Cache: a month; an older answer is not what anyone means by "the same question".
const MAX_CACHE_TTL_MINUTES = 43_200;
// Concurrency: Bedrock's default on-demand quotas for Llama are a few hundred requests a minute;
// 32 at once already meets them, and more only trades throttling for nothing.
const MAX_BATCH_CONCURRENCY = 32;
// A batch job's threshold: Bedrock takes at most 50,000 records per job by default; a larger
// threshold means "never", which 1,000,000 says as well.
const MAX_BATCH_JOB_THRESHOLD = 1_000_000;
// Idle timeout: Node fires a timer over 2^31-1 ms (24.8 days) at once, failing every request;
// an hour without a byte from Bedrock is a dead connection anyway.
const MAX_IDLE_TIMEOUT_SECONDS = 3600;

const PRICE_SCHEMA = {
  type: 'object',
  properties: {
    input: { type: 'number', minimum: 0, maximum: MAX_PRICE_USD, description: 'USD per 1M input tokens' },
    output: { type: 'number', minimum: 0, maximum: MAX_PRICE_USD, description: 'USD per 1M output tokens' },
  },
  required: ['input', 'output'],
  additionalProperties: false,
};

export const SETTINGS_SCHEMA = {
  'bedrockLlama.modelId': {
    type: 'string',
    default: DEFAULT_MODEL_ID,
  },
  'bedrockLlama.modelFamily': {
    type: 'string',
    default: 'auto',
    enum: MODEL_FAMILY_SETTINGS,
  },
  'bedrockLlama.region': {
    type: 'string',
    default: 'us-west-2',
    scope: 'machine',
  },
  'bedrockLlama.profile': {
    type: 'string',
    default: '',
    scope: 'machine',
  },
  'bedrockLlama.endpoint': {
    type: 'string',
    default: '',
    scope: 'machine',
  },
  'bedrockLlama.inferenceProfile': {
    type: 'string',
    default: 'auto',
    enum: INFERENCE_PROFILE_MODES,
  },
  'bedrockLlama.temperature': {
    type: 'number',
    default: 0.5,
    minimum: 0,
    maximum: 1,
  },
  'bedrockLlama.topP': {
    type: 'number',
    default: 0.9,
    minimum: 0,
    maximum: 1,
  },
  'bedrockLlama.maxGenLen': {
    type: 'integer',
    default: 512,
    minimum: 1,
    maximum: 8192,
  },
  'bedrockLlama.systemPrompt': {
    type: 'string',
    default: '',
  },
  'bedrockLlama.responseLanguage': {
    type: 'string',
    default: '',
  },
  'bedrockLlama.pricing': {
    type: 'object',
    default: {},
    scope: 'machine',
    additionalProperties: PRICE_SCHEMA,
  },
  'bedrockLlama.budgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
  },
  'bedrockLlama.idleTimeoutSeconds': {
    type: 'number',
    default: 60,
    minimum: 0,
    maximum: MAX_IDLE_TIMEOUT_SECONDS,
  },
  'bedrockLlama.latency': {
    type: 'string',
    default: 'standard',
    enum: LATENCY_MODES,
  },
  'bedrockLlama.serviceTier': {
    type: 'string',
    default: 'default',
    enum: SERVICE_TIERS,
  },
  'bedrockLlama.guardrailId': {
    type: 'string',
    default: '',
  },
  'bedrockLlama.guardrailVersion': {
    type: 'string',
    default: 'DRAFT',
  },
  'bedrockLlama.cacheTtlMinutes': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_CACHE_TTL_MINUTES,
    // A repository must not decide that answers about its code are kept on this machine's disk.
    scope: 'machine',
  },
  'bedrockLlama.dailyBudgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
  },
  'bedrockLlama.monthlyBudgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
  },
  'bedrockLlama.budgetAction': {
    type: 'string',
    default: 'warn',
    enum: BUDGET_ACTIONS,
    scope: 'machine',
  },
  'bedrockLlama.confirmAboveUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
  },
  'bedrockLlama.routing': {
    type: 'string',
    default: 'off',
    enum: ROUTING_MODES,
  },
  'bedrockLlama.taskModels': {
    type: 'object',
    default: {},
    properties: Object.fromEntries(ROUTE_TASKS.map((task) => [task, { type: 'string' }])),
    additionalProperties: false,
  },
  'bedrockLlama.batch.concurrency': {
    type: 'integer',
    default: 4,
    minimum: 1,
    maximum: MAX_BATCH_CONCURRENCY,
  },
  'bedrockLlama.batch.mode': {
    type: 'string',
    default: 'auto',
    enum: BATCH_MODES,
  },
  'bedrockLlama.batch.s3Uri': {
    type: 'string',
    default: '',
    // Where a repository's files would be uploaded: the user's decision, never a workspace's.
    scope: 'machine',
  },
  'bedrockLlama.batch.roleArn': {
    type: 'string',
    default: '',
    scope: 'machine',
  },
  'bedrockLlama.batch.jobThreshold': {
    type: 'integer',
    default: 100,
    minimum: 1,
    maximum: MAX_BATCH_JOB_THRESHOLD,
  },
} as const satisfies Record<string, SettingSchema>;

export type SettingKey = keyof typeof SETTINGS_SCHEMA;
type NumberKey = { [K in SettingKey]: (typeof SETTINGS_SCHEMA)[K] extends { maximum: number } ? K : never }[SettingKey];

/**
 * Checks raw setting values (as read with `getConfiguration('bedrockLlama')`: short keys
 * such as `temperature`; full keys are accepted too). Missing values (undefined or null)
 * take the defaults; every invalid value is reported, not just the first.
 */
export function validateSettings(raw: Record<string, unknown>, lookup: Pick<ResolveOptions, 'underlying'> = {}): ValidationResult {
  const errors: SettingError[] = [];
  const read = (name: string): unknown => {
    const v = raw[name] ?? raw[`${SECTION}.${name}`];
    return v === null ? undefined : v;
  };
  const failWith = (name: string, message: string): undefined => {
    errors.push({ key: `${SECTION}.${name}`, message });
    return undefined;
  };
  // `path` points inside an object setting, e.g. `["meta.x"].input` for pricing.
  const fail = (name: string, message: string, path = ''): undefined => failWith(name, `${SECTION}.${name}${path} ${message}`);

  const str = (name: string, fallback: string): string | undefined => {
    const v = read(name) ?? fallback;
    return typeof v === 'string' ? v : fail(name, `must be a string (got ${show(v)})`);
  };
  const optionalStr = (name: string, fallback: string): string | undefined => str(name, fallback)?.trim() || undefined;
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T | undefined => {
    const v = read(name) ?? fallback;
    return allowed.find((a) => a === v) ?? fail(name, `must be one of ${allowed.join(', ')} (got ${show(v)})`);
  };
  // Default and range come from the schema, so package.json and the validator cannot disagree.
  const num = (key: NumberKey): number | undefined => {
    const { default: fallback, minimum: min, maximum: max, type } = SETTINGS_SCHEMA[key];
    const name = key.slice(SECTION.length + 1);
    const v = read(name) ?? fallback;
    const whole = type === 'integer';
    if (inRange(v, min, max) && (!whole || Number.isInteger(v))) return v;
    return fail(name, `must be ${whole ? 'a whole number ' : ''}between ${min} and ${max} (got ${show(v)})`);
  };

  const modelFamily = oneOf('modelFamily', MODEL_FAMILY_SETTINGS, 'auto');
  const modelId = str('modelId', DEFAULT_MODEL_ID);
  let model: ResolvedModel | undefined;
  if (modelId !== undefined && modelId.trim() === '') {
    fail('modelId', 'must not be empty: set a Bedrock model id, inference-profile id or ARN');
  } else if (modelId !== undefined && modelFamily !== undefined) {
    try {
      model = resolveModel(modelId, { family: modelFamily === 'auto' ? undefined : modelFamily, underlying: lookup.underlying });
    } catch (e) {
      fail('modelId', `is not usable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const region = optionalStr('region', 'us-west-2');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    fail('region', `must be an AWS region code like us-west-2, or empty for the AWS SDK's default (got ${show(region)})`);
  }
  const endpoint = optionalStr('endpoint', '');
  const endpointError = endpoint === undefined ? undefined : endpointProblem(endpoint);
  if (endpointError !== undefined) failWith('endpoint', endpointError);

  const config = {
    modelId: modelId?.trim(),
    model,
    modelFamily,
    region,
    profile: optionalStr('profile', ''),
    endpoint,
    inferenceProfile: oneOf('inferenceProfile', INFERENCE_PROFILE_MODES, 'auto'),
    temperature: num('bedrockLlama.temperature'),
    topP: num('bedrockLlama.topP'),
    maxGenLen: num('bedrockLlama.maxGenLen'),
    systemPrompt: str('systemPrompt', ''),
    responseLanguage: str('responseLanguage', '')?.trim(),
    pricing: pricing(read('pricing') ?? {}, (message, path) => fail('pricing', message, path)),
    budgetUsd: num('bedrockLlama.budgetUsd'),
    idleTimeoutSeconds: num('bedrockLlama.idleTimeoutSeconds'),
    latency: oneOf('latency', LATENCY_MODES, 'standard'),
    serviceTier: oneOf('serviceTier', SERVICE_TIERS, 'default'),
    guardrailId: optionalStr('guardrailId', ''),
    guardrailVersion: guardrailVersion(str('guardrailVersion', 'DRAFT'), (message) => fail('guardrailVersion', message)),
    cacheTtlMinutes: num('bedrockLlama.cacheTtlMinutes'),
    dailyBudgetUsd: num('bedrockLlama.dailyBudgetUsd'),
    monthlyBudgetUsd: num('bedrockLlama.monthlyBudgetUsd'),
    budgetAction: oneOf('budgetAction', BUDGET_ACTIONS, 'warn'),
    confirmAboveUsd: num('bedrockLlama.confirmAboveUsd'),
    routing: oneOf('routing', ROUTING_MODES, 'off'),
    taskModels: taskModels(read('taskModels') ?? {}, (message, path) => fail('taskModels', message, path)),
    batchConcurrency: num('bedrockLlama.batch.concurrency'),
    batchMode: oneOf('batch.mode', BATCH_MODES, 'auto'),
    batchS3Uri: s3Uri(optionalStr('batch.s3Uri', ''), (message) => fail('batch.s3Uri', message)),
    batchRoleArn: roleArn(optionalStr('batch.roleArn', ''), (message) => fail('batch.roleArn', message)),
    batchJobThreshold: num('bedrockLlama.batch.jobThreshold'),
  };
  if (errors.length > 0) {
    const connectionValid = !errors.some((e) => /^bedrockLlama\.(region|profile|endpoint)\b/.test(e.key));
    return connectionValid
      ? { ok: false, errors, connection: { region: config.region, profile: config.profile, endpoint: config.endpoint } }
      : { ok: false, errors };
  }
  // Every field left undefined above was reported as an error, so none is here.
  return { ok: true, config: config as LlamaConfig };
}

/** DRAFT or a version number, as Bedrock takes them; empty means DRAFT. */
function guardrailVersion(v: string | undefined, fail: (message: string) => undefined): string | undefined {
  if (v === undefined) return undefined;
  const version = v.trim() || 'DRAFT';
  return /^(DRAFT|[1-9]\d{0,7})$/.test(version) ? version : fail(`must be DRAFT or a version number such as 1 (got ${show(v)})`);
}

function pricing(v: unknown, fail: (message: string, path?: string) => undefined): Record<string, Price> | undefined {
  if (!isRecord(v)) return fail(`must be an object of model id → { "input": number, "output": number } (got ${show(v)})`);
  const out: Record<string, Price> = {};
  let bad = false;
  for (const [id, entry] of Object.entries(v)) {
    const path = `[${JSON.stringify(id)}]`;
    if (!isRecord(entry)) {
      bad = true;
      fail(`must be { "input": number, "output": number } in USD per 1M tokens (got ${show(entry)})`, path);
      continue;
    }
    const { input, output } = entry;
    const range = `must be a number between 0 and ${MAX_PRICE_USD}, in USD per 1M tokens`;
    if (!isPrice(input)) fail(`${range} (got ${show(input)})`, `${path}.input`);
    if (!isPrice(output)) fail(`${range} (got ${show(output)})`, `${path}.output`);
    if (isPrice(input) && isPrice(output)) out[id] = { input, output };
    else bad = true;
  }
  return bad ? undefined : out;
}

/** Task → model id. Ids are resolved when a request is routed: one not usable then falls back to the selected model, said once. */
function taskModels(v: unknown, fail: (message: string, path?: string) => undefined): Partial<Record<RouteTask, string>> | undefined {
  const shape = `an object of task (${ROUTE_TASKS.join(', ')}) → model id`;
  if (!isRecord(v)) return fail(`must be ${shape} (got ${show(v)})`);
  const out: Partial<Record<RouteTask, string>> = {};
  let bad = false;
  for (const [task, id] of Object.entries(v)) {
    const known = ROUTE_TASKS.find((t) => t === task);
    if (!known) {
      bad = true;
      fail(`is not a task: use one of ${ROUTE_TASKS.join(', ')}`, `.${task.slice(0, 40)}`);
    } else if (typeof id !== 'string' || id.trim() === '' || id.length > 2048) {
      bad = true;
      fail(`must be a Bedrock model id, inference-profile id or ARN (got ${show(id)})`, `.${task}`);
    } else {
      out[known] = id.trim();
    }
  }
  return bad ? undefined : out;
}

/** `s3://bucket` or `s3://bucket/prefix`, as Bedrock batch jobs take them; undefined stays undefined (not set). */
function s3Uri(v: string | undefined, fail: (message: string) => undefined): string | undefined {
  if (v === undefined) return undefined;
  return /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(v) ? v : fail(`must be an S3 location such as s3://my-bucket/llama-batch/, or empty (got ${show(v)})`);
}

/** An IAM role ARN; undefined stays undefined (not set). */
function roleArn(v: string | undefined, fail: (message: string) => undefined): string | undefined {
  if (v === undefined) return undefined;
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/.test(v) ? v : fail(`must be an IAM role ARN such as arn:aws:iam::123456789012:role/BedrockBatch, or empty (got ${show(v)})`);
}

function isPrice(n: unknown): n is number {
  return inRange(n, 0, MAX_PRICE_USD);
}

/**
 * A finite number within [min, max]. Refuses strings ("0.5"), NaN and ±Infinity, and -0:
 * nobody means it, and it turns into -Infinity when divided by.
 */
function inRange(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) && v >= min && v <= max;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Why `endpoint` must not be used (the whole message), or undefined. Never quotes the value:
 * a mistyped URL may hold a secret.
 */
function endpointProblem(endpoint: string): string | undefined {
  const key = `${SECTION}.endpoint`;
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    return `${key} must be empty or an http(s) URL such as https://bedrock-runtime.us-west-2.amazonaws.com (the value is not shown in case it holds a secret)`;
  }
  if (url.username !== '' || url.password !== '') {
    return `${key} must not contain a user name or password (https://user:password@host): remove them; requests are authenticated with your AWS credentials or API key`;
  }
  // Every request carries the API key, or an access key id, session token and signature.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return `${key}: http:// sends your AWS credentials and API key unencrypted; use https://, or http:// only for a loopback host (127.0.0.1, ::1, localhost)`;
  }
  return undefined;
}

/** `hostname` as URL gives it: IPv4 normalized (127.1 → 127.0.0.1), IPv6 in brackets. */
function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The offending value as the user would recognise it: `5`, `"abc"`, `[]`. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
