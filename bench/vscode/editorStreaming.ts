// Editor streaming in a real VS Code: a long answer streamed at fixed rates into Summarize
// Selection Inline, against a naive baseline that reads the same stream with the same
// client and applies one awaited `editor.edit` per chunk. Both are timed from the
// server's clock for the chunks (epoch ms, reported by the server process) to this
// process's clock for the document changes.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ResponseScript } from '../../test/server/bedrockServer';
import type { BenchServer } from '../lib/server';
import { epochNow, type EditorPlan, type EditorResult, type StreamRun } from './protocol';

const SOURCE = ['def total(items):', '    return sum(item.price for item in items)', '', 'print(total([]))', ''].join('\n');

/** `tokens` one-token chunks ("w0 w1 …", a line break every 25 words), paced at `rate` chunks/s. */
function answer(tokens: number, rate: number): ResponseScript {
  const chunks = Array.from({ length: tokens }, (_, i) => ({ text: `w${i}${i % 25 === 24 ? '\n' : ' '}`, tokens: 1 }));
  return { type: 'response', chunks, chunksPerSecond: rate, promptTokenCount: 60 };
}

/** Counts the document's change events while `work` runs; returns the count and the last one's time. */
async function watchChanges(doc: vscode.TextDocument, work: () => Promise<unknown>): Promise<{ edits: number; lastChangeAt: number }> {
  let edits = 0;
  let lastChangeAt = NaN;
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== doc || e.contentChanges.length === 0) return;
    edits++;
    lastChangeAt = epochNow();
  });
  try {
    await work();
  } finally {
    sub.dispose();
  }
  return { edits, lastChangeAt };
}

async function measure(server: BenchServer, editor: vscode.TextEditor, work: () => Promise<unknown>): Promise<StreamRun> {
  const { edits, lastChangeAt } = await watchChanges(editor.document, work);
  const request = await server.nextRequest(60_000);
  if (request.outcome !== 'completed' || request.firstChunkAt === null || request.lastChunkAt === null) {
    throw new Error(`the stream ended ${request.outcome} after ${request.chunksSent} chunks`);
  }
  if (!editor.document.getText().includes('w1999')) throw new Error('the answer did not reach the document');
  await vscode.commands.executeCommand('undo');
  const undoOneStep = editor.document.getText() === SOURCE;
  if (!undoOneStep) await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), SOURCE));
  return { edits, streamMs: lastChangeAt - request.firstChunkAt, lagMs: lastChangeAt - request.lastChunkAt, undoOneStep };
}

/** The extension: Summarize Selection Inline on lines 1–2. */
function extensionRun(editor: vscode.TextEditor): () => Promise<unknown> {
  return async () => {
    editor.selection = new vscode.Selection(0, 0, 1, editor.document.lineAt(1).text.length);
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
  };
}

/**
 * The baseline peers ship: the same client and stream, one awaited edit per chunk, inserted
 * above the selection. Undo stops as the extension sets them, so both undo in one step.
 */
function naiveRun(api: ExtensionApi, editor: vscode.TextEditor): () => Promise<unknown> {
  return async () => {
    const settings = api.services.settings.current;
    if (!settings.ok) throw new Error(`invalid settings: ${settings.errors.map((e) => e.message).join('; ')}`);
    const client = await api.services.clients.get(settings.config);
    const body = { prompt: 'Summarize: def total(items)', temperature: 0.5, top_p: 0.9, max_gen_len: 2048 };
    let offset = 0;
    let first = true;
    for await (const event of client.stream({ modelId: settings.config.model.invokeId, body })) {
      if (event.type !== 'text') continue;
      const at = editor.document.positionAt(offset);
      await editor.edit((b) => b.insert(at, event.text), { undoStopBefore: first, undoStopAfter: false });
      offset += event.text.length;
      first = false;
    }
  };
}

/** Inserts and removes one comment line, 20 times, idle in between: edit() → change event. */
export async function editRoundTrips(editor: vscode.TextEditor): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const changed = new Promise<number>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === editor.document && e.contentChanges.length) { sub.dispose(); resolve(performance.now()); }
      });
    });
    const t0 = performance.now();
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), `# w${i} w${i + 1} w${i + 2}\n`));
    times.push((await changed) - t0);
    await vscode.commands.executeCommand('undo');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return times;
}

export async function measureEditorStreaming(api: ExtensionApi, server: BenchServer, plan: EditorPlan, progress: (line: string) => void): Promise<EditorResult> {
  // Python: line comments from a declarative language extension, and no language server competing for the CPU.
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: SOURCE });
  const editor = await vscode.window.showTextDocument(doc);
  progress('edit round trips');
  const result: EditorResult = { tokens: plan.tokens, editRoundTripMs: await editRoundTrips(editor), extension: {}, naive: {} };
  if (editor.document.getText() !== SOURCE) throw new Error('the round-trip edits were not undone');
  for (const rate of plan.rates) {
    await server.setScript(answer(plan.tokens, rate));
    const ext: StreamRun[] = (result.extension[rate] = []);
    const naive: StreamRun[] = (result.naive[rate] = []);
    // Warm-up (connection, JIT), then A B, B A, … so machine load hits both.
    progress(`warm-up at ${rate}/s`);
    await measure(server, editor, extensionRun(editor));
    for (let i = 0; i < plan.runs; i++) {
      const a = async () => { progress(`extension ${rate}/s run ${i + 1}`); ext.push(await measure(server, editor, extensionRun(editor))); };
      const b = async () => { progress(`naive ${rate}/s run ${i + 1}`); naive.push(await measure(server, editor, naiveRun(api, editor))); };
      if (i >= plan.baselineRuns) await a();
      else if (i % 2 === 0) { await a(); await b(); } else { await b(); await a(); }
    }
  }
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return result;
}
