// A cache hit's time to first character beside a real request's, in a real VS Code, where
// the user sees it: Summarize Selection Inline, from the command to the first document
// change that holds the answer's first word. A real request goes to the local server (its
// first chunk sent at once, so what is timed is the extension's own path, the SDK and the
// loopback HTTP round trip); a hit is the identical request again, answered from the
// response cache's files under globalStorageUri. Each real request has a selection no
// earlier run had (a numbered function name of the same length), so it is a miss; a hit
// repeats one. Pairs alternate which goes first.
import { readdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ResponseScript } from '../../test/server/bedrockServer';
import type { BenchServer } from '../lib/server';
import { editRoundTrips } from './editorStreaming';
import type { CachePlan, CacheResult } from './protocol';

const FIRST_WORD = 'Sums';

function source(i: number): string {
  return [`def total_${String(i).padStart(4, '0')}(items):`, '    return sum(item.price for item in items)', '', 'print(total([]))', ''].join('\n');
}

/** `tokens` one-token chunks, the first `FIRST_WORD`, all sent as fast as the server can once the first is out. */
function answer(tokens: number, firstByteMs: number): ResponseScript {
  const chunks = Array.from({ length: tokens }, (_, i) => ({ text: i === 0 ? FIRST_WORD : ` w${i}`, tokens: 1 }));
  return { type: 'response', chunks, firstByteDelayMs: firstByteMs, chunkDelayMs: 0, promptTokenCount: 60 };
}

async function setText(editor: vscode.TextEditor, text: string): Promise<void> {
  if (editor.document.getText() === text) return;
  const all = new vscode.Range(0, 0, editor.document.lineCount, 0);
  if (!(await editor.edit((b) => b.replace(all, text)))) throw new Error('could not reset the document');
}

async function cacheFiles(api: ExtensionApi): Promise<number> {
  return (await readdir(api.services.responseCache.store.dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).length;
}

/**
 * Summarize Selection Inline of the whole function in `source(i)`; returns command → the first
 * change holding the answer's first word, ms. Checks that the request was what `kind` says
 * (a hit counts as cached in the usage ledger and reaches no server), then undoes the summary.
 */
async function timeSummary(api: ExtensionApi, server: BenchServer, editor: vscode.TextEditor, i: number, kind: 'real' | 'hit'): Promise<number> {
  await setText(editor, source(i));
  editor.selection = new vscode.Selection(0, 0, 1, editor.document.lineAt(1).text.length);
  const before = api.services.usage.ledger.sessionTotals();
  const files = kind === 'real' ? await cacheFiles(api) : 0;
  let firstAt = NaN;
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== editor.document || !Number.isNaN(firstAt)) return;
    if (e.contentChanges.some((c) => c.text.includes(FIRST_WORD))) firstAt = performance.now();
  });
  const started = performance.now();
  try {
    await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
  } finally {
    sub.dispose();
  }
  const after = api.services.usage.ledger.sessionTotals();
  const cached = after.cachedRequests - before.cachedRequests;
  if (kind === 'hit' && cached !== 1) throw new Error(`run ${i}: the repeated request was not answered from the cache`);
  if (kind === 'real') {
    if (cached !== 0 || after.requests !== before.requests + 1) throw new Error(`run ${i}: the first request was not sent`);
    const request = await server.nextRequest(10_000);
    if (request.outcome !== 'completed') throw new Error(`run ${i}: the request ended ${request.outcome}`);
    // The answer is stored once it is complete; the hit must find it.
    for (const deadline = Date.now() + 5_000; (await cacheFiles(api)) <= files; await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error(`run ${i}: the answer was not stored in the cache`);
    }
  }
  if (Number.isNaN(firstAt) || !editor.document.getText().includes(FIRST_WORD)) throw new Error(`run ${i} (${kind}): the answer did not reach the document`);
  await vscode.commands.executeCommand('undo');
  if (editor.document.getText() !== source(i)) throw new Error(`run ${i} (${kind}): one undo did not remove the summary`);
  return firstAt - started;
}

export async function measureCacheTtft(api: ExtensionApi, server: BenchServer, plan: CachePlan, progress: (line: string) => void): Promise<CacheResult> {
  // Python: line comments from a declarative language extension, and no language server competing for the CPU.
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: source(0) });
  const editor = await vscode.window.showTextDocument(doc);
  const settings = api.services.settings.current;
  if (!settings.ok || settings.config.cacheTtlMinutes <= 0) throw new Error('the response cache is off (bedrockLlama.cacheTtlMinutes)');
  await vscode.commands.executeCommand('bedrockLlama.clearCache');
  await server.setScript(answer(plan.tokens, plan.firstByteMs));
  progress('edit round trips');
  const result: CacheResult = { realMs: [], hitMs: [], editRoundTripMs: await editRoundTrips(editor) };
  for (let pair = 0; pair < plan.warmup + plan.pairs; pair++) {
    const measured = pair >= plan.warmup;
    const i = pair + 1;
    progress(`pair ${pair + 1} of ${plan.warmup + plan.pairs}${measured ? '' : ' (warm-up)'}`);
    // A B, B A, …: every other pair, the hit (of the previous pair's request, asked again) goes first.
    if (pair % 2 === 1) {
      const hit = await timeSummary(api, server, editor, i - 1, 'hit');
      const real = await timeSummary(api, server, editor, i, 'real');
      if (measured) { result.hitMs.push(hit); result.realMs.push(real); }
    } else {
      const real = await timeSummary(api, server, editor, i, 'real');
      const hit = await timeSummary(api, server, editor, i, 'hit');
      if (measured) { result.realMs.push(real); result.hitMs.push(hit); }
    }
  }
  await vscode.commands.executeCommand('bedrockLlama.clearCache');
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return result;
}
