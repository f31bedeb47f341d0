// The long-lived pieces commands use, created once in activate() and disposed with it.
import type * as vscode from 'vscode';
import type { ActiveRequests } from './requests/activeRequests';
import type { ClientProvider } from './requests/clientProvider';
import type { Continuations } from './requests/continuations';
import type { Settings } from './settings';
import type { BudgetWarning } from './usage/budgetWarning';
import type { StatusBarMeter } from './usage/statusBarMeter';
import type { UsageStore } from './usage/usageStore';

export interface Services {
  readonly settings: Settings;
  readonly clients: ClientProvider;
  readonly usage: UsageStore;
  readonly meter: StatusBarMeter;
  readonly budget: BudgetWarning;
  readonly active: ActiveRequests;
  readonly continuations: Continuations;
  readonly log: vscode.LogOutputChannel;
}
