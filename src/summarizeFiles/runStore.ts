// Where a Summarize Files… run is kept between files: the workspace's state, one run per
// workspace, written after every file (one write at a time, the latest wins), checked when read.
import type * as vscode from 'vscode';
import { RUN_STATE_KEY, validateRunState, withCounts, type RunState } from '../core/summarizeFiles/progress';

export class RunStore {
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly memento: vscode.Memento) {}

  /** The kept run, checked; a damaged one is dropped. */
  load(): RunState | undefined {
    const raw = this.memento.get<unknown>(RUN_STATE_KEY);
    const state = validateRunState(raw);
    if (raw !== undefined && !state) void this.clear();
    return state;
  }

  save(state: RunState): Promise<void> {
    const snapshot = withCounts({ ...state, files: state.files.map((f) => ({ ...f })) });
    return this.enqueue(() => this.memento.update(RUN_STATE_KEY, snapshot));
  }

  clear(): Promise<void> {
    return this.enqueue(() => this.memento.update(RUN_STATE_KEY, undefined));
  }

  private enqueue(write: () => Thenable<void>): Promise<void> {
    const next = this.writing.then(write, write);
    this.writing = next.catch(() => undefined);
    return Promise.resolve(next);
  }
}
