// One model request from validated settings to a complete, typed outcome, free of VS Code:
// settings → prompt → body → Bedrock stream (with the inference-profile fallback) → outcome.
// The caller owns the request: it passes the AbortSignal (aborting with a StopRequest says
// why), hears text and retries through `events`, and decides what to show. Nothing here
// shows anything, and nothing is reused between runs: Retry and Continue call it afresh.
import { BedrockLlamaError } from '../bedrock/errors';
import { redact } from '../bedrock/redact';
import type { RetryReason } from '../bedrock/requestGuard';
import { costUsd, priceFor } from '../pricing';
import { generateWithProfileFallback, plannedInvokeId, type ProfileMemory, type RegionAwareClient } from '../profileFallback';
import { buildPrompt, PromptTooLongError, type PromptInput } from '../prompt';
import type { LlamaConfig, ValidationResult } from '../settingsSchema';
import { estimateTokens } from '../tokenCount';
import type { LlamaRequestBody, TokenUsage } from '../types';
import { stopCauseOf, type Metered, type RequestOutcome } from './outcome';

/** What the caller asks: the prompt without the model-specific parts, and images for vision models. */
export interface RequestSpec {
  prompt: Omit<PromptInput, 'family' | 'contextWindow' | 'maxGenLen' | 'systemPrompt' | 'responseLanguage'>;
  /** Base64 images (no `data:` prefix); `prompt.images` gives their count. */
  images?: string[];
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
}

/** What the caller hears while the request runs. */
export interface RequestEvents {
  text(delta: string): void;
  /** The SDK is retrying (throttling, a 5xx, a dropped connection) before any text. */
  retrying?(attempt: number, reason: RetryReason): void;
}

export async function runRequest(spec: RequestSpec, deps: RequestDeps, events: RequestEvents, signal: AbortSignal): Promise<RequestOutcome> {
  if (!deps.settings.ok) {
    deps.log?.warn(`${deps.requestId} not sent: invalid settings: ${deps.settings.errors.map((e) => e.message).join('; ')}`);
    return { kind: 'invalidSettings', errors: deps.settings.errors };
  }
  const config = deps.settings.config;
  const promptInput: PromptInput = {
    ...spec.prompt,
    family: config.model.family,
    contextWindow: config.model.contextWindow,
    maxGenLen: config.maxGenLen,
    systemPrompt: config.systemPrompt,
    responseLanguage: config.responseLanguage,
  };
  let prompt;
  try {
    prompt = buildPrompt(promptInput);
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
  const body: LlamaRequestBody = { prompt: prompt.prompt, temperature: config.temperature, top_p: config.topP, max_gen_len: config.maxGenLen };
  if (spec.images?.length) body.images = spec.images;

  const received: string[] = [];
  let accepted = false;
  let lease: ClientLease;
  try {
    lease = await deps.connect(config);
  } catch (err) {
    // E.g. the secret store could not be read: a failure the surface shows, not a thrown command.
    const message = redact(`Llama could not prepare the connection to Bedrock: ${err instanceof Error ? err.message : String(err)}`);
    deps.log?.warn(`${deps.requestId} not sent: ${message}`);
    return { kind: 'failed', failure: { kind: 'unknown', message, retryable: true }, text: '', modelId: config.modelId, configModelId: config.modelId };
  }
  // What is sent; the inference-profile fallback may change it.
  let modelId = plannedInvokeId(config.model, config.inferenceProfile, config.region, deps.profiles);
  const started = Date.now();
  const ids = { modelId, configModelId: config.modelId };
  try {
    const outcome = await generateWithProfileFallback(lease.client, {
      model: config.model,
      mode: config.inferenceProfile,
      region: config.region,
      body,
      onRetry: (attempt, reason) => {
        log?.info(`${id} ${modelId}: attempt ${attempt} of ${reason.maxAttempts} after ${reason.kind}`);
        events.retrying?.(attempt, reason);
      },
      onFallback: (from, to) => {
        log?.info(`${id} ${from} needs an inference profile; trying ${to}`);
        modelId = to;
      },
      onAccepted: () => { accepted = true; },
    }, deps.profiles, { text: (t) => { received.push(t); events.text(t); } }, signal);
    const { result } = outcome;
    modelId = outcome.modelId;
    log?.info(
      `${id} ${modelId} region=${config.region ?? 'default'} in=${result.usage.inputTokens} out=${result.usage.outputTokens} ` +
      `ttft=${ms(result.latency.timeToFirstTokenMs)} total=${ms(result.latency.totalMs)} stop=${result.stopReason ?? 'none'}`,
    );
    return {
      kind: 'ok', text: result.text, stopReason: result.stopReason, latency: result.latency,
      meter: { usage: result.usage, costUsd: priced(config, result.usage), estimated: false },
      modelId, configModelId: config.modelId,
    };
  } catch (err) {
    const text = received.join('');
    // Bedrock bills a request it accepted, however it ended: its prompt and what it generated so far.
    const meter = accepted ? estimatedMeter(config, body.prompt, text) : undefined;
    const error = err instanceof BedrockLlamaError ? err : undefined;
    const kind = error?.kind ?? 'unknown';
    // Only the caller's signal means a Stop; an `aborted` of its own (the client was closed) is a failure.
    if (signal.aborted) {
      const cause = stopCauseOf(signal);
      log?.info(`${id} ${modelId} stopped (${cause}) after ${Date.now() - started} ms, ${text.length} chars received${meter ? `, metered ≈in=${meter.usage.inputTokens} ≈out=${meter.usage.outputTokens}` : ', not billed'}`);
      return { kind: 'stopped', cause, text, meter, modelId, configModelId: ids.configModelId };
    }
    const message = error?.userMessage ?? redact(`The request failed: ${err instanceof Error ? err.message : String(err)}`);
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

function priced(config: LlamaConfig, usage: TokenUsage): number | undefined {
  const price = priceFor(config.model, config.pricing);
  return price ? costUsd(usage, price) : undefined;
}

function estimatedMeter(config: LlamaConfig, prompt: string, received: string): Metered {
  const family = config.model.family;
  const usage = { inputTokens: estimateTokens(prompt, family), outputTokens: received ? estimateTokens(received, family) : 0 };
  return { usage, costUsd: priced(config, usage), estimated: true };
}

function ms(v: number | undefined): string {
  return v === undefined ? '-' : `${Math.round(v)}ms`;
}
