// Deterministic source files for the batch section: `count` small files of about `tokens`
// tokens each (Llama 3, by the extension's own estimator), half TypeScript modules and half
// Python ones, every file different (names, identifiers and constants drawn from a seeded
// generator), the same files every run.
import { estimateTokens } from '../../src/core/tokenCount';

export interface BatchFile {
  path: string;
  languageId: 'typescript' | 'python';
  text: string;
}

const NOUNS = ['order', 'invoice', 'customer', 'session', 'ledger', 'report', 'shipment', 'token', 'account', 'cache', 'queue', 'batch', 'record', 'profile', 'budget'];
const VERBS = ['load', 'save', 'merge', 'check', 'format', 'split', 'count', 'refresh', 'archive', 'price', 'render', 'resolve'];
const FIELDS = ['id', 'total', 'createdAt', 'owner', 'status', 'items', 'region', 'currency', 'retries', 'limit'];
const NOTES = [
  'Values outside the range are clamped, never rejected.',
  'The caller owns the returned array and may change it.',
  'Retries are bounded so a stuck backend cannot hold the queue.',
  'Amounts are kept in cents to avoid rounding drift.',
  'An empty input gives an empty result, not an error.',
  'Timestamps are epoch milliseconds in UTC.',
];

/** `count` files of about `tokens` tokens each, under `dir`; file i is the same in every run. */
export function batchFiles(count: number, tokens = 300, seed = 20260301, dir = ''): BatchFile[] {
  return Array.from({ length: count }, (_, i) => oneFile(i, tokens, mulberry32(seed + i * 7919), dir));
}

function oneFile(i: number, tokens: number, random: () => number, root: string): BatchFile {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const noun = pick(NOUNS);
  const python = i % 2 === 1;
  const dir = `${root}${python ? 'py' : 'ts'}`;
  const path = `${dir}/${noun}_${String(i).padStart(4, '0')}.${python ? 'py' : 'ts'}`;
  const parts: string[] = [python ? `"""Helpers for ${noun} records (module ${i}). ${pick(NOTES)}"""\n` : `// Helpers for ${noun} records (module ${i}). ${pick(NOTES)}\n`];
  // Functions (~60 tokens each) while one more brings the estimate closer to the target.
  for (let n = 0; ; n++) {
    const verb = pick(VERBS);
    const field = pick(FIELDS);
    const other = pick(FIELDS);
    const k = 1 + Math.floor(random() * 97);
    const name = `${verb}${cap(noun)}${cap(field)}${n}`;
    const fn = python
      ? `def ${snake(name)}(items, limit=${k}):\n    """${pick(NOTES)}"""\n    out = []\n    for item in items[:limit]:\n        if item.get("${field}") is not None:\n            out.append(item["${field}"] * ${k} + item.get("${other}", 0))\n    return out\n`
      : `export function ${name}(items: Array<Record<string, number>>, limit = ${k}): number[] {\n  // ${pick(NOTES)}\n  const out: number[] = [];\n  for (const item of items.slice(0, limit)) {\n    if (item.${field} !== undefined) out.push(item.${field} * ${k} + (item.${other} ?? 0));\n  }\n  return out;\n}\n`;
    const now = estimateTokens(parts.join('\n'));
    if (n > 0 && estimateTokens([...parts, fn].join('\n')) - tokens > tokens - now) break;
    parts.push(fn);
  }
  return { path, languageId: python ? 'python' : 'typescript', text: parts.join('\n') };
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
