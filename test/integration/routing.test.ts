// Model routing in a real extension host against the local Bedrock server: with
// `bedrockLlama.routing` auto an inline summary goes to Llama 3.2 3B and Explain to the
// selected model; `taskModels` sends chat to the model it names, the turn says which model
// answered, and "Ask <selected model>" runs the turn again on the selected model; off sends
// everything to the selected model. The meter books each request under the model that answered.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { LlamaConfig } from '../../src/core/settingsSchema';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import { chatIntent } from './support/faults';
import { setSetting, until } from './support/settings';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const SOURCE = ['function add(a: number, b: number) {', '  const sum = a + b;', '  return sum;', '}', ''].join('\n');
const SELECTED = 'us.meta.llama3-3-70b-instruct-v1:0';
const SMALL = 'meta.llama3-2-3b-instruct-v1:0';
const CHAT_MODEL = 'us.meta.llama3-1-8b-instruct-v1:0';
const COUNTS = { metrics: { inputTokenCount: 1000, outputTokenCount: 100 } };
const KEYS = ['modelId', 'region', 'routing', 'taskModels'];

describe('model routing in VS Code', function () {
  this.timeout(40_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;

  async function settled(check: (c: LlamaConfig) => boolean): Promise<void> {
    await until('the settings to reach the extension', () => {
      const s = api.services.settings.current;
      return s.ok && check(s.config);
    }, 5000);
  }

  async function editorWithSelection(): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 3, 1);
    return editor;
  }

  const modelTotal = (id: string) => api.services.usage.ledger.sessionByModel()[id]?.requests ?? 0;
  const lastTurn = () => api.chat.activeConversation.turns.at(-1)!;

  before(async () => {
    api = await activate();
    await setSetting('modelId', SELECTED);
    await setSetting('region', 'us-west-2');
  });
  beforeEach(() => vscode.commands.executeCommand('bedrockLlama.resetUsage'));
  afterEach(async () => {
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await until('no request in flight', () => api.services.active.size === 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
  after(async () => {
    for (const key of KEYS) await setSetting(key, undefined);
  });

  it('auto: an inline summary goes to Llama 3.2 3B, Explain to the selected model; the meter books each under its model', async () => {
    await setSetting('routing', 'auto');
    await settled((c) => c.routing === 'auto' && c.modelId === SELECTED);
    const editor = await editorWithSelection();
    bedrock().enqueue(textResponse('Adds two numbers.', COUNTS));
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    assert.equal(bedrock().requests.at(-1)?.modelId, `us.${SMALL}`, 'the summary went to 3B through the us. profile');
    assert.match(editor.document.getText(), /^\/\/ Adds two numbers\.\n/);
    assert.equal(modelTotal(SMALL), 1, 'booked under the model that answered');

    bedrock().enqueue(textResponse('It adds a and b.', COUNTS));
    await vscode.commands.executeCommand('bedrockLlama.newChat');
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 3, 1);
    await vscode.commands.executeCommand('bedrockLlama.explainSelection');
    assert.equal(bedrock().requests.at(-1)?.modelId, SELECTED);
    assert.equal(lastTurn().modelId, SELECTED);
    assert.equal(lastTurn().routed, undefined, 'Explain stays on the selected model');
    assert.equal(modelTotal(SELECTED), 1);
  });

  it('taskModels.chat: the chat answer comes from that model and says so; "Ask <selected model>" runs it again on the selected model', async () => {
    await setSetting('routing', 'auto');
    await setSetting('taskModels', { chat: CHAT_MODEL });
    await settled((c) => c.routing === 'auto' && c.taskModels.chat === CHAT_MODEL);
    await vscode.commands.executeCommand('bedrockLlama.newChat');
    bedrock().enqueue(textResponse('Hello from 8B.', COUNTS));
    // The composer's `send`, as the webview posts it.
    chatIntent(api.chat, { type: 'send', requestId: 'route-send-1', text: 'Say hello.', images: [] });
    await until('the answer', () => lastTurn()?.status === 'done');
    assert.equal(bedrock().requests.at(-1)?.modelId, CHAT_MODEL);
    const turn = lastTurn();
    assert.equal(turn.answer, 'Hello from 8B.');
    assert.equal(turn.modelId, CHAT_MODEL);
    assert.equal(turn.routed, 'taskModel');

    bedrock().enqueue(textResponse('Hello from 70B.', COUNTS));
    chatIntent(api.chat, { type: 'askSelected', requestId: 'route-ask-selected', turnId: turn.id });
    await until('the answer of the selected model', () => lastTurn().status === 'done' && lastTurn().answer === 'Hello from 70B.');
    assert.equal(bedrock().requests.at(-1)?.modelId, SELECTED);
    assert.equal(api.chat.activeConversation.turns.length, 1, 'the same turn, answered again');
    assert.equal(lastTurn().modelId, SELECTED);
    assert.equal(lastTurn().routed, undefined);
    assert.equal(modelTotal(CHAT_MODEL), 1);
    assert.equal(modelTotal(SELECTED), 1);
  });

  it('off: the summary goes to the selected model', async () => {
    await setSetting('routing', 'off');
    await setSetting('taskModels', undefined);
    await settled((c) => c.routing === 'off');
    await editorWithSelection();
    bedrock().enqueue(textResponse('Adds two numbers.', COUNTS));
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    assert.equal(bedrock().requests.at(-1)?.modelId, SELECTED);
    assert.equal(modelTotal(SMALL), 0);
  });
});
