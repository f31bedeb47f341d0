// The Llama models the extension can drive through Bedrock's native prompt API, and
// the resolution of whatever id form a user types (base id, inference-profile id, ARN)
// into what to send and which chat template to build. Prices are data (see bedrock.md,
// mid-2025 list); users override them in `bedrockLlama.pricing`.
import type { ModelFamily } from './types';

/** USD per 1M tokens. */
export interface Price {
  input: number;
  output: number;
}

/** Cross-region inference-profile geography: the id prefix, e.g. `us.meta.llama3-…`. */
export type Geography = 'us' | 'eu' | 'apac' | 'global';

export interface ModelInfo {
  /** Base model id, e.g. `meta.llama3-3-70b-instruct-v1:0`. */
  readonly id: string;
  readonly label: string;
  readonly family: ModelFamily;
  /** Tokens (prompt + generation). */
  readonly contextWindow: number;
  /** Accepts `images` in the request body. */
  readonly vision: boolean;
  readonly price: Readonly<Price>;
  /** On-demand use goes through an inference profile (the base id is refused). */
  readonly needsProfile: boolean;
  /** Which inference-profile prefixes exist for this model. */
  readonly geographies: readonly Geography[];
  /** Older model kept for existing setups (Llama 2). */
  readonly legacy: boolean;
  /** Largest `max_gen_len` the model takes (AWS model cards' max output; the native body caps 3.x at 2048). */
  readonly maxGenLen: number;
  /** Served by InvokeModelWithResponseStream; false: InvokeModel only (Llama 4). */
  readonly streaming: boolean;
  /** Regions whose requests can ask for latency-optimized inference (through the region's profile). */
  readonly latencyOptimizedRegions: readonly string[];
}

export type ResolvedKind =
  | 'base'
  | 'profile'
  | 'arn-foundation'
  | 'arn-profile'
  | 'arn-application-profile'
  | 'arn-provisioned'
  | 'arn-custom'
  | 'unknown-id';

export interface ResolvedModel {
  /** The id as the user gave it (trimmed). */
  requestedId: string;
  /** What to send as `modelId`. */
  invokeId: string;
  kind: ResolvedKind;
  geography?: Geography;
  /** Region named in an ARN. */
  region?: string;
  /** Base model id when one shows in the id (also for models not in the catalog). */
  baseId?: string;
  /** Catalog entry when the base model is known. */
  info?: ModelInfo;
  family: ModelFamily;
  contextWindow: number;
  vision: boolean;
}

/** The id (or ARN) does not tell which chat template to use. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
}

export const DEFAULT_MODEL_ID = 'meta.llama3-3-70b-instruct-v1:0';

const K128 = 128_000;

interface MoreFacts {
  vision?: boolean;
  needsProfile?: boolean;
  geographies?: Geography[];
  legacy?: boolean;
  maxGenLen?: number;
  streaming?: boolean;
  latencyOptimizedRegions?: string[];
}

function model(id: string, label: string, family: ModelFamily, contextWindow: number, [input, output]: [number, number], more: MoreFacts = {}): ModelInfo {
  return Object.freeze({
    id,
    label,
    family,
    contextWindow,
    vision: more.vision ?? false,
    price: Object.freeze({ input, output }),
    needsProfile: more.needsProfile ?? false,
    geographies: Object.freeze(more.geographies ?? []),
    legacy: more.legacy ?? false,
    maxGenLen: more.maxGenLen ?? 2048,
    streaming: more.streaming ?? true,
    latencyOptimizedRegions: Object.freeze(more.latencyOptimizedRegions ?? []),
  });
}

// Geographies follow AWS's cross-region profile list as of mid-2025: Meta models have
// US profiles (3.1, 3.2, 3.3, 4) and EU ones only for 3.2 1B/3B; Llama 3 and 2 have none.
// Llama 4 (AWS model cards, model-card-meta-llama-4-*, checked 2026-11): Maverick 1M
// context, 8K max output, `us.` geo profile, no global profile; Scout: 3.5M context on
// Bedrock (AWS launch post, Apr 2025; Meta's card says 10M), 8K output assumed as Maverick.
// Neither streams (model-parameters-meta). Latency-optimized 3.1 70B/405B: us-east-2
// through the `us.` profile (AWS latency-optimized inference page).
export const CATALOG: readonly ModelInfo[] = Object.freeze([
  model('meta.llama4-maverick-17b-instruct-v1:0', 'Llama 4 Maverick 17B Instruct', 'llama4', 1_000_000, [0.24, 0.97], { vision: true, needsProfile: true, geographies: ['us'], maxGenLen: 8192, streaming: false }),
  model('meta.llama4-scout-17b-instruct-v1:0', 'Llama 4 Scout 17B Instruct', 'llama4', 3_500_000, [0.17, 0.66], { vision: true, needsProfile: true, geographies: ['us'], maxGenLen: 8192, streaming: false }),
  model('meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', 'llama3', K128, [0.72, 0.72], { needsProfile: true, geographies: ['us'] }),
  model('meta.llama3-2-90b-instruct-v1:0', 'Llama 3.2 90B Vision Instruct', 'llama3', K128, [0.72, 0.72], { vision: true, needsProfile: true, geographies: ['us'] }),
  model('meta.llama3-2-11b-instruct-v1:0', 'Llama 3.2 11B Vision Instruct', 'llama3', K128, [0.16, 0.16], { vision: true, needsProfile: true, geographies: ['us'] }),
  model('meta.llama3-2-3b-instruct-v1:0', 'Llama 3.2 3B Instruct', 'llama3', K128, [0.15, 0.15], { needsProfile: true, geographies: ['us', 'eu'] }),
  model('meta.llama3-2-1b-instruct-v1:0', 'Llama 3.2 1B Instruct', 'llama3', K128, [0.1, 0.1], { needsProfile: true, geographies: ['us', 'eu'] }),
  model('meta.llama3-1-405b-instruct-v1:0', 'Llama 3.1 405B Instruct', 'llama3', K128, [2.4, 2.4], { geographies: ['us'], latencyOptimizedRegions: ['us-east-2'] }),
  model('meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'llama3', K128, [0.72, 0.72], { geographies: ['us'], latencyOptimizedRegions: ['us-east-2'] }),
  model('meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'llama3', K128, [0.22, 0.22], { geographies: ['us'] }),
  model('meta.llama3-70b-instruct-v1:0', 'Llama 3 70B Instruct', 'llama3', 8192, [2.65, 3.5]),
  model('meta.llama3-8b-instruct-v1:0', 'Llama 3 8B Instruct', 'llama3', 8192, [0.3, 0.6]),
  model('meta.llama2-70b-chat-v1', 'Llama 2 Chat 70B', 'llama2', 4096, [1.95, 2.56], { legacy: true }),
  model('meta.llama2-13b-chat-v1', 'Llama 2 Chat 13B', 'llama2', 4096, [0.75, 1.0], { legacy: true }),
]);

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

/** Smallest window of the family: safe when the exact model is unknown. */
const CONSERVATIVE_WINDOW: Record<ModelFamily, number> = { llama4: 128_000, llama3: 8192, llama2: 4096 };

const GEOGRAPHIES: readonly Geography[] = ['us', 'eu', 'apac', 'global'];

/** Catalog entry for a base id; also matches provisioned-throughput variants such as `…-v1:0:128k`. */
export function findModel(baseId: string): ModelInfo | undefined {
  return BY_ID.get(baseId) ?? BY_ID.get(baseId.replace(/:\d+k$/, ''));
}

/**
 * What to call a model id in the UI: the catalog's name for a base or profile id
 * (`us.meta.llama3-2-3b-instruct-v1:0` → "Llama 3.2 3B Instruct"), an ARN's last part, else the id.
 */
export function modelLabel(id: string): string {
  const info = findModel(id.replace(/^(us|eu|apac|global)\./, ''));
  if (info) return info.label;
  const arn = /^arn:aws[\w-]*:bedrock:[^:]*:[^:]*:(.+)$/.exec(id);
  return arn ? arn[1].slice(arn[1].indexOf('/') + 1) || id : id;
}

/** Inference-profile id of a base model in a geography (a profile id's prefix is replaced). */
export function profileIdFor(baseId: string, geography: Geography): string {
  return `${geography}.${splitGeography(baseId).rest}`;
}

/**
 * Profile geography whose source regions include `region`. US profiles are called
 * from us-east-1/us-east-2/us-west-2 (GovCloud has its own `us-gov.` profiles, and
 * ca-* is not a US source region for Meta models), EU from eu-*, APAC from ap-*.
 */
export function geographyForRegion(region: string): 'us' | 'eu' | 'apac' | undefined {
  if (/^us-(east|west)-\d+$/.test(region)) return 'us';
  if (/^eu-[a-z]+-\d+$/.test(region)) return 'eu';
  if (/^ap-[a-z]+-\d+$/.test(region)) return 'apac';
  return undefined;
}

export interface ResolveOptions {
  /** The `bedrockLlama.modelFamily` setting, for ids that show no base model. */
  family?: ModelFamily;
  /**
   * The base model id behind an application inference profile, provisioned throughput or
   * custom model ARN, as discovery found it (GetInferenceProfile, ListProvisionedModelThroughputs,
   * ListCustomModels): how such an ARN gets its model's template, window and price.
   */
  underlying?: (arn: string) => string | undefined;
}

/**
 * Works out what to send and which template to use for a model id in any of its forms.
 * The family comes from the id when the base model shows in it; `opts.family` is only
 * consulted when it does not (provisioned, application-profile and imported/custom
 * model ARNs, arbitrary ids), so a wrong setting cannot break a known model.
 */
export function resolveModel(id: string, opts: ResolveOptions = {}): ResolvedModel {
  const requestedId = id.trim();
  if (requestedId === '') throw new UnknownModelError('No model id given: pick a model with "Llama: Select Model…".');
  return requestedId.startsWith('arn:') ? resolveArn(requestedId, opts) : resolvePlain(requestedId, opts.family);
}

function resolvePlain(requestedId: string, family: ModelFamily | undefined): ResolvedModel {
  const { geography, rest } = splitGeography(requestedId);
  const kind = geography ? 'profile' : 'base';
  const info = findModel(rest);
  if (info) return fromInfo({ requestedId, invokeId: requestedId, kind, geography, baseId: rest }, info);
  const shown = familyFromId(rest);
  if (shown) return fromFamily({ requestedId, invokeId: requestedId, kind: 'unknown-id', geography, baseId: rest }, shown);
  return fromFamily({ requestedId, invokeId: requestedId, kind: 'unknown-id' }, needFamily(requestedId, family));
}

// arn:partition:bedrock:region:account:resource — the resource itself may contain ':'.
function resolveArn(arn: string, opts: ResolveOptions): ResolvedModel {
  const family = opts.family;
  const m = /^arn:[a-z0-9-]+:bedrock:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/.exec(arn);
  if (!m) throw new UnknownModelError(`${arn} is not a Bedrock model ARN.`);
  const [, regionPart, , resourceType, resource] = m;
  const base = { requestedId: arn, invokeId: arn, region: regionPart || undefined };
  switch (resourceType) {
    case 'foundation-model':
      return fromShownBase({ ...base, kind: 'arn-foundation', baseId: resource }, family);
    case 'inference-profile': {
      const { geography, rest } = splitGeography(resource);
      return fromShownBase({ ...base, kind: 'arn-profile', geography, baseId: rest }, family);
    }
    case 'custom-model': {
      // custom-model/<base model id>/<suffix>; newer ARNs may carry only the suffix.
      // Those take their base model from discovery (ListCustomModels' baseModelArn).
      const slash = resource.lastIndexOf('/');
      const baseId = slash > 0 ? resource.slice(0, slash) : opts.underlying?.(arn);
      return baseId
        ? fromShownBase({ ...base, kind: 'arn-custom', baseId: splitGeography(baseId).rest }, family)
        : fromFamily({ ...base, kind: 'arn-custom' }, needFamily(arn, family));
    }
    // Imported models (Custom Model Import) are custom weights that show no base model.
    case 'imported-model':
      return fromFamily({ ...base, kind: 'arn-custom' }, needFamily(arn, family));
    case 'application-inference-profile': {
      const underlying = opts.underlying?.(arn);
      return underlying
        ? fromShownBase({ ...base, kind: 'arn-application-profile', baseId: splitGeography(underlying).rest }, family)
        : fromFamily({ ...base, kind: 'arn-application-profile' }, needFamily(arn, family));
    }
    // Provisioned throughput: its foundation model from discovery (ListProvisionedModelThroughputs).
    case 'provisioned-model': {
      const underlying = opts.underlying?.(arn);
      return underlying
        ? fromShownBase({ ...base, kind: 'arn-provisioned', baseId: splitGeography(underlying).rest }, family)
        : fromFamily({ ...base, kind: 'arn-provisioned' }, needFamily(arn, family));
    }
    default:
      throw new UnknownModelError(`${arn} is a Bedrock ${resourceType} ARN, not a model that can be invoked.`);
  }
}

type Head = Pick<ResolvedModel, 'requestedId' | 'invokeId' | 'kind' | 'geography' | 'region' | 'baseId'>;

function fromShownBase(head: Head, family: ModelFamily | undefined): ResolvedModel {
  const info = head.baseId ? findModel(head.baseId) : undefined;
  if (info) return fromInfo(head, info);
  const shown = head.baseId ? familyFromId(head.baseId) : undefined;
  return fromFamily(head, shown ?? needFamily(head.requestedId, family));
}

function fromInfo(head: Head, info: ModelInfo): ResolvedModel {
  return { ...clean(head), info, family: info.family, contextWindow: info.contextWindow, vision: info.vision };
}

function fromFamily(head: Head, family: ModelFamily): ResolvedModel {
  return { ...clean(head), family, contextWindow: CONSERVATIVE_WINDOW[family], vision: false };
}

/** Drops undefined optional fields so results compare cleanly. */
function clean(head: Head): Head {
  const out: Head = { requestedId: head.requestedId, invokeId: head.invokeId, kind: head.kind };
  if (head.geography) out.geography = head.geography;
  if (head.region) out.region = head.region;
  if (head.baseId) out.baseId = head.baseId;
  return out;
}

function familyFromId(baseId: string): ModelFamily | undefined {
  if (baseId.startsWith('meta.llama4')) return 'llama4';
  if (baseId.startsWith('meta.llama3')) return 'llama3';
  if (baseId.startsWith('meta.llama2')) return 'llama2';
  return undefined;
}

function needFamily(id: string, family: ModelFamily | undefined): ModelFamily {
  if (family) return family;
  throw new UnknownModelError(
    `Cannot tell which Llama version ${id} is, so the prompt format is unknown. ` +
      'Set bedrockLlama.modelFamily to llama4, llama3 or llama2, or pick a catalog model with "Llama: Select Model…".',
  );
}

function splitGeography(id: string): { geography?: Geography; rest: string } {
  const dot = id.indexOf('.');
  const prefix = id.slice(0, dot);
  const geography = GEOGRAPHIES.find((g) => g === prefix);
  return geography ? { geography, rest: id.slice(dot + 1) } : { rest: id };
}

/**
 * Whether a request for this model in this region can ask for latency-optimized inference
 * (a base model's on-demand offer: not for provisioned throughput or custom models).
 */
export function offersLatencyOptimized(model: ResolvedModel, region: string | undefined): boolean {
  if (model.kind === 'arn-provisioned' || model.kind === 'arn-custom') return false;
  return !!region && !!model.info?.latencyOptimizedRegions.includes(region);
}

/** Largest max_gen_len to send: the setting, capped by the model's own limit. */
export function maxGenLenFor(model: ResolvedModel, setting: number): number {
  return Math.min(setting, model.info?.maxGenLen ?? 2048);
}
