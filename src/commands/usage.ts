// Show Token Usage and Cost / Reset Usage Meter.
import * as vscode from 'vscode';
import type { CommandContext } from './context';

/** Opens the usage view (src/usage/usageView.ts), or reveals it when it is open. */
export function showUsage({ services }: CommandContext) {
  return (): void => services.usageView.open();
}

export function resetUsage({ services }: CommandContext) {
  return (): void => {
    services.usage.resetSession();
    services.budget.reset();
    vscode.window.setStatusBarMessage('Llama usage meter reset', 3000);
  };
}
