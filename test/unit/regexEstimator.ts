// The estimator as it was before the pre-tokenizer became a char-code scanner (src/core/pretokenize.ts):
// a frozen copy, splitting with the regex and reading each piece as a substring, for the tests to
// check that the scanner changed no count. Helpers that did not change are imported.
import {
  ACCENTED_SHARE, BASE62, LLAMA2_RATIO, PRETOKEN_PATTERN, accentedShare, lengthBucket, scriptOf, type EstimatorParams,
} from '../../src/core/tokenCount';
import type { ModelFamily } from '../../src/core/types';

const SPECIAL_TOKEN = /<\|[A-Za-z0-9_]+\|>/g;

/** The estimator as it was, splitting with `text.matchAll(PRETOKEN_PATTERN)` (unrounded, like `tokenEstimate`). */
export function makeRegexEstimator(params: EstimatorParams): (text: string, family?: ModelFamily) => number {
  const pairs = decodePairs(params.pairs);
  return (text, family = 'llama3') => {
    const scale = accentedShare(text) >= ACCENTED_SHARE ? params.accentedScale : params.lengthScale;
    let sum = 0;
    let last = 0;
    for (const m of text.matchAll(SPECIAL_TOKEN)) {
      sum += pieceTokens(text.slice(last, m.index), params, pairs, scale) + 1;
      last = m.index + m[0].length;
    }
    sum += pieceTokens(last === 0 ? text : text.slice(last), params, pairs, scale);
    return family === 'llama2' ? sum * LLAMA2_RATIO : sum;
  };
}

function pieceTokens(text: string, p: EstimatorParams, pairs: Float64Array, scale: number[]): number {
  let sum = 0;
  for (const m of text.matchAll(PRETOKEN_PATTERN)) {
    if (m[1] !== undefined) sum += 1;
    else if (m[3] !== undefined) sum += wordTokens(m[2], m[3], p, pairs, scale);
    else if (m[4] !== undefined) sum += isAsciiDigits(m[4]) ? 1 : m[4].length;
    else if (m[5] !== undefined) sum += punctTokens(m[5], p);
    else sum += spaceTokens(m[6], p);
  }
  return sum;
}

/** Decodes the pair table (26×26 base-62 digits) into odds. */
function decodePairs(encoded: string): Float64Array {
  const table = new Float64Array(26 * 26).fill(0.3);
  for (let i = 0; i < encoded.length && i < table.length; i++) table[i] = BASE62.indexOf(encoded[i]) / 61;
  return table;
}

function wordTokens(prefix: string, word: string, p: EstimatorParams, pairs: Float64Array, lengthScale: number[]): number {
  // Other scripts: a linear rate on the dominant script of the run.
  const first = word.charCodeAt(0);
  if (first >= 0x80) {
    const script = scriptOf(word.codePointAt(0) ?? first);
    if (script !== 'latin') {
      const [perWord, perChar] = p.scripts[script];
      return perWord + perChar * word.length + prefixTokens(prefix, p);
    }
  }
  let tokens = 1 + prefixTokens(prefix, p);
  const scale = lengthScale[lengthBucket(word.length)];
  for (let i = 0; i + 1 < word.length; i++) {
    const a = word.charCodeAt(i);
    const b = word.charCodeAt(i + 1);
    const la = a | 0x20;
    const lb = b | 0x20;
    if (a >= 0x80 || b >= 0x80 || la < 97 || la > 122 || lb < 97 || lb > 122) {
      // A non-ASCII letter (or one of another script mixed in).
      tokens += p.latinExt;
      continue;
    }
    const upperA = a < 97;
    const upperB = b < 97;
    const nextLower = i + 2 < word.length && word.charCodeAt(i + 2) >= 97;
    if ((!upperA && upperB) || (upperA && upperB && nextLower)) tokens += p.hump;
    else tokens += Math.min(1, pairs[(la - 97) * 26 + (lb - 97)] * scale * (upperA && upperB ? p.caps : 1));
  }
  return tokens;
}

function prefixTokens(prefix: string, p: EstimatorParams): number {
  if (!prefix) return 0;
  if (prefix.charCodeAt(0) >= 0x80) return p.symbol[0];
  return p.prefix[prefix] ?? p.prefix.default;
}

function isAsciiDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function punctTokens(piece: string, p: EstimatorParams): number {
  let tokens = 0;
  let start = 0;
  let end = piece.length;
  if (piece.charCodeAt(0) === 32) {
    tokens += p.punctSpace;
    start = 1;
  }
  while (end > start && (piece.charCodeAt(end - 1) === 10 || piece.charCodeAt(end - 1) === 13)) end--;
  if (end < piece.length) tokens += p.punctNewline;
  let ascii = 0;
  for (let i = start; i < end; ) {
    const c = piece.charCodeAt(i);
    let run = 1;
    while (i + run < end && piece.charCodeAt(i + run) === c) run++;
    if (c >= 0x80) {
      // Emoji and other astral symbols are two UTF-16 units and cost more.
      const astral = c >= 0xd800 && c < 0xdc00;
      tokens += (astral ? p.symbol[1] / 2 : p.symbol[0]) * run;
    } else if (run >= 4) {
      // Rulers like `//------` or `=====`: the vocabulary has long runs of these.
      tokens += Math.ceil(run / (RULER_CHARS.includes(c) ? 32 : 4));
    } else {
      ascii += run;
    }
    i += run;
  }
  if (ascii > 0) tokens += ascii <= 6 ? p.punct[ascii - 1] : p.punct[5] + (ascii - 6) * p.punctPerChar;
  return tokens;
}

const RULER_CHARS = [...'-=*#/_.~+'].map((c) => c.charCodeAt(0));

function spaceTokens(piece: string, p: EstimatorParams): number {
  let breaks = 0;
  let tabs = 0;
  for (let i = 0; i < piece.length; i++) {
    const c = piece.charCodeAt(i);
    if (c === 10) breaks++;
    else if (c === 13 && piece.charCodeAt(i + 1) !== 10) breaks++;
    else if (c === 9) tabs++;
  }
  if (breaks === 0) return tabs > 0 ? Math.ceil(tabs / 8) + (tabs < piece.length ? 1 : 0) : Math.ceil(piece.length / 128);
  const indent = piece.length - breaks > 0 ? p.newlineIndent : 0;
  return p.newlines[Math.min(breaks, 4) - 1] + indent + Math.ceil(tabs / 8);
}
