// One file's text as Summarize Files… summarizes it, read at its turn: the open document's text
// (unsaved changes included) or the file on disk; for headers, also its comment syntax and
// whether a header can go in at all, so nothing is paid for a file that cannot take one.
import * as vscode from 'vscode';
import type { CommentStyle } from '../core/editing/commentSyntax';
import { headerStyleFor, planHeader, withoutSummaryBlock } from '../core/summarizeFiles/header';
import { languageComments } from '../editor/languageComments';
import { readOnlyReason } from './gather';

export interface HeaderFormat {
  languageId: string;
  style: CommentStyle;
  eol: string;
}

export type FileText =
  | {
    kind: 'text';
    /** Open (header mode always; report mode when it was open). */
    doc: vscode.TextDocument | undefined;
    format: HeaderFormat | undefined;
    style: CommentStyle | undefined;
    /** What is summarized: the text without our own summary block. */
    body: string;
  }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; reason: string };

export async function readFileText(fileUri: string, header: boolean): Promise<FileText> {
  const uri = vscode.Uri.parse(fileUri);
  let doc: vscode.TextDocument | undefined = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileUri);
  let style: CommentStyle | undefined;
  let text: string;
  try {
    if (header) {
      doc ??= await vscode.workspace.openTextDocument(uri);
      style = headerStyleFor(doc.languageId, await languageComments(doc.languageId));
      if (!style) return { kind: 'skip', reason: `${doc.languageId} files have no comment syntax for a header (the Markdown report can summarize them)` };
      const readOnly = await readOnlyReason(uri);
      if (readOnly) return { kind: 'skip', reason: readOnly };
    }
    text = doc ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    return { kind: 'fail', reason: `could not be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  const format = doc && style ? { languageId: doc.languageId, style, eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' } : undefined;
  if (format) {
    const place = planHeader(text, format, '', '');
    if ('skip' in place) return { kind: 'skip', reason: place.skip };
  }
  return { kind: 'text', doc, format, style, body: withoutSummaryBlock(text, style) };
}
