// Prompt building with a ~100K-token attachment (8K and 128K windows), and the error of
// the pre-flight token count (estimateTokens) against the exact Llama 3 tokenizer on
// this repo's own files plus prose in four languages.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildPrompt, type PromptInput } from '../../src/core/prompt';
import { ESTIMATE_MARGIN, estimateTokens } from '../../src/core/tokenCount';
import { loadExactTokenizer } from '../../test/support/exactTokenizer';
import { ROOT, runTsForJson } from '../lib/child';
import type { Figure, SectionResult } from '../lib/report';
import type { PromptTimes } from '../lib/promptChild';
import { median, p95 } from '../lib/stats';
import type { BenchContext, Section } from './types';

const ATTACHMENT_TOKENS = 100_000;
const BUILD_PROCESSES = 6;
const BUILD_PAIRS = 12;
const TARGET_BUILD_MS = 50;
const TARGET_ERROR_PCT = 2;
/** Shorter files are left out of the error figures: a few tokens off would read as many percent. */
const MIN_TOKENS = 250;
const WINDOWS = [{ name: '8K', tokens: 8192 }, { name: '128K', tokens: 128_000 }] as const;

interface Sample { name: string; category: string; text: string; /** Exact count. */ tokens: number }

function filesUnder(dir: string, keep: (rel: string) => boolean): string[] {
  const abs = path.join(ROOT, dir);
  return (readdirSync(abs, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter(keep).sort();
}

function category(rel: string): string {
  if (rel.startsWith('bench/fixtures/prose-')) return `prose-${rel.slice('bench/fixtures/prose-'.length, -'.txt'.length)}`;
  if (rel.endsWith('.md')) return 'markdown';
  if (rel.startsWith('scripts/')) return 'scripts';
  return rel.split('/')[0] === 'bench' ? 'bench' : `${rel.split('/')[0]}-ts`;
}

/** src, test, scripts, README/markdown, bench code and the prose fixtures, with their exact counts. */
function corpus(exact: (t: string) => number): { samples: Sample[]; skipped: number } {
  const ts = (rel: string) => rel.endsWith('.ts');
  const files = [
    ...filesUnder('src', ts),
    ...filesUnder('test', ts),
    ...filesUnder('scripts', (r) => /\.(ts|mjs|sh)$/.test(r)),
    ...filesUnder('bench', (r) => ts(r) || (r.startsWith('bench/fixtures/') && r.endsWith('.txt'))),
    ...['README.md', 'CHANGELOG.md', 'test/README.md'],
  ];
  const all = files.map((rel) => {
    const text = readFileSync(path.join(ROOT, rel), 'utf8');
    return { name: rel, category: category(rel), text, tokens: exact(text) };
  });
  const samples = all.filter((s) => s.tokens >= MIN_TOKENS);
  return { samples, skipped: all.length - samples.length };
}

/** Source files of this repo, joined until they hold ~100K tokens (exact). */
function bigAttachment(samples: Sample[], exact: (t: string) => number): { text: string; tokens: number } {
  let text = '';
  for (let i = 0, tokens = 0; tokens < ATTACHMENT_TOKENS; i++) {
    const s = samples[i % samples.length];
    text += `// ---- ${s.name}\n${s.text}\n`;
    tokens += s.tokens + 10;
  }
  return { text, tokens: exact(text) };
}

function inputFor(text: string, contextWindow: number): PromptInput {
  return { family: 'llama3', contextWindow, maxGenLen: 512, task: { kind: 'explain' }, attachment: { fileName: 'attachment.ts', languageId: 'typescript', text } };
}

async function buildFigures(ctx: BenchContext, samples: Sample[], exact: (t: string) => number): Promise<{ figures: Figure[]; notes: string[] }> {
  const big = bigAttachment(samples.filter((s) => s.name.endsWith('.ts')), exact);
  const dir = mkdtempSync(path.join(tmpdir(), 'llama-bench-'));
  const file = path.join(dir, 'attachment.ts');
  writeFileSync(file, big.text);
  const times: PromptTimes[] = [];
  try {
    ctx.log(`prompt: ${BUILD_PROCESSES} fresh processes, first call + ${BUILD_PAIRS} interleaved 8K/128K pairs each`);
    for (let i = 0; i < BUILD_PROCESSES; i++) {
      const first = WINDOWS[i % 2].tokens;
      times.push(await runTsForJson<PromptTimes>(require.resolve('../lib/promptChild'), [file, String(first), String(BUILD_PAIRS)]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figures: Figure[] = [];
  const notes = [`attachment: ${(big.text.length / 1024).toFixed(0)} KB of this repo's .ts files, ${big.tokens.toLocaleString('en-US')} tokens exact; ` +
    'builds run in fresh processes counting with the estimator, as the extension does before the exact tokenizer is loaded'];
  for (const w of WINDOWS) {
    const warm = times.flatMap((t) => t.warm[w.tokens] ?? []);
    const wall = warm.map((x) => x[0]);
    const cpu = warm.map((x) => x[1]);
    const firstCalls = times.map((t) => t.firstCallMs[w.tokens]).filter((x): x is number => x !== undefined);
    const k = `prompt_build_${w.name.toLowerCase()}`;
    const target = (ms: number) => ({ text: `≤ ${TARGET_BUILD_MS} ms`, met: ms <= TARGET_BUILD_MS });
    figures.push(
      { key: `${k}_median`, label: `build, 100K-token attachment → ${w.name} window, median`, unit: 'ms', value: median(wall), runs: wall.length, target: target(median(wall)) },
      { key: `${k}_p95`, label: `build → ${w.name}, p95`, unit: 'ms', value: p95(wall), runs: wall.length },
      { key: `${k}_cpu_median`, label: `build → ${w.name}, CPU time of the process, median`, unit: 'ms', value: median(cpu), runs: cpu.length },
      { key: `${k}_first_call_median`, label: `build → ${w.name}, first call in a fresh process, median`, unit: 'ms', value: median(firstCalls), runs: firstCalls.length, target: target(median(firstCalls)) },
    );
    const built = buildPrompt(inputFor(big.text, w.tokens));
    const sent = exact(built.prompt);
    figures.push({ key: `${k}_prompt_tokens`, label: `prompt sent for the ${w.name} window (exact tokens)`, unit: 'count', value: sent,
      target: { text: `≤ ${w.tokens - 512} (window − max_gen_len)`, met: sent <= w.tokens - 512 } });
    const trimmed = built.cuts.trimmedAttachmentTokens;
    notes.push(`${w.name}: ${trimmed ? `~${trimmed.toLocaleString('en-US')} tokens of the attachment trimmed` : 'the whole attachment fits'} (estimate + 15 % margin)`);
  }
  return { figures, notes };
}

function errorFigures(samples: Sample[]): { figures: Figure[]; notes: string[] } {
  const rows = samples.map((s) => ({ ...s, est: estimateTokens(s.text), exact: s.tokens }));
  const pct = (est: number, ex: number) => (est / ex - 1) * 100;
  const sum = (rs: typeof rows, f: (r: (typeof rows)[number]) => number) => rs.reduce((n, r) => n + f(r), 0);
  const m = 1 + ESTIMATE_MARGIN;
  const total = pct(sum(rows, (r) => r.est), sum(rows, (r) => r.exact));
  const worst = rows.reduce((w, r) => (Math.abs(pct(r.est, r.exact)) > Math.abs(pct(w.est, w.exact)) ? r : w));
  const worstErr = pct(worst.est, worst.exact);
  // With the margin, what matters is under-counting: a prompt that was fitted but does not fit.
  const under = rows.reduce((w, r) => (pct(r.est * m, r.exact) < pct(w.est * m, w.exact) ? r : w));
  const underCount = rows.filter((r) => r.est * m < r.exact).length;
  const ok = (x: number) => ({ text: `within ±${TARGET_ERROR_PCT} %`, met: Math.abs(x) <= TARGET_ERROR_PCT });
  const figures: Figure[] = [
    { key: 'prompt_count_error_total', label: `token count error, all ${rows.length} files (Σ estimate / Σ exact − 1)`, unit: '%', value: total, runs: rows.length, target: ok(total) },
    { key: 'prompt_count_error_worst_file', label: 'token count error, worst file', unit: '%', value: worstErr, target: ok(worstErr) },
    { key: 'prompt_count_worst_file', label: '  worst file', unit: '', value: worst.name },
    { key: 'prompt_count_error_total_with_margin', label: `token count error with the ${ESTIMATE_MARGIN * 100} % margin, all files`, unit: '%', value: pct(sum(rows, (r) => r.est) * m, sum(rows, (r) => r.exact)) },
    { key: 'prompt_count_error_most_under_with_margin', label: `most under-counted file with the margin (${under.name})`, unit: '%', value: pct(under.est * m, under.exact) },
    { key: 'prompt_count_files_under_with_margin', label: 'files under-counted even with the margin', unit: 'count', value: underCount },
  ];
  const categories = [...new Set(rows.map((r) => r.category))];
  for (const c of categories) {
    const rs = rows.filter((r) => r.category === c);
    const lo = Math.min(...rs.map((r) => pct(r.est, r.exact)));
    const hi = Math.max(...rs.map((r) => pct(r.est, r.exact)));
    figures.push({ key: `prompt_count_error_${c.replace(/-/g, '_')}`, label: `  ${c}: ${rs.length} files, ${sum(rs, (r) => r.exact).toLocaleString('en-US')} tokens (files ${lo.toFixed(1)} … ${hi.toFixed(1)} %)`,
      unit: '%', value: pct(sum(rs, (r) => r.est), sum(rs, (r) => r.exact)), runs: rs.length });
  }
  return { figures, notes: [`count error: estimateTokens vs llama3-tokenizer-js (no BOS/EOS), files of ≥ ${MIN_TOKENS} tokens`] };
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const t0 = performance.now();
  const exact = await loadExactTokenizer();
  const loadMs = performance.now() - t0;
  const { samples, skipped } = corpus(exact);
  const build = await buildFigures(ctx, samples, exact);
  const error = errorFigures(samples);
  return {
    figures: [...build.figures, ...error.figures],
    notes: [...build.notes, ...error.notes, `${skipped} files under ${MIN_TOKENS} tokens left out; exact tokenizer loaded in ${loadMs.toFixed(0)} ms`],
  };
}

export const prompt: Section = {
  name: 'prompt',
  host: 'node',
  description: 'prompt build time with a 100K-token attachment; pre-flight token count error',
  run,
};
