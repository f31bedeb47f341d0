// Model routing (`bedrockLlama.routing`, `bedrockLlama.taskModels`): which model a request goes
// to. `off` sends everything to the selected model. `auto` sends a task to the model
// `taskModels` names for it, else small tasks (summaries of selections up to a few hundred
// lines, Summarize Files…) to the smallest capable Llama the region has, as Bedrock's own
// cost advice says; Explain, Ask and chat stay on the selected model.
// The decision is a pure function of settings, the request's size and what the region offers,
// so it costs microseconds and is unit-tested without Bedrock.
import { findModel, geographyForRegion, resolveModel, type ResolveOptions, type ResolvedModel } from './catalog';
import { priceFor } from './pricing';
import type { RouteTask } from './routingSettings';
import type { LlamaConfig } from './settingsSchema';

export { ROUTE_TASKS, ROUTING_MODES, type RouteTask, type RoutingMode } from './routingSettings';

/** Smallest first: the first one the region offers (and that is cheaper than the selected model) takes small tasks. */
export const SMALL_MODELS = ['meta.llama3-2-3b-instruct-v1:0', 'meta.llama3-1-8b-instruct-v1:0'] as const;

/** An inline summary of more lines than this is not a small task: it stays on the selected model. */
export const SMALL_TASK_MAX_LINES = 300;

export type RouteReason =
  /** Routing is off, the task has no rule, or no rule applied. */
  | 'selected'
  /** `taskModels` names a model for this task. */
  | 'taskModel'
  /** A small task sent to a small model. */
  | 'smallTask';

export interface Route {
  /** The id requests send (before inference-profile resolution) and the meter records. */
  modelId: string;
  model: ResolvedModel;
  reason: RouteReason;
  /** Why a rule that could have applied did not (a taskModels entry not usable): said once to the user. */
  skipped?: string;
}

export interface RouteRequest {
  task: RouteTask;
  /** Lines of the code or text sent (the selection); 0 when there is none. */
  lines: number;
  images: number;
  /** "Ask <selected model>": the selected model, whatever the rules say. */
  selectedOnly?: boolean;
}

/**
 * Whether the account can use a base model in the configured region: true or false from model
 * discovery when it ran for this region, undefined when unknown (the catalog's geographies decide).
 */
export type Availability = (baseId: string) => boolean | undefined;

export function chooseModel(
  config: Pick<LlamaConfig, 'modelId' | 'model' | 'region' | 'inferenceProfile' | 'pricing' | 'routing' | 'taskModels'>,
  request: RouteRequest,
  available: Availability = () => undefined,
  lookup: Pick<ResolveOptions, 'underlying'> = {},
): Route {
  const selected: Route = { modelId: config.modelId, model: config.model, reason: 'selected' };
  if (config.routing === 'off' || request.selectedOnly) return selected;

  const named = config.taskModels[request.task];
  if (named) {
    let model: ResolvedModel | undefined;
    let problem: string | undefined;
    try {
      model = resolveModel(named, { underlying: lookup.underlying });
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    if (model && request.images > 0 && !model.vision) problem = 'it does not accept images';
    if (model && !problem) return { modelId: named, model, reason: 'taskModel' };
    selected.skipped = `bedrockLlama.taskModels.${request.task} (${named}) is not usable here: ${problem}. The selected model answered.`;
    return selected;
  }

  const small = request.task === 'batch' || (request.task === 'summarize' && request.lines <= SMALL_TASK_MAX_LINES);
  if (!small || request.images > 0 || !isPricedFoundationModel(config.model)) return selected;
  const selectedPrice = priceFor(config.model, config.pricing, { region: config.region });
  for (const id of SMALL_MODELS) {
    // The selected model is already this small (or smaller): nothing to gain.
    if (config.model.baseId === id) return selected;
    const info = findModel(id);
    if (!info || !offered(info.id, config, available)) continue;
    if (info.needsProfile && config.inferenceProfile === 'off') continue;
    const model = resolveModel(id);
    const price = priceFor(model, config.pricing, { region: config.region });
    if (!selectedPrice || !price) continue;
    if (price.input + price.output >= selectedPrice.input + selectedPrice.output) return selected;
    return { modelId: id, model, reason: 'smallTask' };
  }
  return selected;
}

/**
 * Only an on-demand foundation model is routed away from: a custom or provisioned model, or an
 * application profile (cost allocation tags), is what the user pays for on purpose.
 */
function isPricedFoundationModel(model: ResolvedModel): boolean {
  return (model.kind === 'base' || model.kind === 'profile' || model.kind === 'arn-foundation' || model.kind === 'arn-profile') && model.info !== undefined;
}

function offered(baseId: string, config: Pick<LlamaConfig, 'region'>, available: Availability): boolean {
  const known = available(baseId);
  if (known !== undefined) return known;
  const geography = config.region ? geographyForRegion(config.region) : undefined;
  return geography !== undefined && (findModel(baseId)?.geographies.includes(geography) ?? false);
}

/** The settings with the routed model in place of the selected one. */
export function routedConfig<C extends Pick<LlamaConfig, 'modelId' | 'model'>>(config: C, route: Route): C {
  return route.reason === 'selected' ? config : { ...config, modelId: route.modelId, model: route.model };
}

/** Lines of a text, for the small-task rule. */
export function lineCount(text: string | undefined): number {
  if (!text) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}
