// Llama 4 and the request options in a real extension host against the local Bedrock server:
// Explain and Summarize Inline through InvokeModel (the summary goes in as one edit, one undo
// removes it), Stop during the wait, the header-borne options on the wire, a guardrail's
// intervention never written as a summary, and Show Last Prompt equal to what the server got.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { PROMPT_SEPARATOR } from '../../src/core/request/promptRecord';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import { setSetting, until } from './support/settings';
import { textResponse, useLocalBedrock } from './support/localBedrock';

const SOURCE = ['function add(a: number, b: number) {', '  const sum = a + b;', '  return sum;', '}', ''].join('\n');
const SCOUT = 'us.meta.llama4-scout-17b-instruct-v1:0';

async function openSource(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SOURCE });
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(1, 0, 2, editor.document.lineAt(2).text.length);
  return editor;
}

function promptOf(body: unknown): string {
  return (body as { prompt: string }).prompt;
}

describe('Llama 4 and request options in VS Code', function () {
  this.timeout(40_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;
  const SETTINGS = ['modelId', 'region', 'idleTimeoutSeconds', 'latency', 'guardrailId', 'guardrailVersion', 'serviceTier'];

  before(async () => {
    api = await activate();
    await setSetting('region', 'us-west-2');
  });
  beforeEach(() => setSetting('modelId', SCOUT));
  afterEach(async () => {
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await until('no request in flight', () => api.services.active.size === 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => {
    for (const key of SETTINGS) await setSetting(key, undefined);
  });

  it('Explain asks Llama 4 through InvokeModel with its template, and the chat turn gets the whole answer and Bedrock\'s counts', async () => {
    await openSource();
    // InvokeModel's body carries the counts (no invocation metrics there).
    bedrock().enqueue(textResponse('It adds a and b.', { promptTokenCount: 90, chunks: 1 }));
    await vscode.commands.executeCommand('bedrockLlama.explainSelection');
    const [req] = bedrock().requests;
    assert.equal(req.operation, 'invoke');
    assert.equal(req.modelId, SCOUT);
    assert.match(promptOf(req.body), /^<\|begin_of_text\|><\|header_start\|>system<\|header_end\|>/);
    assert.ok(promptOf(req.body).includes('const sum = a + b;'));
    const turn = api.chat.activeConversation.turns.at(-1)!;
    assert.equal(turn.status, 'done');
    assert.equal(turn.answer, 'It adds a and b.');
    assert.equal(turn.usage?.inputTokens, 90);
    assert.ok(turn.usage!.outputTokens > 0);
    assert.ok(!turn.estimated);
  });

  it('Summarize Inline writes Llama 4\'s answer as one edit, removed by one undo', async () => {
    const editor = await openSource();
    const doc = editor.document;
    let edits = 0;
    const counting = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document === doc && e.contentChanges.length) edits++; });
    try {
      bedrock().enqueue(textResponse('Adds two numbers\nand returns the sum.', { headersDelayMs: 300 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    } finally {
      counting.dispose();
    }
    assert.equal(bedrock().requests[0].operation, 'invoke');
    assert.equal(doc.getText(), ['function add(a: number, b: number) {', '  // Adds two numbers', '  // and returns the sum.', '  const sum = a + b;', '  return sum;', '}', ''].join('\n'));
    assert.equal(edits, 1, 'the whole comment arrives in one edit');
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), SOURCE);
  });

  it('Stop during a Llama 4 wait closes the HTTP request and writes nothing', async () => {
    const editor = await openSource();
    bedrock().enqueue(textResponse('never written', { headersDelayMs: 10_000 }));
    const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    const req = await bedrock().nthRequest(0);
    await until('the request registered', () => api.services.active.size === 1);
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await running;
    const ended = await bedrock().ended(req);
    assert.equal(ended.outcome, 'clientDisconnected');
    assert.equal(editor.document.getText(), SOURCE);
  });

  it('sends latency-optimized, the guardrail and the service tier as headers where they apply', async () => {
    await setSetting('modelId', 'us.meta.llama3-1-70b-instruct-v1:0');
    await setSetting('region', 'us-east-2');
    await setSetting('latency', 'optimized');
    await setSetting('guardrailId', 'gr-test123');
    await setSetting('guardrailVersion', '1');
    try {
      await openSource();
      bedrock().enqueue(textResponse('Fast.'));
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      assert.deepEqual(bedrock().requests[0].options, { latency: 'optimized', guardrailId: 'gr-test123', guardrailVersion: '1', trace: 'ENABLED' });
      assert.equal(api.chat.activeConversation.turns.at(-1)?.status, 'done');
    } finally {
      await setSetting('region', 'us-west-2');
      for (const key of ['latency', 'guardrailId', 'guardrailVersion']) await setSetting(key, undefined);
    }
  });

  it('a guardrail intervention is shown as a block, and never written into the document', async () => {
    await setSetting('guardrailId', 'gr-test123');
    try {
      const editor = await openSource();
      bedrock().enqueue(textResponse('x', { guardrail: { action: 'INTERVENED', message: 'Sorry, the model cannot answer this question.' } }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(editor.document.getText(), SOURCE, 'the guardrail message is not a summary');
      bedrock().enqueue(textResponse('x', { guardrail: { action: 'INTERVENED', message: 'Sorry, the model cannot answer this question.' } }));
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      const turn = api.chat.activeConversation.turns.at(-1)!;
      assert.equal(turn.status, 'error');
      assert.equal(turn.answer, '');
      assert.equal(turn.error?.message, 'Blocked by guardrail gr-test123 (version DRAFT): Sorry, the model cannot answer this question.');

      // Said only on the last chunk, after the message streamed as text: taken out of the document and the chat.
      const late = { action: 'INTERVENED' as const, message: 'Sorry, the model cannot answer this question.', actionOnLastChunkOnly: true };
      bedrock().enqueue(textResponse('x', { guardrail: late, chunkDelayMs: 30 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(editor.document.getText(), SOURCE, 'the streamed guardrail message was taken out again');
      bedrock().enqueue(textResponse('x', { guardrail: late, chunkDelayMs: 30 }));
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      const lateTurn = api.chat.activeConversation.turns.at(-1)!;
      assert.deepEqual([lateTurn.status, lateTurn.answer], ['error', '']);
    } finally {
      await setSetting('guardrailId', undefined);
    }
  });

  it('Show Last Prompt opens, read-only, exactly the prompt the server received, with Bedrock\'s count', async () => {
    await setSetting('modelId', 'meta.llama3-1-8b-instruct-v1:0');
    await openSource();
    bedrock().enqueue(textResponse('Sums.', { metrics: { inputTokenCount: 123, outputTokenCount: 2 } }));
    await vscode.commands.executeCommand('bedrockLlama.explainSelection');
    await vscode.commands.executeCommand('bedrockLlama.showPrompt');
    await until('the prompt editor', () => vscode.window.activeTextEditor?.document.uri.scheme === 'bedrock-llama-prompt');
    const text = vscode.window.activeTextEditor!.document.getText();
    const prompt = text.slice(text.indexOf(PROMPT_SEPARATOR) + PROMPT_SEPARATOR.length + 1);
    assert.equal(prompt, promptOf(bedrock().requests[0].body));
    assert.match(text, /^Model: meta\.llama3-1-8b-instruct-v1:0$/m);
    assert.match(text, /^Operation: InvokeModelWithResponseStream$/m);
    assert.match(text, /123 counted by Bedrock/);
    // Read-only: an edit does not land (VS Code may still answer true for a read-only editor).
    await vscode.window.activeTextEditor!.edit((b) => b.insert(new vscode.Position(0, 0), 'x')).then(undefined, () => false);
    assert.equal(vscode.window.activeTextEditor!.document.getText(), text);
  });
});
