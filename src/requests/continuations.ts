// The one response that stopped for length and can be continued (Continue Generating).
// Offering it sets the `bedrockLlama.canContinue` context key for the palette.
import * as vscode from 'vscode';

export interface Continuation {
  /** Shown in the prompt, e.g. "the summary in app.ts". */
  readonly label: string;
  run(): Promise<void>;
  /** Frees what the continuation holds (editor listeners) when it is replaced without running. */
  dispose(): void;
}

export class Continuations implements vscode.Disposable {
  private current: Continuation | undefined;

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
  }
}
