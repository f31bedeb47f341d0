// A finished Bedrock batch job's results, written into the files or the report by the same run
// the on-demand path uses (FileSummaryRun with the answers given): one undo step per header, a
// file that changed since the job was submitted left alone (failed, Retry Failed asks again on
// demand), the records Bedrock failed listed with its reason. The job is metered once, at
// batch prices, before anything is written, and the progress of the writing is kept in the job's
// record, so a reload finishes it without metering twice. Output that cannot be read (S3
// permissions, a network failure) writes and meters nothing: the job waits to be read again.
// Two windows of one workspace would both follow the job: the one holding the claim (a directory
// in global storage) writes it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { BatchJobClient, BatchResults } from '../core/batch/batchJob';
import { batchPriceFor } from '../core/batch/batchPrices';
import { jobIdOf } from '../core/batch/batchPersist';
import { textHash, type TrackedBatchJob } from '../core/batch/trackedJob';
import { BedrockLlamaError, toBedrockLlamaError } from '../core/bedrock/errors';
import { costUsd } from '../core/pricing';
import type { RequestOutcome } from '../core/request/outcome';
import type { RunState } from '../core/summarizeFiles/progress';
import type { Services } from '../services';
import { FileSummaryRun, type RunStateStore } from '../summarizeFiles/run';
import type { TrackedJobStore } from './trackedJobStore';

export interface ApplyOptions {
  store: TrackedJobStore;
  client: BatchJobClient;
  /** Global storage folder for the claims. */
  claims: vscode.Uri;
  /** This window's id (a claim records who holds it). */
  windowId: string;
  signal: AbortSignal;
  retryFailed(state: RunState): void;
  /** Resume in the end notification of a writing that was cancelled: follow the job again. */
  resume(): void;
}

/** A claim not touched for this long (a file is written, the claim is touched) belongs to a window that went away. */
const STALE_CLAIM_MS = 10 * 60_000;

/** Why the results cannot be written now; the job stays `applying`, to be tried again (a reload, Show Batch Jobs). */
export class ResultsUnreadable extends Error {}

export async function applyJobResults(services: Services, tracked: TrackedBatchJob, options: ApplyOptions): Promise<void> {
  const jobArn = tracked.job.jobArn;
  const claim = await claimJob(options.claims, tracked, options.windowId);
  if (claim === 'done') {
    services.log.info(`Summarize Files: batch job ${jobArn} was written by another window`);
    await options.store.update(jobArn, (j) => { j.phase = 'applied'; j.failure = 'its results were written in another window'; });
    return;
  }
  if (claim === 'busy') {
    services.log.info(`Summarize Files: batch job ${jobArn} is being written by another window`);
    await options.store.update(jobArn, (j) => { j.failure = 'another window is writing its results'; });
    throw new ResultsUnreadable('another window is writing its results');
  }
  await options.store.update(jobArn, (j) => { j.claimedBy = options.windowId; delete j.failure; });
  let results: BatchResults;
  try {
    results = await options.client.results(tracked.job, options.signal);
    if (results.unreadable.length > 0) {
      // Records whose file could not be read are not known to have failed: nothing is written or metered yet.
      throw new ResultsUnreadable(`${results.unreadable.length} of its output files could not be read (${results.unreadable[0].why})`);
    }
  } catch (err) {
    await releaseClaim(claim);
    if (options.signal.aborted) return;
    const why = err instanceof ResultsUnreadable ? err.message
      : (err instanceof BedrockLlamaError ? err : toBedrockLlamaError(err, { modelId: tracked.job.modelId, partialText: '' })).userMessage;
    services.log.warn(`Summarize Files: the results of batch job ${jobArn} could not be read: ${why}`);
    await options.store.update(jobArn, (j) => { j.failure = `its results could not be read: ${why}`.slice(0, 500); });
    throw new ResultsUnreadable(why);
  }
  for (const problem of results.problems.slice(0, 20)) services.log.warn(`Summarize Files: batch job output: ${problem}`);
  const prices = tracked.batchPrice ?? priceOf(services, tracked);
  if (!tracked.metered) await meter(services, tracked, results, options.store, prices);

  const byKey = new Map<string, (typeof results.ok)[number] | (typeof results.failed)[number]>();
  for (const r of [...results.ok, ...results.failed]) byKey.set(r.key, r);
  const answers = (file: { uri: string }, body: string): RequestOutcome => {
    const result = byKey.get(file.uri);
    const ids = { modelId: tracked.job.modelId, configModelId: tracked.configModelId, text: '' };
    if (!result) return failed(ids, 'the batch job has no result for it');
    if (!result.ok) return failed(ids, `Bedrock did not answer it in the batch job: ${result.reason}`);
    // The records' usage was metered with the job; here it only adds up the run's own figures.
    const meterFigures = { usage: result.usage, costUsd: prices ? costUsd(result.usage, prices) : undefined, estimated: false };
    if (textHash(body) !== tracked.hashes[file.uri]) {
      return { ...failed(ids, 'it changed after the batch job was submitted; nothing was written (Retry Failed summarizes it again on demand)'), meter: meterFigures };
    }
    return { kind: 'ok', text: result.text, stopReason: result.stopReason, meter: meterFigures, latency: {}, modelId: tracked.job.modelId, configModelId: tracked.configModelId };
  };
  const run = new FileSummaryRun(services, jobRunStore(options.store, jobArn, claim), tracked.run, {
    answers,
    title: 'Llama: Writing the batch job\'s summaries',
    modelText: tracked.modelText,
    retryFailed: options.retryFailed,
    resume: options.resume,
    signal: options.signal,
  });
  await run.run();
}

type Claim = { dir: string };

/**
 * The right to write the job's results: a directory made atomically in global storage (shared by
 * the windows of this machine), with the holder's window id. Taken back by the same window's
 * record after a reload, or from a holder that stopped touching it; `done` once written.
 */
async function claimJob(claims: vscode.Uri, tracked: TrackedBatchJob, windowId: string): Promise<Claim | 'done' | 'busy'> {
  const root = path.join(claims.fsPath, 'batch-claims');
  const dir = path.join(root, jobIdOf(tracked.job.jobArn));
  await fs.mkdir(root, { recursive: true });
  try {
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'owner'), windowId);
    return { dir };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (await fs.stat(path.join(dir, 'done')).then(() => true, () => false)) return 'done';
  const owner = await fs.readFile(path.join(dir, 'owner'), 'utf8').catch(() => '');
  const age = await fs.stat(dir).then((s) => Date.now() - s.mtimeMs, () => Infinity);
  if (owner !== '' && owner !== tracked.claimedBy && owner !== windowId && age < STALE_CLAIM_MS) return 'busy';
  await fs.writeFile(path.join(dir, 'owner'), windowId);
  return { dir };
}

async function releaseClaim(claim: Claim): Promise<void> {
  await fs.rm(claim.dir, { recursive: true, force: true }).catch(() => undefined);
}

/** The run's state kept in the job's record (the claim touched: still alive); the end marks the job applied and the claim done. */
function jobRunStore(store: TrackedJobStore, jobArn: string, claim: Claim): RunStateStore {
  return {
    save: async (state) => {
      const now = new Date();
      await fs.utimes(claim.dir, now, now).catch(() => undefined);
      await store.update(jobArn, (j) => { j.run = structuredClone(state); });
    },
    clear: async () => {
      await fs.writeFile(path.join(claim.dir, 'done'), '').catch(() => undefined);
      await store.update(jobArn, (j) => { j.phase = 'applied'; });
    },
  };
}

function priceOf(services: Services, tracked: TrackedBatchJob): { input: number; output: number } | undefined {
  const settings = services.settings.current;
  const pricing = settings.ok ? settings.config.pricing : {};
  return batchPriceFor(tracked.configModelId, pricing, { region: tracked.job.region })?.price;
}

/** Books the job's usage once: the flag is kept first, so a reload in between never books it twice. */
async function meter(services: Services, tracked: TrackedBatchJob, results: BatchResults, store: TrackedJobStore, price: { input: number; output: number } | undefined): Promise<void> {
  const cost = price ? costUsd(results.usage, price) : undefined;
  await store.update(tracked.job.jobArn, (j) => {
    j.metered = true;
    if (cost !== undefined) j.meteredUsd = cost;
  });
  tracked.metered = true;
  if (results.usage.inputTokens + results.usage.outputTokens === 0) return;
  services.usage.record({ modelId: tracked.configModelId, usage: results.usage, ...(cost !== undefined ? { costUsd: cost } : {}), task: 'batch', at: new Date() });
  const settings = services.settings.current;
  if (settings.ok) services.budget.check(settings.config);
  services.log.info(`Summarize Files: batch job ${tracked.job.jobArn}: ${results.ok.length} answered, ${results.failed.length} failed; ${results.usage.inputTokens} tokens in, ${results.usage.outputTokens} out, ${cost === undefined ? 'no batch price' : `$${cost.toFixed(6)} at batch prices`}`);
}

function failed(ids: { modelId: string; configModelId: string; text: string }, message: string): Extract<RequestOutcome, { kind: 'failed' }> {
  return { kind: 'failed', failure: { kind: 'unknown', message, retryable: false }, ...ids };
}
