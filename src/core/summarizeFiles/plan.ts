// What Summarize Files… will do before it starts: the request each file makes, the model that
// will answer (routing applies: the task is `batch`), the estimated cost as an upper bound (each
// prompt as the prompt builder fits it to the context window, at the input price, plus
// max_gen_len per file at the output price), and how the run goes (on demand, or a Bedrock batch
// job when `batch.mode` asks for one).
import { modelLabel, type ResolveOptions } from '../catalog';
import { formatTokens, formatUsd } from '../pricing';
import { buildPrompt } from '../prompt';
import { promptInputFor } from '../request/draftEstimate';
import { costEstimate, requestBody, type RequestSpec } from '../request/runRequest';
import { chooseModel, routedConfig, type Availability, type Route } from '../routing';
import type { LlamaConfig } from '../settingsSchema';

/** The request that summarizes one file (the same for the estimate and the run). */
export function fileRequest(file: { path: string; languageId?: string; text: string }): RequestSpec {
  return {
    prompt: { task: { kind: 'summarize' }, attachment: { fileName: file.path, languageId: file.languageId, text: file.text } },
    routeTask: 'batch',
  };
}

export interface RunEstimate {
  files: number;
  inputTokens: number;
  /** max_gen_len for every file: the most the answers can be. */
  maxOutputTokens: number;
  /** Upper bound; undefined when the model has no price. */
  maxUsd: number | undefined;
  /** Files whose text was cut to fit the context window. */
  fitted: number;
}

export interface RunPlan {
  route: Route;
  /** e.g. "Llama 3.2 3B Instruct (routed: a small task)". */
  modelText: string;
  estimate: RunEstimate;
}

/** The plan for these files' requests: routing as runRequest does it, and the summed estimate. */
export function planRun(
  config: LlamaConfig,
  specs: readonly RequestSpec[],
  available?: Availability,
  lookup: Pick<ResolveOptions, 'underlying'> = {},
): RunPlan {
  const route = chooseModel(config, { task: 'batch', lines: 0, images: 0 }, available, lookup);
  const routed = routedConfig(config, route);
  const estimate: RunEstimate = { files: specs.length, inputTokens: 0, maxOutputTokens: 0, maxUsd: 0, fitted: 0 };
  for (const spec of specs) {
    const built = buildPrompt(promptInputFor(routed, spec.prompt));
    if (built.cuts.trimmedAttachmentTokens > 0) estimate.fitted++;
    const one = costEstimate(routed, requestBody(routed, built.prompt), route.modelId);
    estimate.inputTokens += one.inputTokens;
    estimate.maxOutputTokens += one.maxOutputTokens;
    estimate.maxUsd = one.maxUsd === undefined || estimate.maxUsd === undefined ? undefined : estimate.maxUsd + one.maxUsd;
  }
  const why = route.reason === 'taskModel' ? ' (routed by bedrockLlama.taskModels.batch)' : route.reason === 'smallTask' ? ' (routed: a small task)' : '';
  return { route, modelText: `${modelLabel(route.modelId)}${why}`, estimate };
}

/** "≈ 45k tokens in + ≤ 15k out · up to $0.0123". */
export function estimateText(e: RunEstimate): string {
  const cost = e.maxUsd === undefined ? 'cost unknown (no price for this model)' : `up to ${formatUsd(e.maxUsd)}`;
  return `≈ ${formatTokens(e.inputTokens)} tokens in + ≤ ${formatTokens(e.maxOutputTokens)} out · ${cost}`;
}

export type RunMode =
  | { mode: 'onDemand' }
  /**
   * A Bedrock batch inference job would apply (`batch.mode` bedrockBatch, or auto at or above
   * `batch.jobThreshold` files with `batch.s3Uri` and `batch.roleArn` set). `missing` names the
   * settings a job still needs.
   */
  | { mode: 'bedrockBatch'; why: string; missing: string[] };

export function chooseRunMode(config: Pick<LlamaConfig, 'batchMode' | 'batchS3Uri' | 'batchRoleArn' | 'batchJobThreshold'>, files: number): RunMode {
  const missing = [config.batchS3Uri ? '' : 'bedrockLlama.batch.s3Uri', config.batchRoleArn ? '' : 'bedrockLlama.batch.roleArn'].filter(Boolean);
  if (config.batchMode === 'bedrockBatch') return { mode: 'bedrockBatch', why: 'bedrockLlama.batch.mode is bedrockBatch', missing };
  if (config.batchMode === 'auto' && missing.length === 0 && files >= config.batchJobThreshold) {
    return { mode: 'bedrockBatch', why: `${files} files, at or above bedrockLlama.batch.jobThreshold (${config.batchJobThreshold})`, missing };
  }
  return { mode: 'onDemand' };
}
