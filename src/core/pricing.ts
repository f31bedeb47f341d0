// Price lookup and cost arithmetic. An unknown price stays `undefined` all the way to
// the status bar: showing $0 for a model we cannot price would be a lie.
import { resolveModel, type Price, type ResolvedModel } from './catalog';
import { listPrice } from './priceTable';
import type { TokenUsage } from './types';

export type PriceOverrides = Readonly<Record<string, Price>>;

/** What a price depends on beyond the model: where it ran and how Bedrock served it. */
export interface PriceContext {
  region?: string;
  /** What Bedrock reports it served (latency-optimized inference costs more). */
  latency?: 'standard' | 'optimized';
}

/**
 * Price of a model in USD per 1M tokens. A user override keyed by the exact id they
 * typed wins, then one keyed by the base model id, then the price table for the region
 * and latency, then the catalog price.
 *
 * Provisioned throughput is billed per model unit-hour, not per token: its price is
 * unknown unless the user set one for the provisioned model ARN itself (the base model's
 * on-demand price, or an override for it, would be wrong).
 */
export function priceFor(model: ResolvedModel | string, overrides: PriceOverrides = {}, context: PriceContext = {}): Price | undefined {
  const resolved = typeof model === 'string' ? tryResolve(model) : model;
  const requestedId = typeof model === 'string' ? model.trim() : model.requestedId;
  const provisioned = resolved?.kind === 'arn-provisioned';
  const keys = provisioned ? [requestedId, resolved.invokeId] : [requestedId, resolved?.invokeId, resolved?.baseId, resolved?.info?.id];
  for (const key of keys) {
    if (key === undefined || !Object.prototype.hasOwnProperty.call(overrides, key)) continue;
    const override = overrides[key];
    if (isPrice(override)) return { input: override.input, output: override.output };
  }
  if (provisioned) return undefined;
  const listed = resolved?.info ? listPrice(resolved.info.id, context) : undefined;
  if (listed) return { input: listed.input, output: listed.output };
  const catalog = resolved?.info?.price;
  return catalog ? { input: catalog.input, output: catalog.output } : undefined;
}

/** USD for one request, full precision. */
export function costUsd(usage: TokenUsage, price: Price): number {
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6;
}

/** Short USD amount for the status bar: `$1.24`, `$0.0031`, `<$0.0001`; `$?` when unknown. */
export function formatUsd(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '$?';
  if (n < 0) return `-${formatUsd(-n)}`;
  if (n === 0) return '$0.00';
  if (n < 0.0001) return '<$0.0001';
  const cents4 = Math.round(n * 1e4) / 1e4;
  if (cents4 < 1) return `$${cents4.toFixed(4)}`;
  const cents = Math.round(n * 100);
  return `$${formatCount(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * `1234567` → `1,234,567`. Not toLocaleString: a process's first Intl call loads locale
 * data (15–30 ms), which the status bar meter would pay during activation.
 */
export function formatCount(n: number): string {
  const grouped = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 && grouped !== '0' ? `-${grouped}` : grouped;
}

/** Compact token count: `950`, `1.2k`, `12k`, `1.2M`, `15M`. */
export function formatTokens(n: number): string {
  const v = Math.max(0, Math.round(n));
  if (v < 1000) return String(v);
  // Thresholds sit where rounding would print `1000k`, so that shows as `1M` instead.
  if (v < 999_500) return compact(v / 1e3, 'k');
  if (v < 999_500_000) return compact(v / 1e6, 'M');
  return compact(v / 1e9, 'B');
}

/** One decimal below 10 units (`1.2k`), whole units above (`12k`); no trailing `.0`. */
function compact(scaled: number, suffix: string): string {
  const rounded = scaled < 9.95 ? Math.round(scaled * 10) / 10 : Math.round(scaled);
  return `${rounded}${suffix}`;
}

function tryResolve(id: string): ResolvedModel | undefined {
  try {
    return resolveModel(id);
  } catch {
    return undefined;
  }
}

// Overrides come from user JSON: ignore malformed entries rather than price at NaN.
function isPrice(v: unknown): v is Price {
  if (typeof v !== 'object' || v === null) return false;
  const { input, output } = v as Record<string, unknown>;
  return typeof input === 'number' && input >= 0 && Number.isFinite(input) && typeof output === 'number' && output >= 0 && Number.isFinite(output);
}
