// How editor surfaces tell the user about an outcome: one notification with the actions
// of src/core/request/actions.ts. The chat shows the same actions as buttons and runs them
// through `runRequestAction`. Never awaited by a request: a notification must not hold a
// request (or a test) open.
import * as vscode from 'vscode';
import type { BedrockLlamaErrorKind } from '../core/bedrock/errors';
import { ACTION_LABELS, actionsForFailure, PROMPT_TOO_LONG_ACTIONS, type RequestAction } from '../core/request/actions';
import type { Failure } from '../core/request/outcome';
import type { SettingError } from '../core/settingsSchema';
import { signInWithSso } from './ssoSignIn';

/** What Retry and Continue do on this surface; without them those actions are not offered. */
export interface ActionHandlers {
  retry?: () => void;
  continue?: () => void;
  /** The setting Open Settings shows (default: all of the extension's). */
  settingKey?: string;
  /** For Sign In. */
  profile?: string;
}

export function runRequestAction(action: RequestAction, log: vscode.LogOutputChannel, handlers: ActionHandlers): void {
  switch (action) {
    case 'retry': return handlers.retry?.();
    case 'continue': return handlers.continue?.();
    case 'signIn':
      void signInWithSso(handlers.profile, handlers.retry);
      return;
    case 'setApiKey':
      void vscode.commands.executeCommand('bedrockLlama.setApiKey');
      return;
    case 'selectModel':
      void vscode.commands.executeCommand('bedrockLlama.selectModel');
      return;
    case 'openSettings':
      void vscode.commands.executeCommand('workbench.action.openSettings', handlers.settingKey ?? 'bedrockLlama');
      return;
    case 'showLog':
      log.show(true);
      return;
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

/** The actions this surface can offer for a failure (Retry only with a retry handler). */
export function failureActions(failure: Failure, handlers: ActionHandlers): RequestAction[] {
  return actionsForFailure(failure).filter((a) => a !== 'retry' || handlers.retry !== undefined);
}

export function notify(message: string, actions: RequestAction[], log: vscode.LogOutputChannel, handlers: ActionHandlers): void {
  void vscode.window.showErrorMessage(message, ...actions.map((a) => ACTION_LABELS[a])).then((pick) => {
    const action = actions.find((a) => ACTION_LABELS[a] === pick);
    if (action) runRequestAction(action, log, handlers);
  });
}

export function notifyFailure(failure: Failure, log: vscode.LogOutputChannel, handlers: ActionHandlers, prefix = ''): void {
  notify(prefix + failure.message, failureActions(failure, handlers), log, { ...handlers, profile: failure.profile });
}

export function settingsMessage(errors: SettingError[]): string {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more setting problem${errors.length > 2 ? 's' : ''})` : '';
  return `${errors[0].message}${more}. Nothing was sent.`;
}

export function notifySettingsErrors(errors: SettingError[], log: vscode.LogOutputChannel): void {
  notify(settingsMessage(errors), ['openSettings'], log, { settingKey: errors[0].key });
}

export function notifyPromptTooLong(message: string, log: vscode.LogOutputChannel): void {
  notify(message, PROMPT_TOO_LONG_ACTIONS, log, {});
}

/** A few words for the marker after text that a failure cut off. */
export function cutOffReason(kind: BedrockLlamaErrorKind): string {
  switch (kind) {
    case 'idleTimeout': return 'the model stopped responding';
    case 'throttled': return 'Bedrock throttled the request';
    case 'network': return 'the connection was lost';
    default: return 'the request failed';
  }
}
