// `bedrockLlama.inferenceProfile: auto` beyond what the catalog knows: when Bedrock
// answers that a model needs an inference profile, retry once with the region's
// geography prefix and remember the id that worked for that model and region, so the
// next request goes straight to it. Explicit geographies always use their prefix,
// `off` never rewrites, and profile ids and ARNs are sent as given.
import { BedrockLlamaError } from './bedrock/errors';
import { geographyForRegion, profileIdFor, type ResolvedModel } from './catalog';
import { runGeneration, type GenerationResult, type GenerationSink, type StreamingClient } from './generate';
import { invokeIdFor } from './inferenceProfile';
import type { InferenceProfileMode } from './settingsSchema';
import type { RetryListener } from './bedrock/requestGuard';
import type { LlamaRequestBody } from './types';

/** Working profile ids by model and region (in memory, and in globalState in the extension). */
export interface ProfileMemory {
  get(key: string): string | undefined;
  set(key: string, invokeId: string): void;
  delete(key: string): void;
}

export interface ProfiledRequest {
  model: ResolvedModel;
  mode: InferenceProfileMode;
  /** The configured region; undefined: ask the client what the SDK resolved. */
  region: string | undefined;
  body: LlamaRequestBody;
  onRetry?: RetryListener;
  /** Told once Bedrock accepted the request (see GenerationRequest). */
  onAccepted?: () => void;
  /** Told before the one retry with an inference profile id. */
  onFallback?: (from: string, to: string) => void;
}

export interface ProfiledResult {
  result: GenerationResult;
  /** The id that answered. */
  modelId: string;
}

/** A client that may know the region the SDK resolved (LlamaBedrockClient does). */
export type RegionAwareClient = StreamingClient & { region?(): Promise<string | undefined> };

/** A base model id (also one the catalog does not know yet) without a geography: the only kind auto may rewrite. */
function rewritable(model: ResolvedModel): boolean {
  return (model.kind === 'base' || model.kind === 'unknown-id') && !model.geography && !model.requestedId.startsWith('arn:');
}

export function memoryKey(model: ResolvedModel, region: string | undefined): string | undefined {
  return region && rewritable(model) ? `${region}|${model.invokeId}` : undefined;
}

/** The id to send first: a remembered profile id in auto mode, else the catalog's choice. */
export function plannedInvokeId(model: ResolvedModel, mode: InferenceProfileMode, region: string | undefined, memory: ProfileMemory): string {
  const key = mode === 'auto' ? memoryKey(model, region) : undefined;
  return (key && memory.get(key)) || invokeIdFor(model, mode, region);
}

/** The id to retry with after Bedrock asked for an inference profile; undefined: the error stands. */
export function fallbackInvokeId(model: ResolvedModel, mode: InferenceProfileMode, region: string | undefined, failedId: string): string | undefined {
  if (mode !== 'auto' || !region || !rewritable(model)) return undefined;
  const geography = geographyForRegion(region);
  if (!geography) return undefined;
  const candidate = profileIdFor(model.invokeId, geography);
  return candidate === failedId ? undefined : candidate;
}

/** runGeneration with the auto fallback: at most one extra request, and only before any text arrived. */
export async function generateWithProfileFallback(
  client: RegionAwareClient,
  req: ProfiledRequest,
  memory: ProfileMemory,
  sink: GenerationSink,
  signal?: AbortSignal,
): Promise<ProfiledResult> {
  const region = req.region ?? (await client.region?.());
  const first = plannedInvokeId(req.model, req.mode, region, memory);
  const key = memoryKey(req.model, region);
  try {
    const result = await runGeneration(client, { modelId: first, body: req.body, onRetry: req.onRetry, onAccepted: req.onAccepted }, sink, signal);
    return { result, modelId: first };
  } catch (err) {
    if (!(err instanceof BedrockLlamaError)) throw err;
    // A remembered id that Bedrock no longer takes is forgotten, so the next request starts afresh.
    if (key && memory.get(key) === first && (err.kind === 'modelNotFound' || err.kind === 'validation')) memory.delete(key);
    if (err.kind !== 'needsInferenceProfile' || err.partialText) throw err;
    const next = fallbackInvokeId(req.model, req.mode, region, first);
    if (!next) throw err;
    req.onFallback?.(first, next);
    const result = await runGeneration(client, { modelId: next, body: req.body, onRetry: req.onRetry, onAccepted: req.onAccepted }, sink, signal);
    if (key) memory.set(key, next);
    return { result, modelId: next };
  }
}

/** In-memory ProfileMemory (tests, and the session layer of the extension's store). */
export class MapProfileMemory implements ProfileMemory {
  private readonly map = new Map<string, string>();
  constructor(entries: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(entries)) this.map.set(k, v);
  }
  get(key: string): string | undefined {
    return this.map.get(key);
  }
  set(key: string, invokeId: string): void {
    this.map.set(key, invokeId);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  entries(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}
