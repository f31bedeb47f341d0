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

/**
 * The comment style for a language. `configured` is what VS Code's language
 * configuration says, when the caller could read it; it wins over the table.
 */
export function commentStyleFor(
  languageId: string,
  configured?: { lineComment?: string; blockComment?: [string, string] },
): CommentStyle {
  if (PROSE.has(languageId)) return { linePrefix: '', paragraph: true };
  const line = configured?.lineComment ?? LINE[languageId];
  if (line) return { linePrefix: `${line} ` };
  const block = configured?.blockComment ?? BLOCK[languageId];
  if (block) return { linePrefix: '', open: block[0], close: block[1] };
  return { linePrefix: '# ' };
}

/** The leading white space of a line. */
export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}
