// One first request in a fresh process (nothing loaded yet, as after activation), alone or
// with model discovery started at the same instant in the background, as the extension does
// on first use. Also times discovery itself: cold (SDK load included), warm, and a cache read.
//   node -r tsx/cjs bench/lib/discoveryChild.ts <server url> <alone|withDiscovery>
import { ControlPlaneClient } from '../../src/core/discovery/controlPlaneClient';
import type { DiscoveryResult } from '../../src/core/discovery/types';
import { DiscoveryCache, type CacheStorage } from '../../src/core/discovery/discoveryCache';
import { createExtensionClient, ExtensionPipeline } from './extensionPipeline';
import { CREDENTIALS, promptInput, REGION } from './workload';

export interface DiscoveryTimes {
  firstRequestTtftMs: number;
  firstRequestTotalMs: number;
  /** withDiscovery only. */
  discoveryColdMs?: number;
  discoveryWarmMs?: number;
  cacheReadMs?: number;
  models?: number;
}

async function main(): Promise<void> {
  const [url, mode] = process.argv.slice(2);
  const pipeline = new ExtensionPipeline(createExtensionClient(url));
  const control = new ControlPlaneClient({ region: REGION, endpoint: url, credentials: CREDENTIALS, connectTimeoutMs: 10_000 });
  const out: Partial<DiscoveryTimes> = {};
  try {
    // As the extension does (src/requests/modelRequest.ts): discovery starts once the first
    // request's answer is coming, never before it is on the wire.
    let discovering: Promise<DiscoveryResult> | undefined;
    const startDiscovery = () => {
      if (mode !== 'withDiscovery' || discovering) return;
      const started = performance.now();
      discovering = control.discover().then((r) => { out.discoveryColdMs = performance.now() - started; return r; });
    };
    const first = await pipeline.run(promptInput(), startDiscovery);
    startDiscovery();
    out.firstRequestTtftMs = first.ttftMs;
    out.firstRequestTotalMs = first.totalMs;
    const result = await discovering;
    if (result) {
      if (result.status !== 'ok') throw new Error(`discovery failed: ${JSON.stringify(result)}`);
      out.models = result.discovery.models.length;
      const t0 = performance.now();
      await control.discover();
      out.discoveryWarmMs = performance.now() - t0;
      const map = new Map<string, unknown>();
      const storage: CacheStorage = { get: <T>(k: string) => map.get(k) as T | undefined, update: (k, v) => { map.set(k, v); return Promise.resolve(); } };
      const cache = new DiscoveryCache(storage);
      const key = await control.cacheKey();
      await cache.put(key, result.discovery);
      const t1 = performance.now();
      cache.get(key);
      out.cacheReadMs = performance.now() - t1;
    }
  } finally {
    pipeline.client.dispose();
    control.dispose();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
