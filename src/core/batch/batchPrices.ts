// What a Bedrock batch job costs: the model's on-demand price (the catalog's, the price table's
// for the region, or the user's `bedrockLlama.pricing`) times Bedrock's batch discount, with
// where that discount comes from. Data, beside the catalog: nothing else reads it.
import { resolveModel, type Price, type ResolvedModel } from '../catalog';
import { priceFor, type PriceContext, type PriceOverrides } from '../pricing';

/**
 * Batch costs half of on-demand: the AWS user guide's "Capacity, Limits, and Cost Optimization"
 * (docs.aws.amazon.com/bedrock/latest/userguide/capacity-limits-cost-optimization.html: Batch,
 * "50% cost savings vs on-demand") and the pricing page (aws.amazon.com/bedrock/pricing: batch
 * inference "at a 50% lower price compared to on-demand inference pricing" for select models of
 * Anthropic, Meta, Mistral AI and Amazon), both read 2026-11-30. The page renders its per-model
 * figures client-side, so no Meta batch figure could be read there: the ratio is applied to the
 * catalog's on-demand price. Keyed by base model id; a model not listed has no known batch price.
 */
export const BATCH_PRICE_SOURCE = 'batch = 50% of the on-demand price (aws.amazon.com/bedrock/pricing and the Bedrock user guide, read 2026-11-30)';

export const BATCH_PRICE_RATIO: Readonly<Record<string, number>> = Object.freeze({
  'meta.llama4-maverick-17b-instruct-v1:0': 0.5,
  'meta.llama4-scout-17b-instruct-v1:0': 0.5,
  'meta.llama3-3-70b-instruct-v1:0': 0.5,
  'meta.llama3-2-90b-instruct-v1:0': 0.5,
  'meta.llama3-2-11b-instruct-v1:0': 0.5,
  'meta.llama3-2-3b-instruct-v1:0': 0.5,
  'meta.llama3-2-1b-instruct-v1:0': 0.5,
  'meta.llama3-1-405b-instruct-v1:0': 0.5,
  'meta.llama3-1-70b-instruct-v1:0': 0.5,
  'meta.llama3-1-8b-instruct-v1:0': 0.5,
});

export interface BatchPrice {
  /** USD per 1M tokens, batch. */
  price: Price;
  /** The on-demand price it is derived from. */
  onDemand: Price;
  ratio: number;
  /** Where the figures come from, for the cost estimate and Show Batch Jobs. */
  source: string;
}

/**
 * The batch price of a model, or undefined when the model has no known batch price (not in
 * the table, provisioned, unpriced). The on-demand price follows `priceFor` (a user's
 * `bedrockLlama.pricing` entry wins), so an override is discounted the same way.
 */
export function batchPriceFor(model: ResolvedModel | string, overrides: PriceOverrides = {}, context: Pick<PriceContext, 'region'> = {}): BatchPrice | undefined {
  const resolved = typeof model === 'string' ? tryResolve(model) : model;
  const baseId = resolved?.info?.id;
  const ratio = baseId === undefined ? undefined : BATCH_PRICE_RATIO[baseId];
  if (ratio === undefined || !resolved) return undefined;
  const onDemand = priceFor(resolved, overrides, { region: context.region });
  if (!onDemand) return undefined;
  const overridden = [resolved.requestedId, resolved.invokeId, resolved.baseId, baseId].some((key) => key !== undefined && Object.prototype.hasOwnProperty.call(overrides, key));
  return {
    price: { input: onDemand.input * ratio, output: onDemand.output * ratio },
    onDemand,
    ratio,
    source: overridden ? `bedrockLlama.pricing × ${ratio} (${BATCH_PRICE_SOURCE})` : BATCH_PRICE_SOURCE,
  };
}

function tryResolve(id: string): ResolvedModel | undefined {
  try {
    return resolveModel(id);
  } catch {
    return undefined;
  }
}
