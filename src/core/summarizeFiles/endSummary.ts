// What the user is told when a Summarize Files… run ends (or stops): how many files were
// summarized, which failed and why, how many were skipped, what it cost; and the list behind
// Show Skipped, failed files first.
import { formatUsd } from '../pricing';
import { countFiles, type RunFile, type RunState } from './progress';

export type EndKind = 'finished' | 'stopped';

export interface EndSummary {
  /** The notification's text. */
  message: string;
  /** Any file failed: a warning, with Retry Failed. */
  problem: boolean;
}

export function endSummary(state: Pick<RunState, 'files' | 'costUsd' | 'unpriced'>, how: EndKind, stoppedWhy?: string): EndSummary {
  const c = countFiles(state.files);
  const parts = [`${how === 'stopped' ? 'stopped: ' : ''}summarized ${c.done} of ${c.total} file${c.total === 1 ? '' : 's'}`];
  if (c.failed > 0) {
    const first = state.files.find((f) => f.status === 'failed');
    parts.push(`${c.failed} failed${first?.reason ? ` (${first.path}: ${first.reason}${c.failed > 1 ? '; …' : ''})` : ''}`);
  }
  if (c.pending > 0) parts.push(`${c.pending} left`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  parts.push(`${state.unpriced ? '≥ ' : ''}${formatUsd(state.costUsd)}`);
  const why = stoppedWhy ? ` ${stoppedWhy}` : '';
  return { message: `Llama: ${parts.join(' · ')}.${why}`, problem: c.failed > 0 || how === 'stopped' };
}

export interface ListedFile {
  label: string;
  description: string;
  uri: string;
}

/** Failed files (with why), then skipped ones (with why), for a quick pick or the log. */
export function problemList(files: readonly RunFile[]): ListedFile[] {
  const of = (status: RunFile['status'], prefix: string) =>
    files.filter((f) => f.status === status).map((f) => ({ label: f.path, description: `${prefix}${f.reason ?? ''}`, uri: f.uri }));
  return [...of('failed', 'failed: '), ...of('skipped', 'skipped: ')];
}
