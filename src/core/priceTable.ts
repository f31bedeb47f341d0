// On-demand list prices as data, each with where and when it was read. The catalog's
// price is the US list price; this table holds what differs from it: latency-optimized
// inference, and regions whose prices AWS lists differently. Users override any of it
// with `bedrockLlama.pricing`.
import type { Price } from './catalog';

export interface PriceEntry {
  /** Base model id. */
  model: string;
  /** Regions the entry applies to; absent: every region. */
  regions?: readonly string[];
  latency?: 'optimized';
  price: Price;
  /** Where the figure comes from, and when it was read. */
  source: string;
}

const PRICING_PAGE_2025 = 'aws.amazon.com/bedrock/pricing, Meta section, as transcribed mid-2025';

/**
 * Only confirmed differences belong here: a region missing from the table is priced at the
 * US list price (the catalog's), which the picker says in its row.
 */
export const PRICE_TABLE: readonly PriceEntry[] = Object.freeze([
  // Latency-optimized inference is billed above standard; unconfirmed beyond the 2025 page.
  { model: 'meta.llama3-1-405b-instruct-v1:0', latency: 'optimized', regions: ['us-east-2'], price: { input: 3.0, output: 3.0 }, source: PRICING_PAGE_2025 },
  { model: 'meta.llama3-1-70b-instruct-v1:0', latency: 'optimized', regions: ['us-east-2'], price: { input: 0.9, output: 0.9 }, source: PRICING_PAGE_2025 },
]);

/** Regions whose list prices are the catalog's (the US list price). */
export const US_LIST_REGIONS: readonly string[] = Object.freeze(['us-east-1', 'us-east-2', 'us-west-2']);

/** The table's price for a model in a context; undefined: the catalog price applies. */
export function listPrice(modelId: string, context: { region?: string; latency?: 'standard' | 'optimized' }): Price | undefined {
  const latency = context.latency === 'optimized' ? 'optimized' : undefined;
  const entry = PRICE_TABLE.find((e) =>
    e.model === modelId && e.latency === latency && (!e.regions || (context.region !== undefined && e.regions.includes(context.region))));
  return entry?.price;
}

/** Whether the catalog's US list price is known to hold in `region`. */
export function isUsListRegion(region: string | undefined): boolean {
  return region !== undefined && US_LIST_REGIONS.includes(region);
}
