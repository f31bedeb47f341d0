// Requests in flight, each registered by the surface that owns it (its AbortController
// stays with that surface). Stop Generating stops one request: the one streaming into the
// active editor's document, else the chat's answer, else the latest. Escape is bound
// (package.json) only where a summary streams into the focused document, through the
// `bedrockLlama.streamingDocuments` context key; the chat handles its own Escape.
//
// The key is an object of paths, matched with `resourcePath in …`: `resource` would not do,
// since a remote window's workbench sees a file as vscode-remote://… while the extension
// host sees file://…, and `in` only looks up string keys of an object.
import * as vscode from 'vscode';
import { StopRequest } from '../core/request/outcome';

/** `batch`: one of Summarize Files…'s requests (a Stop on it stops that whole run). */
export type RequestOwner = { kind: 'editor'; document: vscode.Uri } | { kind: 'chat' } | { kind: 'batch' } | { kind: 'vscodeChat' };

interface Entry {
  controller: AbortController;
  owner: RequestOwner;
}

export class ActiveRequests implements vscode.Disposable {
  private readonly entries: Entry[] = [];
  private counter = 0;

  /** A short id for log lines. */
  nextId(): string {
    return `r${Date.now().toString(36)}-${++this.counter}`;
  }

  /** Lists the request until the returned disposable is disposed (when it settled). */
  register(controller: AbortController, owner: RequestOwner): vscode.Disposable {
    const entry: Entry = { controller, owner };
    this.entries.push(entry);
    this.updateContext();
    return new vscode.Disposable(() => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) {
        this.entries.splice(i, 1);
        this.updateContext();
      }
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Stops the request streaming into `document`; false when there is none. */
  stopDocument(document: vscode.Uri): boolean {
    const key = document.toString();
    return this.stopLatest((e) => e.owner.kind === 'editor' && e.owner.document.toString() === key);
  }

  /** Stop Generating: the active editor's summary, else the chat's answer, else the latest request. */
  stopFocused(activeDocument: vscode.Uri | undefined): boolean {
    return (activeDocument !== undefined && this.stopDocument(activeDocument))
      || this.stopLatest((e) => e.owner.kind === 'chat')
      || this.stopLatest(() => true);
  }

  private stopLatest(match: (e: Entry) => boolean): boolean {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (match(e) && !e.controller.signal.aborted) {
        e.controller.abort(new StopRequest('user'));
        return true;
      }
    }
    return false;
  }

  private updateContext(): void {
    const documents: Record<string, true> = {};
    for (const e of this.entries) if (e.owner.kind === 'editor') documents[resourcePath(e.owner.document)] = true;
    void vscode.commands.executeCommand('setContext', 'bedrockLlama.generating', this.entries.length > 0);
    void vscode.commands.executeCommand('setContext', 'bedrockLlama.streamingDocuments', documents);
  }

  /** Deactivation: every request stops. */
  dispose(): void {
    for (const e of this.entries) e.controller.abort(new StopRequest('user'));
    this.entries.length = 0;
  }
}

/** What the workbench's `resourcePath` context key holds for a document. */
function resourcePath(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.path;
}
