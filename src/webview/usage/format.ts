// How the usage view writes figures: costs as the status bar does (≈ when part is estimated,
// unpriced requests named), token counts in full, days as local dates.
import { formatCount, formatUsd } from '../../core/pricing';
import type { UsageTotals } from '../../core/usage';

export function spend(t: UsageTotals): string {
  const approx = t.estimatedRequests > 0 ? '≈' : '';
  const unpriced = t.unknownCostRequests > 0 ? ` + ${t.unknownCostRequests} unpriced` : '';
  return `${approx}${formatUsd(t.costUsd)}${unpriced}`;
}

// Made once: toLocaleDateString builds a formatter on every call, which was most of a render.
const SHORT_DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const TABLE_DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const LONG_DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });

/** `Jan 31` for `2025-01-31`, in the page's locale. */
export function shortDay(date: string): string {
  return SHORT_DAY.format(localDate(date));
}

/** `Fri, Jan 31` for `2025-01-31`: a table's row header (the caption says which 30 days). */
export function tableDay(date: string): string {
  return TABLE_DAY.format(localDate(date));
}

/** `Fri, Jan 31, 2025` for `2025-01-31`. */
export function longDay(date: string): string {
  return LONG_DAY.format(localDate(date));
}

function localDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, 12);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
