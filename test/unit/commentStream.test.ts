import { strict as assert } from 'node:assert';
import { commentStyleFor, indentOf } from '../../src/core/editing/commentSyntax';
import { CommentStreamFormatter } from '../../src/core/editing/commentStream';

/** Builds the block the way the editor does: the opening, then each push inserted at the insertion point, then the flush. */
function render(languageId: string, indent: string, deltas: string[], configured?: { lineComment?: string; blockComment?: [string, string] }): string {
  const f = new CommentStreamFormatter(commentStyleFor(languageId, configured), indent, '\n');
  const { text, insertAt } = f.opening();
  let at = insertAt;
  let doc = text;
  for (const piece of [...deltas.map((d) => f.push(d)), f.flush()]) {
    doc = doc.slice(0, at) + piece + doc.slice(at);
    at += piece.length;
  }
  return doc;
}

describe('comment syntax', () => {
  it('uses the language configuration when given, else the table', () => {
    assert.equal(commentStyleFor('typescript').linePrefix, '// ');
    assert.equal(commentStyleFor('python').linePrefix, '# ');
    assert.equal(commentStyleFor('sql').linePrefix, '-- ');
    assert.equal(commentStyleFor('foo', { lineComment: ';' }).linePrefix, '; ');
    assert.deepEqual(commentStyleFor('css'), { linePrefix: '', open: '/*', close: '*/' });
    assert.equal(commentStyleFor('markdown').paragraph, true);
    assert.equal(commentStyleFor('plaintext').paragraph, true);
  });

  it('ignores blank configured delimiters and trims padded ones', () => {
    assert.equal(commentStyleFor('python', { lineComment: ' ' }).linePrefix, '# ');
    assert.deepEqual(commentStyleFor('css', { blockComment: ['', ''] }), { linePrefix: '', open: '/*', close: '*/' });
    assert.deepEqual(commentStyleFor('x', { blockComment: ['<!-- ', ' -->'] }), { linePrefix: '', open: '<!--', close: '-->' });
  });

  it('takes the indentation of a line', () => {
    assert.equal(indentOf('    return x;'), '    ');
    assert.equal(indentOf('\t\tfoo'), '\t\t');
    assert.equal(indentOf('foo'), '');
  });
});

describe('streaming a comment block', () => {
  it('prefixes every line, indented like the code, however the text is split', () => {
    const whole = render('typescript', '  ', ['Adds two', ' numbers.\nReturns', ' the sum.']);
    assert.equal(whole, '  // Adds two numbers.\n  // Returns the sum.\n');
    const split = render('typescript', '  ', ['Adds two numbers.', '\n', 'Returns the sum.']);
    assert.equal(split, whole);
  });

  it('drops leading blank lines and keeps one empty comment line between paragraphs', () => {
    assert.equal(render('python', '', ['\n\n  First.\n\n\n\nSecond.']), '# First.\n#\n# Second.\n');
  });

  it('does not leave a trailing prefix for a final line break', () => {
    assert.equal(render('typescript', '', ['One line.\n']), '// One line.\n');
  });

  it('writes a block comment for languages without line comments', () => {
    assert.equal(render('css', '  ', ['Styles the header.\nBold.']), '  /*\n  Styles the header.\n  Bold.\n  */\n');
  });

  it('writes prose as a paragraph followed by a blank line', () => {
    assert.equal(render('markdown', '', ['A short summary.']), 'A short summary.\n\n');
  });

  it('handles CRLF in the answer', () => {
    assert.equal(render('go', '\t', ['a\r\nb']), '\t// a\n\t// b\n');
  });

  it('starts a commented line at every line break: lone CR, CRLF split across deltas, U+2028, U+2029, NEL', () => {
    assert.equal(render('python', '', ['a\rb']), '# a\n# b\n');
    assert.equal(render('python', '', ['a\r', '\nb']), '# a\n# b\n');
    assert.equal(render('python', '', ['a\u2028b\u2029c\u0085d']), '# a\n# b\n# c\n# d\n');
  });

  it('breaks up block delimiters in the answer, even split across deltas', () => {
    assert.equal(render('css', '', ['Hides */ body {} /* x']), '/*\nHides * / body {} / * x\n*/\n');
    assert.equal(render('css', '', ['Hides *', '/ body']), '/*\nHides * / body\n*/\n');
    assert.equal(render('html', '', ['a --> b -- c']), '<!--\na - -> b - - c\n-->\n');
    assert.equal(render('ocaml', '', ['(* "s" *)']), '(*\n( * ＂s＂ * )\n*)\n');
    assert.equal(render('x', '', ['a ]] b'], { blockComment: ['--[[', ']]'] }), '--[[\na ] ] b\n]]\n');
    assert.equal(render('x', '', ['{ a }'], { blockComment: ['{', '}'] }), '{\n｛ a ｝\n}\n');
  });

  it('keeps a line-final backslash back until the line goes on; flush() writes it so it cannot continue the comment', () => {
    const f = new CommentStreamFormatter(commentStyleFor('c'), '', '\n');
    assert.equal(f.push('Joins C:\\temp\\'), 'Joins C:\\temp');
    assert.equal(f.push('\\'), '\\');
    assert.equal(f.push('n'), '\\n');
    assert.equal(f.push(' ends in \\'), ' ends in ');
    assert.equal(f.flush(), '＼');
    assert.equal(f.flush(), '');
    assert.equal(render('c', '', ['a \\\nb']), '// a ＼\n// b\n');
  });
});
