// Summarize Selection Inline: a comment block streams in above the selection, indented
// like its first line; the selection itself is never changed; one undo removes it all.
import * as vscode from 'vscode';
import { CommentStreamFormatter } from '../core/editing/commentStream';
import { commentStyleFor, indentOf } from '../core/editing/commentSyntax';
import { attachmentFor, looksBinary } from '../editor/codeContext';
import { EditorStream } from '../editor/editorStream';
import { languageComments } from '../editor/languageComments';
import type { Services } from '../services';
import { streamRounds } from './streamRounds';

export function summarizeSelection(services: Services) {
  return async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showWarningMessage('Select the code or text to summarize, then run Llama: Summarize Selection Inline.');
      return;
    }
    const doc = editor.document;
    const { attachment } = attachmentFor(doc, editor.selection);
    if (!attachment.text.trim()) {
      void vscode.window.showWarningMessage('The selection holds only white space: select the code to summarize.');
      return;
    }
    if (looksBinary(attachment.text)) {
      void vscode.window.showWarningMessage('The selection looks like binary data; select text or code to summarize.');
      return;
    }
    const firstLine = doc.lineAt(editor.selection.start.line);
    const style = commentStyleFor(doc.languageId, await languageComments(doc.languageId));
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const formatter = new CommentStreamFormatter(style, indentOf(firstLine.text), eol);
    let controller: AbortController | undefined;
    const stream = new EditorStream(editor, doc.offsetAt(firstLine.range.start), formatter.opening(), () => controller?.abort());
    await streamRounds(services, {
      title: 'Summarizing selection',
      label: `the summary in ${attachment.fileName}`,
      prompt: { task: { kind: 'summarize' }, attachment },
      stream,
      format: (delta) => formatter.push(delta),
      onStart: (c) => { controller = c; },
    });
  };
}
