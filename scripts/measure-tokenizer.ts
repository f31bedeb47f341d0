// Measures the two token counters of src/core/tokenCount.ts: load time, memory, speed,
// the estimator's error against the real tokenizer per category of text, and the time to
// fit a ~100K-token attachment into an 8K window. With --calibrate it also fits the
// estimator's rates again (on every other file; the rest is the held-out check) and prints
// them as JSON for DEFAULT_ESTIMATOR_PARAMS.
//   npx tsx scripts/measure-tokenizer.ts [--calibrate]
// Corpus: files from node_modules (always there after `npm ci`: code, READMEs, TypeScript's
// translated messages) plus system sources when present (Python stdlib, C headers, Go and
// Rust sources, licences, man pages in German, Japanese, Russian, Chinese, Korean).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPrompt } from '../src/core/prompt';
import {
  ACCENTED_SHARE, BASE62, DEFAULT_ESTIMATOR_PARAMS, LLAMA2_RATIO, PRETOKEN_PATTERN, accentedShare, estimateMargin, estimateTokens,
  lengthBucket, makeEstimator, scriptOf, type EstimatorParams,
} from '../src/core/tokenCount';
import { loadExactTokenizer } from '../test/support/exactTokenizer';

interface Sample { category: string; name: string; text: string }

const NM = path.join(__dirname, '..', 'node_modules');
const MAX_CHARS = 12_000;
const CATEGORY_WEIGHT: Record<string, number> = { 'js': 2, 'ts': 2, 'py': 2, 'c/go/rs': 2, 'md': 2, 'prose-en': 1 };

function walk(dir: string, keep: (file: string) => boolean, out: string[] = [], depth = 0): string[] {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 12) walk(p, keep, out, depth + 1);
    else if (e.isFile() && keep(p)) out.push(p);
  }
  return out;
}

/** Evenly spread pick of n items, deterministic. */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

function cap(text: string): string {
  if (text.length <= MAX_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_CHARS);
  return text.slice(0, cut > 0 ? cut : MAX_CHARS);
}

/** Not minified or generated: real files people select. */
function readable(text: string): boolean {
  return text.length > 400 && text.split('\n').every((line) => line.length < 400);
}

function collectCorpus(): Sample[] {
  const samples: Sample[] = [];
  const add = (category: string, files: string[], n: number, read = (f: string) => fs.readFileSync(f, 'utf8')) => {
    const ok = files.filter((f) => { try { return readable(read(f)); } catch { return false; } });
    for (const f of spread(ok, n)) samples.push({ category, name: f, text: cap(read(f)) });
  };
  const nm = walk(NM, (p) => /\.(js|ts|md|py)$/.test(p) && !p.endsWith('.min.js'));
  add('js', nm.filter((p) => p.endsWith('.js') && !/\/(dist|bundle)\//.test(p) && !p.includes('bundle')), 40);
  add('ts', nm.filter((p) => p.endsWith('.ts')), 40);
  add('py', [...walk('/usr/lib/python3.11', (p) => p.endsWith('.py')).slice(0, 2000), ...nm.filter((p) => p.endsWith('.py'))], 30);
  add('c/go/rs', [
    ...walk('/usr/include', (p) => p.endsWith('.h')).slice(0, 1000),
    ...walk('/usr/share/doc/git', (p) => p.endsWith('.go')),
    ...walk('/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/src', (p) => p.endsWith('.rs')).slice(0, 2000),
  ], 30);
  add('md', nm.filter((p) => /readme\.md$/i.test(p)), 40);
  add('prose-en', [...walk('/usr/share/common-licenses', () => true), path.join(NM, 'typescript/ThirdPartyNoticeText.txt')], 11);
  const man = (f: string) => execFileSync('zcat', [f], { encoding: 'utf8' }).split('\n')
    .filter((l) => !l.startsWith('.') && !l.startsWith("'")).map((l) => l.replace(/\\f[BIRP]/g, '').replace(/\\-/g, '-')).join('\n');
  const manDirs: Record<string, string> = { de: 'de', ja: 'ja', ru: 'ru', 'zh-cn': 'zh_CN', ko: 'ko' };
  for (const [lang, manDir] of Object.entries(manDirs)) {
    const messages = Object.values(JSON.parse(fs.readFileSync(path.join(NM, `typescript/lib/${lang}/diagnosticMessages.generated.json`), 'utf8')) as Record<string, string>).join('\n');
    for (let i = 0; i * 30_000 < messages.length && i < 4; i++) samples.push({ category: lang, name: `typescript diagnostics ${lang} #${i}`, text: cap(messages.slice(i * 30_000)) });
    add(lang, walk(`/usr/share/man/${manDir}`, (p) => p.endsWith('.gz')), 8, man);
  }
  return samples;
}

// ---- measuring -------------------------------------------------------------------------

type Counter = (text: string) => number;

function errorsByCategory(samples: Sample[], exact: number[], estimate: Counter): string[] {
  const rows = new Map<string, { est: number; exact: number; under: number; over: number; files: number }>();
  let est = 0;
  let all = 0;
  samples.forEach((s, i) => {
    const e = estimate(s.text);
    const row = rows.get(s.category) ?? { est: 0, exact: 0, under: Infinity, over: -Infinity, files: 0 };
    row.est += e; row.exact += exact[i]; row.files++;
    row.under = Math.min(row.under, e / exact[i] - 1);
    row.over = Math.max(row.over, e / exact[i] - 1);
    rows.set(s.category, row);
    est += e; all += exact[i];
  });
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
  const lines = [...rows].map(([c, r]) =>
    `  ${c.padEnd(9)} ${String(r.files).padStart(3)} files ${String(r.exact).padStart(7)} tokens  total ${pct(r.est / r.exact - 1).padStart(8)}  ` +
    `files from ${pct(r.under).padStart(8)} to ${pct(r.over).padStart(8)}`);
  lines.push(`  ${'ALL'.padEnd(9)} ${String(samples.length).padStart(3)} files ${String(all).padStart(7)} tokens  total ${pct(est / all - 1).padStart(8)}`);
  return lines;
}

/** Peak RSS in MB of a fresh Node process running `code` (as an ES module). */
function freshPeakRss(code: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `${code}; process.stdout.write(String(process.resourceUsage().maxRSS))`], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8',
  });
  return Math.round(Number(out) / 1024);
}

function timeIt(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function main(): Promise<void> {
  const calibrate = process.argv.includes('--calibrate');
  const samples = collectCorpus();
  const chars = samples.reduce((n, s) => n + s.text.length, 0);
  console.log(`corpus: ${samples.length} files, ${(chars / 1e6).toFixed(2)} M chars, categories ${[...new Set(samples.map((s) => s.category))].join(' ')}`);

  const heapBefore = process.memoryUsage().heapUsed;
  const e0 = performance.now();
  const estimator = makeEstimator(DEFAULT_ESTIMATOR_PARAMS);
  const estimatorSetupMs = performance.now() - e0;
  const estimatorHeap = process.memoryUsage().heapUsed - heapBefore;

  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const exactCount = await loadExactTokenizer();
  const loadMs = performance.now() - t0;
  const rssAfter = process.memoryUsage().rss;
  const t1 = performance.now();
  const exact = samples.map((s) => exactCount(s.text));
  const exactMs = performance.now() - t1;
  const totalTokens = exact.reduce((a, b) => a + b, 0);
  const estMs = timeIt(() => samples.forEach((s) => estimator(s.text)), 5);

  const rate = (ms: number) => `${Math.round(totalTokens / (ms / 1000)).toLocaleString('en')} tokens/s (${(chars / 1e6 / (ms / 1000)).toFixed(1)} MB/s)`;
  console.log(`exact tokenizer (llama3-tokenizer-js): load ${loadMs.toFixed(0)} ms, rss +${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB, ${rate(exactMs)}`);
  console.log(`estimator: set-up ${estimatorSetupMs.toFixed(2)} ms, heap +${Math.max(0, estimatorHeap / 1024).toFixed(0)} KB, ${rate(estMs)}`);
  console.log(`peak rss of this process (corpus, both counters): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; ` +
    `of a bare Node process: ${freshPeakRss('')} MB, one that loads the exact tokenizer: ${freshPeakRss("await import('llama3-tokenizer-js')")} MB`);
  console.log('estimator error vs exact (Llama 3), per category: total, and the range over single files:');
  for (const line of errorsByCategory(samples, exact, (t) => estimateTokens(t))) console.log(line);
  console.log(`Llama 2: Llama 3 estimate × ${LLAMA2_RATIO} (ratio measured once with llama-tokenizer-js; see tokenCount.ts), fitted with a ${estimateMargin('llama2') * 100} % margin`);

  if (calibrate) {
    const { default: tokenizer } = await import('llama3-tokenizer-js');
    const train = samples.filter((_, i) => i % 2 === 0);
    const params = fitParams(train, (piece) => tokenizer.encode(piece, { bos: false, eos: false }).map((id) => tokenizer.vocabById[id].length));
    console.log('calibrated on the even half; error of the new rates:');
    const test = samples.map((s, i) => ({ s, i })).filter(({ i }) => i % 2 === 1);
    for (const line of errorsByCategory(test.map((x) => x.s), test.map((x) => exact[x.i]), makeEstimator(params))) console.log(`  held-out ${line.trim()}`);
    console.log(JSON.stringify(params));
  }

  // A ~100K-token attachment (about 400 KB of source) fitted into an 8K window.
  const code = samples.filter((s) => s.category === 'js' || s.category === 'ts');
  let big = '';
  for (let i = 0, tokens = 0; tokens < 100_000; i++) {
    big += `${code[i % code.length].text}\n`;
    tokens += estimateTokens(code[i % code.length].text);
  }
  const input = { family: 'llama3' as const, contextWindow: 8192, maxGenLen: 512, task: { kind: 'explain' as const }, attachment: { fileName: 'big.ts', languageId: 'typescript', text: big } };
  const cold = timeIt(() => buildPrompt(input), 1);
  const warm = timeIt(() => buildPrompt(input), 7);
  const built = buildPrompt(input);
  console.log(`buildPrompt, ${(big.length / 1000).toFixed(0)} KB attachment (${exactCount(big).toLocaleString('en')} tokens) into an 8K window (max_gen_len 512): ` +
    `${cold.toFixed(1)} ms first call, ${warm.toFixed(1)} ms median; prompt ${exactCount(built.prompt)} tokens exact (estimate ${built.promptTokens}, ` +
    `limit ${((8192 - 512) / (1 + estimateMargin('llama3'))).toFixed(0)} with the margin), ~${built.cuts.trimmedAttachmentTokens.toLocaleString('en')} tokens trimmed`);
  const exactInput = { ...input, countTokens: exactCount };
  const exactBuilt = timeIt(() => buildPrompt(exactInput), 3);
  console.log(`  the same with the exact tokenizer as counter: ${exactBuilt.toFixed(1)} ms median; prompt ${exactCount(buildPrompt(exactInput).prompt)} tokens exact`);
}

// ---- calibrating -----------------------------------------------------------------------

interface Acc { num: number; den: number }
const acc = (): Acc => ({ num: 0, den: 0 });
const ratio = (a: Acc, fallback: number) => (a.den > 0 ? a.num / a.den : fallback);
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Fits the estimator's rates in two stages: first what can be read off directly (where the
 * real tokenizer puts boundaries inside words, mean tokens per punctuation length…), then
 * the additive extras as the mean residual of the estimate on their pieces.
 */
function fitParams(train: Sample[], pieceLengths: (piece: string) => number[]): EstimatorParams {
  // Each category weighs as set here, whatever its size: code first, as the extension's users select code.
  const size = new Map<string, number>();
  for (const s of train) size.set(s.category, (size.get(s.category) ?? 0) + s.text.length / (CATEGORY_WEIGHT[s.category] ?? 0.5));
  // Pieces by text and by whether their text counts as accented (see ACCENTED_SHARE).
  const freq = new Map<string, { w: number; m: RegExpExecArray; accented: boolean }>();
  const mean = [...size.values()].reduce((x, y) => x + y, 0) / size.size;
  for (const s of train) {
    const w = mean / (size.get(s.category) ?? mean);
    const accented = accentedShare(s.text) >= ACCENTED_SHARE;
    for (const m of s.text.matchAll(PRETOKEN_PATTERN)) {
      const key = (accented ? '1' : '0') + m[0];
      const f = freq.get(key);
      if (f) f.w += w; else freq.set(key, { w, m, accented });
    }
  }
  const lengths = new Map<string, number[]>();
  const lensOf = (text: string) => lengths.get(text) ?? lengths.set(text, pieceLengths(text)).get(text) ?? [];
  const pieces = [...freq.values()].map(({ w, m, accented }) => ({ text: m[0], w, m, accented, lens: lensOf(m[0]) }));
  const base = DEFAULT_ESTIMATOR_PARAMS;

  // Stage 1a: ASCII words — boundary odds per letter pair, at humps, after a prefix.
  const isHump = (word: string, i: number) => {
    const a = word.charCodeAt(i); const b = word.charCodeAt(i + 1);
    return (a >= 97 && b < 97) || (a < 97 && b < 97 && i + 2 < word.length && word.charCodeAt(i + 2) >= 97);
  };
  const pairIndex = (a: number, b: number) => ((a | 0x20) - 97) * 26 + ((b | 0x20) - 97);
  const words = pieces.filter((p) => p.m[3] !== undefined && /^[A-Za-z]+$/.test(p.m[3]) && !/[^\x00-\x7f]/.test(p.m[2])).map((p) => {
    const bounds = new Set<number>();
    let o = 0;
    for (const l of p.lens) bounds.add((o += l));
    return { w: p.w, pre: p.m[2], word: p.m[3], accented: p.accented, hit: (i: number) => (bounds.has(p.m[2].length + i + 1) ? 1 : 0), atPrefix: bounds.has(1) ? 1 : 0 };
  });
  const pairs = Array.from({ length: 26 * 26 }, acc);
  const hump = acc();
  const prefix = new Map<string, Acc>();
  for (const { w, pre, word, hit, atPrefix } of words) {
    if (pre) {
      const a = prefix.get(pre) ?? acc();
      a.num += w * atPrefix; a.den += w;
      prefix.set(pre, a);
    }
    for (let i = 0; i + 1 < word.length; i++) {
      const a = word.charCodeAt(i); const b = word.charCodeAt(i + 1);
      if (isHump(word, i)) { hump.num += w * hit(i); hump.den += w; } else if (a >= 97 || b >= 97) { const c = pairs[pairIndex(a, b)]; c.num += w * hit(i); c.den += w; }
    }
  }
  const pairOdds = pairs.map((p) => (p.num + 0.3 * 0.5) / (p.den + 0.5));
  const byLength = Array.from({ length: 6 }, acc);
  const byLengthAccented = Array.from({ length: 6 }, acc);
  const caps = acc();
  for (const { w, word, hit, accented } of words) {
    for (let i = 0; i + 1 < word.length; i++) {
      if (isHump(word, i)) continue;
      const a = word.charCodeAt(i); const b = word.charCodeAt(i + 1);
      const odds = pairOdds[pairIndex(a, b)];
      const target = a < 97 && b < 97 ? caps : (accented ? byLengthAccented : byLength)[lengthBucket(word.length)];
      target.num += w * hit(i); target.den += w * odds;
    }
  }
  const prefixOdds: Record<string, number> = {};
  const rest = acc();
  for (const [ch, a] of [...prefix].sort((x, y) => y[1].den - x[1].den)) {
    if (Object.keys(prefixOdds).length < 20) prefixOdds[ch] = round(a.num / a.den);
    else { rest.num += a.num; rest.den += a.den; }
  }
  prefixOdds.default = round(ratio(rest, base.prefix.default));

  // Stage 1b: other scripts — least squares of tokens on run length.
  const linear = (script: string, fallback: [number, number]): [number, number] => {
    let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const p of pieces) {
      if (p.m[3] === undefined || p.m[3].charCodeAt(0) < 0x80 || scriptOf(p.m[3].codePointAt(0) ?? 0) !== script) continue;
      const x = p.m[3].length; const y = p.lens.length - (p.m[2] && p.m[2] !== ' ' ? 1 : 0); // a space merges into the word
      n += p.w; sx += p.w * x; sy += p.w * y; sxx += p.w * x * x; sxy += p.w * x * y;
    }
    if (n === 0) return fallback;
    const denom = n * sxx - sx * sx;
    if (Math.abs(denom) < 1e-12 * n * n) return [0, round(sy / sx)];
    const b = (n * sxy - sx * sy) / denom;
    return [round((sy - b * sx) / n), round(b)];
  };

  // Stage 1c: punctuation, symbols, line breaks.
  const punct = Array.from({ length: 6 }, acc); const long = { w: 0, t: 0, extra: 0 };
  const symbol = [acc(), acc()];
  const newlines = Array.from({ length: 4 }, acc);
  for (const p of pieces) {
    const t = p.lens.length;
    if (p.m[5] !== undefined) {
      const core = p.m[5];
      if (/^[\x21-\x7e]+$/.test(core) && !/(.)\1\1\1/.test(core)) {
        if (core.length <= 6) { punct[core.length - 1].num += p.w * t; punct[core.length - 1].den += p.w; } else { long.w += p.w; long.t += p.w * t; long.extra += p.w * (core.length - 6); }
      } else if ([...core].length === 1 && core.charCodeAt(0) >= 0x80) {
        const a = symbol[core.length - 1]; a.num += p.w * t; a.den += p.w;
      }
    } else if (p.m[6] !== undefined && /^(\r?\n)+$/.test(p.text)) {
      const a = newlines[Math.min(p.text.replace(/\r\n/g, '\n').length, 4) - 1]; a.num += p.w * t; a.den += p.w;
    }
  }
  const punctTable = punct.map((a, i) => round(ratio(a, base.punct[i])));
  const stage1: EstimatorParams = {
    pairs: pairOdds.map((x) => BASE62[Math.round(Math.min(1, x) * 61)]).join(''),
    lengthScale: byLength.map((a) => round(ratio(a, 1))),
    accentedScale: byLengthAccented.map((a, i) => round(ratio(a, ratio(byLength[i], 1)))),
    hump: round(ratio(hump, base.hump)),
    caps: round(ratio(caps, base.caps)),
    latinExt: 0,
    prefix: prefixOdds,
    scripts: {
      cyrillic: linear('cyrillic', base.scripts.cyrillic),
      cjk: linear('cjk', base.scripts.cjk),
      greek: linear('greek', base.scripts.greek),
      hangul: linear('hangul', base.scripts.hangul),
      other: linear('other', base.scripts.other),
    },
    punct: punctTable,
    punctPerChar: long.extra > 0 ? round((long.t - punctTable[5] * long.w) / long.extra) : base.punctPerChar,
    punctSpace: 0,
    punctNewline: 0,
    symbol: [round(ratio(symbol[0], base.symbol[0])), round(ratio(symbol[1], base.symbol[1]))],
    newlines: newlines.map((a, i) => round(ratio(a, base.newlines[i]))),
    newlineIndent: 0,
  };

  // Stage 2: additive extras from the residuals of the stage-1 estimate.
  const estimate = makeEstimator(stage1);
  const residual = (keep: (p: (typeof pieces)[number]) => number) => {
    const a = acc();
    for (const p of pieces) {
      const units = keep(p);
      if (units > 0) { a.num += p.w * (p.lens.length - estimate(p.text)); a.den += p.w * units; }
    }
    return a;
  };
  const latinPairs = (word: string) => {
    let n = 0;
    for (let i = 0; i + 1 < word.length; i++) if (word.charCodeAt(i) >= 0x80 || word.charCodeAt(i + 1) >= 0x80) n++;
    return n;
  };
  const asciiPunct = (s: string) => /^[\x21-\x7e]+$/.test(s) && !/(.)\1\1\1/.test(s);
  return {
    ...stage1,
    latinExt: round(ratio(residual((p) => (p.m[3] !== undefined && p.m[3].charCodeAt(0) < 0x250 && /[^\x00-\x7f]/.test(p.m[3]) ? latinPairs(p.m[3]) : 0)), base.latinExt)),
    punctSpace: round(ratio(residual((p) => (p.m[5] !== undefined && p.m[5].startsWith(' ') && asciiPunct(p.m[5].slice(1)) ? 1 : 0)), 0)),
    punctNewline: round(ratio(residual((p) => (p.m[5] !== undefined && /[\r\n]$/.test(p.m[5]) && asciiPunct(p.m[5].replace(/[\r\n]+$/, '')) ? 1 : 0)), 0)),
    newlineIndent: round(ratio(residual((p) => (p.m[6] !== undefined && /[\r\n]/.test(p.text) && /[ \t]/.test(p.text) ? 1 : 0)), 0)),
  };
}

void main();
