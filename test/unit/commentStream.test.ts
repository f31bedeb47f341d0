import { strict as assert } from 'node:assert';
import { commentStyleFor, indentOf } from '../../src/core/editing/commentSyntax';
import { CommentStreamFormatter } from '../../src/core/editing/commentStream';

/** Builds the block the way the editor does: the opening, then each push inserted at the insertion point. */
function render(languageId: string, indent: string, deltas: string[], configured?: { lineComment?: string; blockComment?: [string, string] }): string {
  const f = new CommentStreamFormatter(commentStyleFor(languageId, configured), indent, '\n');
  const { text, insertAt } = f.opening();
  let at = insertAt;
  let doc = text;
  for (const d of deltas) {
    const piece = f.push(d);
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
});
