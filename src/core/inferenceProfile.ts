// Which id to send for a model, given `bedrockLlama.inferenceProfile` and the region.
// Profile ids and ARNs are sent as given. A base id is prefixed when the mode names a
// geography, or in `auto` when the catalog says on-demand use needs a profile (Bedrock
// refuses the base id then, so asking first would only cost a round trip).
import { geographyForRegion, profileIdFor, type ResolvedModel } from './catalog';
import type { InferenceProfileMode } from './settingsSchema';

export function invokeIdFor(model: ResolvedModel, mode: InferenceProfileMode, region: string | undefined): string {
  if (model.kind !== 'base' || mode === 'off') return model.invokeId;
  if (mode !== 'auto') return profileIdFor(model.invokeId, mode);
  if (!model.info?.needsProfile || !region) return model.invokeId;
  const geography = geographyForRegion(region);
  if (!geography || !model.info.geographies.includes(geography)) return model.invokeId;
  return profileIdFor(model.invokeId, geography);
}
