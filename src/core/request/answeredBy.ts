// Every answer says which model answered and what it cost, routed or not: the line surfaces
// without a status line of their own (the inline summary) show when an answer ends.
import { modelLabel } from '../catalog';
import { formatTokens, formatUsd } from '../pricing';
import type { RequestOutcome } from './outcome';

const WHY = { taskModel: 'routed by bedrockLlama.taskModels', smallTask: 'routed: a small task' } as const;

/** e.g. "Llama 3.2 3B Instruct (routed: a small task) · 412 in · 96 out · $0.0001"; undefined for an outcome with no answer. */
export function answeredBy(outcome: RequestOutcome): string | undefined {
  if (outcome.kind !== 'ok') return undefined;
  const { usage, costUsd, savedUsd } = outcome.meter;
  const model = `${modelLabel(outcome.configModelId)}${outcome.routed ? ` (${WHY[outcome.routed.reason]})` : ''}`;
  const cost = outcome.cached
    ? `cached · $0 (saved ${formatUsd(savedUsd ?? 0)})`
    : costUsd === undefined ? 'cost unknown (no price for this model)' : formatUsd(costUsd);
  return `${model} · ${formatTokens(usage.inputTokens)} in · ${formatTokens(usage.outputTokens)} out · ${cost}`;
}
