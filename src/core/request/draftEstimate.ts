// What a message would cost before it is sent, for the chat composer: the prompt it would
// make (the conversation so far, the attachment, the draft) counted with the estimator, at
// the input price, plus the longest allowed answer at the output price — an upper bound.
import { maxGenLenFor } from '../catalog';
import { costUsd, formatTokens, formatUsd, priceFor } from '../pricing';
import { buildPrompt, PromptTooLongError, type PromptInput } from '../prompt';
import type { LlamaConfig } from '../settingsSchema';
import { estimateTokens } from '../tokenCount';
import type { RequestSpec } from './runRequest';

/** The prompt input of a request with the model-specific parts from the settings. */
export function promptInputFor(config: LlamaConfig, prompt: RequestSpec['prompt']): PromptInput {
  return {
    ...prompt,
    family: config.model.family,
    contextWindow: config.model.contextWindow,
    // The answer's room in the window is what will be asked for: the model's own limit caps the setting.
    maxGenLen: maxGenLenFor(config.model, config.maxGenLen),
    systemPrompt: config.systemPrompt,
    responseLanguage: config.responseLanguage,
  };
}

/** e.g. `≈ 3.2k tokens in · ≤ $0.0041`; says so when the prompt cannot fit or the model has no price. */
export function draftEstimate(config: LlamaConfig, prompt: RequestSpec['prompt']): string {
  const input = promptInputFor(config, prompt);
  let built;
  try {
    built = buildPrompt(input);
  } catch (err) {
    if (err instanceof PromptTooLongError) return `too long for ${config.model.info?.label ?? config.modelId}`;
    throw err;
  }
  const inputTokens = estimateTokens(built.prompt, config.model.family);
  const price = priceFor(config.model, config.pricing, { region: config.region });
  const cost = price ? `≤ ${formatUsd(costUsd({ inputTokens, outputTokens: input.maxGenLen }, price))}` : 'cost unknown (no price for this model)';
  return `≈ ${formatTokens(inputTokens)} tokens in · ${cost}`;
}
