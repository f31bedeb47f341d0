// The summary comment Summarize Files… puts at the top of a file: in the file's comment syntax
// (commentSyntax.ts, as the inline summary), written by the same formatter (commentStream.ts,
// so whatever the model writes stays inside the comment), between two marker lines so that a
// later run finds its own block and replaces it instead of stacking a second one. It goes below
// what must stay first: a shebang, an encoding or magic comment, `<?php`, `<?xml …?>`, a
// doctype, `@charset`, Dockerfile parser directives, Markdown front matter.
// Pure: the file's text in, an edit (offsets into that text) out; the edge applies it to the
// document as it is at that moment.
import { CommentStreamFormatter } from '../editing/commentStream';
import { commentStyleFor, KNOWN_LANGUAGE_IDS, type CommentStyle } from '../editing/commentSyntax';

export const SUMMARY_BEGIN = 'llama-summary:begin';
export const SUMMARY_END = 'llama-summary:end';

/** The begin marker is looked for this far down (after the preamble, a licence header may come first). */
const SEARCH_LINES = 80;
/** A block longer than this is not one of ours. */
const MAX_BLOCK_LINES = 400;
/** Summary lines are wrapped at this width. */
export const WRAP_COLUMNS = 100;

// Languages where a comment would change the file's meaning or break it (JSON has no comments),
// or that have none at all: their files go in the Markdown report only.
const NO_COMMENTS = new Set(['plaintext', 'json', 'jsonl', 'log', 'csv', 'tsv', 'restructuredtext', 'asciidoc', 'latex', 'bibtex', 'diff', 'git-commit', 'git-rebase', '']);

/**
 * The comment style of a header in a file of this language, or undefined when it has no comment
 * syntax this can use. Markdown gets an HTML comment (invisible when rendered).
 */
export function headerStyleFor(languageId: string, configured?: { lineComment?: string; blockComment?: [string, string] }): CommentStyle | undefined {
  if (languageId === 'markdown') return { linePrefix: '', open: '<!--', close: '-->' };
  if (NO_COMMENTS.has(languageId)) return undefined;
  const told = Boolean(configured?.lineComment?.trim() || (configured?.blockComment?.[0]?.trim() && configured.blockComment[1]?.trim()));
  // commentStyleFor falls back on `#` for a language it does not know: fine above a selection the
  // user chose, not at the top of a file nobody looked at.
  if (!told && !KNOWN_LANGUAGE_IDS.includes(languageId)) return undefined;
  const style = commentStyleFor(languageId, configured);
  return style.paragraph ? undefined : style;
}

interface Line {
  start: number;
  /** Before the line break. */
  end: number;
  /** After the line break (the next line's start). */
  next: number;
}

function lineTable(text: string, maxLines = Infinity): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length && lines.length < maxLines) {
    const lf = text.indexOf('\n', start);
    const next = lf === -1 ? text.length : lf + 1;
    const end = lf === -1 ? text.length : lf > start && text[lf - 1] === '\r' ? lf - 1 : lf;
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

const MAGIC = /^[ \t\f]*#.*?coding[:=]|^#\s*(frozen_string_literal|encoding|warn_indent|shareable_constant_value)\s*:|-\*-.*-\*-|^\s*(\/\/|#|--|;|%)\s*vim?:/;

/**
 * How many lines at the top must stay above the header; undefined when there is no place a
 * comment can go (a PHP file that does not start in PHP mode would print it as text).
 */
export function preambleLines(lines: readonly string[], languageId: string): number | undefined {
  let i = 0;
  if (lines[0]?.startsWith('#!')) i = 1;
  const at = (n: number) => lines[n] ?? '';
  switch (languageId) {
    case 'php':
      return /^\s*<\?php\b/i.test(at(i)) ? i + 1 : undefined;
    case 'css': case 'scss': case 'less':
      return /^@charset\b/i.test(at(i)) ? i + 1 : i;
    case 'dockerfile':
      // Parser directives are read only before any other comment.
      while (/^#\s*(syntax|escape|check)\s*=/i.test(at(i))) i++;
      return i;
    case 'markdown':
      if (at(i) === '---') {
        for (let j = i + 1; j < Math.min(lines.length, i + 200); j++) if (at(j) === '---' || at(j) === '...') return j + 1;
      }
      return i;
    default:
      if (/^\s*<\?xml\b/.test(at(i))) i++;
      if (/^\s*<!doctype\b/i.test(at(i))) i++;
      // PEP 263 and Emacs/Vim lines are honoured on the first two lines only.
      while (i < 2 && MAGIC.test(at(i))) i++;
      return i;
  }
}

export interface FoundBlock {
  /** Offsets of the block's whole lines, its last line break included. */
  start: number;
  end: number;
}

export type BlockSearch = { found: FoundBlock } | { broken: string } | undefined;

/**
 * The extension's own summary block near the top, if there is one: the lines from the begin
 * marker to the end marker (with the block comment's opening and closing lines around them).
 * `broken` when a begin marker has no end marker, or lines between them are not comment lines:
 * such a block is left as it is, rather than guessed at.
 */
export function findSummaryBlock(text: string, style?: CommentStyle): BlockSearch {
  const lines = lineTable(text, SEARCH_LINES + MAX_BLOCK_LINES + 2);
  const textOf = (n: number) => (n >= 0 && n < lines.length ? text.slice(lines[n].start, lines[n].end) : undefined);
  let b = -1;
  for (let n = 0; n < Math.min(lines.length, SEARCH_LINES); n++) {
    if (textOf(n)!.includes(SUMMARY_BEGIN)) { b = n; break; }
  }
  if (b === -1) return undefined;
  let e = -1;
  for (let n = b + 1; n < Math.min(lines.length, b + MAX_BLOCK_LINES); n++) {
    if (textOf(n)!.includes(SUMMARY_END)) { e = n; break; }
  }
  if (e === -1) return { broken: `its summary comment (${SUMMARY_BEGIN}) has no ${SUMMARY_END} line: fix or remove it, then run again` };
  const linePrefix = style && !style.open ? style.linePrefix.trim() : '';
  for (let n = b; n <= e; n++) {
    const line = textOf(n)!;
    const notComment = linePrefix ? !line.trimStart().startsWith(linePrefix) : style?.close ? line.includes(style.close.trim()) : false;
    if (notComment) return { broken: `its summary comment (${SUMMARY_BEGIN}) has lines that are not part of the comment: fix or remove it, then run again` };
  }
  // Delimiter lines are guessed only when the style is unknown (report mode, nothing written):
  // with line comments the neighbours are the user's (a licence's ` */`, a docstring's `"""`).
  const isOpen = (line: string | undefined) => (style?.open ? line?.trim() === style.open.trim() : !style && delimiterOnly(line));
  const isClose = (line: string | undefined) => (style?.close ? line?.trim() === style.close.trim() : !style && delimiterOnly(line));
  const first = isOpen(textOf(b - 1)) ? b - 1 : b;
  const last = isClose(textOf(e + 1)) ? e + 1 : e;
  return { found: { start: lines[first].start, end: lines[last].next } };
}

/** A line of a block comment's delimiter alone (`/*`, `-->`), for when the style is not known. */
function delimiterOnly(line: string | undefined): boolean {
  const t = line?.trim() ?? '';
  return t.length > 0 && t.length <= 4 && !/[\p{L}\p{N}]/u.test(t);
}

/** The text without the extension's summary block (what is summarized, and compared before an edit). */
export function withoutSummaryBlock(text: string, style?: CommentStyle): string {
  const search = findSummaryBlock(text, style);
  if (!search || !('found' in search)) return text;
  const { start, end } = search.found;
  // The blank line the header was given below it goes too.
  const after = /^\r?\n/.exec(text.slice(end, end + 2));
  return text.slice(0, start) + text.slice(end + (start === 0 && after ? after[0].length : 0));
}

export interface HeaderEdit {
  /** Replace [start, end) of the text the edit was planned on with `text`. */
  start: number;
  end: number;
  text: string;
  /** An earlier summary block is replaced. */
  replaced: boolean;
}

export interface HeaderFormat {
  languageId: string;
  style: CommentStyle;
  eol: string;
}

/**
 * The edit that puts `summary` at the top of `text`, or replaces the block an earlier run left;
 * `skip` says why there is no place for it. `label` follows the begin marker (which model wrote it).
 */
export function planHeader(text: string, format: HeaderFormat, summary: string, label: string): HeaderEdit | { skip: string } {
  const block = formatHeader(format, summary, label);
  const existing = findSummaryBlock(text, format.style);
  if (existing && 'broken' in existing) return { skip: existing.broken };
  if (existing) return { ...existing.found, text: block, replaced: true };
  const lines = lineTable(text, 300);
  const keep = preambleLines(lines.map((l) => text.slice(l.start, l.end)), format.languageId);
  if (keep === undefined) return { skip: 'a PHP file that does not start with <?php: a comment at its top would be printed as text' };
  const at = keep < lines.length ? lines[keep].start : text.length;
  // After a last preamble line that has no line break, the header starts on a line of its own.
  const lead = at === text.length && text.length > 0 && !text.endsWith('\n') ? format.eol : '';
  // A blank line between the header and the code, unless there is one already (or nothing follows).
  const following = keep < lines.length ? text.slice(lines[keep].start, lines[keep].end) : undefined;
  const gap = following !== undefined && following.trim() !== '' ? format.eol : '';
  return { start: at, end: at, text: lead + block + gap, replaced: false };
}

/** The whole comment block, ending with its line break. */
export function formatHeader(format: Pick<HeaderFormat, 'style' | 'eol'>, summary: string, label: string): string {
  const formatter = new CommentStreamFormatter(format.style, '', format.eol);
  const opening = formatter.opening();
  const body = formatter.push(`${SUMMARY_BEGIN} ${neutralizeMarkers(label)}\n${cleanSummary(summary, format.style)}\n${SUMMARY_END}`) + formatter.flush();
  return opening.text.slice(0, opening.insertAt) + body + opening.text.slice(opening.insertAt);
}

/** The model's text made fit for the block: no marker of ours, no code fences or comment markers of its own, wrapped. */
export function cleanSummary(text: string, style?: CommentStyle): string {
  let lines = neutralizeMarkers(text).replace(/\r\n?/g, '\n').split('\n').filter((l) => !/^\s*```/.test(l));
  const prefix = style?.linePrefix.trim();
  for (const marker of [prefix, '//', '#', '*', '--'].filter((m): m is string => Boolean(m))) {
    const nonBlank = lines.filter((l) => l.trim() !== '');
    if (nonBlank.length > 0 && nonBlank.every((l) => l.trimStart().startsWith(marker))) {
      lines = lines.map((l) => l.trimStart().slice(marker.length).replace(/^ /, ''));
      break;
    }
  }
  return wrap(lines.join('\n').trim(), WRAP_COLUMNS);
}

function neutralizeMarkers(text: string): string {
  return text.replace(/llama-summary:(begin|end)/gi, 'llama-summary $1');
}

/** Breaks lines longer than `width` at the last space before it. */
export function wrap(text: string, width: number): string {
  const out: string[] = [];
  for (let line of text.split('\n')) {
    while (line.length > width) {
      const cut = line.lastIndexOf(' ', width);
      if (cut <= 0) break;
      out.push(line.slice(0, cut).trimEnd());
      line = line.slice(cut + 1);
    }
    out.push(line);
  }
  return out.join('\n');
}
