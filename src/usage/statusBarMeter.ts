// The status bar item `bedrockLlama.usage`: session tokens and cost from Bedrock's own
// counts, a spinner while generating, the last request's figures in the tooltip.
import * as vscode from 'vscode';
import { formatCount, formatTokens, formatUsd } from '../core/pricing';
import type { LatencyFigures, TokenUsage } from '../core/types';
import type { UsageStore } from './usageStore';

export interface LastRequest {
  modelId: string;
  usage: TokenUsage;
  costUsd: number | undefined;
  /** Counted locally: the request was stopped or failed after Bedrock accepted it. */
  estimated?: boolean;
  latency: LatencyFigures;
  /** Answered from the response cache: nothing was sent or billed. */
  cached?: boolean;
}

export class StatusBarMeter implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private generating = 0;
  private last: LastRequest | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: UsageStore) {
    this.item = vscode.window.createStatusBarItem('bedrockLlama.usage', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Llama on Bedrock: Usage';
    this.item.command = 'bedrockLlama.showUsage';
    this.subscription = store.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  /** Marks a request in flight until the returned function is called. */
  startGenerating(): () => void {
    this.generating++;
    this.render();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.generating--;
      this.render();
    };
  }

  /** What the status bar shows now. */
  get text(): string {
    return this.item.text;
  }

  setLastRequest(last: LastRequest): void {
    this.last = last;
    this.render();
  }

  private render(): void {
    const s = this.store.ledger.sessionTotals();
    const tokens = formatTokens(s.inputTokens + s.outputTokens);
    const cost = s.unknownCostRequests > 0 && s.costUsd === 0 ? '$?' : formatUsd(s.costUsd);
    const icon = this.generating > 0 ? '$(loading~spin) ' : '';
    this.item.text = `${icon}Llama ${tokens} tok ${cost}`;
    this.item.accessibilityInformation = {
      label: `Llama on Bedrock: ${s.inputTokens + s.outputTokens} tokens, ${cost} this session${this.generating ? ', generating' : ''}`,
    };
    this.item.tooltip = this.tooltip();
  }

  private tooltip(): vscode.MarkdownString {
    const s = this.store.ledger.sessionTotals();
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Llama on Bedrock** — this session\n\n`);
    md.appendMarkdown(`Input ${formatCount(s.inputTokens)} tok · Output ${formatCount(s.outputTokens)} tok · ${formatUsd(s.costUsd)}`);
    if (s.unknownCostRequests > 0) md.appendMarkdown(` (+${s.unknownCostRequests} request(s) without a price)`);
    if (s.estimatedRequests > 0) md.appendMarkdown(`\n\n≈ includes ${s.estimatedRequests} stopped or failed request(s) counted with local estimates`);
    if (s.savedUsd > 0) md.appendMarkdown(`\n\n$(database) Saved ${formatUsd(s.savedUsd)} with ${s.cachedRequests} answer(s) from the response cache`);
    if (this.last?.cached) {
      md.appendMarkdown(`\n\n**Last request** — \`${this.last.modelId}\` · cached · $0\n\n`);
      md.appendMarkdown(`Answered from the response cache: nothing was sent or billed`);
    } else if (this.last) {
      const l = this.last;
      const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ms`);
      const approx = l.estimated ? '≈' : '';
      md.appendMarkdown(`\n\n**Last request** — \`${l.modelId}\`${l.estimated ? ' (stopped or failed: estimated)' : ''}\n\n`);
      md.appendMarkdown(`Input ${approx}${l.usage.inputTokens} tok · Output ${approx}${l.usage.outputTokens} tok · ${approx}${formatUsd(l.costUsd)}\n\n`);
      if (!l.estimated) md.appendMarkdown(`First token ${ms(l.latency.timeToFirstTokenMs)} · Total ${ms(l.latency.totalMs)}`);
    }
    md.appendMarkdown(`\n\n$(graph) Click for the breakdown`);
    return md;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
