// Owns Summarize Files… runs on demand in this window: one at a time, each kept in the
// workspace's state after every file (RunStore) so a reload can resume it. The command starts
// runs here, and so do Retry Failed and a Bedrock batch job's failed records.
import * as vscode from 'vscode';
import type { RunState } from '../core/summarizeFiles/progress';
import type { Services } from '../services';
import { FileSummaryRun, type SummarizeFilesResult } from './run';
import { RunStore } from './runStore';

export interface StartOptions {
  /** Aborting it is Cancel. */
  signal?: AbortSignal;
}

export class FileRuns {
  readonly store: RunStore;
  private running: FileSummaryRun | undefined;

  constructor(private readonly services: () => Services, memento: vscode.Memento) {
    this.store = new RunStore(memento);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Says so and returns undefined when a run is going already. */
  async start(state: RunState, options: StartOptions = {}, modelText?: string): Promise<SummarizeFilesResult | undefined> {
    if (this.running) {
      void vscode.window.showInformationMessage('Llama is already summarizing files: wait for it, or cancel it in its notification.');
      return undefined;
    }
    const services = this.services();
    await this.store.save(state);
    const run = new FileSummaryRun(services, this.store, state, {
      signal: options.signal,
      modelText,
      retryFailed: (last) => this.retry(last),
    });
    this.running = run;
    try {
      return await run.run();
    } finally {
      this.running = undefined;
    }
  }

  /** Retry Failed: the failed files of a finished run, on demand. */
  retry(last: RunState): void {
    void this.start(retryState(last)).catch((err: unknown) => this.services().log.error(`Summarize Files: Retry Failed: ${String(err)}`));
  }
}

/** The failed files of a finished run, pending again; the rest as they were. */
export function retryState(last: RunState): RunState {
  return {
    ...last,
    id: `run-${Date.now().toString(36)}`,
    files: last.files.map((f) => (f.status === 'failed' ? { uri: f.uri, path: f.path, status: 'pending' } : { ...f })),
  };
}
