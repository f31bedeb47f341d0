// The latest editor answer that can be resumed: the one that stopped for length (Continue
// Generating, which sets the `bedrockLlama.canContinue` context key) and the one that
// failed (Retry, also what the notification's Retry button runs). A newer offer replaces
// an older one of its kind, which is then dropped (its owner frees what it held).
import * as vscode from 'vscode';

export interface Continuation {
  /** Shown in the prompt, e.g. "the summary in app.ts". */
  readonly label: string;
  run(): Promise<void>;
  /** Frees what the continuation holds when it is replaced without running. */
  dispose(): void;
}

interface RetryOffer {
  run(): void;
  drop(): void;
}

export class Continuations implements vscode.Disposable {
  private current: Continuation | undefined;
  private retry: RetryOffer | undefined;

  offer(continuation: Continuation, outputTokens: number): void {
    this.set(continuation);
    void vscode.window
      .showInformationMessage(`Llama stopped ${continuation.label} at the length limit (${outputTokens} tokens).`, 'Continue Generating')
      .then((pick) => {
        if (pick && this.current === continuation) void vscode.commands.executeCommand('bedrockLlama.continueGeneration');
      });
  }

  /** Runs the offered continuation; false when there is none. */
  async runLatest(): Promise<boolean> {
    const c = this.current;
    if (!c) return false;
    this.current = undefined;
    void vscode.commands.executeCommand('setContext', 'bedrockLlama.canContinue', false);
    // The run owns what the continuation held: it offers a new continuation or frees it.
    await c.run();
    return true;
  }

  /** Offers Retry for the latest failed editor answer; `drop` is called if it is replaced unused. */
  offerRetry(run: () => void, drop: () => void): void {
    const previous = this.retry;
    this.retry = { run, drop };
    previous?.drop();
  }

  /** Withdraws a Retry offer taken another way (the notification's button). */
  withdrawRetry(run: () => void): void {
    if (this.retry?.run === run) this.retry = undefined;
  }

  /** Runs the latest Retry offer (the notification's button does the same); false when there is none. */
  retryLatest(): boolean {
    const r = this.retry;
    if (!r) return false;
    this.retry = undefined;
    r.run();
    return true;
  }

  clear(): void {
    this.set(undefined);
  }

  private set(c: Continuation | undefined): void {
    if (this.current && this.current !== c) this.current.dispose();
    this.current = c;
    void vscode.commands.executeCommand('setContext', 'bedrockLlama.canContinue', c !== undefined);
  }

  dispose(): void {
    this.set(undefined);
    const r = this.retry;
    this.retry = undefined;
    r?.drop();
  }
}
