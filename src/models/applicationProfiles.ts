// Application inference profile, provisioned throughput and custom model ARNs and the model
// behind each, as discovery last found them, kept in globalState (the key keeps its first
// name so what earlier versions stored still counts). Small and free of the SDK: activation
// reads it so that the settings resolve such an ARN (template, window, price) before
// discovery has run in this session.
import type { CacheStorage } from '../core/discovery/discoveryCache';

export const APPLICATION_PROFILES_KEY = 'bedrockLlama.applicationProfiles';

export function readApplicationProfiles(state: Pick<CacheStorage, 'get'>): Readonly<Record<string, string>> {
  const v = state.get<unknown>(APPLICATION_PROFILES_KEY);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
