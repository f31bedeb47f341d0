// The long-lived pieces commands use, created once in activate() and disposed with it.
import type * as vscode from 'vscode';
import type { BatchJobs } from './batchJobs/batchJobs';
import type { ActiveRequests } from './requests/activeRequests';
import type { ClientProvider } from './requests/clientProvider';
import type { ModelDirectoryService } from './models/modelDirectoryService';
import type { Continuations } from './requests/continuations';
import type { LastPrompt } from './requests/lastPrompt';
import type { RequestNotes } from './requests/requestNotes';
import type { ResponseCacheService } from './requests/responseCache';
import type { StreamingMemory } from './requests/streamingKnowledge';
import type { SessionTierMemory } from './requests/tierMemory';
import type { Settings } from './settings';
import type { FileRuns } from './summarizeFiles/runner';
import type { BudgetGuard } from './usage/budgetGuard';
import type { StatusBarMeter } from './usage/statusBarMeter';
import type { UsagePanel } from './usage/usageView';
import type { UsageStore } from './usage/usageStore';

export interface Services {
  readonly settings: Settings;
  readonly clients: ClientProvider;
  readonly usage: UsageStore;
  readonly meter: StatusBarMeter;
  readonly budget: BudgetGuard;
  readonly active: ActiveRequests;
  readonly continuations: Continuations;
  readonly log: vscode.LogOutputChannel;
  /** Which Llama models this account and region can use (discovery, in the background). */
  readonly models: ModelDirectoryService;
  readonly lastPrompt: LastPrompt;
  readonly streaming: StreamingMemory;
  readonly notes: RequestNotes;
  readonly tiers: SessionTierMemory;
  /** Answers to identical requests, on disk and shared by every window (`bedrockLlama.cacheTtlMinutes`). */
  readonly responseCache: ResponseCacheService;
  /** Show Token Usage and Cost's panel. */
  readonly usageView: UsagePanel;
  /** This workspace's state (a stopped Summarize Files… run is kept there). */
  readonly workspaceState: vscode.Memento;
  /** Summarize Files… runs on demand in this window. */
  readonly fileRuns: FileRuns;
  /** Summarize Files… runs as Bedrock batch jobs: submitted, followed, applied. */
  readonly batchJobs: BatchJobs;
}
