// Summarize Files… against a request-rate limit: 100 files of ~300 tokens, each summarized with
// the request the extension sends (core fileRequest → runRequest → the real SDK client) through
// runPool + AdaptiveConcurrency at concurrency 1, 4 and 16, beside a sequential bare-SDK loop
// sending the same 100 bodies; then the peak memory of a 1,000-file run in its own process.
//
// The server (its own process, bench/lib/serverChild.ts) admits LIMIT requests per second with a
// bucket of BURST (test/server/rateLimit.ts) and answers every other request 429
// ThrottlingException, as Bedrock does over a quota; each admitted request is answered in
// ANSWER_MS (first chunk after 105 ms, 40 chunks paced to end 300 ms after the headers).
//
// The ideal: whatever the concurrency, at most BURST + LIMIT × t requests are admitted by time t,
// so the last of N files cannot be admitted before (N − BURST) / LIMIT s, and it then takes
// ANSWER_MS to answer:  ideal = (N − BURST) / LIMIT + ANSWER_MS / 1000  (100 files: 9.0 + 0.3 = 9.3 s).
// Time to completion is reported as a ratio to it. A run of c at a time is also bound by latency,
// ceil(N / c) × ANSWER_MS (c = 1: 30 s, so ≈ 3.2× the ideal is the best concurrency 1 can do);
// that bound is in the notes, not in the ratio.
//
// Throttling: the SDK retries a 429 itself (maxAttempts 3, standard mode: a random back-off of
// up to 1 s, then up to 2 s) and the extension's `retrying` hook tells the pool, which halves
// its limit (once per episode); a file whose request still ends throttled is requeued, up to
// MAX_THROTTLED_TRIES tries in all (src/core/summarizeFiles/pool.ts). The bench mirrors that, nothing more.
import { forkTs, runTsForJson } from '../lib/child';
import type { BatchMemoryFigures } from '../lib/batchMemoryChild';
import { batchFiles } from '../lib/batchFiles';
import { ANSWER_MS, answerScript, batchSettings, fileBody, meanLimit, runExtensionBatch, runRawSequential, type BatchRun } from '../lib/batchRun';
import type { Figure, SectionResult } from '../lib/report';
import { startServer, type BenchServer } from '../lib/server';
import { MODEL_ID } from '../lib/workload';
import type { BenchContext, Section } from './types';

const FILES = 100;
const TOKENS = 300;
const LIMIT = 10;
const BURST = 10;
const CONCURRENCIES = [1, 4, 16] as const;
const MEMORY_FILES = 1000;
/** The memory run: the highest concurrency, against a limit that lets 1,000 files finish in ~20 s. */
const MEMORY_CONCURRENCY = 16;
const MEMORY_LIMIT = 50;

/** Lower bound on the time N files take through a token bucket of `burst` refilled at `perSecond`, each answered in `answerMs`. */
export function idealMs(n: number, perSecond: number, burst: number, answerMs: number): number {
  return (Math.max(0, n - burst) / perSecond) * 1000 + answerMs;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function run(ctx: BenchContext): Promise<SectionResult> {
  const files = batchFiles(FILES, TOKENS);
  const warmup = batchFiles(2, TOKENS, 1, 'warmup/');
  const ideal = idealMs(FILES, LIMIT, BURST, ANSWER_MS);
  // Each run starts with a full bucket, as the ideal assumes: it refills in BURST / LIMIT s.
  const refill = () => sleep((BURST / LIMIT) * 1000 + 200);
  const runs: Array<{ key: string; label: string; run: BatchRun; concurrency: number | 'sdk' }> = [];

  let server: BenchServer | undefined = await startServer(forkTs(require.resolve('../lib/serverChild'), ['--rate-limit', `${LIMIT}:${BURST}`]));
  try {
    await server.setScript(answerScript());
    const url = server.url;
    ctx.log(`batch: bare SDK, ${FILES} files one after the other (limit ${LIMIT} req/s, answers ${ANSWER_MS} ms)`);
    const raw = await runRawSequential(files, { url, warmup, beforeStart: refill });
    runs.push({ key: 'sdk_sequential', label: 'bare SDK, one at a time', run: raw, concurrency: 'sdk' });
    // The extension must send what the baseline sent: same model id, same bodies.
    const { config } = batchSettings(url, 1) as Extract<ReturnType<typeof batchSettings>, { ok: true }>;
    const expected = new Map(files.map((f) => [f.path, JSON.stringify(fileBody(config, f))]));
    let mismatch: string | undefined;
    for (const c of CONCURRENCIES) {
      ctx.log(`batch: runPool at concurrency ${c}, ${FILES} files`);
      const r = await runExtensionBatch(files, {
        url, concurrency: c, warmup, beforeStart: refill,
        onPrompt: (path, modelId, body) => {
          const want = expected.get(path);
          if (want !== undefined && (want !== JSON.stringify(body) || modelId !== MODEL_ID)) mismatch ??= `${path} (${modelId})`;
        },
      });
      runs.push({ key: `c${c}`, label: `runPool + AdaptiveConcurrency, ${c} at a time`, run: r, concurrency: c });
    }
    if (mismatch) throw new Error(`the extension sent another request than the baseline for ${mismatch}`);
  } finally {
    await server.stop();
    server = undefined;
  }

  ctx.log(`batch: peak memory of a ${MEMORY_FILES}-file run at concurrency ${MEMORY_CONCURRENCY} (limit ${MEMORY_LIMIT} req/s), in a child process`);
  let mem: BatchMemoryFigures;
  server = await startServer(forkTs(require.resolve('../lib/serverChild'), ['--rate-limit', `${MEMORY_LIMIT}:${MEMORY_LIMIT}`]));
  try {
    await server.setScript(answerScript());
    mem = await runTsForJson<BatchMemoryFigures>(require.resolve('../lib/batchMemoryChild'), [server.url, String(MEMORY_FILES), String(MEMORY_CONCURRENCY), String(TOKENS)], ['--expose-gc']);
  } finally {
    await server.stop();
  }

  for (const { label, run: r } of runs) if (r.done + r.failed !== FILES) throw new Error(`${label}: ${r.done} done + ${r.failed} failed of ${FILES}`);
  if (mem.run.done + mem.run.failed !== MEMORY_FILES) throw new Error(`memory run: ${mem.run.done} done + ${mem.run.failed} failed of ${MEMORY_FILES}`);

  const perMin = (r: BatchRun) => r.done / (r.ms / 60_000);
  const raw = runs[0].run;
  const figures: Figure[] = [
    { key: 'batch_ideal_s', label: `limit-bound ideal: ${FILES} files at ${LIMIT} req/s (burst ${BURST}), answers ${ANSWER_MS} ms (s)`, unit: '', value: round(ideal / 1000, 2) },
    { key: 'batch_ideal_files_per_min', label: 'files per minute at the ideal', unit: '', value: round(FILES / (ideal / 60_000), 1) },
  ];
  for (const { key, label, run: r } of runs) {
    figures.push(
      { key: `batch_files_per_min_${key}`, label: `${label}: files per minute`, unit: '', value: round(perMin(r), 1),
        ...(r === raw ? {} : { baseline: { key: 'batch_files_per_min_sdk_sequential_baseline', value: round(perMin(raw), 1) } }), runs: 1 },
      { key: `batch_time_${key}_s`, label: `${label}: time to ${FILES} files (s)`, unit: '', value: round(r.ms / 1000, 2), runs: 1 },
      { key: `batch_time_vs_ideal_${key}`, label: `${label}: time ÷ ideal`, unit: 'x', value: r.ms / ideal, runs: 1 },
    );
    if (r !== raw) {
      figures.push({ key: `batch_throttled_${key}`, label: `${label}: 429s (SDK retries + requests ended throttled)`, unit: 'count', value: r.throttles ?? NaN, runs: 1 });
    }
  }
  figures.push(
    { key: 'batch_memory_rss_peak', label: `peak RSS, ${MEMORY_FILES}-file run at ${MEMORY_CONCURRENCY} (baseline: before the run)`, unit: 'MB', value: mem.peak.maxRssMb, baseline: { key: 'batch_memory_rss_before', value: mem.before.rssMb }, runs: 1 },
    { key: 'batch_memory_heap_peak', label: `peak heap used, ${MEMORY_FILES}-file run (sampled every 10 ms; baseline: before, after gc)`, unit: 'MB', value: mem.peak.heapMb, baseline: { key: 'batch_memory_heap_before', value: mem.before.heapMb }, runs: 1 },
    { key: 'batch_memory_heap_after', label: `heap used after the ${MEMORY_FILES}-file run (after gc; summaries kept)`, unit: 'MB', value: mem.after.heapMb, baseline: { key: 'batch_memory_heap_before', value: mem.before.heapMb }, runs: 1 },
  );

  const notes = [
    `${FILES} generated files (bench/lib/batchFiles.ts, TypeScript and Python, ≈${TOKENS} tokens each); model ${MODEL_ID}, the extension's default settings; one run each, in this order: bare SDK, then c = ${CONCURRENCIES.join(', ')}; each starts warm (2 requests) with a full bucket`,
    `ideal = (N − burst) / limit + answer time = (${FILES} − ${BURST}) / ${LIMIT} + ${ANSWER_MS / 1000} = ${(ideal / 1000).toFixed(2)} s; a run of c at a time is also latency-bound at ⌈N / c⌉ × ${ANSWER_MS} ms: ` +
      CONCURRENCIES.map((c) => `c = ${c}: ${((Math.ceil(FILES / c) * ANSWER_MS) / 1000).toFixed(1)} s`).join(', '),
    `baseline (files per minute) = the bare SDK's sequential loop (maxAttempts 3, standard retries, same bodies, verified equal)`,
  ];
  for (const { label, run: r, concurrency } of runs) {
    if (concurrency === 'sdk') {
      if (r.failed) notes.push(`${label}: ${r.failed} failed (${r.failures.join('; ')})`);
      continue;
    }
    const changes = r.history.slice(1);
    const halvings = changes.filter((h) => h.reason === 'throttled').length;
    const trace = r.history.map((h) => h.limit).join('→');
    notes.push(`${label}: ${r.done} done, ${r.failed} failed, ${r.requeued} requeued, peak ${r.peak} in flight; limit ${halvings} halvings, ${changes.length - halvings} raises, ` +
      `mean ${meanLimit(r.history, r.endedAt).toFixed(1)}${changes.length ? `: ${trace.length > 160 ? `${trace.slice(0, 157)}…` : trace}` : ''}` +
      (r.failures.length ? `; failures: ${r.failures.join('; ')}` : ''));
  }
  notes.push(`memory run: ${mem.run.done} done, ${mem.run.failed} failed, ${mem.run.throttles} 429s, ${mem.run.requeued} requeued in ${(mem.run.ms / 1000).toFixed(1)} s, ${mem.run.limitChanges} limit changes; ` +
    `peak RSS is the kernel's high-water mark (sampled peak ${mem.peak.rssMb.toFixed(1)} MB); ${mem.samples} samples; MB = 2^20 bytes; under tsx's require hook`);
  return { figures, notes };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export const batch: Section = {
  name: 'batch',
  host: 'node',
  description: 'Summarize Files… against a rate limit: files per minute at concurrency 1, 4, 16 vs a sequential bare-SDK loop, time vs the limit-bound ideal; peak memory of 1,000 files',
  run,
};
