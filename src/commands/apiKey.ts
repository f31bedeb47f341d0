// Set / Clear Bedrock API Key: the key goes to VS Code secret storage (never settings or
// logs); the client provider builds a bearer-auth client for the next request.
import * as vscode from 'vscode';
import { apiKeyProblem, normalizeApiKey } from '../core/bedrock/authSource';
import type { CommandContext } from './context';

/** @param key given by tests; else asked for in a password box. Resolves true when a key was stored. */
export function setApiKey({ services }: CommandContext) {
  return async (key?: unknown): Promise<boolean> => {
    const text = typeof key === 'string'
      ? key
      : await vscode.window.showInputBox({
        title: 'Llama: Set Bedrock API Key',
        prompt: 'Paste a Bedrock API key. It is kept in VS Code secret storage and used instead of your AWS credentials.',
        placeHolder: 'ABSK… or bedrock-api-key-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value ? apiKeyProblem(value) : undefined),
      });
    if (text === undefined) return false;
    const problem = apiKeyProblem(text);
    if (problem) {
      void vscode.window.showErrorMessage(problem);
      return false;
    }
    await services.clients.apiKey.set(normalizeApiKey(text));
    services.log.info('Bedrock API key stored in secret storage; requests use it (bearer auth).');
    void vscode.window.showInformationMessage('Bedrock API key saved in VS Code secret storage. Requests now use it instead of your AWS credentials.');
    return true;
  };
}

/** Resolves true when a key was removed. */
export function clearApiKey({ services }: CommandContext) {
  return async (): Promise<boolean> => {
    const had = services.clients.apiKey.current !== undefined;
    await services.clients.apiKey.clear();
    if (had) services.log.info('Bedrock API key removed from secret storage; requests use AWS credentials.');
    void vscode.window.showInformationMessage(had
      ? 'Bedrock API key removed. Requests use your AWS credentials again.'
      : 'No Bedrock API key was stored.');
    return had;
  };
}
