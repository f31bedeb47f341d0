// Model discovery must not slow the first request: fresh processes run the first request
// alone (A) or with discovery started beside it (B), interleaved; plus discovery's own time.
import * as path from 'node:path';
import { runTsForJson, ROOT } from '../lib/child';
import type { DiscoveryTimes } from '../lib/discoveryChild';
import type { Figure, SectionResult } from '../lib/report';
import { interleave, median, p95 } from '../lib/stats';
import { streamScript } from '../lib/workload';
import type { BenchContext, Section } from './types';

const PAIRS = 10;
const TOKENS = 200;
const FIRST_BYTE_MS = 50;
/** Discovery may add this much to the first request's time to first character, at most. */
const TARGET_ADDED_TTFT_MS = 20;

async function run(ctx: BenchContext): Promise<SectionResult> {
  const server = await ctx.server();
  await server.setScript(streamScript(TOKENS, FIRST_BYTE_MS));
  const child = path.join(ROOT, 'bench/lib/discoveryChild.ts');
  const once = (mode: string) => () => runTsForJson<DiscoveryTimes>(child, [server.url, mode]);
  ctx.log(`discovery: ${PAIRS} pairs of fresh processes, first request alone vs with discovery`);
  const r = await interleave(PAIRS, once('alone'), once('withDiscovery'));
  const alone = r.a.map((x) => x.firstRequestTtftMs);
  const beside = r.b.map((x) => x.firstRequestTtftMs);
  const added = median(beside) - median(alone);
  const cold = r.b.map((x) => x.discoveryColdMs ?? NaN);
  const warm = r.b.map((x) => x.discoveryWarmMs ?? NaN);
  const cache = r.b.map((x) => x.cacheReadMs ?? NaN);
  const figures: Figure[] = [
    { key: 'discovery_first_request_ttft_with_discovery_median', label: 'first request TTFT, discovery beside it (median)', unit: 'ms', value: median(beside), baseline: { key: 'discovery_first_request_ttft_alone_median_ms', value: median(alone) }, runs: PAIRS },
    { key: 'discovery_added_ttft_median', label: 'added by discovery to the first TTFT (median)', unit: 'ms', value: added, runs: PAIRS, target: { text: `≤ ${TARGET_ADDED_TTFT_MS} ms`, met: added <= TARGET_ADDED_TTFT_MS } },
    { key: 'discovery_cold_median', label: 'discovery, fresh process (SDK load included, median)', unit: 'ms', value: median(cold), runs: PAIRS },
    { key: 'discovery_cold_p95', label: 'discovery, fresh process (p95)', unit: 'ms', value: p95(cold), runs: PAIRS },
    { key: 'discovery_warm_median', label: 'discovery again on the same client (median)', unit: 'ms', value: median(warm), runs: PAIRS },
    { key: 'discovery_cache_read_median', label: 'discovery from the 24 h cache (median)', unit: 'ms', value: median(cache), runs: PAIRS },
  ];
  return {
    figures,
    notes: [
      `local server in its own process; ${r.b[0]?.models ?? '?'} Llama models, system and application profiles, per-model availability; first request: ${TOKENS} one-token chunks, first after ${FIRST_BYTE_MS} ms`,
      'in the extension discovery starts once the first request\'s answer is coming (src/requests/modelRequest.ts), never awaited by it; B does the same here',
    ],
  };
}

export const discovery: Section = {
  name: 'discovery',
  host: 'node',
  description: 'first request with model discovery beside it vs alone; discovery cold, warm and from the cache',
  run,
};
