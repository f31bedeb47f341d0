// Memory of a process running the extension's pipeline (path b of the pipeline section)
// after 10 and after 100 requests of 500 tokens, beside one running the bare SDK.
import { runTsForJson } from '../lib/child';
import type { MemoryFigures } from '../lib/memoryChild';
import type { Figure, SectionResult } from '../lib/report';
import { interleave, median } from '../lib/stats';
import { streamScript } from '../lib/workload';
import type { BenchContext, Section } from './types';

const TOKENS = 500;
const PAIRS = 2;
const TARGET_GROWTH_MB = 5;

async function run(ctx: BenchContext): Promise<SectionResult> {
  const server = await ctx.server();
  await server.setScript(streamScript(TOKENS, 0));
  const child = (mode: string) => () => runTsForJson<MemoryFigures>(require.resolve('../lib/memoryChild'), [mode, server.url], ['--expose-gc']);
  ctx.log(`memory: ${PAIRS} child-process pairs, 100 requests each`);
  const r = await interleave(PAIRS, child('sdk'), child('extension'));
  for (const x of [...r.a, ...r.b]) if (x.tokens !== 100 * TOKENS) throw new Error(`a memory run got ${x.tokens} tokens, expected ${100 * TOKENS}`);
  const pick = (xs: MemoryFigures[], f: (x: MemoryFigures) => number) => median(xs.map(f));
  const growth = pick(r.b, (x) => x.heapMb[1] - x.heapMb[0]);
  const figures: Figure[] = [
    { key: 'memory_heap_10', label: 'heap used after 10 requests (after gc)', unit: 'MB', value: pick(r.b, (x) => x.heapMb[0]), baseline: { key: 'memory_heap_10_sdk', value: pick(r.a, (x) => x.heapMb[0]) }, runs: r.b.length },
    { key: 'memory_heap_100', label: 'heap used after 100 requests (after gc)', unit: 'MB', value: pick(r.b, (x) => x.heapMb[1]), baseline: { key: 'memory_heap_100_sdk', value: pick(r.a, (x) => x.heapMb[1]) }, runs: r.b.length },
    { key: 'memory_heap_growth_10_to_100', label: 'heap growth from 10 to 100 requests', unit: 'MB', value: growth,
      baseline: { key: 'memory_heap_growth_10_to_100_sdk', value: pick(r.a, (x) => x.heapMb[1] - x.heapMb[0]) }, runs: r.b.length,
      target: { text: `< ${TARGET_GROWTH_MB} MB`, met: growth < TARGET_GROWTH_MB } },
    { key: 'memory_rss_10', label: 'RSS after 10 requests', unit: 'MB', value: pick(r.b, (x) => x.rssMb[0]), baseline: { key: 'memory_rss_10_sdk', value: pick(r.a, (x) => x.rssMb[0]) }, runs: r.b.length },
    { key: 'memory_rss_100', label: 'RSS after 100 requests', unit: 'MB', value: pick(r.b, (x) => x.rssMb[1]), baseline: { key: 'memory_rss_100_sdk', value: pick(r.a, (x) => x.rssMb[1]) }, runs: r.b.length },
  ];
  return { figures, notes: [`${TOKENS}-token unthrottled streams; baseline = a process running the bare SDK loop; MB = 2^20 bytes; both processes run under tsx's require hook`] };
}

export const memory: Section = {
  name: 'memory',
  host: 'node',
  description: 'heap and RSS after 10 and 100 requests',
  run,
};
