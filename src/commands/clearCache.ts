// Clear Response Cache: removes every stored answer (every window shares them) and says how
// many went. Resolves with the count (tests read it).
import * as vscode from 'vscode';
import type { ClearResult } from '../core/cache/responseStore';
import type { CommandContext } from './context';

export function clearCache({ services }: CommandContext) {
  return async (): Promise<ClearResult | undefined> => {
    try {
      const result = await services.responseCache.store.clear();
      const message = result.entries === 0
        ? 'Llama: the response cache was already empty.'
        : `Llama: removed ${result.entries} cached answer${result.entries === 1 ? '' : 's'} (${megabytes(result.bytes)} MB) from the response cache.`;
      services.log.info(message);
      void vscode.window.showInformationMessage(message);
      return result;
    } catch (err) {
      services.log.warn(`Response cache: could not clear ${services.responseCache.store.dir}: ${String(err)}`);
      void vscode.window.showErrorMessage(`Llama could not clear the response cache: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return mb.toFixed(1);
  return mb < 0.01 ? '< 0.01' : mb.toFixed(2);
}
