// Cold start, from inside the extension host: activate()'s own time, what activation
// loaded (the AWS SDK must not be among it), and command → request on the wire for the
// first request after activation (SDK load included) and for a warm one. VS Code's own
// activation figure is read from Running Extensions by bench/sections/coldStart.ts.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { BenchServer } from '../lib/server';
import { epochNow, type ColdStartResult } from './protocol';

async function activation(extension: vscode.Extension<ExtensionApi>): Promise<Pick<ColdStartResult, 'loadMs' | 'activateBodyMs' | 'extensionFilesLoaded' | 'sdkLoadedAtActivation' | 'featuresLoadedAtActivation'>> {
  const api = await extension.activate();
  // Which of the extension's own files are loaded: dist/sdk.js must not be among them.
  const dist = `${extension.extensionPath}/dist/`;
  return {
    loadMs: api.loadMs,
    activateBodyMs: api.activationMs,
    extensionFilesLoaded: Object.keys(require.cache).filter((k) => k.startsWith(dist)).map((k) => k.slice(dist.length - 5)),
    sdkLoadedAtActivation: api.sdkRequested(),
    featuresLoadedAtActivation: api.featuresLoaded(),
  };
}

/** Runs Summarize Selection Inline on a one-line document; returns command → request body received, ms. */
async function timeOneRequest(server: BenchServer, editor: vscode.TextEditor): Promise<number> {
  editor.selection = new vscode.Selection(0, 0, 0, editor.document.lineAt(0).text.length);
  const started = epochNow();
  await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
  const request = await server.nextRequest(10_000);
  if (request.outcome !== 'completed') throw new Error(`the request ended ${request.outcome}`);
  await vscode.commands.executeCommand('undo');
  return request.receivedAt - started;
}

async function firstRequest(api: ExtensionApi, server: BenchServer): Promise<Pick<ColdStartResult, 'firstRequestMs' | 'warmRequestMs' | 'firstRequestCold'>> {
  await server.setScript({ type: 'response', chunks: ['Adds', ' one.'], promptTokenCount: 40 });
  // Plain text: no language server starts and competes for the CPU.
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'x = x + 1\n' });
  const editor = await vscode.window.showTextDocument(doc);
  const firstRequestCold = !api.sdkRequested() && !api.featuresLoaded(); // both are warmed 3 s after activation
  const firstRequestMs = await timeOneRequest(server, editor);
  const warmRequestMs = await timeOneRequest(server, editor);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return { firstRequestMs, warmRequestMs, firstRequestCold };
}

export const measureColdStart = { activation, firstRequest };
