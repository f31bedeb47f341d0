// The response cache in a real extension host against the local Bedrock server: a repeated
// Explain is answered from the cache (nothing on the wire, the turn marked, the meter's cost
// unchanged and the saving counted), Ask again goes to Bedrock, a repeated summary writes
// the same text, Clear Response Cache empties it, and an answer stored by another window
// (another store on the same directory) is used.
import { strict as assert } from 'node:assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FileResponseStore, type ClearResult } from '../../src/core/cache/responseStore';
import type { CachedAnswer } from '../../src/core/request/runRequest';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import { setSetting, until } from './support/settings';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const SOURCE = ['function add(a: number, b: number) {', '  const sum = a + b;', '  return sum;', '}', ''].join('\n');
const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
// Bedrock's counts for every scripted answer: priced at $0.72 per 1M tokens in and out.
const COUNTS = { metrics: { inputTokenCount: 1000, outputTokenCount: 500 } };

describe('response cache in VS Code', function () {
  this.timeout(40_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  let editor: vscode.TextEditor;

  /** Explain of the same selection in a new chat: the same prompt every time (no earlier turns). */
  async function explain(): Promise<void> {
    await vscode.commands.executeCommand('bedrockLlama.newChat');
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 3, 1);
    await vscode.commands.executeCommand('bedrockLlama.explainSelection');
  }

  const sent = () => bedrock().requests.length;
  const lastTurn = () => api.chat.activeConversation.turns.at(-1)!;

  before(async () => {
    api = await activate();
    await setSetting('modelId', MODEL);
    await setSetting('region', 'us-west-2');
    await setSetting('cacheTtlMinutes', 60);
    // One document for the whole block: its name and lines are part of the prompt.
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
    editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  });
  beforeEach(() => vscode.commands.executeCommand('bedrockLlama.clearCache'));
  afterEach(async () => {
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await until('no request in flight', () => api.services.active.size === 0);
  });
  after(async () => {
    await vscode.commands.executeCommand('bedrockLlama.clearCache');
    for (const key of ['modelId', 'region', 'cacheTtlMinutes']) await setSetting(key, undefined);
  });

  it('Explain twice: the second answer is from the cache — nothing on the wire, marked cached, no cost, the saving counted', async () => {
    bedrock().enqueue(textResponse('It adds a and b.', { chunks: 3, ...COUNTS }));
    await explain();
    assert.equal(sent(), 1);
    const first = lastTurn();
    assert.equal(first.answer, 'It adds a and b.');
    assert.equal(first.cached, undefined);
    const before = api.services.usage.ledger.sessionTotals();
    const meterText = api.services.meter.text;

    await explain();
    assert.equal(sent(), 1, 'no second request on the wire');
    const second = lastTurn();
    assert.notEqual(second.id, first.id);
    assert.equal(second.status, 'done');
    assert.equal(second.answer, 'It adds a and b.');
    assert.equal(second.cached, true);
    assert.equal(second.costUsd, 0);
    const after = api.services.usage.ledger.sessionTotals();
    assert.equal(after.costUsd, before.costUsd, 'the session cost is unchanged');
    assert.equal(after.requests, before.requests, 'not counted as a request sent');
    assert.equal(after.cachedRequests, before.cachedRequests + 1);
    assert.ok(after.savedUsd - before.savedUsd > 0, 'the saving is counted');
    assert.ok(Math.abs(after.savedUsd - before.savedUsd - (1500 * 0.72) / 1e6) < 1e-12, 'saved what the first answer cost');
    assert.equal(api.services.meter.text, meterText, 'the status bar shows the same tokens and cost');
    assert.ok((api.services.usage.ledger.taskTotals().explain?.cachedRequests ?? 0) >= 1, 'kept by task');
  });

  it('Ask again sends the turn to Bedrock and replaces the cached answer', async () => {
    bedrock().enqueue(textResponse('Cached answer.', COUNTS));
    await explain();
    await explain();
    assert.equal(sent(), 1);
    const turn = lastTurn();
    assert.equal(turn.cached, true);
    const cost = api.services.usage.ledger.sessionTotals().costUsd;

    bedrock().enqueue(textResponse('A fresh answer.', { chunks: 2, ...COUNTS }));
    await api.chat.askAgain(turn.id);
    assert.equal(sent(), 2, 'one more request on the wire');
    const again = lastTurn();
    assert.equal(again.id, turn.id, 'the same turn');
    assert.equal(again.status, 'done');
    assert.equal(again.answer, 'A fresh answer.', 'replaced, not appended');
    assert.equal(again.cached, undefined);
    assert.ok(Math.abs(again.costUsd! - (1500 * 0.72) / 1e6) < 1e-12, 'its own cost, not the cached round\'s');
    assert.ok(api.services.usage.ledger.sessionTotals().costUsd > cost, 'billed');

    // The fresh answer replaced the cached one.
    await explain();
    assert.equal(sent(), 2);
    assert.equal(lastTurn().answer, 'A fresh answer.');
    assert.equal(lastTurn().cached, true);
  });

  it('Summarize twice: the second summary is from the cache, the same text in the document; Ask Again sends it again', async () => {
    const doc = editor.document;
    const summarize = async () => {
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
      editor.selection = new vscode.Selection(1, 0, 2, doc.lineAt(2).text.length);
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    };
    // `undo` acts on the focused editor: the summary's notification must not have taken the focus.
    const undo = async () => {
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
      await vscode.commands.executeCommand('undo');
    };
    bedrock().enqueue(textResponse('Adds the two numbers\nand returns the sum.', { chunks: 4, ...COUNTS }));
    await summarize();
    assert.equal(sent(), 1);
    const summarized = doc.getText();
    assert.notEqual(summarized, SOURCE);
    await undo();
    assert.equal(doc.getText(), SOURCE);

    const saved = api.services.usage.ledger.sessionTotals().savedUsd;
    await summarize();
    assert.equal(sent(), 1, 'no second request on the wire');
    assert.equal(doc.getText(), summarized, 'the same summary, in the same place');
    assert.ok(api.services.usage.ledger.sessionTotals().savedUsd > saved);

    // Ask Again (the notification's button runs the offer in the Retry slot): sent, and it replaces the block.
    bedrock().enqueue(textResponse('Returns a plus b.', COUNTS));
    assert.ok(api.services.continuations.retryLatest(), 'Ask Again is offered');
    await until('the fresh summary', () => sent() === 2 && doc.getText().includes('Returns a plus b.'));
    await until('the request to end', () => api.services.active.size === 0);
    assert.ok(!doc.getText().includes('Adds the two numbers'), 'the cached summary was replaced');
    await undo();
    assert.equal(doc.getText(), summarized, 'one undo takes the fresh summary back out');
    await undo();
    assert.equal(doc.getText(), SOURCE);
  });

  it('Clear Response Cache empties it: the next identical request goes out', async () => {
    bedrock().enqueue(textResponse('Before clearing.', COUNTS));
    await explain();
    await explain();
    assert.equal(sent(), 1);
    const cleared = await vscode.commands.executeCommand<ClearResult>('bedrockLlama.clearCache');
    assert.equal(cleared.entries, 1);
    assert.ok(cleared.bytes > 0);
    bedrock().enqueue(textResponse('After clearing.', COUNTS));
    await explain();
    assert.equal(sent(), 2, 'sent again');
    assert.equal(lastTurn().answer, 'After clearing.');
    assert.equal(lastTurn().cached, undefined);
  });

  it('uses an answer another window stored in the shared directory', async () => {
    bedrock().enqueue(textResponse('Asked in this window.', COUNTS));
    await explain();
    const dir = api.services.responseCache.store.dir;
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    assert.ok(file, `an entry in ${dir}`);
    const stored = JSON.parse(await readFile(join(dir, file), 'utf8')) as CachedAnswer;
    await vscode.commands.executeCommand('bedrockLlama.clearCache');
    // Another window: its own store object on the same directory, writing the same key.
    const other = new FileResponseStore(dir);
    await other.put(file.replace(/\.json$/, ''), { ...stored, text: 'Asked in the other window.', savedAt: Date.now() });
    await explain();
    assert.equal(sent(), 1, 'nothing sent');
    assert.equal(lastTurn().answer, 'Asked in the other window.');
    assert.equal(lastTurn().cached, true);
  });

  it('with cacheTtlMinutes 0 nothing is kept or reused', async () => {
    await setSetting('cacheTtlMinutes', 0);
    try {
      bedrock().enqueue(textResponse('One.', COUNTS));
      bedrock().enqueue(textResponse('Two.', COUNTS));
      await explain();
      await explain();
      assert.equal(sent(), 2);
      assert.equal(lastTurn().cached, undefined);
    } finally {
      await setSetting('cacheTtlMinutes', 60);
    }
  });
});
