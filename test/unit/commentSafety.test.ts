// Model output must never leave the comment block it streams into, nor pull the code after it
// into the comment. Every comment syntax the extension knows (and some configured ones) gets
// adversarial answers, streamed delta by delta and assembled as the editor does, followed by a
// line of code; the result is parsed back by small scanners written independently of the
// formatter (they share none of its code), one per kind of comment.
import assert from 'node:assert/strict';
import { KNOWN_LANGUAGE_IDS, commentStyleFor, type CommentStyle } from '../../src/core/editing/commentSyntax';
import { CommentStreamFormatter } from '../../src/core/editing/commentStream';

/** The selection's first line, right after the block: it must stay code, unchanged. */
const SENTINEL = 'sentinel_code(1);';

/** How a language reads inside a block comment, as far as these tests need. */
interface BlockRules {
  /** `open` inside the comment opens a nested one (OCaml, Haskell, Swift, Rust…). */
  nests?: boolean;
  /** OCaml lexes string and quoted-string literals inside comments: `*)` in one does not close. */
  ocamlStrings?: boolean;
  /** XML forbids `--` inside a comment; HTML also ends one at `--!>`. */
  noDoubleDash?: boolean;
}

/** How a language reads a line comment. */
interface LineRules {
  /** Characters that, ending a comment line, carry the comment onto the next line. */
  continuation: string;
  /** Java decodes `\uXXXX` before it looks for comments (`\u000a` ends one, a bad escape is an error). */
  javaEscapes?: boolean;
}

interface Case {
  name: string;
  style: CommentStyle;
  block?: BlockRules;
  line?: LineRules;
}

// The scanner's knowledge of the built-in languages. Block languages missing here are scanned as
// nesting (the stricter reading); line comments as ending in a backslash that continues them, as in
// C, C++ and Make.
const BLOCK_RULES: Record<string, BlockRules> = {
  css: {}, json: {}, ocaml: { nests: true, ocamlStrings: true },
  html: { noDoubleDash: true }, xml: { noDoubleDash: true }, svg: { noDoubleDash: true }, vue: { noDoubleDash: true },
};
const LINE_RULES: Record<string, LineRules> = {
  java: { continuation: '\\', javaEscapes: true },
  bat: { continuation: '\\^' }, // cmd: a caret ending a REM line continues it
  vb: { continuation: '\\_' }, // VBA: ` _` ending a comment line continues it
};

const CONFIGURED: { name: string; comments: { lineComment?: string; blockComment?: [string, string] }; block?: BlockRules; line?: LineRules }[] = [
  { name: 'configured Haskell {- -}', comments: { blockComment: ['{-', '-}'] }, block: { nests: true } },
  { name: 'configured Lua --[[ ]]', comments: { blockComment: ['--[[', ']]'] }, block: {} },
  { name: 'configured Pascal (* *)', comments: { blockComment: ['(*', '*)'] }, block: { nests: true } },
  { name: 'configured made-up <# #>', comments: { blockComment: ['<#', '#>'] }, block: { nests: true } },
  { name: 'configured Pascal { }', comments: { blockComment: ['{', '}'] }, block: {} },
  { name: 'configured Smalltalk " "', comments: { blockComment: ['"', '"'] }, block: {} },
  { name: 'configured padded HTML', comments: { blockComment: ['<!-- ', ' -->'] }, block: { noDoubleDash: true } },
  { name: 'configured line comment ::', comments: { lineComment: '::' }, line: { continuation: '\\^' } },
];

const CASES: Case[] = [
  ...KNOWN_LANGUAGE_IDS.map((id): Case => {
    const style = commentStyleFor(id);
    return style.open
      ? { name: id, style, block: BLOCK_RULES[id] ?? { nests: true } }
      : { name: id, style, line: LINE_RULES[id] ?? { continuation: '\\' } };
  }),
  ...CONFIGURED.map((c): Case => ({ name: c.name, style: commentStyleFor('x-unknown', c.comments), block: c.block, line: c.line })),
];

/** Answers that try to get out of any comment. */
const ANSWERS = [
  'Ends early */ body { display: none } /* and reopens /*/ */*/',
  'HTML --> <script>alert(1)</script> <!-- again --!> and --- dashes ---> end -',
  'OCaml (* nested (* deeper *) *) closes *) opens (* and (*) twice',
  'Haskell {- nested {- pragma {-# -} -} closes -} end {-}',
  'Lua ]] os.exit() --[[ again ]] and ]]] end [[ --[==[ ]==]',
  'Made up <# inner #> closes #> opens <# end <#>',
  'Quotes " unbalanced, "balanced", {| quoted |}, {id|x|id}, {%ext|y|} and \'"\' chars "',
  'Braces { open and } close, ( star *, star * ) end',
  'Lone\rCR, CRLF\r\nLF\nLS\u2028PS\u2029NEL\u0085and \r\r\n\n blank lines',
  'Backslash at the end \\\nC:\\temp\\\nJava \\u000a System.exit(0); \\user \\\\u000d \\\\\\u002a/ end \\',
  'Caret at the end ^\nunderscore at the end _\nline ends with a backslash \\',
  'Ends in a caret ^',
  'Ends in an underscore _',
  'Unterminated OCaml {id| quoted string',
  'Unterminated OCaml {| quoted string',
  '\n\n  Leading blank lines, trailing break\n',
];

/** Answers built from the style's own delimiters. */
function ownAnswers(style: CommentStyle): string[] {
  const marks = style.open && style.close ? [style.open.trim(), style.close.trim()] : [style.linePrefix.trim()];
  const out: string[] = [];
  for (const m of marks) {
    out.push(m, `${m}${m}`, `Only half of it ${m.slice(0, -1)}`, `${m} a ${m.slice(0, -1)}\r`);
  }
  const [open, close] = marks.length === 2 ? marks : [marks[0], marks[0]];
  out.push(`${close} ${SENTINEL} ${open} nested ${open} inner ${close} ${close} after`);
  return out;
}

/** Streams `deltas` the way the editor does: the opening with the answer inserted at `insertAt`,
 *  `flush()` at the end of every round (after the deltas in `roundEnds`) and of the stream, then the code line. */
function render(style: CommentStyle, indent: string, eol: string, deltas: string[], roundEnds = new Set<number>()): string {
  const f = new CommentStreamFormatter(style, indent, eol);
  const { text, insertAt } = f.opening();
  let doc = text;
  let at = insertAt;
  const insert = (piece: string) => {
    doc = doc.slice(0, at) + piece + doc.slice(at);
    at += piece.length;
  };
  deltas.forEach((d, i) => {
    insert(f.push(d));
    if (roundEnds.has(i)) insert(f.flush());
  });
  insert(f.flush());
  return doc + SENTINEL + eol;
}

// ---- The scanners: how the language itself would read the document. ----

const words = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
/** The visible characters, with full-width look-alikes read as what they stand for. */
const visible = (s: string) => s.replace(/[\s\u0085]+/g, '').replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** Skips an OCaml literal that starts at `i` inside a comment; returns where it ends, or -1. */
function ocamlLiteral(doc: string, i: number): number {
  if (doc[i] === '"') {
    for (let j = i + 1; j < doc.length; j++) {
      if (doc[j] === '\\') j++;
      else if (doc[j] === '"') return j + 1;
    }
    assert.fail('an unterminated string literal in an OCaml comment');
  }
  const quoted = /\{(?:%%?[A-Za-z_][\w.]*\s*)?([a-z_]*)\|/y;
  quoted.lastIndex = i;
  const q = quoted.exec(doc);
  if (q) {
    const end = doc.indexOf(`|${q[1]}}`, quoted.lastIndex);
    if (end < 0) assert.fail('an unterminated quoted string in an OCaml comment');
    return end + q[1].length + 2;
  }
  const char = /'(?:[^\\'\n\r]|\\[\\'"ntbr ]|\\\d{3}|\\x[0-9a-fA-F]{2}|\r?\n)'/y;
  char.lastIndex = i;
  return char.exec(doc) ? char.lastIndex : -1;
}

/** Reads the block comment that starts the document; returns its inner text and what follows it. */
function scanBlock(doc: string, indent: string, open: string, close: string, rules: BlockRules): { body: string; rest: string } {
  assert.ok(doc.startsWith(indent + open), 'the block starts with its opener');
  const start = indent.length + open.length;
  let i = start;
  let depth = 1;
  while (depth > 0) {
    if (i >= doc.length) assert.fail('the comment never closes: the code after it is commented out');
    if (rules.noDoubleDash && doc.startsWith('--', i) && !doc.startsWith(close, i)) assert.fail(`"--" inside an XML comment at ${i}`);
    const literalEnd = rules.ocamlStrings ? ocamlLiteral(doc, i) : -1;
    if (literalEnd >= 0) i = literalEnd;
    else if (doc.startsWith(close, i)) { depth--; i += close.length; }
    else if (rules.nests && doc.startsWith(open, i)) { depth++; i += open.length; }
    else i++;
  }
  return { body: doc.slice(start, i - close.length), rest: doc.slice(i) };
}

/** Java's first step: `\uXXXX` escapes (a backslash preceded by an even number of backslashes) become characters. */
function javaUnicodeEscapes(text: string): string {
  return text.replace(/(\\+)(u+)([\s\S]{0,4})/g, (all, slashes: string, _u: string, hex: string) => {
    if (slashes.length % 2 === 0) return all;
    assert.match(hex, /^[0-9a-fA-F]{4}$/, `an illegal unicode escape ${JSON.stringify(all)} (a compile error even in a comment)`);
    return slashes.slice(1) + String.fromCharCode(parseInt(hex, 16));
  });
}

/** Reads the line comments that start the document; returns their text and the line after them. */
function scanLines(doc: string, indent: string, marker: string, rules: LineRules): { body: string; rest: string } {
  const text = rules.javaEscapes ? javaUnicodeEscapes(doc) : doc;
  // Every line terminator some language or VS Code honours.
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/);
  const block = lines.slice(0, -2);
  assert.ok(block.length > 0, 'the block has a line');
  block.forEach((line, n) => assert.ok(line.startsWith(indent + marker), `line ${n + 1} of the block is not a comment: ${JSON.stringify(line)}`));
  const last = block[block.length - 1];
  assert.ok(!rules.continuation.includes(last[last.length - 1]), 'the last comment line continues onto the code line');
  return { body: block.map((l) => l.slice(indent.length + marker.length)).join('\n'), rest: lines.slice(-2).join('\n') };
}

function check(c: Case, answer: string, doc: string, indent: string, eol: string): void {
  // Only the document's own line break: a stray \r or U+2028 would start an uncommented line somewhere.
  assert.doesNotMatch(doc.split(eol).join(''), /[\r\n\u2028\u2029\u0085]/, 'a line break that is not the document\'s');
  if (c.block) {
    const open = c.style.open!.trim();
    const close = c.style.close!.trim();
    const { body, rest } = scanBlock(doc, indent, open, close, c.block);
    // (a) one comment, ending at its own closing line; (b) the code line after it is code, unchanged.
    const [before, after] = c.style.close!.split(close);
    assert.ok(body.endsWith(`${eol}${indent}${before}`), 'the comment ends at its own closing line');
    assert.equal(rest, `${after}${eol}${SENTINEL}${eol}`, 'the code line after the block is outside the comment and unchanged');
    for (const line of body.split(eol).slice(1)) assert.ok(!line || line.startsWith(indent), `an answer line lost its indentation: ${JSON.stringify(line)}`);
    // (c) every word of the answer, in order, and no character dropped.
    assert.deepEqual(words(body), words(answer), 'the answer\'s words, in order');
    assert.equal(visible(body), visible(answer), 'every character of the answer, up to spaces and look-alikes');
  } else {
    const { body, rest } = scanLines(doc, indent, c.style.linePrefix.trim(), c.line!);
    assert.equal(rest, `${SENTINEL}\n`, 'the code line after the block is outside the comment and unchanged');
    assert.deepEqual(words(body), words(answer), 'the answer\'s words, in order');
    assert.equal(visible(body), visible(answer), 'every character of the answer, up to spaces and look-alikes');
  }
}

/** The ways a stream can cut an answer: whole, one character at a time, and two deltas at every boundary, with and without a round ending there. */
function* splits(answer: string): Generator<{ label: string; deltas: string[]; roundEnds?: Set<number> }> {
  yield { label: 'whole', deltas: [answer] };
  yield { label: 'one character per delta', deltas: [...answer] };
  for (let i = 1; i < answer.length; i++) {
    const deltas = [answer.slice(0, i), answer.slice(i)];
    yield { label: `split at ${i}`, deltas };
    yield { label: `split at ${i}, a round ends there`, deltas, roundEnds: new Set([0]) };
  }
}

describe('comment safety: the answer stays inside one comment', () => {
  it('covers every built-in language', () => {
    assert.ok(KNOWN_LANGUAGE_IDS.length > 50);
    assert.ok(KNOWN_LANGUAGE_IDS.includes('css') && KNOWN_LANGUAGE_IDS.includes('ocaml') && KNOWN_LANGUAGE_IDS.includes('typescript'));
  });

  for (const c of CASES) {
    it(c.name, () => {
      // The first failure of each answer, so one run shows everything that escapes.
      const failures: string[] = [];
      for (const answer of [...ANSWERS, ...ownAnswers(c.style)]) {
        try {
          for (const { label, deltas, roundEnds } of splits(answer)) {
            for (const [indent, eol] of [['  ', '\n'], ['\t', '\r\n']] as const) {
              if (eol === '\r\n' && label.startsWith('split')) continue; // a CRLF document once per answer shape is enough
              const doc = render(c.style, indent, eol, deltas, roundEnds);
              try {
                check(c, answer, doc, indent, eol);
              } catch (err) {
                throw new Error(`${(err as Error).message.split('\n')[0]}\n    answer ${JSON.stringify(answer)} (${label}, eol ${JSON.stringify(eol)})\n    document ${JSON.stringify(doc)}`);
              }
            }
          }
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      if (failures.length) assert.fail(`${failures.length} answer(s) escape:\n${failures.join('\n')}`);
    });
  }

  it('writes the same document however the answer is split, when no round ends in between', () => {
    for (const c of CASES) {
      for (const answer of [...ANSWERS, ...ownAnswers(c.style)]) {
        const whole = render(c.style, '', '\n', [answer]);
        for (const { label, deltas, roundEnds } of splits(answer)) {
          if (roundEnds) continue;
          assert.equal(render(c.style, '', '\n', deltas), whole, `${c.name}: ${JSON.stringify(answer)} ${label}`);
        }
      }
    }
  });
});
