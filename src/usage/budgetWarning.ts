// Warns once per session when the session cost passes `bedrockLlama.budgetUsd`.
import * as vscode from 'vscode';
import { formatUsd } from '../core/pricing';
import type { UsageStore } from './usageStore';

export class BudgetWarning {
  private warned = false;

  constructor(private readonly usage: UsageStore) {}

  check(budgetUsd: number): void {
    if (this.warned || budgetUsd <= 0) return;
    const spent = this.usage.ledger.sessionTotals().costUsd;
    if (spent <= budgetUsd) return;
    this.warned = true;
    void vscode.window
      .showWarningMessage(`Llama on Bedrock: this session has cost ${formatUsd(spent)}, past your budget of ${formatUsd(budgetUsd)}.`, 'Show Usage', 'Change Budget')
      .then((pick) => {
        if (pick === 'Show Usage') void vscode.commands.executeCommand('bedrockLlama.showUsage');
        else if (pick === 'Change Budget') void vscode.commands.executeCommand('workbench.action.openSettings', 'bedrockLlama.budgetUsd');
      });
  }

  /** A reset meter starts a new session, which may warn again. */
  reset(): void {
    this.warned = false;
  }
}
