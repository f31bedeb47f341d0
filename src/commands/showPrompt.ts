// Show Last Prompt: the exact prompt of the latest request, read-only (see requests/lastPrompt.ts).
import type { CommandContext } from './context';

export function showPrompt({ services }: CommandContext) {
  return async (): Promise<void> => {
    await services.lastPrompt.show();
  };
}
