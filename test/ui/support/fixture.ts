// One code-server + Chromium per UI run, shared by every test file (mocha root hooks):
// fresh user-data/extensions/workspace dirs, the extension installed from the packaged
// .vsix (or loaded from source), a free port, everything stopped by pid afterwards; and one
// local Bedrock stand-in (test/server/bedrockServer.ts) in this process, which the machine
// settings point `bedrockLlama.endpoint` at from the start.
// scripts/vscode/run-ui.ts configures and runs it; tests call `workbench()`, `localBedrock()`
// and `updateSettings()`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Runnable, Test } from 'mocha';
import type { Page } from 'playwright-core';
import {
  ROOT, type Sandbox, createSandbox, installVsix, keepLogs, launchBrowser, remoteUri, startCodeServer, stopAll,
  userSettingsFile, userSettingsWith, workbenchUrl, writeMachineSettings,
} from '../../../scripts/vscode/codeServer';
import { BedrockTestServer } from '../../server/bedrockServer';
import { S3TestServer } from '../../server/s3Server';
import { Workbench } from './workbench';

export interface FixtureOptions {
  /** The code-server executable (from scripts/vscode/setup.sh). */
  codeServer: string;
  /** Install this packaged extension; without it the extension is loaded from `ROOT` (extensionDevelopmentPath). */
  vsix?: string;
  /** Names the run's sandbox and its kept logs (test-results/logs/<label>); default "ui". */
  label?: string;
}

export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

interface ConfigurationProperty {
  scope?: string;
}
const MACHINE_SCOPED = new Set(
  Object.entries(
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, ConfigurationProperty> } } })
      .contributes.configuration.properties,
  )
    .filter(([, property]) => property.scope === 'machine')
    .map(([key]) => key),
);

let options: FixtureOptions | undefined;
let sandbox: Sandbox | undefined;
let current: Workbench | undefined;
let bedrock: BedrockTestServer | undefined;
/** The S3-compatible server batch jobs use (the extension reaches it through AWS_ENDPOINT_URL_S3). */
let s3: S3TestServer | undefined;
/** The bucket that exists on it. */
export const UI_BATCH_BUCKET = 'llama-batch-ui';
let anyFailed = false;

// ---------------------------------------------------------------------------------------
// The console: what the extension's own code logged in the page

/** A console warning or error, or an uncaught exception, in the workbench page or one of its frames. */
export interface ConsoleEntry {
  type: string;
  /** The script or document that logged it (for an uncaught exception: the top of its stack). */
  url: string;
  text: string;
  /** Whose it is: the chat webview (our code), the extension host (forwarded by the workbench), or the workbench. */
  origin: 'webview' | 'extensionHost' | 'workbench';
  /** The page it came from, when not the shared workbench page (e.g. "window 2", see `watchWindow`). */
  window?: string;
}

/**
 * The chat webview's frames: VS Code's webview host page and the content frame inside it
 * (both under `…/contrib/webview/browser/pre/`), and the extension's bundled webview assets.
 */
const WEBVIEW_URL = /\/vs\/workbench\/contrib\/webview\/browser\/pre\/|\/dist\/webview\//;
/** The extension's install or source folder, as it shows in stack traces the extension host forwards. */
const EXTENSION_PATH = /bedrock-llama/i;

/**
 * Console output that is not the extension's doing, with why; everything else the chat
 * webview logs as a warning or error fails the test that was running (and so does an
 * extension-host error whose text names the extension). The workbench's own console (404s for
 * `vsda`, which code-server does not ship; "The web worker extension host is started in a
 * same-origin iframe!"; "[lifecycle] Long running operations during shutdown…" and "IndexedDB
 * database 'vscode-web-db' is closed" on a reload; the errors of error notifications, which the
 * notification check covers) is not checked at all; it is printed when a test fails.
 */
export const IGNORED_CONSOLE: ReadonlyArray<{ origin: ConsoleEntry['origin']; text: RegExp; why: string }> = [
  {
    origin: 'webview',
    text: /^An iframe which has both allow-scripts and allow-same-origin for its sandbox attribute can escape its sandboxing\.$/,
    why: "VS Code's webview host page (pre/index.html) creating its content frame: Chromium's notice about VS Code's own sandbox flags",
  },
  {
    origin: 'extensionHost',
    text: /NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)/,
    why: "the AWS SDK's notice that it will need Node 22 from 2027; code-server 4.100.3 runs extensions on Node 20",
  },
];

let consoleEntries: ConsoleEntry[] = [];
let expectedConsole: RegExp[] = [];

function originOf(url: string, text: string): ConsoleEntry['origin'] {
  if (WEBVIEW_URL.test(url) || /^Llama chat:/.test(text)) return 'webview';
  if (/\[Extension Host\]/.test(text)) return 'extensionHost';
  return 'workbench';
}

/** Whether `entry` is a problem of the extension's that fails the running test. */
function isExtensionProblem(entry: ConsoleEntry): boolean {
  if (IGNORED_CONSOLE.some((i) => i.origin === entry.origin && i.text.test(entry.text))) return false;
  if (expectedConsole.some((p) => p.test(entry.text))) return false;
  if (entry.origin === 'webview') return true;
  return entry.origin === 'extensionHost' && entry.type === 'error' && EXTENSION_PATH.test(entry.text);
}

/** Declares a console warning or error this test makes the webview log on purpose (e.g. to test the check). */
export function expectConsole(pattern: RegExp): void {
  expectedConsole.push(pattern);
}

/** Console warnings, errors and uncaught exceptions since the running test began, whoever logged them. */
export function consoleSinceTestBegan(): ConsoleEntry[] {
  return [...consoleEntries];
}

/**
 * What fails the running test so far: console output of the extension's (see IGNORED_CONSOLE)
 * and error or warning notifications and dialogs it did not declare with `wb.expectNotification`.
 * The fixture runs this after every test body; tests may call it to check the check.
 */
export async function testProblems(): Promise<string[]> {
  const problems = consoleEntries.filter(isExtensionProblem).map((e) => `${e.window ? `${e.window}: ` : ''}${e.origin} console ${e.type}: ${e.text.slice(0, 400)}${e.url ? ` (${e.url.slice(0, 200)})` : ''}`);
  for (const [label, wb] of [['', current] as const, ...otherWindows]) {
    for (const m of (await wb?.unexpectedMessages()) ?? []) {
      problems.push(`${label ? `${label}: ` : ''}unexpected ${m.severity} ${m.kind}: ${JSON.stringify(m.message.slice(0, 400))}${m.source ? ` (${m.source})` : ''}${m.buttons.length ? ` [${m.buttons.join(', ')}]` : ''}`);
    }
  }
  return problems;
}

/** Further workbench pages (a second window), by label: checked like the shared page. */
const otherWindows = new Map<string, Workbench>();

/**
 * Checks another workbench page like the shared one from now on: its console (the chat webview's
 * and the extension host's, see IGNORED_CONSOLE) and its notifications and dialogs (declare
 * expected ones on `wb`) fail the running test. Call before its first navigation; the returned
 * function stops checking it (before the page is closed).
 */
export async function watchWindow(label: string, wb: Workbench): Promise<() => void> {
  if (otherWindows.has(label)) throw new Error(`a window "${label}" is already watched`);
  watchConsole(wb.page, label);
  await wb.watchMessages();
  otherWindows.set(label, wb);
  return () => {
    if (otherWindows.get(label) === wb) otherWindows.delete(label);
  };
}

/** Records the console warnings, errors and uncaught exceptions of `page` (and its frames). */
function watchConsole(page: Page, window?: string): void {
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const url = msg.location().url;
    const text = msg.text();
    consoleEntries.push({ type: msg.type(), url, text, origin: originOf(url, text), ...(window ? { window } : {}) });
  });
  page.on('pageerror', (err) => {
    const url = /(https?:\/\/[^\s)]+)/.exec(err.stack ?? '')?.[1] ?? '';
    // Uncaught exceptions are the extension's problem when they come from the webview or name the extension.
    const origin = WEBVIEW_URL.test(err.stack ?? '') ? 'webview' : EXTENSION_PATH.test(err.stack ?? '') ? 'extensionHost' : 'workbench';
    consoleEntries.push({ type: 'uncaught', url, text: `${err.name}: ${err.message}`, origin, ...(window ? { window } : {}) });
  });
}

/** Problems no test's own check saw: shown after it, or between tests (hooks, clean-up); they fail the run at its end. */
const lateProblems: string[] = [];
/** The test that ran last, for naming late problems. */
let lastTest = 'the start of the run';

/** Forgets what was shown and logged: the next check starts from here. */
function resetRecord(): void {
  consoleEntries = [];
  expectedConsole = [];
  current?.beginTest();
  for (const wb of otherWindows.values()) wb.beginTest();
}

/** Keeps the problems shown since the last reset as late ones, then resets. */
async function keepLateProblems(when: string): Promise<void> {
  lateProblems.push(...(await testProblems().catch(() => [])).map((p) => `${when}: ${p}`));
  resetRecord();
}
/** How long a test's check waits for messages still on their way (a notification, a console line). */
const SETTLE_MS = 250;

const CHECKED = Symbol('checked by the UI fixture');

/**
 * Makes `test` fail when its body passed but `testProblems()` then reports something (the
 * root `beforeEach` does this to every test). Exported for the test that checks the check.
 */
export function checkAfterBody(test: Test): void {
  const body = test.fn as ((this: Context) => unknown) | undefined;
  // Tests that take a `done` callback are left as they are; their problems fail the run at its end.
  if (!body || body.length > 0 || (body as { [CHECKED]?: true })[CHECKED]) return;
  const checked = async function (this: Context) {
    await body.call(this);
    await sleep(SETTLE_MS);
    const problems = await testProblems();
    if (problems.length > 0) {
      throw new Error(`the extension reported a problem during this test (declare an expected notification with wb.expectNotification(/…/)):\n  ${problems.join('\n  ')}`);
    }
  };
  test.fn = Object.assign(checked, { [CHECKED]: true as const });
}

/** Whether `test`'s body is followed by the problem check. */
export function isChecked(test: Runnable | undefined): boolean {
  return (test?.fn as { [CHECKED]?: true } | undefined)?.[CHECKED] === true;
}

export function configureFixture(o: FixtureOptions): void {
  options = o;
}

/** The shared workbench page (inside tests and hooks). */
export function workbench(): Workbench {
  if (!current) throw new Error('the UI fixture is not started (run the tests through scripts/vscode/run-ui.ts)');
  return current;
}

/** The local Bedrock server the extension talks to; reset (queue, handler, request log) after each test. */
export function localBedrock(): BedrockTestServer {
  if (!bedrock) throw new Error('the UI fixture is not started');
  return bedrock;
}

export function localS3(): S3TestServer {
  if (!s3) throw new Error('the UI fixture is not started');
  return s3;
}

/** The workspace files as the run began, by name. */
const originalFiles = new Map<string, string>();

/** A workspace file's text as the run began. */
export function originalWorkspaceFile(name: string): string {
  const text = originalFiles.get(name);
  if (text === undefined) throw new Error(`no workspace file ${name} at the start of the run`);
  return text;
}

/**
 * Writes back every workspace file that differs from its text at the start of the run, and
 * returns their names. VS Code for the web auto-saves edits after a second (its default
 * `files.autoSave` there is `afterDelay`), so what a test wrote stays on disk for the next
 * tests unless it is undone; the workbench reloads an unmodified open file from disk.
 */
export function restoreWorkspaceFiles(): string[] {
  const restored: string[] = [];
  for (const [name, text] of originalFiles) {
    const file = path.join(workspaceFolder(), name);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    fs.writeFileSync(file, text);
    restored.push(name);
  }
  return restored;
}

/** The sandbox's workspace folder (sample.ts, sample.py, README.md). */
export function workspaceFolder(): string {
  if (!sandbox) throw new Error('the UI fixture is not started');
  return sandbox.workspace;
}

/**
 * Changes user settings in the running workbench through the settings.json editor (undefined
 * removes a key); resolves once saved and given a moment to reach the extension.
 * Machine-scoped settings (`bedrockLlama.endpoint`, `.profile`) are ignored in user settings
 * of code-server's remote window, so they are refused here; `endpoint` points at localBedrock().
 */
export async function updateSettings(values: Record<string, unknown>): Promise<void> {
  if (!sandbox) throw new Error('the UI fixture is not started');
  const machineScoped = Object.keys(values).filter((key) => MACHINE_SCOPED.has(key));
  if (machineScoped.length > 0) throw new Error(`updateSettings: ${machineScoped.join(', ')} is machine-scoped: user settings cannot set it in code-server`);
  // VS Code itself keeps the file current, so it is the base to merge into.
  await workbench().writeUserSettings(userSettingsWith(sandbox, values));
  await sleep(500);
}

/**
 * Changes machine-scoped settings (budgets, `confirmAboveUsd`) through the remote settings.json
 * editor, merged into what is there (undefined removes a key); `endpoint` must stay.
 */
export async function updateMachineSettings(values: Record<string, unknown>): Promise<void> {
  if (!sandbox) throw new Error('the UI fixture is not started');
  if ('bedrockLlama.endpoint' in values) throw new Error('updateMachineSettings: the endpoint points at localBedrock() and stays');
  const file = path.join(sandbox.userDataDir, 'Machine', 'settings.json');
  const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete settings[key];
    else settings[key] = value;
  }
  await workbench().writeRemoteSettings(JSON.stringify(settings, null, 2));
  await sleep(500);
}

/** The user settings file's text as saved on disk. */
export function userSettingsText(): string {
  if (!sandbox) throw new Error('the UI fixture is not started');
  return fs.readFileSync(userSettingsFile(sandbox), 'utf8');
}

/**
 * The user settings as saved on disk (what the extension's `updateSetting` and `updateSettings()` wrote).
 * VS Code writes the file in place: a read that meets it half-written is tried again.
 */
export function userSettings(): Record<string, unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return JSON.parse(userSettingsText()) as Record<string, unknown>;
    } catch (err) {
      if (attempt >= 50) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // 20 ms, synchronously
    }
  }
}

export async function startFixture(): Promise<Workbench> {
  if (!options) throw new Error('configureFixture() was not called');
  sandbox = createSandbox(options.label ?? 'ui');
  originalFiles.clear();
  for (const entry of fs.readdirSync(sandbox.workspace, { withFileTypes: true })) {
    if (entry.isFile()) originalFiles.set(entry.name, fs.readFileSync(path.join(sandbox.workspace, entry.name), 'utf8'));
  }
  s3 = new S3TestServer({ buckets: [UI_BATCH_BUCKET] });
  await s3.start();
  bedrock = new BedrockTestServer({ batch: { s3Endpoint: s3.url } });
  const { url } = await bedrock.start();
  writeMachineSettings(sandbox, { 'bedrockLlama.endpoint': url });
  if (options.vsix) installVsix(options.codeServer, sandbox, options.vsix);
  const server = await startCodeServer(options.codeServer, sandbox, { AWS_ENDPOINT_URL_S3: s3.url });
  const page = await (await launchBrowser()).newPage();
  watchConsole(page);
  current = new Workbench(page, SCREENSHOTS);
  await current.watchMessages();
  const payload: Array<[string, string]> | undefined = options.vsix ? undefined : [['extensionDevelopmentPath', remoteUri(server, ROOT)]];
  await page.goto(workbenchUrl(server, sandbox, payload));
  await current.ready();
  // The extension's status bar item: it is active, so its commands are in the palette.
  await current.waitForStatusBarText(/^Llama .* tok/, 60_000);
  return current;
}

/** Stops code-server, Chromium and the Bedrock server; after a failure, keeps code-server's logs in test-results/logs/<label> (ui). */
export async function stopFixture(failed = false): Promise<void> {
  current = undefined;
  await stopAll();
  await bedrock?.stop();
  bedrock = undefined;
  await s3?.stop();
  s3 = undefined;
  if (sandbox && failed) console.log(`code-server logs kept in ${path.relative(ROOT, keepLogs(sandbox, options?.label ?? 'ui'))}`);
  sandbox?.remove();
  sandbox = undefined;
}

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(120_000);
    await startFixture();
  },
  async beforeEach(this: Context): Promise<void> {
    // What describe-level hooks and the last clean-up showed belongs to no test.
    await keepLateProblems(`between "${lastTest}" and "${this.currentTest?.fullTitle() ?? '?'}"`);
    if (this.currentTest) checkAfterBody(this.currentTest);
  },
  async afterEach(this: Context): Promise<void> {
    const test = this.currentTest;
    lastTest = test?.fullTitle() ?? '?';
    if (test?.state === 'failed') {
      anyFailed = true;
      const file = await current?.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${path.relative(ROOT, file)}`);
      // What reached the local Bedrock server, and what the webview complained about: a request
      // never sent, one that hung, and one that failed look alike in a screenshot.
      const requests = bedrock?.requests.map((r) => `#${r.id} ${r.outcome} after ${r.chunksSent} chunk(s)`) ?? [];
      console.log(`      requests at the local server during the test: ${requests.join('; ') || 'none'}`);
      for (const m of (await current?.shownMessages().catch(() => [])) ?? []) console.log(`      ${m.severity} ${m.kind}: ${m.message.slice(0, 300)}`);
      for (const [label, wb] of otherWindows) {
        const other = await wb.screenshot(`FAILED ${test.fullTitle()} ${label}`).catch(() => undefined);
        if (other) console.log(`      screenshot of ${label}: ${path.relative(ROOT, other)}`);
        for (const m of await wb.shownMessages().catch(() => [])) console.log(`      ${label}: ${m.severity} ${m.kind}: ${m.message.slice(0, 300)}`);
      }
      for (const e of consoleEntries.slice(-20)) console.log(`      ${e.window ? `${e.window}: ` : ''}${e.origin} console ${e.type}: ${e.text.slice(0, 300)}`);
      resetRecord();
    } else {
      // The test's own check passed (or, for a `done`-style test, never ran): what shows up
      // now came late.
      await keepLateProblems(`after "${lastTest}"`);
    }
    bedrock?.reset();
    await current?.dismiss(); // leave no dialog or palette open for the next test
    await current?.clearNotifications().catch(() => undefined);
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(30_000);
    if (current) await keepLateProblems(`after "${lastTest}" (the last test)`);
    await stopFixture(anyFailed || !current); // no workbench: starting it failed
    if (lateProblems.length > 0) {
      throw new Error(`the extension reported problems that no test's own check saw (they are not the running test's, or came after its check):\n  ${lateProblems.join('\n  ')}`);
    }
  },
};
