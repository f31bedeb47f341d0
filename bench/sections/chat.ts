// Chat rendering in the chat webview, in Chromium (code-server): per-chunk time of the
// webview's own code (message handler + the animation frame that renders the chunk,
// layout included, paint not) over the first and the last 100 chunks of a ~10,000-token
// Markdown answer with code blocks, beside a baseline that renders the whole answer again
// per chunk with the same Markdown renderer. bench/webview/driver.ts does the timing
// inside the webview; the answer is started for real (local server) and then fed as
// `delta` messages, one chunk per frame where measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Frame } from 'playwright-core';
import { Workbench } from '../../test/ui/support/workbench';
import { ROOT } from '../lib/child';
import type { SectionResult } from '../lib/report';
import { median, p95 } from '../lib/stats';
import { startVscodeHost } from '../lib/vscodeHost';
import type { BenchDriver, ChunkTimes } from '../webview/driver';
import type { BenchContext, Section } from './types';

const MEASURED = 100;
const TARGET_LAST_MS = 2;
const TARGET_RATIO = 2;

/** ~10,000 tokens of headings, prose and TypeScript code blocks, in chunks of three words (~4 tokens). */
export function chatAnswer(): string[] {
  const section = (i: number) =>
    `## Step ${i}\n\nThis step explains how the function handles case ${i}, with a short note on why it matters for callers.\n\n` +
    `\`\`\`ts\nexport function step${i}(input: number): number {\n  return input * ${i} + 1;\n}\n\`\`\`\n\n`;
  const words = Array.from({ length: 183 }, (_, i) => section(i)).join('').match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += 3) chunks.push(words.slice(i, i + 3).join(''));
  return chunks;
}

async function driverScript(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench/webview/driver.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const server = await ctx.server();
  const chunks = chatAnswer();
  // The real request streams the first chunk, then stalls: the turn stays open for the fed deltas.
  await server.setScript({ type: 'response', chunks: [chunks[0]], fault: { type: 'stall', afterChunks: 1 } });
  const host = await startVscodeHost('chat', ctx.log, { 'bedrockLlama.endpoint': server.url });
  ctx.vscodeVersion = host.vscodeVersion;
  let ext: ChunkTimes;
  let base: ChunkTimes;
  try {
    const page = await host.openWorkbench();
    const wb = new Workbench(page, path.join(ROOT, 'test-results', 'screenshots'));
    await wb.ready();
    await wb.waitForStatusBarText('Llama', 60_000); // the meter: the extension is active, its commands are in
    await wb.runCommand('Llama: Open Chat');
    const frame = await wb.webviewFrame('Llama');
    const input = frame.locator('textarea[aria-label="Message Llama"]');
    await input.waitFor();
    await frame.evaluate(await driverScript());
    await input.fill('Walk me through all the steps');
    await input.press('Enter');
    await waitForDelta(frame);
    ctx.log(`chat: ${chunks.length - 1} chunks through the webview, then the whole-re-render baseline`);
    // BEDROCK_LLAMA_BENCH_PROFILE=1: a CPU profile of the page (the webview runs in its process) while the chunks go in.
    const cdp = process.env.BEDROCK_LLAMA_BENCH_PROFILE === '1' ? await page.context().newCDPSession(page) : undefined;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp?.send('Profiler.start');
    ext = await frame.evaluate(([c, m]) => (window as unknown as { bedrockLlamaBench: BenchDriver }).bedrockLlamaBench.extension(c, m), [chunks.slice(1), MEASURED] as const);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      const file = path.join(ROOT, 'test-results', 'chat-render.cpuprofile');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      ctx.log(`chat: CPU profile written to ${path.relative(ROOT, file)} (open it in Chromium's DevTools, Performance panel)`);
    }
    const rendered = await frame.locator('article.turn .answer').last().innerText();
    if (!rendered.includes('export function step182')) throw new Error('the webview did not render the whole answer');
    base = await frame.evaluate(([c, m]) => (window as unknown as { bedrockLlamaBench: BenchDriver }).bedrockLlamaBench.baseline(c, m), [chunks, MEASURED] as const);
    await wb.screenshot('bench-chat');
  } finally {
    await host.stop();
  }
  return figures(ext, base, chunks.length);
}

async function waitForDelta(frame: Frame): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (await frame.evaluate(() => (window as unknown as { bedrockLlamaBench: BenchDriver }).bedrockLlamaBench.ids() !== undefined)) return;
  }
  throw new Error('the chat never received the first chunk');
}

function figures(ext: ChunkTimes, base: ChunkTimes, chunks: number): SectionResult {
  const last = median(ext.last);
  const ratio = last / median(ext.first);
  return {
    figures: [
      { key: 'chat_chunk_first100_median', label: `time per chunk, first ${MEASURED} chunks, median`, unit: 'ms', value: median(ext.first),
        baseline: { key: 'chat_chunk_first100_rerender_median', value: median(base.first) }, runs: ext.first.length },
      { key: 'chat_chunk_last100_median', label: `time per chunk, last ${MEASURED} chunks, median`, unit: 'ms', value: last,
        baseline: { key: 'chat_chunk_last100_rerender_median', value: median(base.last) }, runs: ext.last.length,
        target: { text: `≤ ${TARGET_LAST_MS} ms`, met: last <= TARGET_LAST_MS } },
      { key: 'chat_chunk_last100_p95', label: `time per chunk, last ${MEASURED} chunks, p95`, unit: 'ms', value: p95(ext.last),
        baseline: { key: 'chat_chunk_last100_rerender_p95', value: p95(base.last) }, runs: ext.last.length },
      { key: 'chat_chunk_last_first_ratio', label: 'last/first (medians): flat means ~1', unit: 'x', value: ratio,
        baseline: { key: 'chat_chunk_last_first_ratio_rerender', value: median(base.last) / median(base.first) }, runs: ext.last.length,
        target: { text: `≤ ${TARGET_RATIO}`, met: ratio <= TARGET_RATIO } },
    ],
    notes: [
      `${chunks} chunks of ~4 tokens (~10,000 tokens: 183 headings, paragraphs and TypeScript code blocks); measured chunks one per animation frame, the ones between in batches of 20`,
      'time per chunk = message handler + that frame\'s script and layout (the webview\'s flush, its scroll to the bottom, a forced layout), from inside the webview; paint excluded',
      'baseline = the same Markdown renderer (markdown-it + highlight.js + DOMPurify) rendering the whole answer per chunk, beside the real answer in the same webview',
    ],
  };
}

export const chat: Section = {
  name: 'chat',
  host: 'vscode',
  description: 'chat webview render time per chunk vs re-rendering the whole answer, in Chromium',
  run,
};
