// Show Batch Jobs: the Bedrock batch jobs Summarize Files… started in this workspace, newest
// first, each with its status, record counts and age, kept up to date while the list is open.
// Buttons on a row: Follow Again (a job nobody follows now), Stop (a running job), Retry Failed
// (on demand), Remove; picking a row offers the same and more (copy the job ARN, show the failed
// files, open the log).
import * as vscode from 'vscode';
import { jobSummary, type TrackedBatchJob } from '../core/batch/trackedJob';
import { countFiles } from '../core/summarizeFiles/progress';
import { showProblems } from '../summarizeFiles/run';
import type { CommandContext } from './context';

interface JobItem extends vscode.QuickPickItem {
  jobArn?: string;
}

const STOP: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-stop'), tooltip: 'Stop the job' };
const RETRY: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('refresh'), tooltip: 'Retry Failed (on demand)' };
const FORGET: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Remove from this list (the job and its S3 files stay)' };
const FOLLOW: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('debug-restart'), tooltip: 'Follow Again (read its status and results again)' };

const ICONS: Record<TrackedBatchJob['phase'], string> = {
  running: '$(sync~spin)',
  applying: '$(loading~spin)',
  applied: '$(pass)',
  failed: '$(error)',
  stopped: '$(debug-stop)',
};

export function showBatchJobs({ services }: CommandContext) {
  return async (): Promise<void> => {
    const jobs = services.batchJobs;
    const pick = vscode.window.createQuickPick<JobItem>();
    pick.title = 'Llama: Bedrock Batch Jobs';
    pick.placeholder = 'Pick a job for its actions';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const render = () => {
      const now = Date.now();
      const list = jobs.store.list();
      pick.items = list.length === 0
        ? [{ label: 'No batch jobs yet', detail: 'Summarize Files… runs a Bedrock batch job with bedrockLlama.batch.mode bedrockBatch, or auto from bedrockLlama.batch.jobThreshold files (batch.s3Uri and batch.roleArn set).' }]
        : list.map((t) => itemFor(t, now, !jobs.isFollowing(t.job.jobArn)));
    };
    render();
    const changes = jobs.store.onDidChange(render);
    const ticker = setInterval(render, 5000);
    pick.onDidTriggerItemButton(({ item, button }) => {
      const jobArn = item.jobArn;
      if (!jobArn) return;
      const done = (what: string) => (err: unknown) => services.log.warn(`Show Batch Jobs: ${what} failed: ${String(err)}`);
      if (button === STOP) jobs.stop(jobArn).catch(done('Stop'));
      else if (button === RETRY) jobs.retryFailed(jobArn);
      else if (button === FOLLOW) jobs.follow(jobArn);
      else if (button === FORGET) jobs.forget(jobArn).catch(done('Remove'));
    });
    pick.onDidAccept(() => {
      const jobArn = pick.selectedItems[0]?.jobArn;
      if (!jobArn) return;
      pick.hide();
      void jobActions(services, jobArn);
    });
    pick.onDidHide(() => {
      changes.dispose();
      clearInterval(ticker);
      pick.dispose();
    });
    pick.show();
  };
}

/** A running or half-written job nobody follows here (following stopped on an error, or writing was cancelled). */
function stalled(t: TrackedBatchJob, unfollowed: boolean): boolean {
  return unfollowed && (t.phase === 'running' || t.phase === 'applying');
}

function itemFor(t: TrackedBatchJob, now: number, unfollowed: boolean): JobItem {
  const c = countFiles(t.run.files);
  const buttons = [
    ...(stalled(t, unfollowed) ? [FOLLOW] : []),
    ...(t.phase === 'running' ? [STOP] : []),
    ...(t.phase === 'applied' && c.failed > 0 ? [RETRY] : []),
    FORGET,
  ];
  const files = Object.keys(t.job.records).length;
  return {
    label: `${ICONS[t.phase]} ${files} files → ${t.run.output.kind === 'header' ? 'header comments' : 'Markdown report'}`,
    description: jobSummary(t, now),
    detail: `${t.job.jobName} · ${t.modelText} · s3://${t.job.bucket}/${t.job.inputKey.replace(/input\/[^/]*$/, '')}`,
    jobArn: t.job.jobArn,
    buttons,
  };
}

async function jobActions(services: CommandContext['services'], jobArn: string): Promise<void> {
  const jobs = services.batchJobs;
  const t = jobs.store.get(jobArn);
  if (!t) return;
  const c = countFiles(t.run.files);
  const actions = [
    ...(stalled(t, !jobs.isFollowing(jobArn)) ? [{ label: '$(debug-restart) Follow Again', detail: 'Read its status and results again', id: 'follow' }] : []),
    ...(t.phase === 'running' ? [{ label: '$(debug-stop) Stop the job', id: 'stop' }] : []),
    ...(c.failed + c.skipped > 0 ? [{ label: '$(list-unordered) Show failed and skipped files', id: 'problems' }] : []),
    ...(t.phase === 'applied' && c.failed > 0 ? [{ label: `$(refresh) Retry Failed on demand (${c.failed})`, id: 'retry' }] : []),
    ...(t.phase === 'failed' ? [{ label: '$(gear) Open the batch settings', id: 'settings' }] : []),
    { label: '$(copy) Copy the job ARN', id: 'copy' },
    { label: '$(output) Show Log', id: 'log' },
    { label: '$(close) Remove from the list', detail: t.phase === 'running' ? 'The job keeps running at Bedrock (and is billed): Stop it first to end it' : 'The job and its S3 files stay', id: 'forget' },
  ];
  const action = await vscode.window.showQuickPick(actions, { title: `Llama: ${t.job.jobName}`, placeHolder: jobSummary(t, Date.now()) });
  switch (action?.id) {
    case 'follow': return jobs.follow(jobArn);
    case 'stop': return jobs.stop(jobArn);
    case 'problems': return showProblems(t.run.files);
    case 'retry': return jobs.retryFailed(jobArn);
    case 'settings': return void vscode.commands.executeCommand('workbench.action.openSettings', 'bedrockLlama.batch');
    case 'copy': return vscode.env.clipboard.writeText(jobArn);
    case 'log': return services.log.show(true);
    case 'forget': return jobs.forget(jobArn);
  }
}
