// Error notifications with the action that fixes the problem. Never awaited by a request:
// a notification must not hold a request (or a test) open.
import * as vscode from 'vscode';
import { isSafeProfileName } from '../core/bedrock/credentialErrors';
import { BedrockLlamaError } from '../core/bedrock/errors';
import type { SettingError } from '../core/settingsSchema';
import { signInWithSso } from './ssoSignIn';

export function showSettingsErrors(errors: SettingError[]): void {
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more setting problem${errors.length > 2 ? 's' : ''})` : '';
  void vscode.window.showErrorMessage(`${first.message}${more}. Nothing was sent.`, 'Open Settings').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', first.key);
  });
}

export function showRequestError(err: unknown, log: vscode.LogOutputChannel, retry?: () => void): void {
  const error = err instanceof BedrockLlamaError ? err : undefined;
  const message = error?.userMessage ?? `Llama request failed: ${err instanceof Error ? err.message : String(err)}`;
  const actions: string[] = [];
  if (retry && (error?.retryable ?? true)) actions.push('Retry');
  if (error?.kind === 'ssoExpired' && (!error.profile || isSafeProfileName(error.profile))) actions.push('Sign In');
  if (error && (error.kind === 'noCredentials' || (error.kind === 'expiredCredentials' && error.userMessage.includes('API key')))) actions.push('Set API Key');
  if (error && ['modelNotFound', 'accessDenied', 'needsInferenceProfile', 'validation'].includes(error.kind)) actions.push('Select Model…');
  if (error && ['noCredentials', 'expiredCredentials', 'ssoExpired', 'network', 'configuration'].includes(error.kind)) actions.push('Open Settings');
  actions.push('Show Log');
  void vscode.window.showErrorMessage(message, ...actions).then((pick) => {
    if (pick === 'Retry') retry?.();
    else if (pick === 'Sign In') void signInWithSso(error?.profile, retry);
    else if (pick === 'Set API Key') void vscode.commands.executeCommand('bedrockLlama.setApiKey');
    else if (pick === 'Select Model…') void vscode.commands.executeCommand('bedrockLlama.selectModel');
    else if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'bedrockLlama');
    else if (pick === 'Show Log') log.show(true);
  });
}

/** A few words for the marker after text that a failure cut off. */
export function cutOffReason(kind: BedrockLlamaError['kind']): string {
  switch (kind) {
    case 'idleTimeout': return 'the model stopped responding';
    case 'throttled': return 'Bedrock throttled the request';
    case 'network': return 'the connection was lost';
    default: return 'the request failed';
  }
}
