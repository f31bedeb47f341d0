// Budgets that act, in a real extension host against the local Bedrock server: `block` sends
// nothing once another window's spending has reached the daily budget, `warn` warns at 80 % and
// 100 % once each (the warnings given are kept in the shared storage, so other windows do not
// repeat them), and the session budget keeps working. The `confirm` dialogs are driven through
// the real UI in test/ui/budgets.test.ts.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { LlamaConfig } from '../../src/core/settingsSchema';
import type { ExtensionApi } from '../../src/extension';
import { UsageStore } from '../../src/usage/usageStore';
import { activate } from './support/extension';
import { setSetting } from './support/settings';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const SOURCE = 'function add(a: number, b: number) {\n  return a + b;\n}\n';
const KEYS = ['modelId', 'region', 'dailyBudgetUsd', 'monthlyBudgetUsd', 'budgetUsd', 'budgetAction', 'pricing'];

async function summarize(): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(1, 0, 1, editor.document.lineAt(1).text.length);
  await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
  return doc;
}

/** Until the extension's settings snapshot has caught up with the writes above. */
async function settled(api: ExtensionApi, check: (c: LlamaConfig) => boolean): Promise<void> {
  const end = Date.now() + 5000;
  for (;;) {
    const s = api.services.settings.current;
    if (s.ok && check(s.config)) return;
    if (Date.now() > end) throw new Error('the settings did not reach the extension');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function warned(api: ExtensionApi): string[] {
  return api.services.budget.warnedKeys();
}

describe('budgets that act', function () {
  this.timeout(30_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  const MODEL = 'meta.llama3-1-8b-instruct-v1:0';

  before(async () => {
    api = await activate();
    await setSetting('modelId', MODEL);
    await setSetting('region', 'us-west-2');
    // $1 per 1M tokens in and out: 1,000 tokens cost $0.001.
    await setSetting('pricing', { [MODEL]: { input: 1, output: 1 } });
  });
  afterEach(async () => {
    for (const key of ['dailyBudgetUsd', 'monthlyBudgetUsd', 'budgetUsd', 'budgetAction']) await setSetting(key, undefined);
    await setSetting('pricing', { [MODEL]: { input: 1, output: 1 } });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
  });

  it('block: nothing is sent once another window has spent today\'s budget, and the user is told which budget', async () => {
    const spentToday = api.services.usage.sharedTotals(new Date()).day.costUsd;
    await setSetting('dailyBudgetUsd', spentToday + 0.01);
    await setSetting('budgetAction', 'block');
    await settled(api, (c) => c.budgetAction === 'block' && c.dailyBudgetUsd === spentToday + 0.01);
    // Another window: its own store over the same shared storage records $0.02 and saves.
    const other = new UsageStore(api.services.usage.memento);
    other.record({ modelId: MODEL, usage: { inputTokens: 10_000, outputTokens: 10_000 }, costUsd: 0.02, at: new Date() });
    await other.save();
    other.dispose();

    const doc = await summarize();
    assert.equal(bedrock().requests.length, 0, 'nothing on the wire');
    assert.equal(doc.getText(), SOURCE);

    await vscode.commands.executeCommand('bedrockLlama.explainSelection');
    assert.equal(bedrock().requests.length, 0);
    const turn = api.chat.activeConversation.turns.at(-1)!;
    assert.equal(turn.status, 'error');
    assert.match(turn.error?.message ?? '', /^Not sent: this request, up to \$[\d.]+ .* would pass your daily budget of \$[\d.]+ \(.* spent today, .* left\)\. Raise bedrockLlama\.dailyBudgetUsd/);
    assert.deepEqual(turn.error?.actions, ['openSettings']);
  });

  it('block sends nothing for a model without a price, and says how to give it one', async () => {
    const unpriced = 'arn:aws:bedrock:us-west-2:123456789012:imported-model/llama-tuned';
    await setSetting('modelId', unpriced);
    await setSetting('modelFamily', 'llama3');
    await setSetting('dailyBudgetUsd', 1000);
    await setSetting('budgetAction', 'block');
    try {
      await settled(api, (c) => c.modelId === unpriced && c.budgetAction === 'block');
      const doc = await summarize();
      assert.equal(bedrock().requests.length, 0);
      assert.equal(doc.getText(), SOURCE);
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      assert.match(api.chat.activeConversation.turns.at(-1)?.error?.message ?? '', /^Not sent: .*imported-model\/llama-tuned has no price, so your budgets cannot account for this request\. Set its price in bedrockLlama\.pricing\.$/);
    } finally {
      await setSetting('modelId', MODEL);
      await setSetting('modelFamily', undefined);
    }
  });

  it('block lets a request through that fits, with the estimate as an upper bound', async () => {
    const spent = api.services.usage.sharedTotals(new Date()).day.costUsd;
    await setSetting('dailyBudgetUsd', spent + 1);
    await setSetting('budgetAction', 'block');
    await settled(api, (c) => c.budgetAction === 'block' && c.dailyBudgetUsd === spent + 1);
    bedrock().enqueue(textResponse('Adds.', { chunks: 1 }));
    await summarize();
    assert.equal(bedrock().requests.length, 1);
  });

  it('warn: sends, then warns at 80 % and at 100 % of the monthly budget, once each', async () => {
    // A dear price makes each answer $2 (2,000 tokens × $1,000/1M), so what earlier tests spent
    // this month hardly counts: 85 % after the first answer, past 100 % after the second.
    await setSetting('pricing', { [MODEL]: { input: 1000, output: 1000 } });
    const spent = api.services.usage.sharedTotals(new Date()).month.costUsd;
    await setSetting('monthlyBudgetUsd', spent + 2 / 0.85);
    await setSetting('budgetAction', 'warn');
    await settled(api, (c) => c.pricing[MODEL]?.input === 1000 && c.monthlyBudgetUsd === spent + 2 / 0.85);
    const before = warned(api).filter((k) => k.startsWith('monthly:'));
    bedrock().enqueue(textResponse('One.', { chunks: 1, metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    await summarize();
    assert.equal(bedrock().requests.length, 1, 'warn never holds a request back');
    const after80 = warned(api).filter((k) => k.startsWith(`monthly:`) && !before.includes(k));
    assert.deepEqual(after80.map((k) => k.replace(/^monthly:\d{4}-\d{2}:/, '')), ['80']);
    bedrock().enqueue(textResponse('Two.', { chunks: 1, metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    await summarize();
    const after100 = warned(api).filter((k) => k.startsWith(`monthly:`) && !before.includes(k));
    const seen = () => `spent at start ${spent}, now ${api.services.usage.sharedTotals(new Date()).month.costUsd}, session ${JSON.stringify(api.services.usage.ledger.sessionTotals())}, requests ${bedrock().requests.length}, warned ${JSON.stringify(warned(api))}`;
    assert.deepEqual(after100.map((k) => k.replace(/^monthly:\d{4}-\d{2}:/, '')).sort(), ['100', '80'], seen());
    bedrock().enqueue(textResponse('Three.', { chunks: 1, metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    await summarize();
    assert.equal(warned(api).filter((k) => k.startsWith('monthly:') && !before.includes(k)).length, 2, 'no third warning');
  });

  it('the session budget keeps working, and Reset Usage Meter starts a new session', async () => {
    const session = api.services.usage.ledger.sessionTotals().costUsd;
    await setSetting('budgetUsd', session + 0.001);
    await settled(api, (c) => c.budgetUsd === session + 0.001);
    bedrock().enqueue(textResponse('One.', { chunks: 1, metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    await summarize();
    assert.ok(warned(api).some((k) => /^session:\d+:100$/.test(k)), JSON.stringify(warned(api)));
  });
});
