// Refresh Model List: asks Bedrock again which Llama models and inference profiles this
// account and region have. Resolves with the result (tests read it).
import type { DiscoveryResult } from '../core/discovery/types';
import type { CommandContext } from './context';

export function refreshModels({ services }: CommandContext) {
  return async (): Promise<DiscoveryResult> => {
    // Bedrock's list is believed again: streaming refusals remembered so far are forgotten.
    await services.streaming.clear();
    return services.models.refresh();
  };
}
