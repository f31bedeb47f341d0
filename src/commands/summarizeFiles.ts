// Summarize Files…: a summary of each chosen file, as a header comment in the file or as a
// Markdown report, many files at a time, with the cost estimated and confirmed first.
//
// Arguments, as VS Code passes them and as other callers (tests) may:
//   bedrockLlama.summarizeFiles(clicked?: Uri, selected?: Uri[], options?: SummarizeFilesOptions)
//   bedrockLlama.summarizeFiles(options: SummarizeFilesOptions)
// The Explorer passes the clicked resource and its multi-selection; the palette passes nothing,
// and then the files or folders are asked for in a dialog. Options left out are asked for (the
// output in a quick pick, the run in a modal confirmation, what to do with a stopped run).
// Resolves with what happened (SummarizeFilesResult), or undefined when nothing was run.
//
// Runs on demand (src/summarizeFiles/runner.ts), or as a Bedrock batch job when chooseRunMode
// says so (batch.mode bedrockBatch, or auto from batch.jobThreshold files with batch.s3Uri and
// batch.roleArn set) and there are enough files for one (src/batchJobs).
import * as vscode from 'vscode';
import { PromptTooLongError } from '../core/prompt';
import { chooseRunMode, estimateText, planRun, type RunMode, type RunPlan } from '../core/summarizeFiles/plan';
import { MAX_RUN_FILES, resumeMessage, RUN_STATE_VERSION, type RunFile, type RunOutput, type RunState } from '../core/summarizeFiles/progress';
import { notifyPromptTooLong, notifySettingsErrors } from '../requests/errorMessages';
import { gatherFiles, type GatheredSkip } from '../summarizeFiles/gather';
import { prepareFiles } from '../summarizeFiles/prepare';
import { showProblems, type SummarizeFilesResult } from '../summarizeFiles/run';
import { tooFewRecords } from '../core/batch/batchRecords';
import type { CommandContext } from './context';

export type { SummarizeFilesResult } from '../summarizeFiles/run';

export interface SummarizeFilesOptions {
  /** `header`: a comment at the top of each file; `report`: a Markdown report. Default: asked. */
  output?: 'header' | 'report';
  /** Report: write it to this file (a Uri or its string) instead of an untitled document. */
  reportUri?: vscode.Uri | string;
  /** false: start without the confirmation dialog. */
  confirm?: boolean;
  /** A stopped run kept from before: `resume` it (the new selection is ignored), or `discard` it. Default: asked. */
  previousRun?: 'resume' | 'discard';
  /** Aborting it is Cancel (for callers in this extension host). */
  signal?: AbortSignal;
}

const DIALOG_SKIPPED = 5;

export function summarizeFiles({ services }: CommandContext) {
  const runs = services.fileRuns;
  const store = runs.store;
  const startRun = (state: RunState, options: SummarizeFilesOptions, modelText?: string): Promise<SummarizeFilesResult | undefined> =>
    runs.start(state, { signal: options.signal }, modelText);

  return async (...args: unknown[]): Promise<SummarizeFilesResult | undefined> => {
    const { uris, options } = parseArguments(args);
    const settings = services.settings.current;
    if (!settings.ok) {
      notifySettingsErrors(settings.errors, services.log);
      return undefined;
    }
    if (runs.busy) {
      void vscode.window.showInformationMessage('Llama is already summarizing files: wait for it, or cancel it in its notification.');
      return undefined;
    }
    const previous = store.load();
    if (previous && previous.left > 0) {
      const choice = options.previousRun ?? await askAboutPrevious(previous);
      if (!choice) return undefined;
      if (choice === 'resume') return startRun(previous, options);
      await store.clear();
    } else if (previous) {
      await store.clear();
    }
    if (options.previousRun === 'resume' && uris.length === 0) {
      void vscode.window.showInformationMessage('Llama: there is no stopped Summarize Files… run to resume.');
      return undefined;
    }

    const chosen = uris.length > 0 ? uris : await askForFiles();
    if (!chosen?.length) return undefined;
    const output = await chooseOutput(options);
    if (!output) return undefined;

    const found = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Llama: Finding the files to summarize…', cancellable: true },
      async (_progress, token) => {
        const gathered = await gatherFiles(chosen, token);
        const prepared = await prepareFiles(gathered.files, output.kind, token);
        return token.isCancellationRequested ? undefined : { ...prepared, skipped: [...gathered.skipped, ...prepared.skipped], truncated: gathered.truncated };
      },
    );
    if (!found) return undefined;
    const skipped = found.skipped.map(skippedFile);
    if (found.files.length === 0) {
      void vscode.window.showInformationMessage(`Llama: nothing to summarize${skipped.length ? ` (${skipped.length} skipped)` : ''}.`, ...(skipped.length ? ['Show Skipped'] : []))
        .then((pick) => { if (pick) void showProblems(skipped); });
      return undefined;
    }
    let plan: RunPlan;
    try {
      plan = planRun(settings.config, found.files.map((f) => f.spec), services.models.available, { underlying: services.models.underlying });
    } catch (err) {
      if (err instanceof PromptTooLongError) {
        notifyPromptTooLong(err.message, services.log);
        return undefined;
      }
      throw err;
    }
    let mode = chooseRunMode(settings.config, found.files.length);
    const batchProblem = mode.mode === 'bedrockBatch' ? batchJobProblem(mode, found.files.length) : undefined;
    if (batchProblem) {
      services.log.info(`Summarize Files: ${batchProblem}`);
      mode = { mode: 'onDemand' };
    }
    if (options.confirm !== false) {
      const detail = await confirmationDetail(services, plan, mode, output, skipped, found.truncated, settings.config.batchConcurrency, batchProblem);
      const files = `${found.files.length} file${found.files.length === 1 ? '' : 's'}`;
      const pick = await vscode.window.showInformationMessage(`Summarize ${files} with ${plan.modelText}?`, { modal: true, detail }, 'Summarize');
      if (pick !== 'Summarize') return undefined;
    }
    const state: RunState = {
      version: RUN_STATE_VERSION, id: `run-${Date.now().toString(36)}`, startedAt: Date.now(), output,
      files: [
        ...found.files.map((f): RunFile => ({ uri: f.uri.toString(), path: f.path, status: 'pending' })),
        ...skipped,
      ],
      inputTokens: 0, outputTokens: 0, costUsd: 0, unpriced: false, total: 0, left: 0,
    };
    if (mode.mode === 'bedrockBatch') {
      const submitted = await services.batchJobs.submit(state, plan, { signal: options.signal });
      if (submitted.kind === 'submitted') return undefined;
      if (submitted.kind !== 'fallback') return undefined;
      // Not a batch job after all (fewer records than Bedrock's minimum once the files were read, or
      // more input than a job takes): on demand costs twice as much, so it is asked again.
      if (options.confirm !== false) {
        const pick = await vscode.window.showInformationMessage(`Llama: ${submitted.message}`, {
          modal: true, detail: `On demand, at on-demand prices: ${estimateText(plan.estimate)}.`,
        }, 'Summarize on Demand');
        if (pick !== 'Summarize on Demand') return undefined;
      } else {
        void vscode.window.showInformationMessage(`Llama: ${submitted.message}`);
      }
      return startRun(state, options, plan.modelText);
    }
    if (batchProblem && options.confirm === false) void vscode.window.showInformationMessage(`Llama: ${batchProblem}`);
    return startRun(state, options, plan.modelText);
  };
}

/** Why a batch job cannot run for these files (then they go on demand), or undefined when it can. */
function batchJobProblem(mode: Extract<RunMode, { mode: 'bedrockBatch' }>, files: number): string | undefined {
  if (mode.missing.length > 0) return `a Bedrock batch job needs ${mode.missing.join(' and ')} (set in user settings), so the files are summarized on demand.`;
  return tooFewRecords(files) ?? undefined;
}

function parseArguments(args: unknown[]): { uris: vscode.Uri[]; options: SummarizeFilesOptions } {
  const uris: vscode.Uri[] = [];
  let options: SummarizeFilesOptions = {};
  for (const arg of args) {
    if (arg instanceof vscode.Uri) uris.push(arg);
    else if (Array.isArray(arg)) uris.push(...arg.filter((u): u is vscode.Uri => u instanceof vscode.Uri));
    else if (typeof arg === 'object' && arg !== null) options = arg as SummarizeFilesOptions;
  }
  // The Explorer passes the clicked resource and the selection, which includes it.
  const seen = new Set<string>();
  return { uris: uris.filter((u) => !seen.has(u.toString()) && seen.add(u.toString())), options };
}

async function askAboutPrevious(previous: RunState): Promise<'resume' | 'discard' | undefined> {
  const pick = await vscode.window.showInformationMessage(
    `Llama: ${resumeMessage(previous.left, previous.total)}.`,
    { modal: true, detail: 'A Summarize Files… run was stopped before it finished. Resume it, or discard it and start a new one.' },
    'Resume', 'Discard and Start New',
  );
  return pick === 'Resume' ? 'resume' : pick ? 'discard' : undefined;
}

async function askForFiles(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    title: 'Llama: Summarize Files…',
    openLabel: 'Summarize',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
}

async function chooseOutput(options: SummarizeFilesOptions): Promise<RunOutput | undefined> {
  const target = typeof options.reportUri === 'string' ? options.reportUri : options.reportUri?.toString();
  if (options.output === 'header') return { kind: 'header' };
  if (options.output === 'report') return target ? { kind: 'report', target } : { kind: 'report' };
  const picks = [
    { label: '$(comment) Summary comment at the top of each file', detail: 'One undo step per file; running it again replaces the comment.', output: 'header' as const },
    { label: '$(markdown) Markdown report', detail: 'One section per file, with a link to it, in a new untitled document.', output: 'report' as const },
    { label: '$(save-as) Markdown report saved to a file…', detail: 'The same report, written to a file you name.', output: 'file' as const },
  ];
  const pick = await vscode.window.showQuickPick(picks, { title: 'Llama: Summarize Files… — where should the summaries go?' });
  if (!pick) return undefined;
  if (pick.output !== 'file') return { kind: pick.output };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const file = await vscode.window.showSaveDialog({ title: 'Llama: save the report as', filters: { Markdown: ['md'] }, defaultUri: folder && vscode.Uri.joinPath(folder, 'file-summaries.md') });
  return file ? { kind: 'report', target: file.toString() } : undefined;
}

async function confirmationDetail(
  services: CommandContext['services'], plan: RunPlan, mode: RunMode, output: RunOutput,
  skipped: RunFile[], truncated: boolean, concurrency: number, batchProblem: string | undefined,
): Promise<string> {
  const lines = [`Estimated: ${estimateText(plan.estimate)} (the prompts, plus the longest answers allowed).`];
  if (plan.estimate.fitted > 0) lines.push(`${plan.estimate.fitted} large file${plan.estimate.fitted === 1 ? ' is' : 's are'} cut to fit the model's context window.`);
  lines.push(output.kind === 'header'
    ? 'Output: a summary comment at the top of each file (one undo step per file; a file with unsaved changes is edited, not saved).'
    : `Output: a Markdown report${output.target ? ` in ${vscode.workspace.asRelativePath(vscode.Uri.parse(output.target), false)}` : ' (untitled)'}.`);
  if (mode.mode === 'bedrockBatch') {
    lines.push(`As a Bedrock batch job (${mode.why}): the requests go to S3 and Bedrock answers them within hours, at batch prices (half of on demand, so about half this estimate). The results are written in when the job ends, also after a reload; Show Batch Jobs follows it.`);
  } else {
    lines.push(`${concurrency} request${concurrency === 1 ? '' : 's'} at a time (bedrockLlama.batch.concurrency), fewer while Bedrock throttles.`);
    if (batchProblem) lines.push(`Not as a batch job: ${batchProblem}`);
  }
  if (skipped.length > 0) {
    const shown = skipped.slice(0, DIALOG_SKIPPED).map((f) => `${f.path}: ${f.reason}`);
    lines.push(`Skipped ${skipped.length}: ${shown.join('; ')}${skipped.length > DIALOG_SKIPPED ? '; …' : ''} (all listed at the end).`);
  }
  if (truncated) lines.push(`Only the first ${MAX_RUN_FILES} files are taken.`);
  const budget = await budgetNote(services, plan);
  if (budget) lines.push(budget);
  return lines.join('\n');
}

/** Whether the whole run would pass a budget, asked of the budgets without a dialog. */
async function budgetNote(services: CommandContext['services'], plan: RunPlan): Promise<string | undefined> {
  const settings = services.settings.current;
  if (!settings.ok) return undefined;
  const config = settings.config;
  const verdict = await services.budget.preflight(
    { inputTokens: plan.estimate.inputTokens, maxOutputTokens: plan.estimate.maxOutputTokens, maxUsd: plan.estimate.maxUsd, modelId: plan.route.modelId, hourly: plan.route.model.kind === 'arn-provisioned' },
    { ...config, budgetAction: 'block', confirmAboveUsd: 0 },
  );
  if (verdict.send) return undefined;
  const text = verdict.message.replace(/^Not sent: /, '').replace(/^this request/, 'this run');
  return config.budgetAction === 'block'
    ? `Budget: ${text} Files past the budget are not sent (bedrockLlama.budgetAction is block).`
    : `Budget: ${text}`;
}

function skippedFile(s: GatheredSkip): RunFile {
  return { uri: s.uri.toString(), path: vscode.workspace.asRelativePath(s.uri, false), status: 'skipped', reason: s.reason.reason };
}
