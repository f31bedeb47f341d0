// At activation: a Summarize Files… run that a reload (or Cancel) stopped is offered again,
// "Resume summarizing: 37 of 120 files left", with Resume and Discard. Activation pays for one
// read of the workspace state and two numbers checked; the run itself, and the full check of
// what was kept, load only with Resume (the command, in dist/features.js).
import * as vscode from 'vscode';
import { RUN_STATE_KEY, resumeMessage } from '../core/summarizeFiles/progress';
import { TRACKED_JOBS_KEY } from '../core/batch/trackedJobsKey';

export function offerResume(state: vscode.Memento): void {
  const kept = state.get<unknown>(RUN_STATE_KEY);
  if (typeof kept !== 'object' || kept === null) return;
  const { left, total } = kept as { left?: unknown; total?: unknown };
  if (!Number.isSafeInteger(left) || !Number.isSafeInteger(total) || (left as number) <= 0 || (total as number) < (left as number)) return;
  void Promise.resolve(vscode.window.showInformationMessage(`Llama: ${resumeMessage(left as number, total as number)}.`, 'Resume', 'Discard')).then((pick) => {
    if (pick === 'Resume') void vscode.commands.executeCommand('bedrockLlama.summarizeFiles', { previousRun: 'resume' });
    else if (pick === 'Discard') void state.update(RUN_STATE_KEY, undefined);
  });
}

/** Whether batch jobs are kept that may still need following (one read; the check is the features'). */
export function hasTrackedJobs(state: vscode.Memento): boolean {
  const kept = state.get<unknown>(TRACKED_JOBS_KEY);
  return Array.isArray(kept) && kept.some((j) => typeof j === 'object' && j !== null && ((j as { phase?: unknown }).phase === 'running' || (j as { phase?: unknown }).phase === 'applying'));
}
