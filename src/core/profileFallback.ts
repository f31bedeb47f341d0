// `bedrockLlama.inferenceProfile: auto` beyond what the catalog knows: when Bedrock
// answers that a model needs an inference profile, retry once with the region's
// geography prefix and remember the id that worked for that model and region, so the
// next request goes straight to it. Explicit geographies always use their prefix,
// `off` never rewrites, and profile ids and ARNs are sent as given.
// The same single-retry rule covers the two other refusals a request can be adjusted to
// before any text: a model that does not stream (asked again through InvokeModel) and a
// service tier the model does not take (asked again with the default tier).
import { BedrockLlamaError } from './bedrock/errors';
import { geographyForRegion, profileIdFor, type ResolvedModel } from './catalog';
import { runGeneration, type GenerationResult, type GenerationSink, type StreamingClient } from './generate';
import { invokeIdFor } from './inferenceProfile';
import type { InferenceProfileMode } from './settingsSchema';
import type { RetryListener } from './bedrock/requestGuard';
import type { LlamaRequestBody, RequestOptions } from './types';

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
  /** Told as each HTTP attempt goes out. */
  onSent?: () => void;
  /** false: InvokeModel (the whole answer at once). Default true. */
  streaming?: boolean;
  options?: RequestOptions;
  /** Told before a request is sent without streaming (from the start, or after a refusal). */
  onWholeAnswer?: (modelId: string, refused: boolean) => void;
  /** Told before the one retry with the default service tier. */
  onTierFallback?: (refused: string) => void;
}

export interface ProfiledResult {
  result: GenerationResult;
  /** The id that answered. */
  modelId: string;
  /** Whether the answer was streamed (false: InvokeModel). */
  streamed: boolean;
  /** The options the answer was asked with (the tier may have fallen back). */
  options: RequestOptions | undefined;
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

/**
 * runGeneration with the single retries: an inference profile (auto mode), InvokeModel for
 * a model that refuses streaming, the default tier for one that refuses the tier asked for.
 * Each at most once, and only before any text arrived.
 */
export async function generateWithProfileFallback(
  client: RegionAwareClient,
  req: ProfiledRequest,
  memory: ProfileMemory,
  sink: GenerationSink,
  signal?: AbortSignal,
): Promise<ProfiledResult> {
  const region = req.region ?? (await client.region?.());
  const key = memoryKey(req.model, region);
  let modelId = plannedInvokeId(req.model, req.mode, region, memory);
  let streaming = req.streaming ?? true;
  let options = req.options;
  const used = { profile: false, invoke: false, tier: false };
  if (!streaming) req.onWholeAnswer?.(modelId, false);
  for (;;) {
    try {
      const request = { modelId, body: req.body, onRetry: req.onRetry, onAccepted: req.onAccepted, onSent: req.onSent, options };
      const result = await runGeneration(client, request, sink, signal, streaming);
      if (key && used.profile) memory.set(key, modelId);
      return { result, modelId, streamed: streaming, options };
    } catch (err) {
      if (!(err instanceof BedrockLlamaError)) throw err;
      // A remembered id that Bedrock no longer takes is forgotten, so the next request starts afresh.
      if (key && !used.profile && memory.get(key) === modelId && (err.kind === 'modelNotFound' || err.kind === 'validation')) memory.delete(key);
      if (err.partialText) throw err;
      if (err.kind === 'needsInferenceProfile' && !used.profile) {
        const next = fallbackInvokeId(req.model, req.mode, region, modelId);
        if (!next) throw err;
        used.profile = true;
        req.onFallback?.(modelId, next);
        modelId = next;
      } else if (err.kind === 'streamingUnsupported' && streaming && !used.invoke) {
        used.invoke = true;
        streaming = false;
        req.onWholeAnswer?.(modelId, true);
      } else if (err.kind === 'serviceTierUnsupported' && options?.serviceTier && options.serviceTier !== 'default' && !used.tier) {
        used.tier = true;
        req.onTierFallback?.(options.serviceTier);
        options = { ...options, serviceTier: undefined };
      } else {
        throw err;
      }
    }
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
