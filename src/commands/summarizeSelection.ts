// Summarize Selection Inline: a comment block streams in above the selection, indented
// like its first line; the selection itself is never changed; one undo removes it all.
import * as vscode from 'vscode';
import { commentStyleFor, indentOf } from '../core/editing/commentSyntax';
import { attachmentFor, looksBinary } from '../editor/codeContext';
import { InlineSummary } from '../editor/inlineSummary';
import { languageComments } from '../editor/languageComments';
import { SummaryBlock } from '../editor/summaryBlock';
import type { CommandContext } from './context';

export function summarizeSelection({ services }: CommandContext) {
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
    // Tracked from now on, before any await: edits made meanwhile move the insertion point.
    const block = new SummaryBlock(doc, doc.offsetAt(firstLine.range.start));
    const indent = indentOf(firstLine.text);
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    let style;
    try {
      style = commentStyleFor(doc.languageId, await languageComments(doc.languageId));
    } catch (err) {
      block.dispose();
      throw err;
    }
    await new InlineSummary(services, block, { style, indent, eol }, attachment).start();
  };
}
