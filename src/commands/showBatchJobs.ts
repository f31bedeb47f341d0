// Show Batch Jobs: the Bedrock batch jobs Summarize Files… started in this workspace, newest
// first, each with its status, record counts and age, kept up to date while the list is open.
// Buttons on a row: Stop (a running job), Retry Failed (on demand), Forget; picking a row offers
// the same and more (copy the job ARN, show the failed files, open the log).
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
        : list.map((t) => itemFor(t, now));
    };
    render();
    const changes = jobs.store.onDidChange(render);
    const ticker = setInterval(render, 5000);
    pick.onDidTriggerItemButton(async ({ item, button }) => {
      if (!item.jobArn) return;
      if (button === STOP) await jobs.stop(item.jobArn);
      else if (button === RETRY) jobs.retryFailed(item.jobArn);
      else if (button === FORGET) await jobs.forget(item.jobArn);
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

function itemFor(t: TrackedBatchJob, now: number): JobItem {
  const c = countFiles(t.run.files);
  const buttons = [
    ...(t.phase === 'running' ? [STOP] : []),
    ...(t.phase === 'applied' && c.failed > 0 ? [RETRY] : []),
    ...(t.phase !== 'running' && t.phase !== 'applying' ? [FORGET] : []),
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
    ...(t.phase === 'running' ? [{ label: '$(debug-stop) Stop the job', id: 'stop' }] : []),
    ...(c.failed + c.skipped > 0 ? [{ label: '$(list-unordered) Show failed and skipped files', id: 'problems' }] : []),
    ...(t.phase === 'applied' && c.failed > 0 ? [{ label: `$(refresh) Retry Failed on demand (${c.failed})`, id: 'retry' }] : []),
    ...(t.phase === 'failed' ? [{ label: '$(gear) Open the batch settings', id: 'settings' }] : []),
    { label: '$(copy) Copy the job ARN', id: 'copy' },
    { label: '$(output) Show Log', id: 'log' },
    ...(t.phase !== 'running' && t.phase !== 'applying' ? [{ label: '$(close) Remove from the list', id: 'forget' }] : []),
  ];
  const action = await vscode.window.showQuickPick(actions, { title: `Llama: ${t.job.jobName}`, placeHolder: jobSummary(t, Date.now()) });
  switch (action?.id) {
    case 'stop': return jobs.stop(jobArn);
    case 'problems': return showProblems(t.run.files);
    case 'retry': return jobs.retryFailed(jobArn);
    case 'settings': return void vscode.commands.executeCommand('workbench.action.openSettings', 'bedrockLlama.batch');
    case 'copy': return vscode.env.clipboard.writeText(jobArn);
    case 'log': return services.log.show(true);
    case 'forget': return jobs.forget(jobArn);
  }
}
