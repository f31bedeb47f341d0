// Stop Generating (palette, and Escape where a summary streams into the focused editor)
// and Continue Generating.
import * as vscode from 'vscode';
import type { CommandContext } from './context';

export function cancel({ services }: CommandContext) {
  return (): void => {
    // One request: the active editor's summary, else the chat's answer, else the latest.
    if (!services.active.stopFocused(vscode.window.activeTextEditor?.document.uri)) {
      vscode.window.setStatusBarMessage('Llama: nothing is generating', 2000);
    }
  };
}

export function continueGeneration({ services }: CommandContext) {
  return async (): Promise<void> => {
    if (!(await services.continuations.runLatest())) {
      void vscode.window.showInformationMessage('There is no cut-off answer to continue.');
    }
  };
}
