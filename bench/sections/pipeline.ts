// Pipeline overhead: the same scripted stream read (a) by the bare SDK and (b) by the
// extension's path, interleaved; plus the one-time cost of loading the SDK bundle.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { benchEnv, ROOT } from '../lib/child';
import { createExtensionClient, ExtensionPipeline } from '../lib/extensionPipeline';
import { createRawClient, rawRun } from '../lib/rawSdk';
import type { Figure, SectionResult } from '../lib/report';
import { interleave, median, p95, pairedDiff } from '../lib/stats';
import { promptInput, streamScript, type RunFigures } from '../lib/workload';
import { buildPrompt } from '../../src/core/prompt';
import type { BenchContext, Section } from './types';

const TOKENS = 400;
const FIRST_BYTE_MS = 50;
const TTFT_PAIRS = 120;
const THROUGHPUT_PAIRS = 120;
const WARMUP = 8;
const SDK_LOAD_PAIRS = 12;
const TARGET_OVERHEAD_MS = 5;

async function run(ctx: BenchContext): Promise<SectionResult> {
  const server = await ctx.server();
  const input = promptInput();
  const built = buildPrompt(input);
  // The baseline sends exactly the body the extension builds.
  const body = { prompt: built.prompt, temperature: 0.5, top_p: 0.9, max_gen_len: input.maxGenLen };
  const raw = createRawClient(server.url);
  const ext = new ExtensionPipeline(createExtensionClient(server.url));
  const a = () => rawRun(raw, body);
  const b = () => ext.run(input);
  try {
    // Warm-up: SDK load, connection set-up, JIT of both paths, on both scripts.
    for (const delay of [FIRST_BYTE_MS, 0]) {
      await server.setScript(streamScript(TOKENS, delay));
      await interleave(WARMUP, a, b);
    }
    ctx.log(`pipeline: time to first character, ${TTFT_PAIRS} A/B pairs`);
    await server.setScript(streamScript(TOKENS, FIRST_BYTE_MS));
    const ttft = check(await interleave(TTFT_PAIRS, a, b));
    ctx.log(`pipeline: unthrottled throughput, ${THROUGHPUT_PAIRS} A/B pairs`);
    await server.setScript(streamScript(TOKENS, 0));
    const flow = check(await interleave(THROUGHPUT_PAIRS, a, b));
    ctx.log(`pipeline: SDK load, ${SDK_LOAD_PAIRS} child-process pairs`);
    const load = await sdkLoad();
    return { figures: [...ttftFigures(ttft), ...throughputFigures(flow), ...load.figures], notes: [
      `stream: ${TOKENS} one-token chunks, first after ${FIRST_BYTE_MS} ms (unthrottled: no delays); server in its own process; A = bare SDK, B = extension`,
      `TTFT of B counts from before buildPrompt to the sink's first character; A sends the same prompt, prebuilt`,
      ...load.notes,
    ] };
  } finally {
    raw.destroy();
    ext.client.dispose();
  }
}

/** Both paths must have received the whole stream, or the figures mean nothing. */
function check(r: { a: RunFigures[]; b: RunFigures[] }): { a: RunFigures[]; b: RunFigures[] } {
  for (const x of [...r.a, ...r.b]) {
    if (x.tokens !== TOKENS || !Number.isFinite(x.ttftMs)) throw new Error(`a run got ${x.tokens} tokens (expected ${TOKENS})`);
  }
  if (r.a[0].chars !== r.b[0].chars) throw new Error(`the paths received different text (${r.a[0].chars} vs ${r.b[0].chars} chars)`);
  return r;
}

function ttftFigures(r: { a: RunFigures[]; b: RunFigures[] }): Figure[] {
  const a = r.a.map((x) => x.ttftMs);
  const b = r.b.map((x) => x.ttftMs);
  const diff = median(b) - median(a);
  return [
    { key: 'pipeline_ttft_extension_median', label: 'time to first character, median', unit: 'ms', value: median(b), baseline: { key: 'pipeline_ttft_sdk_median', value: median(a) }, runs: a.length },
    { key: 'pipeline_ttft_extension_p95', label: 'time to first character, p95', unit: 'ms', value: p95(b), baseline: { key: 'pipeline_ttft_sdk_p95', value: p95(a) }, runs: a.length },
    { key: 'pipeline_ttft_overhead_median', label: 'TTFT added by the extension (median B − median A)', unit: 'ms', value: diff, runs: a.length,
      target: { text: `≤ ${TARGET_OVERHEAD_MS} ms`, met: diff <= TARGET_OVERHEAD_MS } },
    { key: 'pipeline_ttft_overhead_paired_median', label: 'TTFT added, median of paired differences', unit: 'ms', value: median(pairedDiff(a, b)), runs: a.length },
  ];
}

function throughputFigures(r: { a: RunFigures[]; b: RunFigures[] }): Figure[] {
  const a = r.a.map((x) => x.totalMs);
  const b = r.b.map((x) => x.totalMs);
  const rate = (ms: number) => TOKENS / (ms / 1000);
  return [
    { key: 'pipeline_throughput_extension_median', label: `throughput, unthrottled (${TOKENS} tokens / median time)`, unit: 'tokens/s', value: rate(median(b)), baseline: { key: 'pipeline_throughput_sdk_median', value: rate(median(a)) }, runs: a.length },
    { key: 'pipeline_throughput_extension_p95', label: 'throughput at the p95 stream time', unit: 'tokens/s', value: rate(p95(b)), baseline: { key: 'pipeline_throughput_sdk_p95', value: rate(p95(a)) }, runs: a.length },
    { key: 'pipeline_stream_extension_median', label: `whole request, ${TOKENS} tokens unthrottled, median`, unit: 'ms', value: median(b), baseline: { key: 'pipeline_stream_sdk_median', value: median(a) }, runs: a.length },
  ];
}

/** The packages src/core/bedrock/sdk.ts bundles, loaded from node_modules: the baseline for dist/sdk.js. */
const UNBUNDLED = ['@aws-sdk/client-bedrock-runtime', '@aws-sdk/credential-providers', '@smithy/node-http-handler', 'agent-base', 'http-proxy-agent', 'https-proxy-agent'];

/** First `require` in a fresh process (cold) and a second one there (warm: the module cache). */
function loadOnce(modules: string[]): { cold: number; warm: number } {
  const code = `const m=${JSON.stringify(modules)};const t0=performance.now();for(const x of m)require(x);const t1=performance.now();` +
    'for(const x of m)require(x);const t2=performance.now();process.stdout.write(JSON.stringify({cold:t1-t0,warm:t2-t1}))';
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { cwd: ROOT, env: benchEnv(), encoding: 'utf8' })) as { cold: number; warm: number };
}

async function sdkLoad(): Promise<{ figures: Figure[]; notes: string[] }> {
  const bundle = path.join(ROOT, 'dist', 'sdk.js');
  if (!existsSync(bundle)) execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: ROOT, stdio: 'ignore' });
  const r = await interleave(SDK_LOAD_PAIRS, async () => loadOnce(UNBUNDLED), async () => loadOnce([bundle]));
  const cold = r.b.map((x) => x.cold);
  const base = r.a.map((x) => x.cold);
  return {
    figures: [
      { key: 'pipeline_sdk_load_cold_median', label: 'SDK load, cold require of dist/sdk.js, median', unit: 'ms', value: median(cold), baseline: { key: 'pipeline_sdk_load_unbundled_cold_median', value: median(base) }, runs: cold.length },
      { key: 'pipeline_sdk_load_cold_p95', label: 'SDK load, cold require of dist/sdk.js, p95', unit: 'ms', value: p95(cold), baseline: { key: 'pipeline_sdk_load_unbundled_cold_p95', value: p95(base) }, runs: cold.length },
      { key: 'pipeline_sdk_load_warm_median', label: 'SDK load, warm require (already loaded), median', unit: 'ms', value: median(r.b.map((x) => x.warm)), runs: cold.length },
    ],
    notes: [`SDK load: fresh \`node\` per run, time of the require only, of a ${existsSync(`${bundle}.map`) ? 'DEVELOPMENT' : 'production'} dist/sdk.js; ` +
      'baseline = the same packages unbundled from node_modules'],
  };
}

export const pipeline: Section = {
  name: 'pipeline',
  host: 'node',
  description: 'time to first character and throughput: bare SDK vs the extension path; SDK load',
  run,
};
