// Sign In for an expired AWS SSO session: runs `aws sso login --profile <name>` in a VS
// Code terminal (the browser opens for the login), then offers Retry. With shell
// integration the outcome is known; without it the user says when the login is done.
import * as vscode from 'vscode';
import { isSafeProfileName, ssoLoginCommand } from '../core/bedrock/credentialErrors';

const SHELL_INTEGRATION_WAIT_MS = 3000;

export async function signInWithSso(profile: string | undefined, retry?: () => void): Promise<void> {
  const command = ssoLoginCommand(profile);
  if (profile && !isSafeProfileName(profile)) return; // never type an odd name into a shell (Sign In is not offered then)
  const terminal = vscode.window.createTerminal({ name: 'AWS SSO sign-in' });
  terminal.show();
  const exitCode = await runInTerminal(terminal, command);
  const actions = retry ? ['Retry'] : [];
  let pick: string | undefined;
  if (exitCode === 0) {
    pick = await vscode.window.showInformationMessage(`Signed in to AWS SSO${profile ? ` (profile "${profile}")` : ''}.`, ...actions);
  } else if (exitCode === undefined) {
    pick = await vscode.window.showInformationMessage(`Finish signing in with \`${command}\` in the terminal (the browser opens), then retry.`, ...actions);
  } else {
    void vscode.window.showErrorMessage(`\`${command}\` failed (exit code ${exitCode}). The terminal shows why; is the AWS CLI v2 installed?`);
  }
  if (pick === 'Retry') retry?.();
}

/** The command's exit code, or undefined when the terminal cannot tell (no shell integration, closed). */
async function runInTerminal(terminal: vscode.Terminal, command: string): Promise<number | undefined> {
  const integration = terminal.shellIntegration ?? (await shellIntegration(terminal));
  if (!integration) {
    terminal.sendText(command);
    return undefined;
  }
  const execution = integration.executeCommand(command);
  return new Promise((resolve) => {
    const subscriptions = [
      vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution !== execution) return;
        subscriptions.forEach((s) => s.dispose());
        resolve(e.exitCode);
      }),
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed !== terminal) return;
        subscriptions.forEach((s) => s.dispose());
        resolve(undefined);
      }),
    ];
  });
}

function shellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(undefined);
    }, SHELL_INTEGRATION_WAIT_MS);
    const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal !== terminal) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.shellIntegration);
    });
  });
}
