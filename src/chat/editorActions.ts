// What the chat does in the editor: attach the selection or file, insert or replace code,
// copy, open links. The chat panel takes focus from the editor, so the last text editor
// the user worked in is remembered rather than read from `activeTextEditor`.
import * as vscode from 'vscode';
import type { Attachment } from '../core/prompt';
import { LIMITS } from '../core/chat/validate';
import { attachmentFor, looksBinary } from '../editor/codeContext';

const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);

export type Outcome<T> = { ok: true; value: T } | { ok: false; notice: string };

export class EditorActions implements vscode.Disposable {
  private last: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((e) => {
    if (e) this.last = e;
  });

  /** The editor the user last worked in, if it is still visible (attachments read it). */
  editor(): vscode.TextEditor | undefined {
    if (vscode.window.activeTextEditor) return vscode.window.activeTextEditor;
    if (this.last && vscode.window.visibleTextEditors.includes(this.last)) return this.last;
    return undefined;
  }

  /**
   * Where Insert and Replace go: the editor the user last worked in — shown again, with its
   * selection, when the chat panel covers it — else the one the user picks.
   */
  private async target(): Promise<vscode.TextEditor | undefined> {
    const current = this.editor();
    if (current) return current;
    const last = this.last;
    if (last && !last.document.isClosed) {
      return vscode.window.showTextDocument(last.document, { viewColumn: last.viewColumn, selection: last.selection, preserveFocus: false });
    }
    const docs = vscode.workspace.textDocuments.filter((d) => !d.isClosed && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled'));
    if (docs.length === 0) return undefined;
    const pick = await vscode.window.showQuickPick(
      docs.map((d) => ({ label: vscode.workspace.asRelativePath(d.uri), doc: d })),
      { title: 'Llama: Insert the code into which file?', placeHolder: 'The code goes at the cursor of the file you pick' },
    );
    return pick ? vscode.window.showTextDocument(pick.doc, { preserveFocus: false }) : undefined;
  }

  attachment(source: 'selection' | 'file'): Outcome<Attachment> {
    const editor = this.editor();
    if (!editor) return { ok: false, notice: 'Open a file first, then attach its selection or the whole file.' };
    const doc = editor.document;
    if (source === 'selection' && editor.selection.isEmpty) return { ok: false, notice: 'Select some code first, or attach the whole file.' };
    const range = source === 'selection' ? editor.selection : doc.validateRange(new vscode.Range(0, 0, doc.lineCount, 0));
    const { attachment } = attachmentFor(doc, range);
    if (!attachment.text.trim()) return { ok: false, notice: 'There is nothing to attach: the selection or file is empty.' };
    if (looksBinary(attachment.text)) return { ok: false, notice: 'That looks like binary data; attach text or code.' };
    if (attachment.text.length > LIMITS.attachment) return { ok: false, notice: 'That is too large to attach (over 2 MB of text); select a part of it.' };
    return { ok: true, value: attachment };
  }

  /** Inserts at the cursor, or replaces the selection, in the editor the user last worked in; then focuses it. */
  async insert(code: string, replace: boolean): Promise<Outcome<void>> {
    const editor = await this.target();
    if (!editor) return { ok: false, notice: 'Open a file to insert the code into.' };
    const done = await editor.edit((b) => (replace ? b.replace(editor.selection, code) : b.insert(editor.selection.active, code)));
    if (!done) return { ok: false, notice: 'The editor did not accept the edit (is it read-only?).' };
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return { ok: true, value: undefined };
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
  }

  /** Opens http(s) and mailto links through VS Code (which asks before opening untrusted sites). */
  openLink(href: string): boolean {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(href, true);
    } catch {
      return false;
    }
    if (!LINK_SCHEMES.has(uri.scheme)) return false;
    void vscode.env.openExternal(uri);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
