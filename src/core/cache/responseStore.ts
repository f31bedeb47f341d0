// The response cache on disk: one JSON file per key in one directory, shared by every VS Code
// window. A file appears whole or not at all (written to a temporary name, then renamed over
// the entry), so a reader in another window never sees a torn answer. Recency is the file's
// mtime, touched on every hit: eviction removes the least recently used entries once the
// directory grows past its bound. Anything unreadable is a miss and is removed.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exact, isCount, isFiniteNumber, maxLength, oneOf, optional, type Check } from '../chat/guards';
import type { CachedAnswer, ResponseCache } from '../request/runRequest';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** The longest `bedrockLlama.cacheTtlMinutes` (30 days): entries unused for longer are removed. */
const MAX_UNUSED_MS = 43_200 * 60_000;
const VERSION = 1;
const KEY = /^[0-9a-f]{64}$/;
const ENTRY = /^([0-9a-f]{64})\.json$/;
const TEMP = /\.tmp$/;
/** A temporary file this old was left by a window that died between write and rename. */
const STALE_TEMP_MS = 60_000;
/** Windows can refuse a rename over a file another process has open for a moment. */
const RENAME_ATTEMPTS = 5;

/** The stored form: the answer plus a format version (another version is a miss). */
interface StoredEntry extends CachedAnswer {
  v: typeof VERSION;
}

const isEntry: Check = exact({
  v: (x) => x === VERSION,
  text: maxLength(1_000_000),
  stopReason: optional(oneOf('stop', 'length')),
  usage: exact({ inputTokens: isCount, outputTokens: isCount }),
  costUsd: optional((x) => isFiniteNumber(x) && (x as number) >= 0),
  modelId: maxLength(2048),
  savedAt: isFiniteNumber,
});

export interface ClearResult {
  entries: number;
  bytes: number;
}

export class FileResponseStore implements ResponseCache {
  private evicting: Promise<void> | undefined;
  private privateDir: Promise<void> | undefined;
  private evictAgain = false;

  /** @param onError told about background failures (eviction), which have no caller to reject to. */
  constructor(
    readonly dir: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
    private readonly onError?: (err: unknown) => void,
  ) {}

  /** A miss for anything absent, too old, unreadable or foreign; never throws. */
  async get(key: string, maxAgeMs: number): Promise<CachedAnswer | undefined> {
    if (!KEY.test(key)) return undefined;
    const path = this.pathOf(key);
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      entry = undefined;
    }
    if (!isEntry(entry)) {
      await unlink(path).catch(() => undefined);
      return undefined;
    }
    const { v: _v, ...answer } = entry as StoredEntry;
    if (Date.now() - answer.savedAt > maxAgeMs) return undefined;
    // A hit makes the entry the most recently used (mtime is the LRU clock; atime is often not kept).
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return answer;
  }

  /** Writes the entry whole; rejects (for the caller to log) when it cannot. Eviction follows in the background. */
  async put(key: string, answer: CachedAnswer): Promise<void> {
    if (!KEY.test(key)) throw new Error(`not a response cache key: ${key.slice(0, 80)}`);
    const entry: StoredEntry = {
      v: VERSION, text: answer.text, stopReason: answer.stopReason, usage: { inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens },
      costUsd: answer.costUsd, modelId: answer.modelId, savedAt: answer.savedAt,
    };
    // Answers quote the code they were asked about: only this user may read them.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // A folder made by an earlier version (or another umask) is closed once per store.
    this.privateDir ??= chmod(this.dir, 0o700).catch(() => undefined);
    await this.privateDir;
    const temp = join(this.dir, `${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(entry), { encoding: 'utf8', flag: 'wx', mode: 0o600 });
      await renameWithRetry(temp, this.pathOf(key));
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    this.scheduleEviction();
  }

  /** Removes every entry (and leftover temporary files); says how many answers and bytes went. */
  async clear(): Promise<ClearResult> {
    const result: ClearResult = { entries: 0, bytes: 0 };
    for (const file of await this.scan()) {
      if (file.temp && Date.now() - file.mtimeMs < STALE_TEMP_MS) continue; // another window is writing it
      if (await unlink(file.path).then(() => true, () => false)) {
        if (!file.temp) result.entries++;
        result.bytes += file.size;
      }
    }
    return result;
  }

  /** Resolves when no eviction is running (tests, and before reading the directory's size). */
  async idle(): Promise<void> {
    while (this.evicting) await this.evicting;
  }

  /** One eviction at a time; puts during it ask for one more pass afterwards. */
  private scheduleEviction(): void {
    if (this.evicting) {
      this.evictAgain = true;
      return;
    }
    this.evicting = (async () => {
      do {
        this.evictAgain = false;
        try {
          await this.evict();
        } catch (err) {
          this.onError?.(err);
        }
      } while (this.evictAgain);
    })().finally(() => { this.evicting = undefined; });
  }

  /** Least recently used first, until the directory is within its bound; stale temporary files go too. */
  private async evict(): Promise<void> {
    const files = await this.scan();
    let total = 0;
    const entries: ScannedFile[] = [];
    for (const file of files) {
      if (file.temp) {
        if (Date.now() - file.mtimeMs > STALE_TEMP_MS) await unlink(file.path).catch(() => undefined);
        else total += file.size;
        continue;
      }
      total += file.size;
      entries.push(file);
    }
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const file of entries) {
      // Unused for longer than any time-to-live allows: expired under every setting.
      const expired = Date.now() - file.mtimeMs > MAX_UNUSED_MS;
      if (total <= this.maxBytes && !expired) break;
      // Another window may have removed it already: its bytes are gone either way.
      await unlink(file.path).catch(() => undefined);
      total -= file.size;
    }
  }

  private async scan(): Promise<ScannedFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files = await Promise.all(names.filter((n) => ENTRY.test(n) || TEMP.test(n)).map(async (name) => {
      const path = join(this.dir, name);
      const s = await stat(path).catch(() => undefined);
      return s?.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs, temp: TEMP.test(name) } : undefined;
    }));
    return files.filter((f): f is ScannedFile => f !== undefined);
  }

  private pathOf(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}

interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  temp: boolean;
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(from, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= RENAME_ATTEMPTS || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
      await new Promise((r) => setTimeout(r, 10 * attempt));
    }
  }
}
