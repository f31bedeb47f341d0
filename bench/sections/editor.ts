// Editor streaming in a real VS Code (code-server + Chromium): a 2,000-token answer at
// 1,000 and 2,000 tokens/s into Summarize Selection Inline, beside the naive baseline
// (one awaited edit per chunk, same client and stream), alternating in one extension host.
import type { Figure, SectionResult } from '../lib/report';
import { median, p95 } from '../lib/stats';
import { startVscodeHost } from '../lib/vscodeHost';
import type { EditorResult, StreamRun } from '../vscode/protocol';
import type { BenchContext, Section } from './types';

const TOKENS = 2000;
const RATES = [1000, 2000];
const RUNS = 5;
/** The naive baseline takes ~40 s a run in code-server (one ~20 ms round trip per chunk). */
const BASELINE_RUNS = 2;
const TARGET_EDITS_PER_S = 60;
const TARGET_LAG_MS = 20;

async function run(ctx: BenchContext): Promise<SectionResult> {
  const host = await startVscodeHost('editor', ctx.log);
  let result: EditorResult | undefined;
  try {
    ctx.log(`editor: ${TOKENS} tokens at ${RATES.join(' and ')} tokens/s, ${RUNS} runs per rate (baseline: ${BASELINE_RUNS})`);
    const { result: r } = await host.runPayload({ tasks: ['editor'], editor: { tokens: TOKENS, rates: RATES, runs: RUNS, baselineRuns: BASELINE_RUNS } });
    ctx.vscodeVersion = host.vscodeVersion;
    result = r.editor;
  } finally {
    await host.stop();
  }
  if (!result) throw new Error('the payload returned no editor figures');
  const rtt = result.editRoundTripMs;
  const floor: Figure[] = [
    { key: 'editor_edit_roundtrip_median', label: 'one small edit alone: editor.edit() → change event, median (the floor for any lag)', unit: 'ms', value: median(rtt), runs: rtt.length },
    { key: 'editor_edit_roundtrip_p95', label: 'one small edit alone, p95', unit: 'ms', value: p95(rtt), runs: rtt.length },
  ];
  return { figures: [...floor, ...RATES.flatMap((rate) => rateFigures(rate, result.extension[rate] ?? [], result.naive[rate] ?? []))], notes: [
    `${TOKENS} one-token chunks paced by the server's clock; A = the extension (Summarize Selection Inline), B = naive baseline: the same client and stream, one awaited editor.edit per chunk (same undo stops)`,
    `baseline rows: ${BASELINE_RUNS} runs per rate; in code-server every edit crosses the websocket to the browser and back`,
    'edits = document change events; edits/s over first chunk sent → last change; lag = last chunk sent (server clock) → full text in the document (extension host clock, both epoch ms)',
  ] };
}

const perSecond = (r: StreamRun) => r.edits / (r.streamMs / 1000);

function rateFigures(rate: number, ext: StreamRun[], naive: StreamRun[]): Figure[] {
  const k = `editor_${rate}`;
  const at = `at ${rate.toLocaleString('en-US')} tok/s`;
  const editsPerS = median(ext.map(perSecond));
  const lag = median(ext.map((r) => r.lagMs));
  const undo = ext.filter((r) => r.undoOneStep).length;
  return [
    { key: `${k}_edits_median`, label: `edits for ${TOKENS} tokens ${at}, median`, unit: 'count', value: median(ext.map((r) => r.edits)),
      baseline: { key: `${k}_edits_naive_median`, value: median(naive.map((r) => r.edits)) }, runs: ext.length },
    { key: `${k}_edits_per_s_median`, label: `edits per second ${at}, median`, unit: 'count', value: editsPerS,
      baseline: { key: `${k}_edits_per_s_naive_median`, value: median(naive.map(perSecond)) }, runs: ext.length,
      target: { text: `≤ ${TARGET_EDITS_PER_S}/s`, met: editsPerS <= TARGET_EDITS_PER_S } },
    { key: `${k}_final_lag_median`, label: `last chunk → full text in the document ${at}, median`, unit: 'ms', value: lag,
      baseline: { key: `${k}_final_lag_naive_median`, value: median(naive.map((r) => r.lagMs)) }, runs: ext.length,
      target: { text: `≤ ${TARGET_LAG_MS} ms`, met: lag <= TARGET_LAG_MS } },
    { key: `${k}_final_lag_p95`, label: `last chunk → full text ${at}, p95`, unit: 'ms', value: p95(ext.map((r) => r.lagMs)),
      baseline: { key: `${k}_final_lag_naive_p95`, value: p95(naive.map((r) => r.lagMs)) }, runs: ext.length },
    { key: `${k}_stream_median`, label: `first chunk → full text ${at}, median`, unit: 'ms', value: median(ext.map((r) => r.streamMs)),
      baseline: { key: `${k}_stream_naive_median`, value: median(naive.map((r) => r.streamMs)) }, runs: ext.length },
    { key: `${k}_undo_one_step`, label: `runs that one undo removed whole ${at}`, unit: 'count', value: undo, runs: ext.length,
      target: { text: `${ext.length} of ${ext.length}`, met: undo === ext.length } },
  ];
}

export const editor: Section = {
  name: 'editor',
  host: 'vscode',
  description: 'streaming into the editor vs one awaited edit per chunk, in a real VS Code',
  run,
};
