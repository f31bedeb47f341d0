// Budgets that act: before a request, the daily, monthly and session budgets (over all windows)
// and `confirmAboveUsd` decide whether it is sent (`budgetAction`: warn, confirm or block); after
// it, warnings at 80 % and 100 % of each budget, once each per day, month or session, across windows.
import * as vscode from 'vscode';
import { budgetLabel, budgetsPassedBy, budgetSetting, crossedLevels, spentWhen, type BudgetLimits, type BudgetState, type Spent } from '../core/budget';
import { formatTokens, formatUsd } from '../core/pricing';
import type { CostEstimate, PreflightVerdict } from '../core/request/runRequest';
import type { LlamaConfig } from '../core/settingsSchema';
import type { UsageStore } from './usageStore';

const WARNED_KEY = 'bedrockLlama.budgetWarnings';
const MAX_WARNED = 100;

export class BudgetGuard {
  private sessionId = String(Date.now());
  private readonly given = new Set<string>();
  /** Estimates of requests sent and not yet metered, USD. */
  private reserved = 0;

  constructor(private readonly usage: UsageStore, private readonly state: vscode.Memento) {}

  /** Whether a request with this estimate may go out; may ask the user (a modal dialog). */
  async preflight(estimate: CostEstimate, config: LlamaConfig): Promise<PreflightVerdict> {
    if (!hasLimits(config) && config.confirmAboveUsd <= 0) return { send: true }; // the usual case: nothing to read
    // Without a price a budget cannot judge the request: say so rather than let it through unseen
    // (provisioned throughput is billed by the hour, not per request, and budgets do not cover it).
    if (estimate.maxUsd === undefined && !estimate.hourly && hasLimits(config) && config.budgetAction !== 'warn') {
      const why = `${estimate.modelId} has no price, so your budgets cannot account for this request. Set its price in bedrockLlama.pricing.`;
      if (config.budgetAction === 'block') return { send: false, reason: 'budget', message: `Not sent: ${why}` };
      return this.confirm(`${why} Send it anyway?`, 'budget');
    }
    const add = estimate.maxUsd ?? 0;
    const passed = budgetsPassedBy(this.spent(new Date()), limits(config), add);
    if (passed.length > 0 && config.budgetAction === 'block') return { send: false, reason: 'budget', message: blockedMessage(passed[0], estimate) };
    if (passed.length > 0 && config.budgetAction === 'confirm') return this.confirm(passedMessage(passed[0], estimate), 'budget');
    if (config.confirmAboveUsd > 0 && estimate.maxUsd !== undefined && estimate.maxUsd > config.confirmAboveUsd) {
      return this.confirm(`This request may cost up to ${formatUsd(estimate.maxUsd)}, more than ${formatUsd(config.confirmAboveUsd)} (bedrockLlama.confirmAboveUsd).`, 'above');
    }
    return { send: true };
  }

  /** After a request was metered: the 80 % and 100 % warnings not given yet. */
  check(config: LlamaConfig): void {
    if (!hasLimits(config)) return;
    const now = new Date();
    const warned = this.warnedKeys();
    const before = warned.length;
    for (const level of crossedLevels(this.spent(now), limits(config), now, this.sessionId)) {
      if (warned.includes(level.key)) continue;
      // 100 % covers 80 %: a jump past both warns once.
      for (const key of level.level === 100 ? [level.key, level.key.replace(/:100$/, ':80')] : [level.key]) {
        if (!warned.includes(key)) warned.push(key);
        this.given.add(key);
      }
      const message = level.level === 100
        ? `Llama: ${formatUsd(level.spentUsd)} spent ${spentWhen(level.name)}, past your ${budgetLabel(level.name)} of ${formatUsd(level.limitUsd)}.`
        : `Llama: ${formatUsd(level.spentUsd)} spent ${spentWhen(level.name)}, ${Math.floor((level.spentUsd / level.limitUsd) * 100)} % of your ${budgetLabel(level.name)} of ${formatUsd(level.limitUsd)}.`;
      void vscode.window.showWarningMessage(message, 'Show Usage', 'Change Budget').then((pick) => {
        if (pick === 'Show Usage') void vscode.commands.executeCommand('bedrockLlama.showUsage');
        else if (pick === 'Change Budget') void vscode.commands.executeCommand('workbench.action.openSettings', budgetSetting(level.name));
      });
    }
    // Written only when a warning was given: every write goes out to every window.
    if (warned.length > before) void Promise.resolve(this.state.update(WARNED_KEY, warned.slice(-MAX_WARNED))).catch(() => undefined);
  }

  /** A reset meter starts a new session: its budget may warn again. */
  reset(): void {
    this.sessionId = String(Date.now());
  }

  /**
   * Holds back a sent request's estimate until it is metered, so requests running at once (a
   * summary beside a chat answer) cannot each fit a budget that together they pass.
   */
  reserve(usd: number): () => void {
    this.reserved += usd;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= usd;
    };
  }

  private spent(at: Date): Spent {
    const shared = this.usage.sharedTotals(at);
    const held = Math.max(0, this.reserved);
    return { session: this.usage.ledger.sessionTotals().costUsd + held, daily: shared.day.costUsd + held, monthly: shared.month.costUsd + held };
  }

  /** The warnings given: by any window (shared storage), and by this one (kept here too, see below). */
  warnedKeys(): string[] {
    const v = this.state.get<unknown>(WARNED_KEY);
    const stored = Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
    // globalState can briefly hand back an older value while an earlier write echoes back from
    // the shared storage: what this window warned about is remembered here as well.
    return [...new Set([...stored, ...this.given])];
  }


  private async confirm(message: string, why: 'budget' | 'above'): Promise<PreflightVerdict> {
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail: 'Estimated: the prompt at the input price plus the longest allowed answer at the output price.' }, 'Send');
    if (pick === 'Send') return { send: true };
    return { send: false, reason: 'declined', message: why === 'budget' ? 'Not sent: you chose not to go past your budget.' : 'Not sent: you chose not to spend that much on this request.' };
  }
}

function hasLimits(config: LlamaConfig): boolean {
  return config.budgetUsd > 0 || config.dailyBudgetUsd > 0 || config.monthlyBudgetUsd > 0;
}

function limits(config: LlamaConfig): BudgetLimits {
  return { session: config.budgetUsd, daily: config.dailyBudgetUsd, monthly: config.monthlyBudgetUsd };
}

function cost(estimate: CostEstimate): string {
  return `${estimate.maxUsd === undefined ? 'an unknown amount' : `up to ${formatUsd(estimate.maxUsd)}`} (≈${formatTokens(estimate.inputTokens)} tokens in, ≤${formatTokens(estimate.maxOutputTokens)} out)`;
}

function left(b: BudgetState): string {
  return `${formatUsd(b.spentUsd)} spent ${spentWhen(b.name)}, ${formatUsd(Math.max(0, b.limitUsd - b.spentUsd))} left`;
}

function blockedMessage(b: BudgetState, estimate: CostEstimate): string {
  return `Not sent: this request, ${cost(estimate)}, would pass your ${budgetLabel(b.name)} of ${formatUsd(b.limitUsd)} (${left(b)}). ` +
    `Raise ${budgetSetting(b.name)}, or set bedrockLlama.budgetAction to warn or confirm.`;
}

function passedMessage(b: BudgetState, estimate: CostEstimate): string {
  return `This request, ${cost(estimate)}, would pass your ${budgetLabel(b.name)} of ${formatUsd(b.limitUsd)}: ${left(b)}. Send it anyway?`;
}
