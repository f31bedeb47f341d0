// The flow every command shares: validated settings → prompt → Bedrock stream → sink,
// with progress and cancel, usage recorded from Bedrock's own counts, a log line per
// request, and errors shown with what to do. Nothing here awaits a dialog.
import * as vscode from 'vscode';
import { BedrockLlamaError } from '../core/bedrock/errors';
import type { GenerationResult, GenerationSink } from '../core/generate';
import { costUsd, priceFor } from '../core/pricing';
import { generateWithProfileFallback, plannedInvokeId } from '../core/profileFallback';
import { buildPrompt, type PromptInput } from '../core/prompt';
import { retryProgressMessage } from '../core/retryProgress';
import type { LlamaConfig } from '../core/settingsSchema';
import type { LlamaRequestBody } from '../core/types';
import type { Services } from '../services';
import { showRequestError, showSettingsErrors } from './errorMessages';

export interface RequestSpec {
  /** Shown in the progress notification, e.g. "Summarizing selection". */
  title: string;
  /** The prompt input without the model-specific parts the runner fills in. */
  prompt: Omit<PromptInput, 'family' | 'contextWindow' | 'maxGenLen' | 'systemPrompt' | 'responseLanguage'>;
  sink: GenerationSink;
  /** Called with the abort controller's signal once the request starts, to stop it from elsewhere. */
  onStart?: (controller: AbortController) => void;
  /** Offered again by Retry. */
  retry?: () => void;
  /** Where progress shows: a cancellable notification (default), or the status bar for views with their own Stop. */
  progress?: 'notification' | 'window';
  /** Show request errors as notifications (default); views that show them inline turn this off. */
  notifyErrors?: boolean;
  /** Base64 images (no `data:` prefix) for vision models; `prompt.images` gives their count. */
  images?: string[];
}

export type RequestOutcome =
  | { ok: true; result: GenerationResult; config: LlamaConfig; promptInput: PromptInput; costUsd: number | undefined }
  | { ok: false; error?: BedrockLlamaError; partialText: string };

export async function runModelRequest(services: Services, spec: RequestSpec): Promise<RequestOutcome> {
  const snapshot = services.settings.current;
  if (!snapshot.ok) {
    showSettingsErrors(snapshot.errors);
    return { ok: false, partialText: '' };
  }
  const config = snapshot.config;
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
    void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err), 'Select Model…').then((pick) => {
      if (pick) void vscode.commands.executeCommand('bedrockLlama.selectModel');
    });
    return { ok: false, partialText: '' };
  }
  if (prompt.cuts.droppedTurns > 0 || prompt.cuts.trimmedAttachmentTokens > 0) {
    services.log.info(`Prompt fitted to the context window: dropped ${prompt.cuts.droppedTurns} turn(s), trimmed ~${prompt.cuts.trimmedAttachmentTokens} tokens of context`);
  }
  const body: LlamaRequestBody = { prompt: prompt.prompt, temperature: config.temperature, top_p: config.topP, max_gen_len: config.maxGenLen };
  if (spec.images?.length) body.images = spec.images;
  const client = await services.clients.get(config);
  const profiles = services.clients.profiles;
  // What is sent; the inference-profile fallback may change it (then the log says so).
  let modelId = plannedInvokeId(config.model, config.inferenceProfile, config.region, profiles);

  let retryShown = false;

  return vscode.window.withProgress(
    {
      location: spec.progress === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
      title: `Llama: ${spec.title}…`,
      cancellable: spec.progress !== 'window',
    },
    async (progress, token) => {
      const sink: GenerationSink = {
        text: (t) => {
          if (retryShown) progress.report({ message: '' }); // the retry worked: drop "retrying"
          retryShown = false;
          spec.sink.text(t);
        },
      };
      const active = services.active.start(token);
      spec.onStart?.(active.controller);
      const stopMeter = services.meter.startGenerating();
      const started = Date.now();
      try {
        const outcome = await generateWithProfileFallback(client, {
          model: config.model,
          mode: config.inferenceProfile,
          region: config.region,
          body,
          onRetry: (attempt, reason) => {
            services.log.info(`${active.id} ${modelId}: attempt ${attempt} of ${reason.maxAttempts} after ${reason.kind}`);
            progress.report({ message: retryProgressMessage(attempt, reason) });
            retryShown = true;
          },
          onFallback: (from, to) => {
            services.log.info(`${active.id} ${from} needs an inference profile; trying ${to}`);
            modelId = to;
          },
        }, profiles, sink, active.controller.signal);
        const result = outcome.result;
        modelId = outcome.modelId;
        const price = priceFor(config.model, config.pricing);
        const cost = price ? costUsd(result.usage, price) : undefined;
        services.usage.record({ modelId: config.modelId, usage: result.usage, costUsd: cost, at: new Date() });
        services.meter.setLastRequest({ modelId, usage: result.usage, costUsd: cost, latency: result.latency });
        services.budget.check(config.budgetUsd);
        services.log.info(
          `${active.id} ${modelId} region=${config.region ?? 'default'} in=${result.usage.inputTokens} out=${result.usage.outputTokens} ` +
          `ttft=${fmt(result.latency.timeToFirstTokenMs)} total=${fmt(result.latency.totalMs)} stop=${result.stopReason ?? 'none'}`,
        );
        return { ok: true, result, config, promptInput, costUsd: cost } as const;
      } catch (err) {
        const error = err instanceof BedrockLlamaError ? err : undefined;
        const kind = error?.kind ?? 'unknown';
        services.log.warn(`${active.id} ${modelId} failed after ${Date.now() - started} ms: ${kind}${error?.requestId ? ` (request ${error.requestId})` : ''}`);
        if (kind !== 'aborted' && spec.notifyErrors !== false) showRequestError(err, services.log, spec.retry);
        // The client keeps what streamed before a failure; no second copy is built per chunk here.
        return { ok: false, error, partialText: error?.partialText ?? '' } as const;
      } finally {
        stopMeter();
        active.done();
      }
    },
  );
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '-' : `${Math.round(ms)}ms`;
}
