// The picker's rows and the lookups the request path needs, from the built-in catalog and
// (when Bedrock answered) discovery. Pure: plain values in, plain rows out; the VS Code
// edge turns rows into QuickPick items.
import { CATALOG, findModel, geographyForRegion, offersLatencyOptimized, resolveModel, type Geography, type ResolvedModel } from '../catalog';
import { isUsListRegion } from '../priceTable';
import { priceFor, type PriceOverrides } from '../pricing';
import type { DiscoveredCustomModel, DiscoveredModel, DiscoveredProfile, DiscoveredProvisioned, Discovery, DiscoveryFailure } from './types';

export type RouteGroup = 'inRegion' | 'us' | 'eu' | 'apac' | 'global' | 'application' | 'custom' | 'legacy';

export interface ModelRow {
  kind: 'model';
  group: RouteGroup;
  /** What Select Model… writes to `bedrockLlama.modelId`. */
  modelId: string;
  /** Model name (an application profile, custom model or provisioned throughput: the name the user gave it). */
  name: string;
  /** The id or ARN, shown beside the name. */
  description: string;
  /** Context window, price, images, streaming, latency-optimized, access. */
  detail: string;
  current: boolean;
  /** False when Bedrock said this account cannot use the model (or the throughput or custom model is not ready). */
  usable: boolean;
}

export interface SeparatorRow {
  kind: 'separator';
  label: string;
}

/** The quiet note shown instead of an error when Bedrock could not be asked. */
export interface NoteRow {
  kind: 'note';
  label: string;
  detail: string;
}

export type PickerRow = ModelRow | SeparatorRow | NoteRow;

export interface DirectoryInput {
  /** undefined: the built-in catalog. */
  discovery?: Discovery;
  /** Why discovery is not used (shown once, quietly). */
  fallback?: DiscoveryFailure;
  /** The region requests go to (prices, latency-optimized, which geography applies). */
  region?: string;
  pricing?: PriceOverrides;
  /** `bedrockLlama.modelId`. */
  currentId?: string;
}

const GROUP_LABELS: Record<RouteGroup, string> = {
  inRegion: 'In region',
  us: 'US cross-region profiles (us.)',
  eu: 'EU cross-region profiles (eu.)',
  apac: 'Asia Pacific cross-region profiles (apac.)',
  global: 'Global cross-region profiles (global.)',
  application: 'Application inference profiles',
  custom: 'Custom and provisioned models',
  legacy: 'Legacy',
};

const GROUP_ORDER: readonly RouteGroup[] = ['inRegion', 'us', 'eu', 'apac', 'global', 'application', 'custom', 'legacy'];

export const ACCESS_HINT = 'request access in the Bedrock console → Model access';

/** The quiet note's text for a failed discovery. */
export function fallbackNote(failure: DiscoveryFailure): NoteRow {
  const why = failure.status === 'denied'
    ? `no permission for bedrock:${failure.operation}`
    : failure.status === 'offline' ? 'Bedrock could not be reached' : failure.message.replace(/\.$/, '');
  return {
    kind: 'note',
    label: '$(info) Showing the built-in list',
    detail: `Bedrock did not list models (${why}). Refresh Model List to try again.`,
  };
}

/** Rows grouped by route, legacy models last; the custom id row is the edge's. */
export function pickerRows(input: DirectoryInput): PickerRow[] {
  const entries = input.discovery ? fromDiscovery(input.discovery) : fromCatalog(input.region);
  const region = input.region ?? input.discovery?.region;
  const rows: ModelRow[] = entries.map((e) => row(e, input, region));
  // A current id that no row names exactly (e.g. a base id whose profile is listed): check its base's row.
  if (input.currentId && !rows.some((r) => r.current)) {
    const base = input.currentId.replace(/^(us|eu|apac|global)\./, '');
    const match = rows.find((r) => r.modelId === base) ?? rows.find((r) => r.modelId.endsWith(`.${base}`));
    if (match) match.current = true;
  }
  const out: PickerRow[] = [];
  if (input.fallback) out.push(fallbackNote(input.fallback));
  for (const group of GROUP_ORDER) {
    const inGroup = rows.filter((r) => r.group === group);
    if (inGroup.length === 0) continue;
    const where = group === 'inRegion' && region ? ` (${region})` : '';
    out.push({ kind: 'separator', label: `${GROUP_LABELS[group]}${where}` }, ...inGroup);
  }
  return out;
}

/**
 * Base model id (or system profile id) behind an application inference profile ARN; the
 * foundation model behind a provisioned throughput ARN; the base model of a custom model ARN.
 */
export function underlyingLookup(discovery: Discovery | undefined): (arn: string) => string | undefined {
  const byArn = new Map<string, string>();
  for (const p of discovery?.profiles ?? []) if (p.type === 'APPLICATION' && p.underlyingId) byArn.set(p.arn, p.underlyingId);
  for (const c of customModelsOf(discovery)) if (c.baseId) byArn.set(c.arn, c.baseId);
  for (const p of provisionedOf(discovery)) if (p.baseId) byArn.set(p.arn, p.baseId);
  return (arn) => byArn.get(arn.trim());
}

/** ARNs and the model behind each that the settings can resolve only through discovery (kept across sessions). */
export function underlyingEntries(discovery: Discovery): Array<[arn: string, underlying: string]> {
  const lookup = underlyingLookup(discovery);
  const arns = [
    ...discovery.profiles.filter((p) => p.type === 'APPLICATION').map((p) => p.id),
    ...customModelsOf(discovery).map((c) => c.arn),
    ...provisionedOf(discovery).map((p) => p.arn),
  ];
  return arns.flatMap((arn): Array<[string, string]> => {
    const underlying = lookup(arn);
    return underlying ? [[arn, underlying]] : [];
  });
}

/**
 * Whether Bedrock streams the model (InvokeModelWithResponseStream): discovery's
 * `responseStreamingSupported`, else the catalog's; undefined when neither knows it.
 */
export function streamingLookup(discovery: Discovery | undefined): (baseId: string) => boolean | undefined {
  const byId = new Map<string, boolean>();
  for (const m of discovery?.models ?? []) if (m.responseStreamingSupported !== undefined) byId.set(m.modelId, m.responseStreamingSupported);
  return (baseId) => {
    const id = baseId.replace(/^(us|eu|apac|global)\./, '');
    return byId.get(id) ?? findModel(id)?.streaming;
  };
}

/**
 * Whether the account can use a base model in the discovered region, on demand or through a
 * system profile: false when Bedrock did not list it or said there is no access; undefined
 * without a discovery (the catalog decides).
 */
export function availabilityLookup(discovery: Discovery | undefined): (baseId: string) => boolean | undefined {
  if (!discovery || discovery.models.length === 0) return () => undefined;
  const usable = new Set<string>();
  for (const m of discovery.models) {
    const invocable = m.inferenceTypes.includes('ON_DEMAND') || m.inferenceTypes.includes('INFERENCE_PROFILE');
    if (invocable && m.access?.usable !== false) usable.add(m.modelId);
  }
  return (baseId) => usable.has(baseId.replace(/^(us|eu|apac|global)\./, ''));
}

/** "Found 12 Llama models and 11 inference profiles in us-west-2" (and custom models and provisioned throughputs when there are any). */
export function discoverySummary(discovery: Discovery): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [count(discovery.models.filter((m) => !isProvisionedOnly(m)).length, 'Llama model'), count(discovery.profiles.length, 'inference profile')];
  const custom = customModelsOf(discovery).length;
  const provisioned = provisionedOf(discovery).length;
  if (custom) parts.push(count(custom, 'custom model'));
  if (provisioned) parts.push(count(provisioned, 'provisioned throughput'));
  const where = discovery.region ? ` in ${discovery.region}` : '';
  return `Found ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}${where}.`;
}

// --- entries: one per row, before formatting ---------------------------------------------

interface Entry {
  group: RouteGroup;
  modelId: string;
  /** Base model id whose facts apply. */
  baseId: string;
  name: string;
  model?: DiscoveredModel;
  profile?: DiscoveredProfile;
  custom?: DiscoveredCustomModel;
  provisioned?: DiscoveredProvisioned;
  /** Order inside the group before the catalog rank: provisioned throughput (what answers requests) before custom models. */
  order?: number;
}

function fromCatalog(region: string | undefined): Entry[] {
  const geography = region ? geographyForRegion(region) : undefined;
  const out: Entry[] = [];
  for (const m of CATALOG) {
    if (m.legacy) {
      out.push({ group: 'legacy', modelId: m.id, baseId: m.id, name: m.label });
      continue;
    }
    // Without discovery the region's own geography is the one whose profiles can be called.
    if (!m.needsProfile || !geography) out.push({ group: 'inRegion', modelId: m.id, baseId: m.id, name: m.label });
    if (geography && m.geographies.includes(geography)) out.push({ group: geography, modelId: `${geography}.${m.id}`, baseId: m.id, name: m.label });
  }
  return out;
}

function fromDiscovery(d: Discovery): Entry[] {
  const byId = new Map(d.models.map((m) => [m.modelId, m]));
  const out: Entry[] = [];
  for (const m of sortModels(d.models)) {
    if (isProvisionedOnly(m) || !m.inferenceTypes.includes('ON_DEMAND')) continue;
    const legacy = m.lifecycle === 'LEGACY' || !!findModel(m.modelId)?.legacy;
    out.push({ group: legacy ? 'legacy' : 'inRegion', modelId: m.modelId, baseId: m.modelId, name: nameOf(m.modelId, m), model: m });
  }
  for (const p of d.profiles) {
    const baseId = (p.underlyingId ?? '').replace(/^(us|eu|apac|global)\./, '');
    const model = byId.get(baseId);
    if (p.type === 'APPLICATION') {
      out.push({ group: 'application', modelId: p.arn, baseId, name: p.name, model, profile: p });
      continue;
    }
    const geography = profileGeography(p.id);
    if (!geography) continue; // us-gov. and other prefixes the extension does not route
    const legacy = model?.lifecycle === 'LEGACY' || !!findModel(baseId)?.legacy;
    out.push({ group: legacy ? 'legacy' : geography, modelId: p.id, baseId, name: nameOf(baseId, model), model, profile: p });
  }
  for (const p of provisionedOf(d)) {
    const baseId = p.baseId ?? '';
    out.push({ group: 'custom', modelId: p.arn, baseId, name: p.name, model: byId.get(baseId), provisioned: p, order: 0 });
  }
  for (const c of customModelsOf(d)) {
    const baseId = c.baseId ?? '';
    out.push({ group: 'custom', modelId: c.arn, baseId, name: c.name, model: byId.get(baseId), custom: c, order: 1 });
  }
  return out.sort((a, b) =>
    GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || (a.order ?? 0) - (b.order ?? 0) || rank(a.baseId) - rank(b.baseId) || a.name.localeCompare(b.name));
}

function row(e: Entry, input: DirectoryInput, region: string | undefined): ModelRow {
  const resolved = resolveRow(e, input.discovery);
  const parts: string[] = [];
  const notReady = notReadyReason(e);
  // A provisioned or custom model's access is its own, not the base model's on-demand access.
  const usable = notReady === undefined && (e.group === 'custom' || e.model?.access?.usable !== false);
  if (notReady) parts.push(`$(lock) Not usable: ${notReady}`);
  else if (!usable) parts.push(`$(lock) No access: ${e.model?.access?.reason ?? 'not enabled'}; ${ACCESS_HINT}`);
  const window = resolved?.info?.contextWindow ?? resolved?.contextWindow;
  if (window) parts.push(`${formatWindow(window)} context${resolved?.info ? '' : ' (assumed)'}`);
  parts.push(priceText(resolved, input.pricing, region, e));
  const vision = e.model ? e.model.inputModalities.includes('IMAGE') : !!resolved?.info?.vision;
  if (vision) parts.push('images');
  const streams = e.model?.responseStreamingSupported ?? resolved?.info?.streaming;
  if (streams !== undefined) parts.push(streams ? 'streams' : 'answers at once');
  if (resolved && offersLatencyOptimized(resolved, region)) parts.push('latency-optimized available');
  const base = resolved?.info?.label ?? (e.baseId || 'an unknown model');
  if (e.profile?.type === 'APPLICATION') parts.push(`profile for ${base}`);
  if (e.provisioned) parts.push(...provisionedParts(e.provisioned, base, input.discovery));
  if (e.custom) parts.push(`${customizationText(e.custom.customizationType)} ${base}`);
  return {
    kind: 'model',
    group: e.group,
    modelId: e.modelId,
    name: e.name,
    description: e.modelId,
    detail: parts.join(' · '),
    current: input.currentId !== undefined && input.currentId.trim() === e.modelId,
    usable,
  };
}

function resolveRow(e: Entry, discovery: Discovery | undefined): ResolvedModel | undefined {
  try {
    return resolveModel(e.modelId, { underlying: underlyingLookup(discovery), family: e.baseId ? undefined : 'llama3' });
  } catch {
    return undefined;
  }
}

function priceText(resolved: ResolvedModel | undefined, pricing: PriceOverrides | undefined, region: string | undefined, e: Entry): string {
  const price = resolved ? priceFor(resolved, pricing ?? {}, { region }) : undefined;
  // Provisioned throughput is billed by the hour, whatever the tokens: a per-token figure only from the user's own setting.
  if (e.provisioned) return price ? `billed per model unit-hour (counted at ${usd(price.input)} in / ${usd(price.output)} out per 1M tokens from bedrockLlama.pricing)` : 'billed per model unit-hour';
  if (!price) return 'price unknown (set bedrockLlama.pricing)';
  const overridden = Object.prototype.hasOwnProperty.call(pricing ?? {}, e.modelId);
  const us = isUsListRegion(region) || overridden ? '' : ' (US list price)';
  const base = e.custom && !overridden ? ' (base model price)' : '';
  return `${usd(price.input)} in / ${usd(price.output)} out per 1M tokens${base}${us}`;
}

/** Why a provisioned throughput or custom model cannot answer requests yet; undefined when it can. */
function notReadyReason(e: Entry): string | undefined {
  if (e.provisioned && e.provisioned.status !== 'InService') {
    return `provisioned throughput is ${e.provisioned.status} (only InService throughput answers requests)`;
  }
  const status = e.custom?.status;
  if (status !== undefined && status !== 'Active') return `custom model is ${status}`;
  return undefined;
}

function provisionedParts(p: DiscoveredProvisioned, base: string, discovery: Discovery | undefined): string[] {
  const units = p.modelUnits === undefined ? [] : [`${p.modelUnits} model unit${p.modelUnits === 1 ? '' : 's'}`];
  const commitment = p.commitmentDuration === 'OneMonth' ? '1-month commitment' : p.commitmentDuration === 'SixMonths' ? '6-month commitment' : p.commitmentDuration ?? 'no commitment';
  // A throughput for a custom model names it, then its base.
  const custom = customModelsOf(discovery).find((c) => c.arn === p.modelArn);
  const of = custom ? `${custom.name} (${base})` : base;
  // Only InService shows here: any other status leads the row (notReadyReason).
  return [...units, commitment, ...(p.status === 'InService' ? [p.status] : []), `provisioned throughput of ${of}`];
}

function customizationText(type: string | undefined): string {
  switch (type) {
    case 'FINE_TUNING': return 'fine-tuned from';
    case 'CONTINUED_PRE_TRAINING': return 'continued pre-training of';
    case 'DISTILLATION': return 'distilled into';
    default: return 'custom model of';
  }
}

/** The lists a discovery cached by an older version lacks (or holds malformed). */
function customModelsOf(d: Discovery | undefined): DiscoveredCustomModel[] {
  return Array.isArray(d?.customModels) ? d.customModels : [];
}

function provisionedOf(d: Discovery | undefined): DiscoveredProvisioned[] {
  return Array.isArray(d?.provisioned) ? d.provisioned : [];
}

/** `$2.40`, `$0.72`, `$0.175`: cents always, more digits only when the price has them. */
function usd(n: number): string {
  const decimals = (String(n).split('.')[1] ?? '').length;
  return `$${n.toFixed(Math.min(6, Math.max(2, decimals)))}`;
}

function formatWindow(tokens: number): string {
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(1))}M`;
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}K` : String(tokens);
}

function nameOf(baseId: string, model: DiscoveredModel | undefined): string {
  return findModel(baseId)?.label ?? model?.modelName ?? baseId;
}

/** Catalog order first (newest first), then unknown models. */
function rank(baseId: string): number {
  const i = CATALOG.findIndex((m) => m.id === baseId);
  return i < 0 ? CATALOG.length : i;
}

function sortModels(models: readonly DiscoveredModel[]): DiscoveredModel[] {
  return [...models].sort((a, b) => rank(a.modelId) - rank(b.modelId) || a.modelId.localeCompare(b.modelId));
}

function isProvisionedOnly(m: DiscoveredModel): boolean {
  return m.inferenceTypes.length > 0 && !m.inferenceTypes.includes('ON_DEMAND') && !m.inferenceTypes.includes('INFERENCE_PROFILE');
}

function profileGeography(id: string): Geography | undefined {
  const prefix = id.slice(0, id.indexOf('.'));
  return (['us', 'eu', 'apac', 'global'] as const).find((g) => g === prefix);
}
