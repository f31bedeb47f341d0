// Order statistics for repeated measurements, and the interleaved A/B runner every
// side-by-side figure uses.

/** Linear-interpolated percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export const median = (values: readonly number[]): number => percentile(values, 50);
export const p95 = (values: readonly number[]): number => percentile(values, 95);

export interface Summary {
  median: number;
  p95: number;
  min: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), p95: p95(values), min: Math.min(...values), runs: values.length };
}

/** Element-wise b[i] − a[i] (paired runs). */
export function pairedDiff(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => b[i] - x);
}

/**
 * Runs `a` and `b` `pairs` times each, interleaved, alternating which goes first
 * (A B, B A, A B…) so neither always runs on the heels of the other.
 */
export async function interleave<T>(pairs: number, a: () => Promise<T>, b: () => Promise<T>): Promise<{ a: T[]; b: T[] }> {
  const out = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      out.a.push(await a());
      out.b.push(await b());
    } else {
      out.b.push(await b());
      out.a.push(await a());
    }
  }
  return out;
}
