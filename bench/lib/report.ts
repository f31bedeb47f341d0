// Figures, the printed table and the flat JSON object they become.

export type Unit = 'ms' | 'tokens/s' | 'KB' | 'MB' | '%' | 'x' | 'count' | '';

export interface Target {
  /** e.g. '≤ 5 ms'. */
  text: string;
  met: boolean;
}

export interface Figure {
  /** JSON key without the unit: `pipeline_ttft_extension_median` → `…_median_ms`. */
  key: string;
  label: string;
  unit: Unit;
  /** NaN or undefined counts as missing: the bench then exits non-zero. */
  value: number | string | undefined;
  /** The same measurement of the baseline, taken side by side in the same run. */
  baseline?: { key: string; value: number };
  /** How many measurements the value summarizes. */
  runs?: number;
  target?: Target;
}

export interface SectionResult {
  figures: Figure[];
  /** Extra lines printed under the section's rows (what was measured, caveats). */
  notes?: string[];
}

const UNIT_SUFFIX: Record<Unit, string> = { ms: '_ms', 'tokens/s': '_tokens_per_s', KB: '_kb', MB: '_mb', '%': '_pct', x: '_x', count: '', '': '' };

export function jsonKey(key: string, unit: Unit): string {
  return key + UNIT_SUFFIX[unit];
}

export function isMissing(f: Figure): boolean {
  return f.value === undefined || (typeof f.value === 'number' && !Number.isFinite(f.value)) ||
    (f.baseline !== undefined && !Number.isFinite(f.baseline.value));
}

/** The flat JSON form: value, baseline, ratio, runs and target of every figure. */
export function toJson(figures: Figure[]): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const f of figures) {
    out[jsonKey(f.key, f.unit)] = typeof f.value === 'number' ? round(f.value) : (f.value ?? null);
    if (f.baseline) {
      out[jsonKey(f.baseline.key, f.unit)] = round(f.baseline.value);
      out[`${f.key}_ratio`] = typeof f.value === 'number' ? round(f.value / f.baseline.value) : null;
    }
    if (f.runs !== undefined) out[`${f.key}_runs`] = f.runs;
    if (f.target) out[`${f.key}_target_met`] = f.target.met;
  }
  return out;
}

function round(n: number): number | null {
  if (!Number.isFinite(n)) return null;
  return Math.abs(n) >= 100 ? Math.round(n * 10) / 10 : Math.round(n * 1000) / 1000;
}

export function formatValue(v: number | string | undefined, unit: Unit): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return 'MISSING';
  if (typeof v === 'string') return v;
  switch (unit) {
    case 'ms': return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ms`;
    case 'tokens/s': return `${Math.round(v).toLocaleString('en-US')} tok/s`;
    case 'KB': return `${v.toFixed(1)} KB`;
    case 'MB': return `${v.toFixed(2)} MB`;
    case '%': return `${v >= 0 ? '+' : ''}${v.toFixed(2)} %`;
    case 'x': return `${v.toFixed(2)}×`;
    default: return String(Math.round(v * 1000) / 1000);
  }
}

/** One table: a heading per section, a row per figure, notes below. */
export function formatTable(sections: Array<{ name: string; result: SectionResult }>): string {
  const header = ['figure', 'value', 'baseline', 'ratio', 'runs', 'target'];
  const rows: string[][] = [];
  const layout: Array<{ section: string } | { row: number } | { note: string }> = [];
  for (const { name, result } of sections) {
    layout.push({ section: name });
    for (const f of result.figures) {
      layout.push({ row: rows.length });
      rows.push([
        f.label,
        formatValue(f.value, f.unit),
        f.baseline ? formatValue(f.baseline.value, f.unit) : '',
        f.baseline && typeof f.value === 'number' ? `${(f.value / f.baseline.value).toFixed(2)}×` : '',
        f.runs === undefined ? '' : String(f.runs),
        f.target ? `${f.target.text}: ${f.target.met ? 'met' : 'MISSED'}` : '',
      ]);
    }
    for (const note of result.notes ?? []) layout.push({ note });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const item of layout) {
    if ('section' in item) out.push(`[${item.section}]`);
    else if ('row' in item) out.push(line(rows[item.row]));
    else out.push(`  ${item.note}`);
  }
  return out.join('\n');
}
