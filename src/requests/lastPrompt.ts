// Show Last Prompt: the exact prompt string of the latest request, with its parameters,
// route and token counts, in a read-only editor. A content provider (not an untitled
// document) keeps it read-only and refreshes it when the request ends with Bedrock's count.
import * as vscode from 'vscode';
import { renderPromptRecord, type PromptRecord } from '../core/request/promptRecord';

export const PROMPT_SCHEME = 'bedrock-llama-prompt';
const PROMPT_URI = vscode.Uri.from({ scheme: PROMPT_SCHEME, path: '/Last Llama Prompt.txt' });

export class LastPrompt implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private record: PromptRecord | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROMPT_SCHEME, this);

  /**
   * The runner calls this when a request is sent and when it ended. The last request started
   * is the one shown: an earlier one that ends later does not take its place.
   */
  set(record: PromptRecord): void {
    const started = record.result === undefined;
    if (!started && this.record && this.record.requestId !== record.requestId) return;
    this.record = { ...record, options: { ...record.options }, parameters: { ...record.parameters } };
    this.changed.fire(PROMPT_URI);
  }

  get current(): PromptRecord | undefined {
    return this.record;
  }

  provideTextDocumentContent(): string {
    return this.record ? renderPromptRecord(this.record) : 'No request has been sent in this window yet.';
  }

  async show(): Promise<vscode.TextEditor | undefined> {
    if (!this.record) {
      void vscode.window.showInformationMessage('Llama: no request has been sent in this window yet.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(PROMPT_URI);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
