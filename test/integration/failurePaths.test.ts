// Failure paths of Summarize Inline and the chat in a real extension host against the local
// Bedrock server: after each failure the document holds nothing or one well-formed comment
// block, the chat holds the received text once, the meter counts what Bedrock bills, and
// Retry or Continue completes correctly.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { activate } from './support/extension';
import { useExpiredSso } from './support/faults';
import { httpError, textResponse, useLocalBedrock } from './support/localBedrock';

const SOURCE = ['function mean(values: number[]) {', '  const total = values.reduce((a, b) => a + b, 0);', '  return total / values.length;', '}', ''].join('\n');

async function openSource(content = SOURCE, language = 'typescript'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
}

function selectBody(editor: vscode.TextEditor): void {
  editor.selection = new vscode.Selection(1, 0, 2, editor.document.lineAt(2).text.length);
}

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('bedrockLlama').update(key, value, vscode.ConfigurationTarget.Global);
}

/** The lines between the function's first line and the selection: the summary block, if any. */
function block(doc: vscode.TextDocument): string[] {
  const lines = doc.getText().split('\n');
  const start = lines.indexOf('function mean(values: number[]) {') + 1;
  const end = lines.indexOf('  const total = values.reduce((a, b) => a + b, 0);');
  assert.ok(start > 0 && end >= start, `the code around the block is intact:\n${doc.getText()}`);
  return lines.slice(start, end);
}

/** One well-formed comment block: every line a `  // ` comment, the code below untouched. */
function assertOneBlock(doc: vscode.TextDocument, expectedText: string): void {
  const lines = block(doc);
  assert.ok(lines.length > 0, `a block is there:\n${doc.getText()}`);
  for (const line of lines) assert.match(line, /^ {2}\/\/( |$)/, `a comment line: ${JSON.stringify(line)}`);
  const text = lines.map((l) => l.replace(/^ {2}\/\/ ?/, '')).join(' ').replace(/\s+/g, ' ').trim();
  assert.equal(text, expectedText, `the document:\n${doc.getText()}`);
  assert.ok(doc.getText().endsWith(['  const total = values.reduce((a, b) => a + b, 0);', '  return total / values.length;', '}', ''].join('\n')));
}

describe('failure paths', function () {
  this.timeout(40_000);
  const bedrock = useLocalBedrock();
  let api: ExtensionApi;

  before(async () => {
    api = await activate();
    await setSetting('modelId', 'meta.llama3-1-8b-instruct-v1:0');
    await setSetting('region', 'us-west-2');
    await setSetting('idleTimeoutSeconds', 2);
  });
  after(async () => {
    await setSetting('modelId', undefined);
    await setSetting('region', undefined);
    await setSetting('idleTimeoutSeconds', undefined);
  });
  afterEach(() => vscode.commands.executeCommand('bedrockLlama.cancel'));

  const idle = () => until('no request in flight', () => api.services.active.size === 0);

  describe('Retry of an inline summary replaces the failed block with one whole block, in order', () => {
    const faults = {
      'a stall': textResponse('Returns the arithmetic mean', { chunks: 3, fault: { type: 'stall', afterChunks: 2 } }),
      'a mid-stream exception': textResponse('Returns the arithmetic mean', { chunks: 3, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } }),
      'a dropped connection': textResponse('Returns the arithmetic mean', { chunks: 3, fault: { type: 'drop', afterChunks: 2 } }),
      'a server error': httpError('InternalServerException', 'boom'),
    };
    for (const [name, script] of Object.entries(faults)) {
      it(`after ${name}`, async () => {
        const editor = await openSource();
        selectBody(editor);
        // A server error is retried by the SDK: script it for every attempt.
        const failures = name === 'a server error' ? [script, script, script] : [script];
        bedrock().enqueue(...failures, textResponse('Returns the arithmetic mean of the given values.', { chunks: 6, chunkDelayMs: 5 }));
        await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
        if (name !== 'a server error') assert.match(block(editor.document).join('\n'), /cut off/, 'the failed attempt is marked');
        assert.ok(api.services.continuations.retryLatest(), 'Retry is offered');
        await until('the retry to start', () => bedrock().requests.length === failures.length + 1);
        await idle();
        await until('the retried summary to be written', () => editor.document.getText().includes('values.\n'));
        assertOneBlock(editor.document, 'Returns the arithmetic mean of the given values.');
        await vscode.commands.executeCommand('undo');
        assert.ok(!editor.document.getText().includes('of the given values'), 'one undo removes the retried summary');
      });
    }
  });

  it('Continue after a length stop appends inside the same block, in order', async () => {
    const editor = await openSource();
    selectBody(editor);
    bedrock().enqueue(textResponse('Returns the arithmetic', { chunks: 3, stopReason: 'length' }), textResponse(' mean of the values.', { chunks: 3 }));
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    await vscode.commands.executeCommand('bedrockLlama.continueGeneration');
    assertOneBlock(editor.document, 'Returns the arithmetic mean of the values.');
  });

  it('a summary in CSS stays a comment whatever the model writes', async () => {
    const css = await openSource('body {\n  color: red;\n}\n', 'css');
    css.selection = new vscode.Selection(1, 0, 1, 13);
    bedrock().enqueue(textResponse('Makes text red. */ body { display: none } /* and more', { chunks: 7 }));
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    const text = css.document.getText();
    const open = text.indexOf('/*');
    const close = text.indexOf('*/', open + 2);
    assert.ok(open >= 0 && close > open, text);
    assert.ok(text.slice(close + 2).trimStart().startsWith('color: red;'), `nothing of the answer is live CSS:\n${text}`);
  });

  it('closing the document stops the summary, and what Bedrock billed is metered as an estimate', async () => {
    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    const editor = await openSource();
    selectBody(editor);
    bedrock().enqueue(textResponse(`one ${'more '.repeat(40)}end`, { chunks: 42, chunkDelayMs: 60 }));
    const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    await until('the first chunk', () => editor.document.getText().includes('// one'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await running;
    const request = await bedrock().ended(bedrock().requests[0]);
    assert.equal(request.clientDisconnected, true, 'the request was stopped');
    const totals = api.services.usage.ledger.sessionTotals();
    assert.equal(totals.requests, 1);
    assert.equal(totals.estimatedRequests, 1);
    assert.ok(totals.inputTokens > 0 && totals.outputTokens > 0, JSON.stringify(totals));
  });

  it('Stop meters the stopped request as an estimate; a refused request is not metered', async () => {
    await vscode.commands.executeCommand('bedrockLlama.resetUsage');
    const editor = await openSource();
    selectBody(editor);
    bedrock().enqueue(textResponse(`one ${'more '.repeat(40)}end`, { chunks: 42, chunkDelayMs: 60 }), httpError('AccessDeniedException'));
    const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    await until('the first chunk', () => editor.document.getText().includes('// one'));
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await running;
    let totals = api.services.usage.ledger.sessionTotals();
    assert.deepEqual([totals.requests, totals.estimatedRequests], [1, 1]);
    assert.match(api.services.meter.text, /^Llama \d/);

    const second = await openSource();
    selectBody(second);
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    totals = api.services.usage.ledger.sessionTotals();
    assert.equal(totals.requests, 1, 'Bedrock refused the second request: nothing billed');
    assert.equal(second.document.getText(), SOURCE);
  });

  it('Stop Generating stops only the summary in the active editor, not the chat\'s answer', async () => {
    const editor = await openSource();
    selectBody(editor);
    bedrock().enqueue(
      textResponse(`chat ${'answer '.repeat(30)}done`, { chunks: 32, chunkDelayMs: 40 }),
      textResponse(`one ${'more '.repeat(30)}end`, { chunks: 32, chunkDelayMs: 40 }),
    );
    const chatTurn = vscode.commands.executeCommand('bedrockLlama.askAboutSelection', 'What does it do?');
    await until('the chat to stream', () => (api.chat.activeConversation.turns.at(-1)?.answer ?? '').includes('chat'));
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One });
    selectBody(editor);
    const summary = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    await until('the summary to stream', () => editor.document.getText().includes('// one'));
    await vscode.commands.executeCommand('bedrockLlama.cancel');
    await summary;
    assert.ok(!editor.document.getText().includes('end'), 'the summary stopped');
    await chatTurn;
    const turn = api.chat.activeConversation.turns.at(-1)!;
    assert.equal(turn.status, 'done', 'the chat answer ran to its end');
    assert.ok(turn.answer.endsWith('done'));
  });

  it('changing a setting while a summary streams does not kill it', async () => {
    const editor = await openSource();
    selectBody(editor);
    bedrock().enqueue(textResponse('alpha beta gamma delta epsilon zeta', { chunks: 6, chunkDelayMs: 60 }));
    const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
    await until('the first chunk', () => editor.document.getText().includes('// alpha'));
    await setSetting('idleTimeoutSeconds', 3); // replaces the client for the next request
    try {
      await running;
    } finally {
      await setSetting('idleTimeoutSeconds', 2);
    }
    assertOneBlock(editor.document, 'alpha beta gamma delta epsilon zeta');
  });

  describe('the chat', () => {
    it('keeps the text received before a mid-stream failure exactly once, metered as an estimate', async () => {
      const editor = await openSource();
      selectBody(editor);
      bedrock().enqueue(
        textResponse('It computes the', { chunks: 3, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } }),
        textResponse('It computes the mean.', { chunks: 3 }),
      );
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      const turn = api.chat.activeConversation.turns.at(-1)!;
      assert.equal(turn.status, 'error');
      assert.ok('It computes the'.startsWith(turn.answer) && turn.answer.length > 0, JSON.stringify(turn.answer));
      assert.ok(turn.error?.actions.includes('showLog'));
      assert.equal(turn.estimated, true, 'the failed round is metered as an estimate');
    });

    it('two quick Explains while an answer streams: each stops the one before, and the last one answers', async () => {
      const editor = await openSource();
      selectBody(editor);
      bedrock().enqueue(
        textResponse(`first ${'word '.repeat(30)}end`, { chunks: 32, chunkDelayMs: 50 }),
        textResponse(`second ${'word '.repeat(30)}end`, { chunks: 32, chunkDelayMs: 50 }),
        textResponse('third answer.', { chunks: 2 }),
      );
      const first = vscode.commands.executeCommand('bedrockLlama.askAboutSelection', 'First?');
      await until('the first answer to stream', () => (api.chat.activeConversation.turns.at(-1)?.answer ?? '').startsWith('first'));
      const second = vscode.commands.executeCommand('bedrockLlama.explainSelection');
      const third = vscode.commands.executeCommand('bedrockLlama.explainSelection');
      await Promise.all([first, second, third]);
      await idle();
      const turns = api.chat.activeConversation.turns.slice(-3);
      assert.deepEqual(turns.map((t) => t.status), ['stopped', 'stopped', 'done'], JSON.stringify(turns.map((t) => [t.status, t.answer.slice(0, 20)])));
      // The second may be stopped before its request left: the server then gives its script to the third.
      assert.ok(['third answer.', `second ${'word '.repeat(30)}end`].includes(turns[2].answer), turns[2].answer);
      assert.equal(api.services.active.size, 0, 'nothing left in flight');
    });

    it('an expired SSO login offers Sign In in the chat, as the notification does', async () => {
      const sso = await useExpiredSso(); // profile `corp`, its SSO token expired an hour ago
      try {
        const editor = await openSource();
        selectBody(editor);
        await vscode.commands.executeCommand('bedrockLlama.explainSelection');
        const turn = api.chat.activeConversation.turns.at(-1)!;
        assert.equal(turn.status, 'error');
        assert.deepEqual(turn.error?.actions, ['signIn', 'openSettings', 'showLog']);
        assert.match(turn.error?.message ?? '', /aws sso login --profile corp/);
        assert.equal(bedrock().requests.length, 0, 'nothing reached Bedrock');
        assert.equal(turn.estimated, undefined, 'nothing was billed');
      } finally {
        await sso.restore();
      }
    });
  });
});
