// The editor commands in a real extension host against the local Bedrock server:
// Summarize Inline (streaming, undo, edits during streaming, stop, continue, errors),
// Explain and Ask, the meter, and settings checks.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activate } from './support/extension';
import { httpError, textResponse, useLocalBedrock, type RecordedRequest } from './support/localBedrock';

const SOURCE = ['function add(a: number, b: number) {', '  const sum = a + b;', '  return sum;', '}', ''].join('\n');

async function openSource(content = SOURCE, language = 'typescript'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
}

function select(editor: vscode.TextEditor, fromLine: number, toLine: number): void {
  editor.selection = new vscode.Selection(fromLine, 0, toLine, editor.document.lineAt(toLine).text.length);
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function promptOf(request: RecordedRequest): string {
  return (request.body as { prompt: string }).prompt;
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('bedrockLlama').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('editor commands', function () {
  this.timeout(30_000);
  const bedrock = useLocalBedrock();

  before(async () => {
    await activate();
    await setSetting('modelId', 'meta.llama3-1-8b-instruct-v1:0');
    await setSetting('region', 'us-west-2');
  });
  after(async () => {
    await setSetting('modelId', undefined);
    await setSetting('region', undefined);
  });
  // Each test opens its own untitled document and leaves it open: closing and reopening
  // untitled documents in quick succession can hand a test the previous one's model.
  afterEach(() => vscode.commands.executeCommand('bedrockLlama.cancel'));

  describe('Summarize Selection Inline', () => {
    it('streams a comment block above the selection, indented like it, and leaves the selection alone', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse('Adds the two numbers\nand returns the sum.', { chunks: 6, chunkDelayMs: 5 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(
        editor.document.getText(),
        ['function add(a: number, b: number) {', '  // Adds the two numbers', '  // and returns the sum.', '  const sum = a + b;', '  return sum;', '}', ''].join('\n'),
      );
      const request = bedrock().requests[0];
      assert.equal(request.modelId, 'meta.llama3-1-8b-instruct-v1:0');
      assert.ok(promptOf(request).includes('const sum = a + b;'), 'the selection is in the prompt');
      const body = request.body as { temperature: number; top_p: number; max_gen_len: number };
      assert.deepEqual([body.temperature, body.top_p, body.max_gen_len], [0.5, 0.9, 512]);
    });

    it('is removed by one undo', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse('One.\nTwo.\nThree.', { chunks: 12, chunkDelayMs: 25 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.notEqual(editor.document.getText(), SOURCE);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), SOURCE);
    });

    it('uses the language comment syntax (Python) and a paragraph for plain text', async () => {
      const py = await openSource('def f():\n    return 1\n', 'python');
      select(py, 1, 1);
      bedrock().enqueue(textResponse('Returns one.', { chunks: 2 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(py.document.getText(), 'def f():\n    # Returns one.\n    return 1\n');

      const txt = await openSource('Long prose here.\n', 'plaintext');
      select(txt, 0, 0);
      bedrock().enqueue(textResponse('Short.', { chunks: 1 }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(txt.document.getText(), 'Short.\n\nLong prose here.\n');
    });

    it('keeps streaming to the right place while the user edits above it', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse('alpha beta gamma delta epsilon zeta eta theta', { chunks: 8, chunkDelayMs: 40 }));
      const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      await until('the first chunk', () => editor.document.getText().includes('// alpha'));
      // The user types at the top of the file while the summary streams in.
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('type', { text: 'const header = 1;\n' });
      await running;
      assert.equal(
        editor.document.getText(),
        ['const header = 1;', 'function add(a: number, b: number) {', '  // alpha beta gamma delta epsilon zeta eta theta', '  const sum = a + b;', '  return sum;', '}', ''].join('\n'),
      );
    });

    it('Stop Generating keeps the text so far, ends the request and adds nothing after', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse(`one two ${'more '.repeat(40)}ten`, { chunks: 43, chunkDelayMs: 100 }));
      const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      await until('the first chunk', () => editor.document.getText().includes('// one'));
      await vscode.commands.executeCommand('bedrockLlama.cancel');
      await running;
      const request = await bedrock().ended(bedrock().requests[0]);
      assert.equal(request.clientDisconnected, true, 'the server saw the client go away');
      const after = editor.document.getText();
      assert.ok(after.includes('// one') && !after.includes('ten'), after);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(editor.document.getText(), after, 'nothing arrived after Stop');
    });

    it('keeps streaming into its document when the user switches to another file in the same editor group', async () => {
      const editor = await openSource();
      const doc = editor.document;
      select(editor, 1, 2);
      bedrock().enqueue(textResponse(`one ${'more '.repeat(10)}end`, { chunks: 12, chunkDelayMs: 40 }));
      const running = vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      await until('the first chunk', () => doc.getText().includes('// one'));
      const other = await vscode.workspace.openTextDocument({ content: 'other', language: 'plaintext' });
      await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.One });
      await running;
      const request = await bedrock().ended(bedrock().requests[0]);
      assert.equal(request.clientDisconnected, false, 'the request ran to its end');
      assert.ok(doc.getText().includes(`  // one ${'more '.repeat(10)}end\n  const sum`), doc.getText());
      assert.equal(other.getText(), 'other', 'nothing went into the file in front');
    });

    it('offers Continue after a length stop and appends the rest where the first part ended', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(
        textResponse('The first part', { chunks: 3, stopReason: 'length' }),
        textResponse(' and the rest.', { chunks: 3 }),
      );
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      await vscode.commands.executeCommand('bedrockLlama.continueGeneration');
      assert.ok(editor.document.getText().includes('  // The first part and the rest.\n  const sum'), editor.document.getText());
      const second = promptOf(bedrock().requests[1]);
      assert.ok(second.endsWith('The first part'), 'the continuation prompt ends with the partial answer');
    });

    it('coalesces a 2,000-token answer at ~1,000 tokens/s into a bounded number of edits, flushing the end at once', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      const words = Array.from({ length: 2000 }, (_, i) => `w${i}`);
      bedrock().enqueue({ type: 'response', chunks: words.map((w, i) => ({ text: i % 25 === 24 ? `${w}\n` : `${w} `, tokens: 1 })), chunkDelayMs: 1 });
      let lastChunkAt = 0;
      let fullAt = 0;
      let docEdits = 0;
      const onEnd = () => { lastChunkAt = performance.now(); };
      bedrock().once('requestEnd', onEnd);
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== editor.document) return;
        docEdits++;
        if (!fullAt && e.document.getText().includes('w1999')) fullAt = performance.now();
      });
      const started = performance.now();
      try {
        await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      } finally {
        sub.dispose();
      }
      const streamMs = lastChunkAt - started;
      console.log(`2,000 tokens in ${streamMs.toFixed(0)} ms: ${docEdits} document edits (${(docEdits / (streamMs / 1000)).toFixed(1)}/s); ` +
        `last chunk sent → full text in the document: ${(fullAt - lastChunkAt).toFixed(1)} ms`);
      assert.ok(editor.document.getText().includes('  // w0 w1') && editor.document.getText().includes('w1999\n  const sum'));
      // At most one edit per 20 ms interval (plus the closing edits), however fast tokens come.
      assert.ok(docEdits <= streamMs / 20 + 3, `${docEdits} edits in ${streamMs.toFixed(0)} ms`);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), SOURCE, 'one undo removes the whole summary');
    });

    it('inserts nothing when Bedrock refuses the request', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(httpError('AccessDeniedException'));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      assert.equal(editor.document.getText(), SOURCE);
    });

    it('keeps partial text from a failed stream and marks it as cut off', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse('Partial answer here', { chunks: 3, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      const text = editor.document.getText();
      assert.ok(/\/\/ Partial answer ?\n\s+\/\/ \(cut off: .+\)\n/.test(text), text);
    });

    it('sends nothing when a setting is invalid', async () => {
      const editor = await openSource();
      select(editor, 1, 2);
      await setSetting('temperature', 5);
      try {
        await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
        assert.equal(bedrock().requests.length, 0);
        assert.equal(editor.document.getText(), SOURCE);
      } finally {
        await setSetting('temperature', undefined);
      }
    });
  });

  describe('Explain and Ask', () => {
    it('Explain streams the answer about the selection into the chat as a turn', async () => {
      const api = await activate();
      const editor = await openSource();
      select(editor, 0, 3);
      bedrock().enqueue(textResponse('It adds **two** numbers.', { chunks: 4 }));
      await vscode.commands.executeCommand('bedrockLlama.explainSelection');
      const turns = api.chat.activeConversation.turns;
      const turn = turns[turns.length - 1];
      assert.equal(turn.answer, 'It adds **two** numbers.');
      assert.equal(turn.status, 'done');
      assert.equal(turn.attachment?.startLine, 1);
      assert.equal(turn.attachment?.endLine, 4);
      assert.ok(promptOf(bedrock().requests[0]).includes('function add'));
    });

    it('names the lines a whole-line selection covers, not the line its end sits on', async () => {
      const api = await activate();
      const editor = await openSource();
      editor.selection = new vscode.Selection(1, 0, 3, 0); // lines 2–3, as Shift+Down twice selects them
      bedrock().enqueue(textResponse('Sums.', { chunks: 1 }));
      await vscode.commands.executeCommand('bedrockLlama.askAboutSelection', 'What?');
      const turn = api.chat.activeConversation.turns.at(-1)!;
      assert.deepEqual([turn.attachment?.startLine, turn.attachment?.endLine], [2, 3]);
      assert.equal(turn.attachment?.text, '  const sum = a + b;\n  return sum;\n');
    });

    it('Ask sends the question with the selection attached and answers in the chat', async () => {
      const api = await activate();
      const editor = await openSource();
      select(editor, 1, 1);
      bedrock().enqueue(textResponse('Because it is simple.', { chunks: 2 }));
      await vscode.commands.executeCommand('bedrockLlama.askAboutSelection', 'Why a local variable?');
      const prompt = promptOf(bedrock().requests[0]);
      assert.ok(prompt.includes('Why a local variable?') && prompt.includes('const sum = a + b;'), prompt);
      const turns = api.chat.activeConversation.turns;
      assert.equal(turns[turns.length - 1].answer, 'Because it is simple.');
    });
  });

  describe('the meter', () => {
    it('counts Bedrock\'s own tokens and prices them', async () => {
      const api = await activate();
      await vscode.commands.executeCommand('bedrockLlama.resetUsage');
      const editor = await openSource();
      select(editor, 1, 2);
      bedrock().enqueue(textResponse('Sum.', { chunks: 1, metrics: { inputTokenCount: 1200, outputTokenCount: 300 } }));
      await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
      const totals = api.services.usage.ledger.sessionTotals();
      assert.deepEqual([totals.inputTokens, totals.outputTokens], [1200, 300]);
      // Llama 3.1 8B: $0.22 per 1M tokens in and out.
      assert.equal(totals.costUsd.toFixed(6), ((1500 * 0.22) / 1e6).toFixed(6));
      assert.equal(api.services.meter.text, 'Llama 1.5k tok $0.0003');
    });
  });
});
