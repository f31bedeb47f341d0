// The response cache where the user sees it: a cache hit's time to first character beside a
// real request's, in a real VS Code (code-server; the extension's production build), through
// Summarize Selection Inline: command → the answer's first word in the document. The
// extension-host side is bench/vscode/cacheTtft.ts.
import type { Figure, SectionResult } from '../lib/report';
import { median, p95 } from '../lib/stats';
import { startVscodeHost } from '../lib/vscodeHost';
import type { CachePlan, CacheResult } from '../vscode/protocol';
import type { BenchContext, Section } from './types';

const PLAN: CachePlan = { pairs: 30, warmup: 3, tokens: 60, firstByteMs: 0 };

async function run(ctx: BenchContext): Promise<SectionResult> {
  // The cache is on from the start (a machine-scoped setting); the payload points the endpoint at its own server.
  const host = await startVscodeHost('cache', ctx.log, { 'bedrockLlama.cacheTtlMinutes': 60 });
  let result: CacheResult | undefined;
  try {
    ctx.log(`cache: ${PLAN.pairs} pairs of a real request and a cache hit of the identical request (after ${PLAN.warmup} warm-up pairs)`);
    const { result: r } = await host.runPayload({ tasks: ['cache'], editor: { tokens: 0, rates: [], runs: 0, baselineRuns: 0 }, cache: PLAN });
    ctx.vscodeVersion = host.vscodeVersion;
    result = r.cache;
  } finally {
    await host.stop();
  }
  if (!result) throw new Error('the payload returned no cache figures');
  return { figures: figures(result), notes: [
    `Summarize Selection Inline on a 2-line Python function, in the extension host: command → the first document change holding the answer's first word; A = real request, B = the identical request again, from the response cache (files under globalStorageUri)`,
    `the local server sends the first of ${PLAN.tokens} one-token chunks at once (first byte after ${PLAN.firstByteMs} ms): the real request's figure is the extension's own path, the SDK and the loopback round trip, a floor; against Bedrock add its own time to first token`,
    'both include one editor.edit round trip through the browser (code-server), the floor row below; each real request is a miss (a selection no earlier run had), pairs alternate which goes first',
  ] };
}

function figures(r: CacheResult): Figure[] {
  const hit = median(r.hitMs);
  const real = median(r.realMs);
  return [
    { key: 'cache_ttft_hit_median', label: 'time to first character from the response cache, median (baseline: a real request)', unit: 'ms', value: hit,
      baseline: { key: 'cache_ttft_real_median', value: real }, runs: r.hitMs.length },
    { key: 'cache_ttft_hit_p95', label: 'time to first character from the response cache, p95 (baseline: a real request)', unit: 'ms', value: p95(r.hitMs),
      baseline: { key: 'cache_ttft_real_p95', value: p95(r.realMs) }, runs: r.hitMs.length },
    { key: 'cache_ttft_hit_to_real', label: "a cache hit's time to first character as a ratio to a real request's (medians)", unit: 'x', value: hit / real, runs: r.hitMs.length },
    { key: 'cache_edit_roundtrip_median', label: 'one small edit alone: editor.edit() → change event, median (the floor under both)', unit: 'ms', value: median(r.editRoundTripMs), runs: r.editRoundTripMs.length },
  ];
}

export const cache: Section = {
  name: 'cache',
  host: 'vscode',
  description: "a cache hit's time to first character vs a real request's, in a real VS Code (Summarize Selection Inline)",
  run,
};
