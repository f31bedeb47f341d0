// One model request from validated settings to a complete, typed outcome, free of VS Code:
// settings → prompt → body and options → Bedrock (streamed, or whole for a model that does
// not stream, with the single fallbacks of profileFallback.ts) → outcome.
// The caller owns the request: it passes the AbortSignal (aborting with a StopRequest says
// why), hears text and retries through `events`, and decides what to show. Nothing here
// shows anything, and nothing is reused between runs: Retry and Continue call it afresh.
import { BedrockLlamaError } from '../bedrock/errors';
import { redact, truncate } from '../bedrock/redact';
import type { RetryReason } from '../bedrock/requestGuard';
import { geographyForRegion, maxGenLenFor, offersLatencyOptimized, profileIdFor, resolveModel, type ResolveOptions, type ResolvedModel } from '../catalog';
import { costUsd, priceFor } from '../pricing';
import { generateWithProfileFallback, plannedInvokeId, type ProfileMemory, type RegionAwareClient } from '../profileFallback';
import { buildPrompt, PromptTooLongError, type PromptInput } from '../prompt';
import type { LlamaConfig, ValidationResult } from '../settingsSchema';
import { estimateMargin, estimateTokens } from '../tokenCount';
import { responseCacheKey } from '../cache/cacheKey';
import { chooseModel, lineCount, routedConfig, type Availability, type RouteTask } from '../routing';
import type { LlamaRequestBody, RequestOptions, ServedAs, StopReason, TokenUsage } from '../types';
import { stopCauseOf, type Metered, type RequestOutcome } from './outcome';
import { promptInputFor } from './draftEstimate';
import type { PromptRecord } from './promptRecord';

/** What the caller asks: the prompt without the model-specific parts, and images for vision models. */
export interface RequestSpec {
  prompt: Omit<PromptInput, 'family' | 'contextWindow' | 'maxGenLen' | 'systemPrompt' | 'responseLanguage'>;
  /** Base64 images (no `data:` prefix); `prompt.images` gives their count. */
  images?: string[];
  /** "Ask again": go to Bedrock even when the cache holds the answer (and store the new one). */
  bypassCache?: boolean;
  /** "Ask <selected model>": the selected model, past routing. */
  selectedModel?: boolean;
  /** What routing calls the task when the prompt's own kind does not say it (Summarize Files… is `batch`). */
  routeTask?: RouteTask;
  /**
   * A prompt another caller rendered in the model's own template (VS Code's chat, through the
   * language model provider): sent as it is, to this model, past routing and the prompt builder.
   */
  rendered?: RenderedPrompt;
  /** What the ledger books it under when not the task's own kind (e.g. `vscodeChat`). */
  usageTask?: string;
}

export interface RenderedPrompt {
  /** The whole prompt string, template tokens included. */
  prompt: string;
  /** The model it was rendered for (an id, profile id or ARN, as settings take it). */
  modelId: string;
  /** Not kept in the response cache (a tool round trip must be answered afresh). */
  noCache?: boolean;
}

/** A client held for one request: a settings change replaces the provider's client, but not under a request. */
export interface ClientLease {
  client: RegionAwareClient;
  release(): void;
}

export interface RequestDeps {
  settings: ValidationResult;
  connect(config: LlamaConfig): Promise<ClientLease>;
  profiles: ProfileMemory;
  /** Names the request in log lines. */
  requestId: string;
  log?: { info(line: string): void; warn(line: string): void };
  /** What is known about streaming beyond the catalog: discovery, and refusals seen before. */
  streaming?: StreamingKnowledge;
  /** Told the prompt record when the request is sent, and again when it ended. */
  recordPrompt?(record: PromptRecord): void;
  /** Service tiers models refused: not asked for again (each refusal costs a round trip). */
  tiers?: TierMemory;
  /** The response cache, when `bedrockLlama.cacheTtlMinutes` > 0. */
  cache?: { store: ResponseCache; ttlMs: number };
  /** Asked before anything is sent, with the cost estimate: budgets and `confirmAboveUsd` decide. */
  preflight?(estimate: CostEstimate): Promise<PreflightVerdict>;
  /** For routing: which small models the account has in the region (from model discovery). */
  availability?: Availability;
  /** For routing: the model behind an application profile ARN in `taskModels` (from model discovery). */
  underlying?: ResolveOptions['underlying'];
}

/** A complete answer kept for replay; never a failed or partial one. */
export interface CachedAnswer {
  text: string;
  stopReason: StopReason | undefined;
  usage: TokenUsage;
  /** What Bedrock charged for it (undefined: the model has no price). */
  costUsd: number | undefined;
  /** The model id that answered. */
  modelId: string;
  /** Epoch ms. */
  savedAt: number;
}

export interface ResponseCache {
  /** The answer stored under `key` if it is younger than `maxAgeMs`. */
  get(key: string, maxAgeMs: number): Promise<CachedAnswer | undefined>;
  put(key: string, answer: CachedAnswer): Promise<void>;
}

/** The cost of a request before it is sent: the prompt (estimated) in, and at most max_gen_len out. */
export interface CostEstimate {
  inputTokens: number;
  maxOutputTokens: number;
  /** Upper bound in USD; undefined when the model has no price. */
  maxUsd: number | undefined;
  modelId: string;
  /** Provisioned throughput: billed per model unit-hour, not per request. */
  hourly: boolean;
}

export type PreflightVerdict = { send: true } | { send: false; reason: 'budget' | 'declined'; message: string };

export interface TierMemory {
  refused(modelId: string, tier: string): boolean;
  remember(modelId: string, tier: string): void;
}

export interface StreamingKnowledge {
  /** undefined: not known; the catalog decides. */
  supported(model: ResolvedModel): boolean | undefined;
  /** Bedrock refused the streaming operation for this model: remember to ask it whole. */
  refused(model: ResolvedModel): void;
}

/** Things the user is told once, not failures. */
export type RequestNote =
  | { kind: 'latencyStandard'; modelId: string; region: string | undefined }
  | { kind: 'tierFallback'; modelId: string; refused: string }
  /** A `taskModels` entry could not be used; the selected model answered. */
  | { kind: 'routeSkipped'; modelId: string; message: string };

/** What the caller hears while the request runs. */
export interface RequestEvents {
  text(delta: string): void;
  /** The SDK is retrying (throttling, a 5xx, a dropped connection) before any text. */
  retrying?(attempt: number, reason: RetryReason): void;
  /** The answer will come whole (InvokeModel): show that it is being waited for. */
  wholeAnswer?(modelId: string): void;
  note?(note: RequestNote): void;
}

export async function runRequest(spec: RequestSpec, deps: RequestDeps, events: RequestEvents, signal: AbortSignal): Promise<RequestOutcome> {
  if (!deps.settings.ok) {
    deps.log?.warn(`${deps.requestId} not sent: invalid settings: ${deps.settings.errors.map((e) => e.message).join('; ')}`);
    return { kind: 'invalidSettings', errors: deps.settings.errors };
  }
  const selected = deps.settings.config;
  if (spec.rendered) {
    let model: ResolvedModel;
    try {
      model = resolveModel(spec.rendered.modelId, { underlying: deps.underlying });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'invalidSettings', errors: [{ key: 'bedrockLlama.modelId', message }] };
    }
    return send(spec, deps, { ...selected, modelId: spec.rendered.modelId, model }, events, signal);
  }
  const task = spec.routeTask ?? spec.prompt.task.kind;
  const route = chooseModel(selected, {
    task,
    lines: lineCount(spec.prompt.attachment?.text),
    images: spec.images?.length ?? spec.prompt.images ?? 0,
    selectedOnly: spec.selectedModel,
  }, deps.availability, { underlying: deps.underlying });
  if (route.skipped) events.note?.({ kind: 'routeSkipped', modelId: selected.taskModels[task] ?? selected.modelId, message: route.skipped });
  if (route.reason === 'selected') return send(spec, deps, selected, events, signal);
  deps.log?.info(`${deps.requestId} routed: ${task} goes to ${route.modelId} (${route.reason === 'taskModel' ? `bedrockLlama.taskModels.${task}` : 'a small task'}); the selected model is ${selected.modelId}`);
  const outcome = await send(spec, deps, routedConfig(selected, route), events, signal);
  return 'configModelId' in outcome ? { ...outcome, routed: { reason: route.reason, selectedModelId: selected.modelId } } : outcome;
}

/** The request with `config`'s model: the selected one, or the one routing chose. */
async function send(spec: RequestSpec, deps: RequestDeps, config: LlamaConfig, events: RequestEvents, signal: AbortSignal): Promise<RequestOutcome> {
  let prompt;
  try {
    prompt = spec.rendered ? { prompt: spec.rendered.prompt, cuts: { droppedTurns: 0, trimmedAttachmentTokens: 0 } } : buildPrompt(promptInputFor(config, spec.prompt));
  } catch (err) {
    if (err instanceof PromptTooLongError) {
      deps.log?.warn(`${deps.requestId} not sent: the prompt needs ~${err.neededTokens} tokens, ${err.availableTokens} fit in ${config.modelId}'s window`);
      return { kind: 'promptTooLong', message: err.message };
    }
    throw err;
  }
  const log = deps.log;
  const id = deps.requestId;
  if (prompt.cuts.droppedTurns > 0 || prompt.cuts.trimmedAttachmentTokens > 0) {
    log?.info(`${id} prompt fitted to the context window: dropped ${prompt.cuts.droppedTurns} turn(s), trimmed ~${prompt.cuts.trimmedAttachmentTokens} tokens of context`);
  }
  const body = requestBody(config, prompt.prompt);
  if (spec.images?.length) body.images = spec.images;
  const options = requestOptions(config, events, deps.tiers);
  // Latency-optimized inference is served through the region's cross-region profile.
  const model = options.latency === 'optimized' ? viaRegionProfile(config.model, config.region) : config.model;
  const streaming = deps.streaming?.supported(model) ?? model.info?.streaming ?? model.family !== 'llama4';

  // What is sent; the inference-profile fallback may change it.
  const plannedId = plannedInvokeId(model, config.inferenceProfile, config.region, deps.profiles);
  // A DRAFT guardrail changes under the same name: its answers are not kept.
  const cacheable = deps.cache && options.guardrail?.version !== 'DRAFT' && !spec.rendered?.noCache;
  const cacheKey = cacheable ? responseCacheKey({ modelId: plannedId, body, guardrail: options.guardrail, endpoint: config.endpoint, region: config.region }) : undefined;
  if (deps.cache && cacheKey && !spec.bypassCache && !signal.aborted) {
    const hit = await deps.cache.store.get(cacheKey, deps.cache.ttlMs).catch(() => undefined);
    if (hit) {
      log?.info(`${id} ${hit.modelId} answered from the response cache (saved ${hit.costUsd === undefined ? 'an unpriced request' : `$${hit.costUsd.toFixed(6)}`})`);
      events.text(hit.text);
      return {
        kind: 'ok', text: hit.text, stopReason: hit.stopReason, latency: {}, cached: true,
        meter: { usage: hit.usage, costUsd: 0, estimated: false, savedUsd: hit.costUsd ?? 0 },
        modelId: hit.modelId, configModelId: config.modelId,
      };
    }
  }
  if (deps.preflight) {
    const estimate = costEstimate(config, body, plannedId);
    const verdict = await deps.preflight(estimate);
    if (!verdict.send) {
      log?.info(`${id} not sent (${verdict.reason}): ${verdict.message}`);
      return { kind: 'notSent', reason: verdict.reason, message: verdict.message, configModelId: config.modelId };
    }
  }

  const received: string[] = [];
  let accepted = false;
  let sent = false;
  let lease: ClientLease;
  try {
    lease = await deps.connect(config);
  } catch (err) {
    // E.g. the secret store could not be read: a failure the surface shows, not a thrown command.
    const message = redact(`Llama could not prepare the connection to Bedrock: ${err instanceof Error ? err.message : String(err)}`);
    deps.log?.warn(`${deps.requestId} not sent: ${message}`);
    return { kind: 'failed', failure: { kind: 'unknown', message, retryable: true }, text: '', modelId: config.modelId, configModelId: config.modelId };
  }
  let modelId = plannedId;
  const started = Date.now();
  const ids = { modelId, configModelId: config.modelId };
  const record: PromptRecord = {
    requestId: id,
    at: new Date(started).toISOString(),
    configModelId: config.modelId,
    modelIdSent: modelId,
    region: config.region,
    operation: streaming ? 'InvokeModelWithResponseStream' : 'InvokeModel',
    parameters: { temperature: body.temperature, top_p: body.top_p, max_gen_len: body.max_gen_len, ...(body.images ? { images: body.images.length } : {}) },
    options,
    prompt: body.prompt,
    estimatedPromptTokens: estimateTokens(body.prompt, config.model.family),
  };
  deps.recordPrompt?.(record);
  if (options.guardrail) log?.info(`${id} guardrail ${options.guardrail.id} version ${options.guardrail.version} (trace ${options.guardrail.trace})`);
  try {
    const outcome = await generateWithProfileFallback(lease.client, {
      model,
      mode: config.inferenceProfile,
      region: config.region,
      body,
      streaming,
      options,
      onWholeAnswer: (sentId, refused) => {
        record.operation = 'InvokeModel';
        if (refused) {
          log?.info(`${id} ${sentId} refused streaming; asking it through InvokeModel, and remembering that`);
          deps.streaming?.refused(config.model);
        }
        events.wholeAnswer?.(sentId);
      },
      onTierFallback: (refused) => {
        log?.warn(`${id} ${modelId} does not take service tier ${refused}; sending with the default tier`);
        deps.tiers?.remember(config.modelId, refused);
        record.options = { ...record.options, serviceTier: undefined };
        events.note?.({ kind: 'tierFallback', modelId, refused });
      },
      onRetry: (attempt, reason) => {
        log?.info(`${id} ${modelId}: attempt ${attempt} of ${reason.maxAttempts} after ${reason.kind}`);
        events.retrying?.(attempt, reason);
      },
      onFallback: (from, to) => {
        log?.info(`${id} ${from} needs an inference profile; trying ${to}`);
        modelId = to;
        record.modelIdSent = to;
      },
      onAccepted: () => { accepted = true; },
      onSent: () => { sent = true; },
    }, deps.profiles, { text: (t) => { received.push(t); events.text(t); } }, signal);
    const { result } = outcome;
    modelId = outcome.modelId;
    record.bedrock = result.usage;
    logServed(log, id, result.served);
    log?.info(
      `${id} ${modelId} region=${config.region ?? 'default'} ${outcome.streamed ? 'streamed' : 'whole'} in=${result.usage.inputTokens} out=${result.usage.outputTokens} ` +
      `ttft=${ms(result.latency.timeToFirstTokenMs)} total=${ms(result.latency.totalMs)} stop=${result.stopReason ?? 'none'}`,
    );
    const meter: Metered = { usage: result.usage, costUsd: priced(config, result.usage, result.served), estimated: false };
    const guardrail = result.served.guardrail;
    if (guardrail?.action === 'INTERVENED') {
      const name = options.guardrail ? `${options.guardrail.id} (version ${options.guardrail.version})` : 'of this account';
      record.result = `blocked by guardrail ${name}`;
      deps.recordPrompt?.(record);
      log?.warn(`${id} ${modelId} blocked by guardrail ${name}`);
      return { kind: 'blocked', guardrail: name, message: guardrail.message ?? '', text: result.text, meter, modelId, configModelId: config.modelId };
    }
    record.result = `ok, stop reason ${result.stopReason ?? 'none'}`;
    deps.recordPrompt?.(record);
    // Only a whole answer is kept, under the key of the id first planned (what the next identical request looks up).
    if (deps.cache && cacheKey) {
      const answer: CachedAnswer = { text: result.text, stopReason: result.stopReason, usage: result.usage, costUsd: meter.costUsd, modelId, savedAt: Date.now() };
      await deps.cache.store.put(cacheKey, answer).catch((err: unknown) => log?.warn(`${id} could not keep the answer in the response cache: ${String(err)}`));
    }
    return {
      kind: 'ok', text: result.text, stopReason: result.stopReason, latency: result.latency,
      meter,
      modelId, configModelId: config.modelId,
    };
  } catch (err) {
    const text = received.join('');
    // Bedrock bills a request it accepted, however it ended: its prompt and what it generated so far.
    // A whole-answer request stopped while Bedrock works on it is still billed for the prompt
    // (generation goes on server-side): metered as an estimate rather than left out.
    const stoppedWhole = signal.aborted && sent && record.operation === 'InvokeModel';
    const meter = accepted || stoppedWhole ? estimatedMeter(config, body.prompt, text) : undefined;
    const error = err instanceof BedrockLlamaError ? err : undefined;
    const kind = error?.kind ?? 'unknown';
    // Only the caller's signal means a Stop; an `aborted` of its own (the client was closed) is a failure.
    if (signal.aborted) {
      const cause = stopCauseOf(signal);
      record.result = `stopped (${cause})`;
      deps.recordPrompt?.(record);
      log?.info(`${id} ${modelId} stopped (${cause}) after ${Date.now() - started} ms, ${text.length} chars received${meter ? `, metered ≈in=${meter.usage.inputTokens} ≈out=${meter.usage.outputTokens}` : ', not billed'}`);
      return { kind: 'stopped', cause, text, meter, modelId, configModelId: ids.configModelId };
    }
    const message = error?.userMessage ?? redact(`The request failed: ${err instanceof Error ? err.message : String(err)}`);
    record.result = `failed: ${kind}`;
    deps.recordPrompt?.(record);
    log?.warn(
      `${id} ${modelId} failed after ${Date.now() - started} ms: ${kind}` +
      `${error?.httpStatus ? ` HTTP ${error.httpStatus}` : ''}${error?.awsErrorName ? ` ${error.awsErrorName}` : ''}` +
      `${error?.requestId ? ` (request ${error.requestId})` : ''}${error?.detail ? `: ${error.detail}` : ''}` +
      `${meter ? ` — metered ≈in=${meter.usage.inputTokens} ≈out=${meter.usage.outputTokens}` : ''}`,
    );
    return {
      kind: 'failed',
      failure: { kind, message, retryable: error?.retryable ?? true, requestId: error?.requestId, profile: error?.profile },
      text, meter, modelId, configModelId: ids.configModelId,
    };
  } finally {
    lease.release();
  }
}

/** The native Llama body for a built prompt (images are the caller's to add). */
export function requestBody(config: LlamaConfig, prompt: string): LlamaRequestBody {
  return { prompt, temperature: config.temperature, top_p: config.topP, max_gen_len: maxGenLenFor(config.model, config.maxGenLen) };
}

/** Prompt tokens (estimated) × the input price, plus max_gen_len × the output price: an upper bound. */
export function costEstimate(config: LlamaConfig, body: LlamaRequestBody, modelId: string): CostEstimate {
  // The estimator's own safety margin keeps the count at or above the real one (tokenCount.ts).
  const inputTokens = Math.ceil(estimateTokens(body.prompt, config.model.family) * (1 + estimateMargin(config.model.family)));
  const maxOutputTokens = body.max_gen_len;
  // The dearer of the prices it may be served at (latency-optimized costs more where offered).
  const prices = [priceFor(config.model, config.pricing, { region: config.region })];
  if (config.latency === 'optimized') prices.push(priceFor(config.model, config.pricing, { region: config.region, latency: 'optimized' }));
  const costs = prices.filter((p) => p !== undefined).map((p) => costUsd({ inputTokens, outputTokens: maxOutputTokens }, p));
  const maxUsd = costs.length ? Math.max(...costs) : undefined;
  return { inputTokens, maxOutputTokens, maxUsd, modelId, hourly: config.model.kind === 'arn-provisioned' };
}

/** Priced as served: the region's price, and latency-optimized only when Bedrock says it served that. */
function priced(config: LlamaConfig, usage: TokenUsage, served: ServedAs = {}): number | undefined {
  const latency = served.latency === 'optimized' ? 'optimized' : 'standard';
  const price = priceFor(config.model, config.pricing, { region: config.region, latency });
  return price ? costUsd(usage, price) : undefined;
}

/** The options to send: latency only where offered (else standard, said once), the guardrail, the tier. */
function requestOptions(config: LlamaConfig, events: RequestEvents, tiers: TierMemory | undefined): RequestOptions {
  const options: RequestOptions = {};
  if (config.latency === 'optimized') {
    if (offersLatencyOptimized(config.model, config.region)) options.latency = 'optimized';
    else events.note?.({ kind: 'latencyStandard', modelId: config.modelId, region: config.region });
  }
  if (config.guardrailId) options.guardrail = { id: config.guardrailId, version: config.guardrailVersion, trace: 'ENABLED' };
  if (config.serviceTier !== 'default' && !tiers?.refused(config.modelId, config.serviceTier)) options.serviceTier = config.serviceTier;
  return options;
}

/** A base model id (no geography) sent through the region's profile; other ids as they are. */
function viaRegionProfile(model: ResolvedModel, region: string | undefined): ResolvedModel {
  const geography = region ? geographyForRegion(region) : undefined;
  if (model.kind !== 'base' || model.geography || !geography) return model;
  return resolveModel(profileIdFor(model.invokeId, geography));
}

function logServed(log: RequestDeps['log'], id: string, served: ServedAs): void {
  if (served.latency || served.serviceTier) log?.info(`${id} served latency=${served.latency ?? '-'} tier=${served.serviceTier ?? '-'}`);
  if (served.guardrail) {
    // The trace quotes what a policy matched (a key, an e-mail address): redacted before it is cut short.
    const trace = served.guardrail.trace === undefined ? '' : ` trace=${truncate(redact(JSON.stringify(served.guardrail.trace)), 2000)}`;
    log?.info(`${id} guardrail action=${served.guardrail.action}${trace}`);
  }
}

function estimatedMeter(config: LlamaConfig, prompt: string, received: string): Metered {
  const family = config.model.family;
  const usage = { inputTokens: estimateTokens(prompt, family), outputTokens: received ? estimateTokens(received, family) : 0 };
  return { usage, costUsd: priced(config, usage), estimated: true };
}

function ms(v: number | undefined): string {
  return v === undefined ? '-' : `${Math.round(v)}ms`;
}
