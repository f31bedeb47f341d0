// Helpers for the fault matrix (faultMatrix.test.ts): polling, the chat webview's intents,
// an expired SSO login, a read-only folder, and a test double for a refused edit.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatController } from '../../../src/chat/chatController';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../../src/shared/chatProtocol';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Resolves with the promise's value, or `fallback` after `ms`. */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<F>((r) => { timer = setTimeout(() => r(fallback), ms); })]).finally(() => clearTimeout(timer));
}

export async function setSetting(section: string, key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
}

// ---------------------------------------------------------------------------------------
// The chat webview's intents

/** What a webview would have received in answer to an intent. */
export interface WebviewStub {
  posted: ToWebview[];
  post(msg: ToWebview): void;
}

/**
 * Delivers a message as the chat webview posts it (Retry, Continue, Stop/Escape by request id):
 * checked with the protocol's own parser, then handed to the controller's message handler,
 * exactly what `ChatWebview` does with a message from the page. The extension has no public
 * API for these (only the webview sends them), so this reaches the controller's private
 * `receive`; what the page does with its buttons and keys is the UI suite's (test/ui/chat.test.ts).
 */
export function chatIntent(chat: ChatController, raw: FromWebview): WebviewStub {
  const msg = parseFromWebview(raw);
  if (!msg) throw new Error(`not a well-formed webview message: ${JSON.stringify(raw)}`);
  const from: WebviewStub = { posted: [], post(m) { this.posted.push(m); } };
  (chat as unknown as { receive(msg: FromWebview, from: WebviewStub): void }).receive(msg, from);
  return from;
}

/** The request id the chat is streaming under, as a webview learns it (the state sent on `ready`). */
export function chatBusyRequestId(chat: ChatController): string | undefined {
  const stub = chatIntent(chat, { type: 'ready' });
  for (const m of stub.posted) if (m.type === 'state') return m.state.busy?.requestId;
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Credentials

/**
 * An AWS profile `corp` whose SSO token expired an hour ago, in a throwaway HOME, selected with `bedrockLlama.profile`. `restore()` puts
 * HOME, AWS_CONFIG_FILE and the setting back and removes the directory; it is idempotent.
 */
export async function useExpiredSso(): Promise<{ restore(): Promise<void> }> {
  const saved = { HOME: process.env.HOME, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama-fault-sso-'));
  const startUrl = 'https://example.awsapps.com/start';
  fs.writeFileSync(path.join(dir, 'config'), `[profile corp]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n`);
  fs.mkdirSync(path.join(dir, '.aws', 'sso', 'cache'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update(startUrl).digest('hex')}.json`), JSON.stringify({
    accessToken: 'expired-token', expiresAt: new Date(Date.now() - 3600_000).toISOString(), region: 'us-east-1', startUrl,
  }));
  process.env.HOME = dir;
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  let restored = false;
  const restore = async (): Promise<void> => {
    if (restored) return;
    restored = true;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await setSetting('bedrockLlama', 'profile', undefined);
  };
  try {
    await setSetting('bedrockLlama', 'profile', 'corp');
  } catch (err) {
    await restore();
    throw err;
  }
  return { restore };
}

// ---------------------------------------------------------------------------------------
// Documents that refuse edits

/**
 * A file in a workspace folder matched by `files.readonlyInclude`: VS Code shows it
 * read-only. (In VS Code 1.100 `TextEditor.edit` on it resolves true and changes nothing;
 * `workspace.applyEdit` edits it anyway.) `restore()` removes the setting and the folder.
 */
export async function readOnlyFile(name: string, content: string): Promise<{ uri: vscode.Uri; restore(): Promise<void> }> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) throw new Error('the integration workspace has no folder');
  const dir = path.join(root, 'fault-matrix-readonly');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const previous = vscode.workspace.getConfiguration('files').inspect('readonlyInclude')?.globalValue;
  await setSetting('files', 'readonlyInclude', { '**/fault-matrix-readonly/**': true });
  return {
    uri: vscode.Uri.file(file),
    async restore() {
      await setSetting('files', 'readonlyInclude', previous);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A test double for VS Code refusing every edit to `doc`: its editors are left out of
 * `window.visibleTextEditors` (so a writer falls back on `workspace.applyEdit`) and
 * `workspace.applyEdit` resolves false for edits that touch it. The extension and the tests
 * share this extension's `vscode` API object, so the extension sees the same. Call the
 * returned function to put both back (always, in a `finally`).
 */
export function refuseEditsTo(doc: vscode.TextDocument): () => void {
  const workspace = vscode.workspace as { applyEdit: typeof vscode.workspace.applyEdit };
  const window = vscode.window;
  const applyEdit = workspace.applyEdit;
  const visible = Object.getOwnPropertyDescriptor(window, 'visibleTextEditors');
  if (!visible?.get || !visible.configurable) throw new Error('window.visibleTextEditors cannot be wrapped in this VS Code');
  const getVisible = visible.get;
  workspace.applyEdit = (edit, metadata) => (edit.has(doc.uri) ? Promise.resolve(false) : applyEdit.call(workspace, edit, metadata));
  Object.defineProperty(window, 'visibleTextEditors', {
    configurable: true,
    enumerable: visible.enumerable,
    get: () => (getVisible.call(window) as vscode.TextEditor[]).filter((e) => e.document !== doc),
  });
  return () => {
    workspace.applyEdit = applyEdit;
    Object.defineProperty(window, 'visibleTextEditors', visible);
  };
}
