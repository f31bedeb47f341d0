// Discovery results kept for 24 hours per account, region and endpoint, so the picker
// opens with this account's list without asking Bedrock again. Storage is an interface:
// the VS Code edge passes globalState, tests a Map.
import type { Discovery } from './types';

export const DISCOVERY_TTL_MS = 24 * 60 * 60 * 1000;

/** The part of vscode.Memento the cache uses. */
export interface CacheStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export const CACHE_STATE_KEY = 'bedrockLlama.modelDiscovery';

export interface CacheKeyParts {
  /** The credentials' account id when the identity carries one. */
  accountId?: string;
  /** Otherwise who is asking: the profile or auth source name. */
  identity: string;
  region: string;
  endpoint?: string;
}

interface Entry {
  savedAt: number;
  discovery: Discovery;
}

export function cacheKey(parts: CacheKeyParts): string {
  const who = parts.accountId ? `account:${parts.accountId}` : `identity:${parts.identity}`;
  return [who, parts.region, parts.endpoint ?? ''].join('|');
}

export class DiscoveryCache {
  constructor(
    private readonly storage: CacheStorage,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = DISCOVERY_TTL_MS,
  ) {}

  /** The stored discovery for `key` while it is younger than the TTL. */
  get(key: string): Discovery | undefined {
    const entry = this.entries()[key];
    if (!entry || !isEntry(entry)) return undefined;
    const age = this.now() - entry.savedAt;
    return age >= 0 && age < this.ttlMs ? entry.discovery : undefined;
  }

  /** Stores `discovery` and drops expired entries of other keys (accounts come and go). */
  async put(key: string, discovery: Discovery): Promise<void> {
    const now = this.now();
    const kept: Record<string, Entry> = {};
    for (const [k, entry] of Object.entries(this.entries())) {
      if (isEntry(entry) && now - entry.savedAt < this.ttlMs) kept[k] = entry;
    }
    kept[key] = { savedAt: now, discovery };
    await this.storage.update(CACHE_STATE_KEY, kept);
  }

  /** Forgets `key` (Refresh Model List), or everything. */
  async clear(key?: string): Promise<void> {
    if (key === undefined) return void (await this.storage.update(CACHE_STATE_KEY, undefined));
    const rest = { ...this.entries() };
    delete rest[key];
    await this.storage.update(CACHE_STATE_KEY, rest);
  }

  private entries(): Record<string, unknown> {
    const stored = this.storage.get<unknown>(CACHE_STATE_KEY);
    return typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  }
}

// globalState may hold what an older version wrote: only well-formed entries count.
function isEntry(v: unknown): v is Entry {
  if (typeof v !== 'object' || v === null) return false;
  const { savedAt, discovery } = v as Partial<Entry>;
  return typeof savedAt === 'number' && typeof discovery === 'object' && discovery !== null &&
    Array.isArray(discovery.models) && Array.isArray(discovery.profiles);
}
