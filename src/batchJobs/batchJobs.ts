// Summarize Files… as a Bedrock batch inference job, at the VS Code edge: submits the run's
// records (src/core/batch), keeps the job in the workspace's state, follows it with a progress
// notification (Cancel stops the job), follows it again after a reload, and when it ends writes
// the answers into the files or the report exactly as the on-demand path does (batchApply.ts),
// metered once at batch prices. The clients follow the settings every request follows (region,
// profile, endpoint, API key, VS Code's proxy); S3's endpoint is AWS's, or AWS_ENDPOINT_URL_S3
// (the AWS SDKs' variable) for an S3-compatible server.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { BatchJobError } from '../core/batch/batchErrors';
import { BatchJobClient, pollBatchJob, type BatchJobClientOptions, type BatchJobStatus } from '../core/batch/batchJob';
import type { PersistedBatchJob } from '../core/batch/batchPersist';
import { batchPriceFor } from '../core/batch/batchPrices';
import { buildBatchInput, BATCH_MIN_RECORDS, tooFewText } from '../core/batch/batchRecords';
import { jobSummary, TRACKED_JOBS_VERSION, type TrackedBatchJob } from '../core/batch/trackedJob';
import { BedrockLlamaError, toBedrockLlamaError } from '../core/bedrock/errors';
import { routedConfig } from '../core/routing';
import type { LlamaConfig } from '../core/settingsSchema';
import type { RunPlan } from '../core/summarizeFiles/plan';
import { countFiles, type RunState } from '../core/summarizeFiles/progress';
import { readNetworkSettings } from '../requests/networkSettings';
import type { Services } from '../services';
import type { FileRuns } from '../summarizeFiles/runner';
import { applyJobResults, ResultsUnreadable } from './batchApply';
import { prepareBatch } from './batchSubmit';
import { TrackedJobStore } from './trackedJobStore';

const CONNECT_TIMEOUT_MS = 10_000;
/** First look after 2 s, doubling to one a minute (a real job takes minutes to hours). */
const POLL_FIRST_MS = 2_000;
const POLL_MAX_MS = 60_000;

export type SubmitResult =
  | { kind: 'submitted'; jobArn: string }
  /** Not a batch job after all (too few records, Bedrock refused the set): the caller runs it on demand. */
  | { kind: 'fallback'; message: string }
  /** Not sent: cancelled, a budget, or a failure the user must fix (said already). */
  | { kind: 'notSent'; message: string };

export class BatchJobs implements vscode.Disposable {
  readonly store: TrackedJobStore;
  private readonly following = new Map<string, AbortController>();
  private readonly settled = new Map<string, Promise<void>>();
  private readonly clients = new Map<string, BatchJobClient>();
  private disposed = false;
  /** Names this window in the claims on a job's results (batchApply.ts). */
  private readonly windowId = randomBytes(12).toString('hex');

  constructor(private readonly services: () => Services, private readonly runs: FileRuns, memento: vscode.Memento, private readonly claims: vscode.Uri) {
    this.store = new TrackedJobStore(memento);
  }

  /** Follows again every job a reload left running or half-applied. */
  resume(): void {
    for (const tracked of this.store.list()) {
      if (tracked.phase === 'running' || tracked.phase === 'applying') this.follow(tracked.job.jobArn);
    }
  }

  /** Resolves when the job has ended here and its results are written (or it failed). */
  whenSettled(jobArn: string): Promise<void> {
    return this.settled.get(jobArn) ?? Promise.resolve();
  }

  async submit(state: RunState, plan: RunPlan, options: { signal?: AbortSignal } = {}): Promise<SubmitResult> {
    const services = this.services();
    const settings = services.settings.current;
    if (!settings.ok) return { kind: 'notSent', message: 'invalid settings' };
    const config = routedConfig(settings.config, plan.route);
    const budget = await this.budgetVerdict(settings.config, plan);
    if (budget) {
      void vscode.window.showWarningMessage(`Llama: the batch job was not started: ${budget}`);
      return { kind: 'notSent', message: budget };
    }
    const controller = new AbortController();
    const onOuter = () => controller.abort();
    options.signal?.addEventListener('abort', onOuter, { once: true });
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Llama: Starting a Bedrock batch job', cancellable: true },
      async (progress, token): Promise<SubmitResult> => {
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
          progress.report({ message: `reading ${countFiles(state.files).pending} files…` });
          const prepared = await prepareBatch(state, config, token);
          if (!prepared || controller.signal.aborted) return { kind: 'notSent', message: 'cancelled' };
          if (prepared.items.length < BATCH_MIN_RECORDS) return { kind: 'fallback', message: tooFewText(prepared.items.length, BATCH_MIN_RECORDS) };
          const input = buildBatchInput(prepared.items);
          progress.report({ message: `uploading ${input.count} records to ${config.batchS3Uri}…` });
          const client = this.client(config.region, config.endpoint);
          const job = await client.submit({ input, s3Uri: config.batchS3Uri ?? '', roleArn: config.batchRoleArn ?? '', modelId: plan.route.modelId, jobName: `llama-summaries-${state.id}` }, controller.signal);
          const price = batchPriceFor(plan.route.model, config.pricing, { region: config.region })?.price;
          const tracked: TrackedBatchJob = {
            version: TRACKED_JOBS_VERSION, job, run: state, hashes: prepared.hashes,
            modelText: plan.modelText.slice(0, 500), configModelId: plan.route.modelId, phase: 'running',
            ...(price ? { batchPrice: { input: price.input, output: price.output } } : {}),
          };
          await this.store.put(tracked);
          services.log.info(`Summarize Files: Bedrock batch job ${job.jobArn} created for ${input.count} files (${job.modelId}, input ${job.bucket}/${job.inputKey})`);
          return { kind: 'submitted', jobArn: job.jobArn };
        } catch (err) {
          if (controller.signal.aborted) return { kind: 'notSent', message: 'cancelled' };
          const e = err instanceof BedrockLlamaError ? err : toBedrockLlamaError(err, { modelId: plan.route.modelId, partialText: '' });
          services.log.warn(`Summarize Files: the batch job was not created: ${e.userMessage}`);
          if (e instanceof BatchJobError && e.fallback) return { kind: 'fallback', message: e.userMessage };
          this.showError(`Llama could not start the batch job: ${e.userMessage}`, e instanceof BatchJobError ? e.setting : undefined);
          return { kind: 'notSent', message: e.userMessage };
        } finally {
          cancel.dispose();
        }
      },
    );
    options.signal?.removeEventListener('abort', onOuter);
    if (result.kind === 'submitted') {
      this.follow(result.jobArn);
      void vscode.window.showInformationMessage(
        `Llama: Bedrock batch job started for ${countFiles(state.files).pending} files. The summaries are written in when it ends, also after a reload.`,
        'Show Batch Jobs',
      ).then((pick) => { if (pick) void vscode.commands.executeCommand('bedrockLlama.showBatchJobs'); });
    }
    return result;
  }

  /** Asks Bedrock to stop the job; following goes on until it says Stopped (then what it answered is applied). */
  async stop(jobArn: string): Promise<void> {
    const tracked = this.store.get(jobArn);
    if (!tracked) return;
    try {
      await this.clientFor(tracked.job).stop(tracked.job);
      this.services().log.info(`Summarize Files: asked Bedrock to stop batch job ${jobArn}`);
      await this.store.update(jobArn, (j) => { j.status = { ...(j.status ?? { at: Date.now() }), state: 'Stopping', at: Date.now() }; });
      this.follow(jobArn);
    } catch (err) {
      const e = err instanceof BedrockLlamaError ? err : toBedrockLlamaError(err, { modelId: tracked.job.modelId, partialText: '' });
      this.showError(`Llama could not stop the batch job: ${e.userMessage}`, undefined);
    }
  }

  /** Drops the job from the list (the job itself, and its S3 files, are not touched). */
  async forget(jobArn: string): Promise<void> {
    this.following.get(jobArn)?.abort();
    await this.store.forget(jobArn);
  }

  /** Where the claims on jobs' results are kept (global storage, shared by this machine's windows). */
  get claimsFolder(): vscode.Uri {
    return this.claims;
  }

  /** Whether this window follows the job now (else Show Batch Jobs offers Follow Again). */
  isFollowing(jobArn: string): boolean {
    return this.following.has(jobArn);
  }

  /** Retry Failed: the job's failed files, on demand. */
  retryFailed(jobArn: string): void {
    const tracked = this.store.get(jobArn);
    if (tracked) this.runs.retry(tracked.run);
  }

  /** Starts following the job here unless it is followed already. */
  follow(jobArn: string): void {
    if (this.following.has(jobArn) || this.disposed) return;
    const controller = new AbortController();
    this.following.set(jobArn, controller);
    const run = this.followJob(jobArn, controller)
      .catch((err: unknown) => {
        if (err instanceof ResultsUnreadable && /another window/.test(err.message)) {
          this.services().log.info(`Summarize Files: batch job ${jobArn}: ${err.message}; Show Batch Jobs → Follow Again looks again`);
        } else if (err instanceof ResultsUnreadable) {
          this.showError(`Llama could not write the batch job's results yet: ${err.message}. Nothing was written or metered; Show Batch Jobs → Follow Again reads them again (so does a reload).`, undefined, jobArn);
        } else {
          this.services().log.error(`Summarize Files: following batch job ${jobArn} failed: ${String(err)}`);
        }
      })
      .finally(() => {
        if (this.following.get(jobArn) === controller) this.following.delete(jobArn);
        if (this.settled.get(jobArn) === run) this.settled.delete(jobArn);
      });
    this.settled.set(jobArn, run);
  }

  private async followJob(jobArn: string, controller: AbortController): Promise<void> {
    const tracked = this.store.get(jobArn);
    if (!tracked) return;
    if (tracked.phase === 'running') {
      const status = await this.waitForEnd(tracked, controller);
      if (!status) return; // no longer followed here (disposed, forgotten)
      if (status.state === 'Failed' || (status.state === 'Expired' && !status.manifest)) {
        const why = status.failure?.userMessage ?? status.message ?? `the job ended ${status.rawState}`;
        await this.store.update(jobArn, (j) => { j.phase = 'failed'; j.failure = why.slice(0, 500); });
        this.services().log.warn(`Summarize Files: batch job ${jobArn} ${status.rawState}: ${why}`);
        this.showError(`Llama: the Bedrock batch job failed: ${why}`, status.failure?.setting, jobArn);
        return;
      }
      await this.store.update(jobArn, (j) => { j.phase = 'applying'; });
    }
    const current = this.store.get(jobArn);
    if (current?.phase !== 'applying') return;
    await applyJobResults(this.services(), current, {
      store: this.store,
      client: this.clientFor(current.job),
      claims: this.claims,
      windowId: this.windowId,
      signal: controller.signal,
      retryFailed: (state) => this.runs.retry(state),
      // After this run ends, the job is no longer followed: Resume follows (and writes) it again.
      resume: () => setTimeout(() => this.follow(jobArn), 0),
    });
  }

  /** Polls until the job ends, showing where it stands; Cancel in the notification stops the job. */
  private waitForEnd(tracked: TrackedBatchJob, controller: AbortController): Promise<BatchJobStatus | undefined> {
    const jobArn = tracked.job.jobArn;
    const client = this.clientFor(tracked.job);
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Llama: Bedrock batch job', cancellable: true },
      async (progress, token) => {
        const show = () => {
          const now = this.store.get(jobArn);
          if (now) progress.report({ message: `${jobSummary(now, Date.now())} · Cancel stops the job` });
        };
        show();
        const ticker = setInterval(show, 1000);
        const cancel = token.onCancellationRequested(() => void this.stop(jobArn));
        try {
          return await pollBatchJob(client, tracked.job, {
            signal: controller.signal,
            initialDelayMs: POLL_FIRST_MS,
            maxDelayMs: POLL_MAX_MS,
            onStatus: (status) => {
              this.store.update(jobArn, (j) => {
                j.job.lastStatus = status.rawState.slice(0, 32) || j.job.lastStatus;
                j.status = { state: status.rawState || 'Unknown', ...status.counts, at: Date.now(), ...(status.message ? { message: status.message } : {}) };
              }).catch((err: unknown) => this.services().log.warn(`Summarize Files: could not keep batch job ${jobArn}'s status: ${String(err)}`));
              show();
            },
            onTransientError: (e) => this.services().log.warn(`Summarize Files: batch job ${jobArn}: ${e.userMessage} (asking again)`),
          });
        } catch (err) {
          if (controller.signal.aborted) return undefined;
          const e = err instanceof BedrockLlamaError ? err : toBedrockLlamaError(err, { modelId: tracked.job.modelId, partialText: '' });
          this.services().log.warn(`Summarize Files: following batch job ${jobArn} stopped: ${e.userMessage}`);
          this.showError(`Llama could not follow the Bedrock batch job: ${e.userMessage} It is followed again after a reload, or with Show Batch Jobs → Follow Again.`, undefined, jobArn);
          return undefined;
        } finally {
          clearInterval(ticker);
          cancel.dispose();
        }
      },
    ));
  }

  /** Whether the run at batch prices would pass a budget set to block; undefined when it may go. */
  private async budgetVerdict(config: LlamaConfig, plan: RunPlan): Promise<string | undefined> {
    const ratio = batchPriceFor(plan.route.model, config.pricing, { region: config.region })?.ratio ?? 1;
    const maxUsd = plan.estimate.maxUsd === undefined ? undefined : plan.estimate.maxUsd * ratio;
    const verdict = await this.services().budget.preflight(
      { inputTokens: plan.estimate.inputTokens, maxOutputTokens: plan.estimate.maxOutputTokens, maxUsd, modelId: plan.route.modelId, hourly: plan.route.model.kind === 'arn-provisioned' },
      { ...config, confirmAboveUsd: 0, budgetAction: config.budgetAction === 'block' ? 'block' : 'warn' },
    );
    return verdict.send ? undefined : verdict.message.replace(/^Not sent: /, '');
  }

  private showError(message: string, setting: string | undefined, jobArn?: string): void {
    const buttons = [...(setting ? ['Open Settings'] : []), ...(jobArn ? ['Show Batch Jobs'] : []), 'Show Log'];
    void vscode.window.showErrorMessage(message, ...buttons).then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      else if (pick === 'Show Batch Jobs') void vscode.commands.executeCommand('bedrockLlama.showBatchJobs');
      else if (pick === 'Show Log') this.services().log.show(true);
    });
  }

  private clientFor(job: PersistedBatchJob): BatchJobClient {
    return this.client(job.region, job.endpoint);
  }

  /** One client per region and endpoint, with the connection settings of the moment. */
  private client(region: string | undefined, endpoint: string | undefined): BatchJobClient {
    const services = this.services();
    const settings = services.settings.current;
    const c = settings.ok ? settings.config : settings.connection;
    const options: BatchJobClientOptions = {
      region,
      endpoint,
      profile: c?.profile,
      bearerToken: services.clients.apiKey.current,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      proxy: readNetworkSettings(),
      ...(process.env.AWS_ENDPOINT_URL_S3 ? { s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 } : {}),
    };
    const key = JSON.stringify(options);
    let client = this.clients.get(key);
    if (!client) {
      client = new BatchJobClient(options);
      this.clients.set(key, client);
    }
    return client;
  }

  dispose(): void {
    this.disposed = true;
    for (const c of this.following.values()) c.abort();
    this.following.clear();
    for (const c of this.clients.values()) c.dispose();
    this.clients.clear();
    this.store.dispose();
  }
}
