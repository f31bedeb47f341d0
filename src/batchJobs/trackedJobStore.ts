// The Bedrock batch jobs Summarize Files… started in this workspace, kept in its state so a job
// is followed again after a reload or a restart. One write at a time; every change is told
// (Show Batch Jobs and the progress notification listen).
import * as vscode from 'vscode';
import { MAX_PERSISTED_JOBS } from '../core/batch/batchPersist';
import { TRACKED_JOBS_KEY, validateTrackedJobs, type TrackedBatchJob } from '../core/batch/trackedJob';

export class TrackedJobStore implements vscode.Disposable {
  private jobs: TrackedBatchJob[];
  private writing: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {
    this.jobs = validateTrackedJobs(memento.get<unknown>(TRACKED_JOBS_KEY));
  }

  /** Newest first. */
  list(): readonly TrackedBatchJob[] {
    return [...this.jobs].reverse();
  }

  get(jobArn: string): TrackedBatchJob | undefined {
    return this.jobs.find((j) => j.job.jobArn === jobArn);
  }

  /** Adds or replaces the job (by ARN); the oldest ended jobs go past MAX_PERSISTED_JOBS. */
  put(job: TrackedBatchJob): Promise<void> {
    const rest = this.jobs.filter((j) => j.job.jobArn !== job.job.jobArn);
    this.jobs = [...rest, job].slice(-MAX_PERSISTED_JOBS);
    return this.persist();
  }

  /** Changes the kept job in place (a no-op when it was forgotten meanwhile). */
  update(jobArn: string, change: (job: TrackedBatchJob) => void): Promise<void> {
    const job = this.get(jobArn);
    if (!job) return Promise.resolve();
    change(job);
    return this.persist();
  }

  forget(jobArn: string): Promise<void> {
    this.jobs = this.jobs.filter((j) => j.job.jobArn !== jobArn);
    return this.persist();
  }

  private persist(): Promise<void> {
    const snapshot = structuredClone(this.jobs);
    this.changed.fire();
    const write = () => this.memento.update(TRACKED_JOBS_KEY, snapshot);
    const next = this.writing.then(write, write);
    this.writing = next.catch(() => undefined);
    return Promise.resolve(next);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
