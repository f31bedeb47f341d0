// How a summary is written above code: the language's line comment, its block comment
// when it has no line comment, or a plain paragraph for prose.

export interface CommentStyle {
  /** e.g. `// `; a summary line is `${indent}${linePrefix}${text}`. */
  linePrefix: string;
  /** First and last lines around the block (block comments only). */
  open?: string;
  close?: string;
  /** Prose: a paragraph with a blank line after it. */
  paragraph?: boolean;
}

const PROSE = new Set(['plaintext', 'markdown', 'restructuredtext', 'asciidoc', 'latex', 'log', '']);

// Used when VS Code does not expose the language's comment configuration to extensions.
const LINE: Record<string, string> = {
  javascript: '//', javascriptreact: '//', typescript: '//', typescriptreact: '//', java: '//', c: '//',
  cpp: '//', csharp: '//', go: '//', rust: '//', swift: '//', kotlin: '//', scala: '//', dart: '//',
  php: '//', groovy: '//', fsharp: '//', jsonc: '//', less: '//', scss: '//', 'objective-c': '//', 'objective-cpp': '//', zig: '//', proto: '//', solidity: '//',
  python: '#', ruby: '#', shellscript: '#', perl: '#', r: '#', yaml: '#', toml: '#', dockerfile: '#',
  makefile: '#', powershell: '#', elixir: '#', coffeescript: '#', julia: '#', nim: '#', terraform: '#', cmake: '#', properties: '#', ini: ';',
  sql: '--', lua: '--', haskell: '--', elm: '--', ada: '--', vhdl: '--',
  clojure: ';;', lisp: ';;', scheme: ';;', erlang: '%', matlab: '%', tex: '%', bat: 'REM', vb: "'", fortran: '!',
};

const BLOCK: Record<string, [string, string]> = {
  css: ['/*', '*/'], html: ['<!--', '-->'], xml: ['<!--', '-->'], svg: ['<!--', '-->'], vue: ['<!--', '-->'],
  ocaml: ['(*', '*)'], json: ['/*', '*/'],
};

/** Every language id the tables above know (the safety test runs each of them). */
export const KNOWN_LANGUAGE_IDS: readonly string[] = [...Object.keys(LINE), ...Object.keys(BLOCK)];

/**
 * The comment style for a language. `configured` is what VS Code's language
 * configuration says, when the caller could read it; it wins over the table.
 */
export function commentStyleFor(
  languageId: string,
  configured?: { lineComment?: string; blockComment?: [string, string] },
): CommentStyle {
  if (PROSE.has(languageId)) return { linePrefix: '', paragraph: true };
  // A blank configured delimiter would leave the answer as live code: treat it as absent.
  const line = configured?.lineComment?.trim() || LINE[languageId];
  if (line) return { linePrefix: `${line} ` };
  const [open, close] = configured?.blockComment?.map((d) => d.trim()) ?? [];
  const block = open && close ? [open, close] : BLOCK[languageId];
  if (block) return { linePrefix: '', open: block[0], close: block[1] };
  return { linePrefix: '# ' };
}

/**
 * What the answer must not spell inside a comment of this style. The formatter breaks a match
 * up before its last character (a CSS closer becomes `* /`), or writes a look-alike for a
 * one-character one.
 */
export interface CommentHazards {
  /** Matches at the end of a line's text when its last character completes a hazard. */
  pattern?: RegExp;
  /** How many characters of the line `pattern` looks at. */
  reach: number;
  /** Characters that must not end a comment line: they would carry the comment onto the code below. */
  lineEnd: string;
}

export function commentHazards(style: CommentStyle): CommentHazards {
  if (style.paragraph) return { reach: 0, lineEnd: '' }; // prose is not a comment: nothing to escape from
  const delimiters = [style.open, style.close].map((d) => d?.trim() ?? '').filter(Boolean);
  // The closer would end the comment early; the opener would nest (OCaml, Haskell, Swift, Rust…)
  // so that the block's own closer no longer ends it. Neither can appear, whatever the language.
  const alternatives = delimiters.map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const open = style.open?.trim();
  // XML forbids `--` inside a comment, and HTML also ends one at `--!>`.
  if (open?.startsWith('<!--')) alternatives.push('--');
  // OCaml (and F#) lex string literals inside comments: a lone `"` is an error and `*)` inside a
  // string does not close; `{|` or `{id|` starts a quoted string the same way.
  if (open === '(*') alternatives.push('"', '\\{[a-z_%|]');
  const line = style.open ? '' : style.linePrefix.trim();
  // Java decodes \u escapes before it looks for comments: \u000a would end the comment, a malformed one fails to compile.
  if (line === '//') alternatives.push('\\\\u');
  return {
    pattern: alternatives.length ? new RegExp(`(?:${alternatives.join('|')})$`) : undefined,
    reach: Math.max(2, ...delimiters.map((d) => d.length)),
    // A line comment ending in a backslash continues onto the next line in C, C++ and Make; one
    // ending in a caret in cmd (REM, ::); one ending in ` _` in VBA.
    lineEnd: line ? `\\${/^(rem|::)$/i.test(line) ? '^' : ''}${/^('|rem)$/i.test(line) ? '_' : ''}` : '',
  };
}

/** The leading white space of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}
