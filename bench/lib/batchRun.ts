// The two ways the batch section summarizes files against the rate-limited local server:
//  - the extension's: Summarize Files…'s request for each file (core fileRequest) through the core
//    request flow (runRequest: settings, prompt, body, the real SDK client through
//    LlamaBedrockClient) in runPool with AdaptiveConcurrency, throttling handled as
//    src/summarizeFiles/run.ts handles it (an SDK retry for throttling and a request that failed
//    throttled both call `throttled()`; a throttled file is requeued, up to MAX_THROTTLED_TRIES tries, the extension's own constant);
//    summaries kept as the Markdown report mode keeps them (no editor here);
//  - the baseline: a sequential loop over the bare SDK (bench/lib/rawSdk.ts, the same retry
//    settings) sending the very same bodies.
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { maxGenLenFor } from '../../src/core/catalog';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { buildPrompt } from '../../src/core/prompt';
import { promptInputFor } from '../../src/core/request/draftEstimate';
import { runRequest, type RequestDeps } from '../../src/core/request/runRequest';
import { validateSettings, type LlamaConfig, type ValidationResult } from '../../src/core/settingsSchema';
import { cleanSummary, withoutSummaryBlock } from '../../src/core/summarizeFiles/header';
import { fileRequest } from '../../src/core/summarizeFiles/plan';
import { AdaptiveConcurrency, MAX_THROTTLED_TRIES, runPool, type ConcurrencyChange, type PoolResult } from '../../src/core/summarizeFiles/pool';
import { MAX_SUMMARY_CHARS } from '../../src/core/summarizeFiles/progress';
import type { LlamaRequestBody } from '../../src/core/types';
import { textResponse, type ResponseScript } from '../../test/server/bedrockServer';
import type { BatchFile } from './batchFiles';
import { createExtensionClient } from './extensionPipeline';
import { createRawClient, rawRun } from './rawSdk';
import { MODEL_ID, REGION } from './workload';


/** The scripted answer: headers at once, the first chunk after FIRST_BYTE_MS, then CHUNKS chunks paced at CHUNKS_PER_S. */
export const ANSWER = { firstByteMs: 105, chunks: 40, chunksPerSecond: 200 };
/** How long the server takes to answer one request, headers to last chunk: 105 + 39 × 5 = 300 ms. */
export const ANSWER_MS = ANSWER.firstByteMs + ((ANSWER.chunks - 1) * 1000) / ANSWER.chunksPerSecond;

const SUMMARY = 'This module holds small helpers over record arrays: each function takes at most `limit` items, ' +
  'keeps those that have the named field, and returns that field scaled by a constant plus a second field (0 when absent). ' +
  'Inputs are not changed; an empty array gives an empty result. Nothing here does I/O or keeps state between calls.';

export function answerScript(): ResponseScript {
  return textResponse(SUMMARY, { chunks: ANSWER.chunks, firstByteDelayMs: ANSWER.firstByteMs, chunksPerSecond: ANSWER.chunksPerSecond });
}

/** The extension's settings for the run: defaults, the bench's model and region, the local server. */
export function batchSettings(url: string, concurrency: number): ValidationResult {
  const settings = validateSettings({ modelId: MODEL_ID, region: REGION, endpoint: url, 'batch.concurrency': concurrency });
  if (!settings.ok) throw new Error(`invalid bench settings: ${settings.errors.map((e) => e.message).join('; ')}`);
  return settings;
}

/** The body runRequest sends for `file` (src/core/request/runRequest.ts, `send`): for the bare-SDK baseline. */
export function fileBody(config: LlamaConfig, file: BatchFile): LlamaRequestBody {
  const spec = fileRequest({ path: file.path, languageId: file.languageId, text: withoutSummaryBlock(file.text) });
  const built = buildPrompt(promptInputFor(config, spec.prompt));
  return { prompt: built.prompt, temperature: config.temperature, top_p: config.topP, max_gen_len: maxGenLenFor(config.model, config.maxGenLen) };
}

export interface BatchRun {
  /** From the first request to the last file's end. */
  ms: number;
  /** Epoch ms at the end (the limiter's history is in epoch ms). */
  endedAt: number;
  done: number;
  failed: number;
  /** HTTP 429s the client got: SDK retries for throttling plus requests that ended throttled (pool runs). */
  throttles: number | undefined;
  /** Files put back in the queue after their request ended throttled. */
  requeued: number;
  /** The most requests in flight at once. */
  peak: number;
  /** The limiter's changes (pool runs). */
  history: ConcurrencyChange[];
  /** Why files failed (first few). */
  failures: string[];
}

export interface PoolOptions {
  url: string;
  concurrency: number;
  /** Requests sent before the clock starts (SDK load, connections, JIT); not counted. */
  warmup?: readonly BatchFile[];
  /** Awaited after the warm-up, before the clock starts: e.g. a wait for the server's rate limit to fill up again. */
  beforeStart?(): Promise<void>;
  /** Told each prompt as sent (to compare with the baseline's bodies). */
  onPrompt?(path: string, modelId: string, body: LlamaRequestBody): void;
}

/** Summarize Files… over `files` on the extension's path; summaries go into `summaries` (path → text). */
export async function runExtensionBatch(files: readonly BatchFile[], o: PoolOptions, summaries = new Map<string, string>()): Promise<BatchRun> {
  const settings = batchSettings(o.url, o.concurrency);
  // One client for the run, as ClientProvider keeps one (its default options: 60 s idle, 10 s connect, 3 attempts, standard retries).
  const client = createExtensionClient(o.url);
  const profiles = new MapProfileMemory();
  const controller = new AbortController();
  let n = 0;
  let throttles = 0;
  let requeued = 0;
  let failed = 0;
  const failures: string[] = [];
  const deps = (paths: string): RequestDeps => ({
    settings,
    connect: () => Promise.resolve({ client, release: () => undefined }),
    profiles,
    requestId: `batch-${n++}`,
    recordPrompt: o.onPrompt && ((r) => {
      const p = r.parameters;
      o.onPrompt?.(paths, r.modelIdSent, { prompt: r.prompt, temperature: p.temperature, top_p: p.top_p, max_gen_len: p.max_gen_len });
    }),
  });
  const fail = (file: BatchFile, why: string): PoolResult => {
    failed++;
    if (failures.length < 5) failures.push(`${file.path}: ${why}`);
    return 'failed';
  };
  try {
    for (const file of o.warmup ?? []) {
      const outcome = await runRequest(fileRequest(file), deps(file.path), { text: () => undefined }, controller.signal);
      if (outcome.kind !== 'ok') throw new Error(`the warm-up request ended ${outcome.kind}`);
    }
    await o.beforeStart?.();
    const limiter = new AdaptiveConcurrency(o.concurrency);
    const started = performance.now();
    const result = await runPool(files, limiter, async (file, pool) => {
      // What FileSummaryRun.summarize does for a file in report mode, from its text on.
      if (controller.signal.aborted) return 'stopped';
      const body = withoutSummaryBlock(file.text);
      // Each file's request has its own controller, which the run's Cancel aborts.
      const own = new AbortController();
      const stop = () => own.abort();
      controller.signal.addEventListener('abort', stop, { once: true });
      let outcome;
      try {
        outcome = await runRequest(fileRequest({ path: file.path, languageId: file.languageId, text: body }), deps(file.path), {
          text: () => undefined,
          retrying: (_attempt, reason) => {
            if (reason.kind === 'throttled') {
              throttles++;
              pool.throttled();
            }
          },
          wholeAnswer: () => undefined,
        }, own.signal);
      } finally {
        controller.signal.removeEventListener('abort', stop);
      }
      switch (outcome.kind) {
        case 'ok': {
          const summary = cleanSummary(outcome.text);
          if (!summary) return fail(file, 'the model answered with no text');
          summaries.set(file.path, summary.slice(0, MAX_SUMMARY_CHARS));
          return 'done';
        }
        case 'failed':
          if (outcome.failure.kind === 'throttled') {
            throttles++;
            pool.throttled();
            if (pool.attempt < MAX_THROTTLED_TRIES && !controller.signal.aborted) {
              requeued++;
              return 'requeue';
            }
          }
          return fail(file, outcome.failure.message);
        default:
          return fail(file, `ended ${outcome.kind}`);
      }
    }, controller.signal, (file, err) => void fail(file, `unexpected error: ${String(err)}`));
    const ms = performance.now() - started;
    return { ms, endedAt: Date.now(), done: summaries.size, failed, throttles, requeued, peak: result.peak, history: [...limiter.history], failures };
  } finally {
    client.dispose();
  }
}

/** The baseline: one file after the other through the bare SDK, the same bodies. */
export async function runRawSequential(files: readonly BatchFile[], o: Pick<PoolOptions, 'url' | 'warmup' | 'beforeStart'>): Promise<BatchRun> {
  const { config } = batchSettings(o.url, 1) as Extract<ValidationResult, { ok: true }>;
  const raw: BedrockRuntimeClient = createRawClient(o.url);
  const bodies = files.map((f) => fileBody(config, f)); // prebuilt: the baseline does nothing but send
  let done = 0;
  let failed = 0;
  const failures: string[] = [];
  try {
    for (const file of o.warmup ?? []) await rawRun(raw, fileBody(config, file));
    await o.beforeStart?.();
    const started = performance.now();
    for (let i = 0; i < files.length; i++) {
      try {
        const r = await rawRun(raw, bodies[i]);
        if (r.chars > 0) done++;
        else throw new Error('no text');
      } catch (err) {
        failed++;
        if (failures.length < 5) failures.push(`${files[i].path}: ${err instanceof Error ? err.name : String(err)}`);
      }
    }
    const ms = performance.now() - started;
    return { ms, endedAt: Date.now(), done, failed, throttles: undefined, requeued: 0, peak: 1, history: [], failures };
  } finally {
    raw.destroy();
  }
}

/** The limiter's mean over the run, weighted by how long each limit held. */
export function meanLimit(history: readonly ConcurrencyChange[], endAt: number): number {
  let sum = 0;
  for (let i = 0; i < history.length; i++) {
    const until = i + 1 < history.length ? history[i + 1].at : endAt;
    sum += history[i].limit * Math.max(0, until - history[i].at);
  }
  const span = endAt - history[0].at;
  return span > 0 ? sum / span : history[0].limit;
}
