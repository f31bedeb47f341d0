// What code a command works on: the selection, or (Explain) the enclosing function or
// block from the document symbols when nothing is selected, else the current line.
import * as vscode from 'vscode';
import type { Attachment } from '../core/prompt';

const SYMBOL_TIMEOUT_MS = 1500;
const BLOCK_KINDS = new Set([
  vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface, vscode.SymbolKind.Enum, vscode.SymbolKind.Struct, vscode.SymbolKind.Module, vscode.SymbolKind.Namespace,
]);

export interface CodeContext {
  range: vscode.Range;
  attachment: Attachment;
}

export function attachmentFor(doc: vscode.TextDocument, range: vscode.Range): CodeContext {
  return {
    range,
    attachment: {
      fileName: vscode.workspace.asRelativePath(doc.uri, false),
      languageId: doc.languageId,
      text: doc.getText(range),
      startLine: range.start.line + 1,
      // A selection made of whole lines ends at column 0 of the next line, which it does not include.
      endLine: range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1,
    },
  };
}

/** The selection, else the innermost enclosing function/block, else the current line. */
export async function codeAroundCursor(editor: vscode.TextEditor): Promise<CodeContext> {
  const doc = editor.document;
  if (!editor.selection.isEmpty) return attachmentFor(doc, editor.selection);
  const cursor = editor.selection.active;
  const symbols = await Promise.race([
    Promise.resolve(vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri)).catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(resolve, SYMBOL_TIMEOUT_MS)),
  ]);
  const enclosing = innermost(symbols ?? [], cursor);
  return attachmentFor(doc, enclosing ?? doc.lineAt(cursor.line).range);
}

function innermost(symbols: vscode.DocumentSymbol[], at: vscode.Position): vscode.Range | undefined {
  for (const s of symbols) {
    if (!s.range?.contains(at)) continue;
    return innermost(s.children ?? [], at) ?? (BLOCK_KINDS.has(s.kind) ? s.range : undefined);
  }
  return undefined;
}

/** Text that cannot usefully go to a language model. */
export function looksBinary(text: string): boolean {
  return text.includes('\u0000');
}
