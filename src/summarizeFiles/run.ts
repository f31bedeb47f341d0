// One Summarize Files… run on demand, from its kept state to the end: the files still pending
// go to Bedrock through the shared request flow (runModelRequest: meter, budgets, cache,
// discovery, Stop), `batch.concurrency` at a time and fewer while Bedrock throttles (pool.ts);
// each answer becomes a header comment (one WorkspaceEdit per file: one undo step, applied to
// the document as it is then) or a section of the Markdown report. The state is saved after
// every file, so Cancel or a reload leaves a run that resumes where it stopped. A progress
// notification shows files done, tokens, cost, the time left and Cancel; the end notification
// what was done, failed (Retry Failed) and skipped (Show Skipped), and the cost.
import { setMaxListeners } from 'node:events';
import * as vscode from 'vscode';
import { modelLabel } from '../core/catalog';
import { blockedMessage } from '../core/request/guardrailMessage';
import { StopRequest, type RequestOutcome } from '../core/request/outcome';
import type { CostEstimate, PreflightVerdict } from '../core/request/runRequest';
import type { LlamaConfig } from '../core/settingsSchema';
import { endSummary, problemList } from '../core/summarizeFiles/endSummary';
import { cleanSummary, planHeader, withoutSummaryBlock } from '../core/summarizeFiles/header';
import { fileRequest } from '../core/summarizeFiles/plan';
import { AdaptiveConcurrency, MAX_THROTTLED_TRIES, runPool, type ConcurrencyChange, type PoolContext, type PoolResult } from '../core/summarizeFiles/pool';
import { countFiles, etaMs, keptReason, MAX_SUMMARY_CHARS, progressMessage, type RunFile, type RunState } from '../core/summarizeFiles/progress';
import { buildReport } from '../core/summarizeFiles/report';
import { settingsMessage } from '../requests/errorMessages';
import { runModelRequest } from '../requests/modelRequest';
import type { Services } from '../services';
import { readFileText, type HeaderFormat } from './fileText';


export interface SummarizeFilesResult {
  runId: string;
  ended: 'finished' | 'stopped';
  /** Why the run stopped early (Cancel, a budget, invalid settings). */
  stoppedWhy?: string;
  files: RunFile[];
  done: number;
  failed: number;
  skipped: number;
  left: number;
  costUsd: number;
  /** How the number of requests at once changed during this session of the run. */
  concurrency: ConcurrencyChange[];
  /** The most requests that ran at once. */
  peak: number;
  /** The report (report mode, once written). */
  reportUri?: string;
  message: string;
}

export interface RunOptions {
  /** Aborting it is Cancel. */
  signal?: AbortSignal;
  /** Which model the confirmation named, for the report's first line. */
  modelText?: string;
  /** Retry Failed: runs the failed files again (the caller owns runs). */
  retryFailed?(state: RunState): void;
  /**
   * The answers already exist (a Bedrock batch job's results): each file's outcome is looked up
   * here, given the text it would be summarized from now, instead of being asked of Bedrock.
   */
  answers?(file: RunFile, text: string): RequestOutcome;
  /** The progress notification's title (default "Llama: Summarizing files"). */
  title?: string;
  /** Resume in the end notification of a stopped run (default: the command resumes the kept run). */
  resume?(): void;
}

/** Where the run's state is kept after each file (RunStore; a batch job's record). */
export interface RunStateStore {
  save(state: RunState): Promise<void>;
  /** The run finished. */
  clear(): Promise<void>;
}

export class FileSummaryRun {
  private readonly controller = new AbortController();
  private stoppedWhy: string | undefined;
  private report: vscode.TextDocument | undefined;
  /** The model that wrote this session's summaries (routing may have chosen it). */
  private answeredBy: string | undefined;

  constructor(
    private readonly services: Services,
    private readonly store: RunStateStore,
    private state: RunState,
    private readonly options: RunOptions = {},
  ) {
    // Every file in flight listens for Cancel on it: up to batch.concurrency (32) at once, and no leak.
    setMaxListeners(64, this.controller.signal);
  }

  get id(): string {
    return this.state.id;
  }

  /** Cancel, as the notification's button does. */
  cancel(why?: string): void {
    this.stoppedWhy ??= why;
    if (!this.controller.signal.aborted) this.controller.abort(new StopRequest('user'));
  }

  async run(): Promise<SummarizeFilesResult> {
    const services = this.services;
    const settings = services.settings.current;
    const config = settings.ok ? settings.config : undefined;
    const limiter = new AdaptiveConcurrency(config?.batchConcurrency ?? 1);
    const outer = this.options.signal;
    const onOuter = () => this.cancel();
    if (outer?.aborted) this.cancel();
    outer?.addEventListener('abort', onOuter, { once: true });
    let peak = 0;
    try {
      if (!config) {
        this.cancel(settings.ok ? undefined : settingsMessage(settings.errors));
      } else {
        const pending = this.state.files.filter((f) => f.status === 'pending');
        services.log.info(`Summarize Files: run ${this.state.id}, ${pending.length} file(s) to do, ${config.batchConcurrency} at a time`);
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: this.options.title ?? 'Llama: Summarizing files', cancellable: true },
          async (progress, token) => {
            const cancel = token.onCancellationRequested(() => this.cancel('You cancelled it.'));
            const started = Date.now();
            let finishedHere = 0;
            let shown = 0;
            const report = () => {
              const c = countFiles(this.state.files);
              // The bar fills with the files finished, this session's and a resumed run's earlier ones.
              const percent = c.total > 0 ? (100 * (c.done + c.failed)) / c.total : 0;
              const increment = Math.max(0, percent - shown);
              shown += increment;
              progress.report({
                increment,
                message: progressMessage({
                  done: c.done + c.failed, total: c.total, tokens: this.state.inputTokens + this.state.outputTokens, costUsd: this.state.costUsd,
                  unpriced: this.state.unpriced, etaMs: etaMs(finishedHere, Date.now() - started, c.pending), concurrency: limiter.limit,
                }),
              });
            };
            report();
            try {
              const result = await runPool(pending, limiter, async (file, context) => {
                const outcome = await this.summarize(file, context);
                if (outcome === 'done' || outcome === 'failed' || outcome === 'skipped') finishedHere++;
                await this.store.save(this.state);
                report();
                return outcome;
              }, this.controller.signal, (file, err) => this.fail(file, `unexpected error: ${err instanceof Error ? err.message : String(err)}`));
              peak = result.peak;
            } finally {
              cancel.dispose();
            }
          },
        );
        for (const change of limiter.history.slice(1)) services.log.info(`Summarize Files: ${change.limit} at a time (${change.reason})`);
      }
      return await this.finish(limiter.history, peak);
    } finally {
      outer?.removeEventListener('abort', onOuter);
    }
  }

  /** One file, from its text to its summary in place; never throws. */
  private async summarize(file: RunFile, pool: PoolContext): Promise<PoolResult> {
    const services = this.services;
    if (this.controller.signal.aborted) return 'stopped';
    const read = await readFileText(file.uri, this.state.output.kind === 'header');
    if (read.kind === 'skip') return this.skip(file, read.reason);
    if (read.kind === 'fail') return this.fail(file, read.reason);
    const { doc, format, style, body } = read;
    const controller = new AbortController();
    const stop = () => controller.abort(new StopRequest('user'));
    // Cancel may have come while the file was read: a listener added now would never fire.
    if (this.controller.signal.aborted) return 'stopped';
    this.controller.signal.addEventListener('abort', stop, { once: true });
    let outcome: RequestOutcome;
    try {
      outcome = this.options.answers ? this.options.answers(file, body) : await runModelRequest(services, fileRequest({ path: file.path, languageId: doc?.languageId, text: body }), { kind: 'batch' }, controller, {
        text: () => undefined,
        retrying: (_attempt, reason) => { if (reason.kind === 'throttled') pool.throttled(); },
        // The run's own notification shows progress; no per-request "answers all at once" notice.
        wholeAnswer: () => undefined,
      }, { preflight: (estimate, current) => this.preflight(estimate, current) });
    } finally {
      this.controller.signal.removeEventListener('abort', stop);
    }
    this.count(outcome);
    switch (outcome.kind) {
      case 'ok': {
        this.answeredBy ??= modelLabel(outcome.configModelId);
        const summary = cleanSummary(outcome.text, style);
        if (!summary) return this.fail(file, 'the model answered with no text');
        if (!doc || !format) {
          file.summary = summary.slice(0, MAX_SUMMARY_CHARS);
          return this.done(file);
        }
        const label = `written by ${modelLabel(outcome.configModelId)}; Summarize Files… replaces this block`;
        const problem = await applyHeader(doc, format, body, summary, label);
        return problem ? this.fail(file, problem) : this.done(file);
      }
      case 'failed':
        if (outcome.failure.kind === 'throttled') {
          pool.throttled();
          if (pool.attempt < MAX_THROTTLED_TRIES && !this.controller.signal.aborted) return 'requeue';
        }
        return this.fail(file, outcome.failure.message);
      case 'stopped':
        // A Stop Generating that reached one of the run's requests stops the whole run.
        if (!this.controller.signal.aborted) this.cancel('Stopped with Stop Generating.');
        return 'stopped';
      case 'notSent':
        this.cancel(outcome.message);
        return 'stopped';
      case 'invalidSettings':
        this.cancel(settingsMessage(outcome.errors));
        return 'stopped';
      case 'promptTooLong':
        return this.fail(file, outcome.message);
      case 'blocked':
        return this.fail(file, blockedMessage(outcome));
    }
  }

  /**
   * The budgets decide per request, but never with a dialog: the whole run was confirmed with
   * its estimate. `block` still holds back what would pass a budget (and so stops the run).
   */
  private preflight(estimate: CostEstimate, config: LlamaConfig): Promise<PreflightVerdict> {
    return this.services.budget.preflight(estimate, { ...config, confirmAboveUsd: 0, budgetAction: config.budgetAction === 'block' ? 'block' : 'warn' });
  }

  private count(outcome: RequestOutcome): void {
    if (!('meter' in outcome) || !outcome.meter) return;
    const m = outcome.meter;
    this.state.inputTokens += m.usage.inputTokens;
    this.state.outputTokens += m.usage.outputTokens;
    if (m.costUsd === undefined) this.state.unpriced = true;
    else this.state.costUsd += m.costUsd;
  }

  private done(file: RunFile): PoolResult {
    file.status = 'done';
    delete file.reason;
    this.services.log.info(`Summarize Files: ${file.path} summarized`);
    return 'done';
  }

  private fail(file: RunFile, reason: string): PoolResult {
    file.status = 'failed';
    file.reason = keptReason(reason);
    this.services.log.warn(`Summarize Files: ${file.path} failed: ${reason}`);
    return 'failed';
  }

  private skip(file: RunFile, reason: string): PoolResult {
    file.status = 'skipped';
    file.reason = keptReason(reason);
    this.services.log.info(`Summarize Files: ${file.path} skipped: ${reason}`);
    return 'skipped';
  }

  private async finish(history: ConcurrencyChange[], peak: number): Promise<SummarizeFilesResult> {
    const c = countFiles(this.state.files);
    const ended = c.pending > 0 ? 'stopped' : 'finished';
    // The report first: a reload while it is written leaves the run kept, to be finished again.
    let reportUri: string | undefined;
    if (ended === 'finished' && this.state.output.kind === 'report') reportUri = await this.writeReport().catch((err: unknown) => {
      this.services.log.warn(`Summarize Files: the report could not be written: ${String(err)}`);
      void vscode.window.showErrorMessage(`Llama could not write the report: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (ended === 'finished') await this.store.clear();
    else await this.store.save(this.state);
    const summary = endSummary(this.state, ended, ended === 'stopped' ? (this.stoppedWhy ?? 'Run Summarize Files… again to resume.') : undefined);
    this.services.log.info(summary.message);
    for (const f of problemList(this.state.files)) this.services.log.info(`  ${f.label}: ${f.description}`);
    this.notify(summary.message, summary.problem, ended);
    return {
      runId: this.state.id, ended, stoppedWhy: this.stoppedWhy, files: this.state.files.map((f) => ({ ...f })),
      done: c.done, failed: c.failed, skipped: c.skipped, left: c.pending, costUsd: this.state.costUsd,
      concurrency: [...history], peak, reportUri, message: summary.message,
    };
  }

  /** The end notification; never awaited (a notification must not hold the command open). */
  private notify(message: string, problem: boolean, ended: 'finished' | 'stopped'): void {
    const c = countFiles(this.state.files);
    const buttons = [
      ...(this.report ? ['Show Report'] : []),
      ...(ended === 'stopped' ? ['Resume'] : []),
      ...(c.failed > 0 && ended === 'finished' && this.options.retryFailed ? ['Retry Failed'] : []),
      ...(c.failed + c.skipped > 0 ? [c.failed > 0 ? 'Show Failed and Skipped' : 'Show Skipped'] : []),
    ];
    const show = problem ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void Promise.resolve(show(message, ...buttons)).then((pick) => {
      if (pick === 'Show Report' && this.report) void vscode.window.showTextDocument(this.report);
      else if (pick === 'Resume') {
        if (this.options.resume) this.options.resume();
        else void vscode.commands.executeCommand('bedrockLlama.summarizeFiles', { previousRun: 'resume' });
      }
      else if (pick === 'Retry Failed') this.options.retryFailed?.(this.state);
      else if (pick?.startsWith('Show ')) void showProblems(this.state.files);
    });
  }

  private async writeReport(): Promise<string> {
    const settings = this.services.settings.current;
    const modelId = settings.ok ? settings.config.modelId : '';
    const target = this.state.output.kind === 'report' && this.state.output.target ? vscode.Uri.parse(this.state.output.target) : undefined;
    const markdown = buildReport({
      files: this.state.files,
      linkTo: (f) => (target ? relativeLink(target, vscode.Uri.parse(f.uri)) : f.uri),
      modelText: this.answeredBy ?? this.options.modelText ?? modelLabel(modelId),
      costUsd: this.state.costUsd,
      unpriced: this.state.unpriced,
      at: Date.now(),
    });
    if (target) {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
      this.report = await vscode.workspace.openTextDocument(target);
    } else {
      this.report = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    }
    await vscode.window.showTextDocument(this.report, { preview: false });
    return this.report.uri.toString();
  }
}

/**
 * Puts the header into the document as it is now, as one WorkspaceEdit (one undo step), and
 * saves the file when it had no unsaved changes before. Returns why it could not, or undefined.
 * The text outside the summary block must still be what was summarized: a file edited (or
 * changed on disk) meanwhile is left as it is, not overwritten.
 */
async function applyHeader(doc: vscode.TextDocument, format: HeaderFormat, summarized: string, summary: string, label: string): Promise<string | undefined> {
  if (doc.isClosed) doc = await vscode.workspace.openTextDocument(doc.uri);
  const current = doc.getText();
  if (withoutSummaryBlock(current, format.style) !== summarized) return 'it changed while it was being summarized; nothing was written (Retry Failed summarizes it again)';
  const plan = planHeader(current, format, summary, label);
  if ('skip' in plan) return plan.skip;
  const wasDirty = doc.isDirty;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.end)), plan.text, { label: 'Llama: file summary', needsConfirmation: false });
  const applied = await Promise.resolve(vscode.workspace.applyEdit(edit)).catch(() => false);
  const landed = doc.getText(new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.start + plan.text.length))) === plan.text;
  if (!applied || !landed) return 'VS Code did not apply the edit (is the file read-only?)';
  if (!wasDirty) await Promise.resolve(doc.save()).catch(() => false);
  return undefined;
}

/** A link from the report file to a file: relative when both are in the same place, else the file's URI. */
function relativeLink(report: vscode.Uri, file: vscode.Uri): string {
  if (report.scheme !== file.scheme || report.authority !== file.authority) return file.toString();
  const from = report.path.split('/').slice(0, -1);
  const to = file.path.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...Array<string>(from.length - common).fill('..'), ...to.slice(common)].join('/');
}

/** Show Skipped: failed files (with why), then skipped ones; picking one opens it. */
export async function showProblems(files: readonly RunFile[]): Promise<void> {
  const items = problemList(files).map((f) => ({ label: f.label, description: f.description, uri: f.uri }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Llama: files not summarized, and why', matchOnDescription: true, placeHolder: 'Pick a file to open it' });
  if (pick) await vscode.window.showTextDocument(vscode.Uri.parse(pick.uri)).then(undefined, () => undefined);
}
