// Show Token Usage and Cost / Reset Usage Meter.
import * as vscode from 'vscode';
import { findModel } from '../core/catalog';
import { formatCount, formatTokens, formatUsd } from '../core/pricing';
import type { UsageTotals } from '../core/usage';
import type { CommandContext } from './context';

export function showUsage({ services }: CommandContext) {
  return async (): Promise<void> => {
    const ledger = services.usage.ledger;
    const now = new Date();
    const row = (label: string, t: UsageTotals): vscode.QuickPickItem => ({
      label,
      description: `${formatTokens(t.inputTokens + t.outputTokens)} tokens · ${cost(t)}`,
      detail: `${formatCount(t.inputTokens)} input · ${formatCount(t.outputTokens)} output · ${t.requests} request${t.requests === 1 ? '' : 's'}` +
        (t.estimatedRequests > 0 ? ` (≈ ${t.estimatedRequests} stopped or failed, estimated)` : ''),
    });
    const models = Object.entries(ledger.modelTotals()).sort((a, b) => b[1].costUsd - a[1].costUsd);
    const session = ledger.sessionTotals();
    const month = ledger.monthTotals(now);
    const items: vscode.QuickPickItem[] = [
      row('$(pulse) This session', session),
      row('$(calendar) Today', ledger.dayTotals(now)),
      row('$(calendar) This month', month),
      ...savings(session, month),
      { label: 'Per model (all time)', kind: vscode.QuickPickItemKind.Separator },
      ...models.map(([id, t]) => row(findModel(id.replace(/^(us|eu|apac|global)\./, ''))?.label ?? id, t)),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(clear-all) Reset Usage Meter', description: 'Starts a new session; history is kept' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Llama: Token Usage and Cost (from Bedrock\'s own counts)' });
    if (pick?.label.includes('Reset Usage Meter')) await vscode.commands.executeCommand('bedrockLlama.resetUsage');
  };
}

export function resetUsage({ services }: CommandContext) {
  return (): void => {
    services.usage.resetSession();
    services.budget.reset();
    vscode.window.setStatusBarMessage('Llama usage meter reset', 3000);
  };
}

/** Answers from the response cache: money saved, not spent (they are not in the rows above). */
function savings(session: UsageTotals, month: UsageTotals): vscode.QuickPickItem[] {
  if (session.cachedRequests === 0 && month.cachedRequests === 0) return [];
  const answers = (n: number) => `${n} answer${n === 1 ? '' : 's'}`;
  return [{
    label: '$(database) Saved by the response cache',
    description: `${formatUsd(month.savedUsd)} this month`,
    detail: `${answers(month.cachedRequests)} from the cache this month, ${answers(session.cachedRequests)} this session (${formatUsd(session.savedUsd)}): not sent, not billed`,
  }];
}

function cost(t: UsageTotals): string {
  const approx = t.estimatedRequests > 0 ? '≈' : '';
  if (t.unknownCostRequests > 0) return `${approx}${formatUsd(t.costUsd)} + ${t.unknownCostRequests} unpriced`;
  return `${approx}${formatUsd(t.costUsd)}`;
}
