// Stop Generating and Continue Generating.
import * as vscode from 'vscode';
import type { Services } from '../services';

export function cancel(services: Services) {
  return (): void => {
    if (services.active.cancelAll() === 0) vscode.window.setStatusBarMessage('Llama: nothing is generating', 2000);
  };
}

export function continueGeneration(services: Services) {
  return async (): Promise<void> => {
    if (!(await services.continuations.runLatest())) {
      void vscode.window.showInformationMessage('There is no cut-off answer to continue.');
    }
  };
}
