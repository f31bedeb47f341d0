// Requests in flight, each with one AbortController: Stop Generating (and Escape, bound
// through the `bedrockLlama.generating` context key) aborts them.
import * as vscode from 'vscode';

export interface ActiveRequest {
  readonly id: string;
  readonly controller: AbortController;
  /** Removes the request from the list; call once it settled. */
  done(): void;
}

export class ActiveRequests implements vscode.Disposable {
  private readonly requests = new Map<string, AbortController>();
  private counter = 0;

  start(token?: vscode.CancellationToken): ActiveRequest {
    const id = `r${Date.now().toString(36)}-${++this.counter}`;
    const controller = new AbortController();
    const sub = token?.onCancellationRequested(() => controller.abort());
    this.requests.set(id, controller);
    this.updateContext();
    return {
      id,
      controller,
      done: () => {
        sub?.dispose();
        if (this.requests.delete(id)) this.updateContext();
      },
    };
  }

  get size(): number {
    return this.requests.size;
  }

  /** Aborts every request in flight; returns how many there were. */
  cancelAll(): number {
    const n = this.requests.size;
    for (const c of this.requests.values()) c.abort();
    return n;
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'bedrockLlama.generating', this.requests.size > 0);
  }

  dispose(): void {
    this.cancelAll();
    this.requests.clear();
  }
}
