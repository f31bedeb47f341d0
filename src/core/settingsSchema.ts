// The extension's settings: one table (SETTINGS_SCHEMA) that package.json's
// `contributes.configuration` is checked against, and a validator that turns raw
// values into a typed config or into messages naming the setting and what it allows.
// Nothing is sent to Bedrock while a setting is invalid.
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
  description: string;
  markdownDescription: string;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  /**
   * `machine`: user (or remote machine) settings only, never a workspace's: a repository must not
   * decide where requests and credentials go, or what counts as spent. settingsScope.ts enforces it.
   */
  scope?: 'application' | 'machine' | 'window' | 'resource';
  additionalProperties?: unknown;
  editPresentation?: 'multilineText';
  order: number;
}

// Maxima: every number has one, so a typo cannot become a huge or non-finite value.
// Prices: Bedrock's dearest models cost tens of USD per 1M tokens; 10,000 leaves room for
// custom and provisioned models while catching a price entered per token or per 1K by mistake.
const MAX_PRICE_USD = 10_000;
// Budget: beyond a million dollars a session budget means no budget.
const MAX_BUDGET_USD = 1_000_000;
// Cache: a month; an older answer is not what anyone means by "the same question".
const MAX_CACHE_TTL_MINUTES = 43_200;
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
    description: 'Bedrock model id, inference-profile id (e.g. us.meta.llama3-3-70b-instruct-v1:0) or ARN (custom, provisioned or application-profile models).',
    markdownDescription:
      'Bedrock model id, inference-profile id (e.g. `us.meta.llama3-3-70b-instruct-v1:0`) or ARN (custom, provisioned or application-profile models). Use **Llama: Select Model…** to pick from the supported Llama models.',
    order: 0,
  },
  'bedrockLlama.modelFamily': {
    type: 'string',
    default: 'auto',
    enum: MODEL_FAMILY_SETTINGS,
    enumDescriptions: ['Tell from the model id.', 'Llama 4 chat template (answers are not streamed).', 'Llama 3.x chat template.', 'Llama 2 [INST] chat template.'],
    description: 'Prompt format of the model. Only needed for ARNs and custom ids that do not show which Llama version they are.',
    markdownDescription:
      'Prompt format of the model. Only needed when `#bedrockLlama.modelId#` is an ARN or custom id that does not show which Llama version it is (provisioned throughput, application inference profile, imported model); ids that name a Llama model always use that model\'s format.',
    order: 1,
  },
  'bedrockLlama.region': {
    type: 'string',
    default: 'us-west-2',
    scope: 'machine',
    description: 'AWS region of the Bedrock runtime, e.g. us-west-2. Empty: the AWS SDK\'s own resolution (AWS_REGION, the profile\'s region).',
    markdownDescription: 'AWS region of the Bedrock runtime, e.g. `us-west-2`. Empty: the AWS SDK\'s own resolution (`AWS_REGION`, the profile\'s region).',
    order: 2,
  },
  'bedrockLlama.profile': {
    type: 'string',
    default: '',
    scope: 'machine',
    description: 'Named profile from the shared AWS config files (~/.aws/config, ~/.aws/credentials): keys, SSO, role or credential_process. Empty: the SDK\'s default credential chain. A Bedrock API key (Llama: Set Bedrock API Key) takes precedence.',
    markdownDescription:
      'Named profile from the shared AWS config files (`~/.aws/config`, `~/.aws/credentials`): keys, SSO, role or `credential_process`. Empty: the SDK\'s default credential chain (environment, default profile, container or instance role). A Bedrock API key set with **Llama: Set Bedrock API Key** takes precedence; a profile set here takes precedence over `AWS_BEARER_TOKEN_BEDROCK`.',
    order: 3,
  },
  'bedrockLlama.endpoint': {
    type: 'string',
    default: '',
    scope: 'machine',
    description: 'Endpoint URL override (VPC endpoint, proxy, or a local Bedrock-compatible server). Empty: the regional Bedrock runtime endpoint.',
    markdownDescription:
      'Endpoint URL override (VPC endpoint, proxy, or a local Bedrock-compatible server), e.g. `https://bedrock-runtime.us-west-2.amazonaws.com`. Empty: the regional Bedrock runtime endpoint.',
    order: 4,
  },
  'bedrockLlama.inferenceProfile': {
    type: 'string',
    default: 'auto',
    enum: INFERENCE_PROFILE_MODES,
    enumDescriptions: [
      'When Bedrock answers that the model needs an inference profile, retry with the geography of the region and remember it.',
      'Always send the model id as configured.',
      'Use the US cross-region inference profile (us.).',
      'Use the EU cross-region inference profile (eu.).',
      'Use the Asia-Pacific cross-region inference profile (apac.).',
      'Use the global cross-region inference profile (global.).',
    ],
    description: 'How to use cross-region inference profiles for model ids without a geography prefix.',
    markdownDescription:
      'How to use cross-region inference profiles for model ids without a geography prefix. `auto`: when Bedrock answers that the model needs an inference profile, retry with the geography prefix of the region (`us.`, `eu.`, `apac.`) and remember it.',
    order: 5,
  },
  'bedrockLlama.temperature': {
    type: 'number',
    default: 0.5,
    minimum: 0,
    maximum: 1,
    description: 'Sampling temperature, 0 to 1. Lower is more focused and repeatable, higher more varied.',
    markdownDescription: 'Sampling temperature, `0` to `1`. Lower is more focused and repeatable, higher more varied.',
    order: 6,
  },
  'bedrockLlama.topP': {
    type: 'number',
    default: 0.9,
    minimum: 0,
    maximum: 1,
    description: 'Nucleus sampling, 0 to 1: only the most likely tokens whose probabilities add up to this value are considered.',
    markdownDescription: 'Nucleus sampling, `0` to `1`: only the most likely tokens whose probabilities add up to this value are considered.',
    order: 7,
  },
  'bedrockLlama.maxGenLen': {
    type: 'integer',
    default: 512,
    minimum: 1,
    maximum: 8192,
    description: 'Maximum number of tokens to generate per response, 1 to 8192; a model takes at most its own limit (2048 for Llama 3 and 2, 8192 for Llama 4), and larger values are sent as that limit. Longer answers stop and offer Continue Generating.',
    markdownDescription: 'Maximum number of tokens to generate per response, `1` to `8192`. Each model takes at most its own limit (`2048` for Llama 3.x and 2, `8192` for Llama 4); a larger value is sent as that limit (**Llama: Show Last Prompt** shows what was sent). Longer answers stop and offer **Llama: Continue Generating**.',
    order: 8,
  },
  'bedrockLlama.systemPrompt': {
    type: 'string',
    default: '',
    editPresentation: 'multilineText',
    description: 'Extra system instructions added to every prompt.',
    markdownDescription: 'Extra system instructions added to every prompt.',
    order: 9,
  },
  'bedrockLlama.responseLanguage': {
    type: 'string',
    default: '',
    description: 'Answer in this language (e.g. German). Empty: the language of the question.',
    markdownDescription: 'Answer in this language (e.g. `German`). Empty: the language of the question.',
    order: 10,
  },
  'bedrockLlama.pricing': {
    type: 'object',
    default: {},
    scope: 'machine',
    additionalProperties: PRICE_SCHEMA,
    description: 'Per-model price overrides in USD per 1M tokens, keyed by model id: { "<modelId>": { "input": 0.72, "output": 0.72 } }.',
    markdownDescription:
      'Per-model price overrides in USD per 1M tokens, keyed by the model id as you set it or by its base model id: `{ "<modelId>": { "input": 0.72, "output": 0.72 } }`. Needed to see costs for custom and provisioned models; overrides the built-in list prices.',
    order: 11,
  },
  'bedrockLlama.budgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
    description: 'Warn once the session cost passes this amount in USD, up to 1000000. 0: no budget.',
    markdownDescription: 'Warn once the session cost passes this amount in USD, up to `1000000`. `0`: no budget.',
    order: 12,
  },
  'bedrockLlama.idleTimeoutSeconds': {
    type: 'number',
    default: 60,
    minimum: 0,
    maximum: MAX_IDLE_TIMEOUT_SECONDS,
    description: 'Stop a response when Bedrock sends nothing for this many seconds, 0 to 3600; the text so far is kept. 0: wait indefinitely.',
    markdownDescription:
      'Stop a response when Bedrock sends nothing for this many seconds, `0` to `3600` (before the first chunk or between chunks); the text received so far is kept and you can retry. `0`: wait indefinitely.',
    order: 13,
  },
  'bedrockLlama.latency': {
    type: 'string',
    default: 'standard',
    enum: LATENCY_MODES,
    enumDescriptions: ['Standard inference.', 'Latency-optimized inference where Bedrock offers it for the model and region (Llama 3.1 70B and 405B in us-east-2); elsewhere standard, and you are told once.'],
    description: 'Latency-optimized inference where Bedrock offers it for the model and region; elsewhere standard, and you are told once.',
    markdownDescription: 'Latency-optimized inference where Bedrock offers it for the model and region (Llama 3.1 70B and 405B in `us-east-2`); elsewhere requests go as standard and you are told once. The meter prices what Bedrock reports it served.',
    order: 14,
  },
  'bedrockLlama.serviceTier': {
    type: 'string',
    default: 'default',
    enum: SERVICE_TIERS,
    enumDescriptions: ['The standard tier.', 'Faster processing at a higher price, where the model offers it.', 'Lower price for work that can wait, where the model offers it.'],
    description: 'Bedrock service tier; a tier the model refuses falls back to default, visibly.',
    markdownDescription: 'Bedrock service tier. A tier the model refuses falls back to `default` once, and you are told.',
    order: 15,
  },
  'bedrockLlama.guardrailId': {
    type: 'string',
    default: '',
    description: 'A Bedrock guardrail (identifier or ARN) applied to every request; an intervention is shown as such. Empty: none.',
    markdownDescription: 'A Bedrock guardrail (identifier or ARN) applied to every request, with `#bedrockLlama.guardrailVersion#`. An intervention is shown as "Blocked by guardrail", never as an answer. Empty: none.',
    order: 16,
  },
  'bedrockLlama.guardrailVersion': {
    type: 'string',
    default: 'DRAFT',
    description: 'Version of the guardrail in bedrockLlama.guardrailId: a version number or DRAFT.',
    markdownDescription: 'Version of the guardrail in `#bedrockLlama.guardrailId#`: a version number or `DRAFT`.',
    order: 17,
  },
  'bedrockLlama.cacheTtlMinutes': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_CACHE_TTL_MINUTES,
    // A repository must not decide that answers about its code are kept on this machine's disk.
    scope: 'machine',
    description: 'Reuse the answer to an identical request (same model, prompt and parameters) for this many minutes, up to 43200 (30 days); a cached answer is marked and costs nothing. 0: no cache.',
    markdownDescription: 'Reuse the answer to an identical request (same model, prompt, parameters, images and guardrail) for this many minutes, up to `43200` (30 days). A cached answer is marked "cached · $0" and costs nothing; **Ask again** goes to Bedrock. `0`: no cache. **Llama: Clear Response Cache** empties it.',
    order: 18,
  },
  'bedrockLlama.dailyBudgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
    description: 'Spending limit per day in USD over all windows, up to 1000000; what happens is set by bedrockLlama.budgetAction. 0: none.',
    markdownDescription: 'Spending limit per day (your local time) in USD over all windows, up to `1000000`; what happens is set by `#bedrockLlama.budgetAction#`. `0`: none.',
    order: 19,
  },
  'bedrockLlama.monthlyBudgetUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
    description: 'Spending limit per calendar month in USD over all windows, up to 1000000; what happens is set by bedrockLlama.budgetAction. 0: none.',
    markdownDescription: 'Spending limit per calendar month (your local time) in USD over all windows, up to `1000000`; what happens is set by `#bedrockLlama.budgetAction#`. `0`: none.',
    order: 20,
  },
  'bedrockLlama.budgetAction': {
    type: 'string',
    default: 'warn',
    enum: BUDGET_ACTIONS,
    enumDescriptions: [
      'Warn at 80 % and at 100 % of a budget, once each.',
      'Ask before sending a request that would pass a budget, with its estimated cost and what is left.',
      'Send nothing that would pass a budget, and say which budget and how to raise it.',
    ],
    scope: 'machine',
    description: 'What happens when a request would pass the daily, monthly or session budget.',
    markdownDescription: 'What happens when a request would pass `#bedrockLlama.dailyBudgetUsd#`, `#bedrockLlama.monthlyBudgetUsd#` or `#bedrockLlama.budgetUsd#`.',
    order: 21,
  },
  'bedrockLlama.confirmAboveUsd': {
    type: 'number',
    default: 0,
    minimum: 0,
    maximum: MAX_BUDGET_USD,
    scope: 'machine',
    description: 'Ask before sending a request whose estimated cost (the prompt plus max_gen_len of answer) is above this many USD. 0: never ask.',
    markdownDescription: 'Ask before sending a request whose estimated cost is above this many USD: the prompt (estimated) at the input price plus `#bedrockLlama.maxGenLen#` tokens at the output price, an upper bound. `0`: never ask.',
    order: 22,
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
