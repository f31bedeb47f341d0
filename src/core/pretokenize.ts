// Llama 3's pre-tokenizer (PRETOKEN_PATTERN in tokenCount.ts) as a char-code scanner: the same
// pieces as `text.matchAll(PRETOKEN_PATTERN)`, without a match array, substrings or an iterator per
// piece, which made the regex most of the estimator's time. The pattern's alternatives, tried in
// this order at each position (the first that matches wins, even over a longer later one):
//   1 '(?:[sStTmMdD]|[rR][eE]|[vV][eE]|[lL][lL])   contraction
//   2 [^\r\n\p{L}\p{N}]?\p{L}+                   letters, with one glued character before them
//   4 \p{N}{1,3}                                  digits, three at most
//   5  ?[^\s\p{L}\p{N}]+[\r\n]*                   symbols, with a space before and line breaks after
//   6 \s*[\r\n]+|\s+(?!\S)|\s+                    whitespace
// Every code point starts one of them, so the pieces cover the text without gaps.

/** Classes of code points, as the pattern's `\p{L}`, `\p{N}`, `\s` and `[\r\n]` see them. */
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3; // \s other than \r and \n
const BREAK = 4; // \r or \n
const OTHER = 5;

/** Kinds of pieces, by the alternative of PRETOKEN_PATTERN they match (its group numbers). */
export const PIECE_KINDS = { CONTRACTION: 1, WORD: 3, DIGITS: 4, SYMBOLS: 5, WHITESPACE: 6 } as const;
const { CONTRACTION, WORD, DIGITS, SYMBOLS, WHITESPACE } = PIECE_KINDS;

const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = /^\s$/u;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (IS_LETTER.test(ch)) return LETTER;
  if (IS_NUMBER.test(ch)) return NUMBER;
  if (cp === 10 || cp === 13) return BREAK;
  return IS_SPACE.test(ch) ? SPACE : OTHER;
}

/** Classes of BMP code units, 0 until first seen: Unicode's tables are left to the regex engine. */
const bmpClass = new Uint8Array(0x10000);
const astralClass = new Map<number, number>();
for (let c = 0; c < 0x80; c++) bmpClass[c] = classify(c);

function classOfCodePoint(cp: number): number {
  if (cp < 0x10000) return bmpClass[cp] || (bmpClass[cp] = classify(cp));
  let cls = astralClass.get(cp);
  if (cls === undefined) astralClass.set(cp, (cls = classify(cp)));
  return cls;
}

/** Code point at i of text[..to): a surrogate pair only if both halves lie before `to` (as in a slice). */
function codePointAt(s: string, i: number, to: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= to) return c;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000 : c;
}

const width = (cp: number): number => (cp > 0xffff ? 2 : 1);

/** End of the run of code points of class `cls` starting at i (i itself if none). */
function runEnd(s: string, i: number, to: number, cls: number): number {
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (bmpClass[c] !== cls) break;
      i++;
    } else {
      const cp = codePointAt(s, i, to);
      if (classOfCodePoint(cp) !== cls) break;
      i += width(cp);
    }
  }
  return i;
}

/** Length of a contraction ('s, 'RE, 'll…) at the apostrophe at i, or 0. */
function contractionLength(s: string, i: number, to: number): number {
  if (i + 1 >= to) return 0;
  const a = s.charCodeAt(i + 1) | 0x20; // only ASCII letters fold onto the lowercase ones
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return 2; // s t m d
  if (i + 2 >= to) return 0;
  const b = s.charCodeAt(i + 2) | 0x20;
  return (a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c) ? 3 : 0; // re ve ll
}

/** End of the digits piece at i: up to three \p{N} code points. */
function digitsEnd(s: string, i: number, to: number): number {
  for (let n = 0; n < 3 && i < to; n++) {
    const cp = codePointAt(s, i, to);
    if (classOfCodePoint(cp) !== NUMBER) break;
    i += width(cp);
  }
  return i;
}

/** End of the whitespace piece at i (alternative 6; whitespace is all in the BMP). */
function whitespaceEnd(s: string, i: number, to: number): number {
  let end = i;
  let lastBreak = -1;
  while (end < to) {
    const cls = classOfCodePoint(s.charCodeAt(end));
    if (cls === BREAK) lastBreak = end;
    else if (cls !== SPACE) break;
    end++;
  }
  // \s*[\r\n]+ backtracks to the last line break of the run.
  if (lastBreak >= 0) return lastBreak + 1;
  // \s+(?!\S) leaves the run's last space to the word or symbol after it; a single space falls to \s+.
  return end === to || end - i === 1 ? end : end - 1;
}

/**
 * Walks text[from, to) piece by piece as `text.slice(from, to).matchAll(PRETOKEN_PATTERN)` does.
 * After each `next()`: `kind` (CONTRACTION…WHITESPACE), `start`, `end`, and for words `split`,
 * where the letters begin after the optional glued character.
 */
export class PretokenScanner {
  kind = 0;
  start = 0;
  split = 0;
  end: number;

  constructor(private readonly text: string, from: number, private readonly to: number) {
    this.end = from;
  }

  next(): boolean {
    const s = this.text;
    const to = this.to;
    const i = (this.start = this.end);
    if (i >= to) return false;
    const c = s.charCodeAt(i);
    if (c === 0x27) {
      const n = contractionLength(s, i, to);
      if (n > 0) return this.found(CONTRACTION, i + n);
    }
    const cp = codePointAt(s, i, to);
    const cls = classOfCodePoint(cp);
    if (cls === LETTER) return this.word(i);
    const after = i + width(cp);
    const next = after < to ? classOfCodePoint(codePointAt(s, after, to)) : 0;
    if (next === LETTER && (cls === SPACE || cls === OTHER)) return this.word(after);
    if (cls === NUMBER) return this.found(DIGITS, digitsEnd(s, i, to));
    if (cls === OTHER || (c === 0x20 && next === OTHER)) return this.found(SYMBOLS, breaksEnd(s, runEnd(s, c === 0x20 ? after : i, to, OTHER), to));
    return this.found(WHITESPACE, whitespaceEnd(s, i, to));
  }

  private word(split: number): boolean {
    this.split = split;
    return this.found(WORD, runEnd(this.text, split, this.to, LETTER));
  }

  private found(kind: number, end: number): boolean {
    this.kind = kind;
    this.end = end;
    return true;
  }
}

/** End of the [\r\n]* run at i. */
function breaksEnd(s: string, i: number, to: number): number {
  while (i < to && (s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13)) i++;
  return i;
}

/** The pieces of `text`, as `[...text.matchAll(PRETOKEN_PATTERN)].map((m) => m[0])`. */
export function pretokenize(text: string): string[] {
  const pieces: string[] = [];
  const scan = new PretokenScanner(text, 0, text.length);
  while (scan.next()) pieces.push(text.slice(scan.start, scan.end));
  return pieces;
}
