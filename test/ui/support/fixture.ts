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
import type { Context } from 'mocha';
import {
  ROOT, type Sandbox, createSandbox, installVsix, keepLogs, launchBrowser, remoteUri, startCodeServer, stopAll,
  userSettingsWith, workbenchUrl, writeMachineSettings,
} from '../../../scripts/vscode/codeServer';
import { BedrockTestServer } from '../../server/bedrockServer';
import { Workbench } from './workbench';

export interface FixtureOptions {
  /** The code-server executable (from scripts/vscode/setup.sh). */
  codeServer: string;
  /** Install this packaged extension; without it the extension is loaded from `ROOT` (extensionDevelopmentPath). */
  vsix?: string;
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
let anyFailed = false;
/** The chat webview's console warnings and errors, and uncaught errors, since the last test began. */
let webviewConsole: string[] = [];

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

export async function startFixture(): Promise<Workbench> {
  if (!options) throw new Error('configureFixture() was not called');
  sandbox = createSandbox('ui');
  bedrock = new BedrockTestServer();
  const { url } = await bedrock.start();
  writeMachineSettings(sandbox, { 'bedrockLlama.endpoint': url });
  if (options.vsix) installVsix(options.codeServer, sandbox, options.vsix);
  const server = await startCodeServer(options.codeServer, sandbox);
  const page = await (await launchBrowser()).newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    // VS Code's own notice about its webview host frame is not ours.
    if ((msg.type() === 'error' || msg.type() === 'warning') && /webview|Llama chat/.test(`${msg.location().url} ${text}`) && !/can escape its sandboxing/.test(text)) {
      webviewConsole.push(`${msg.type()}: ${text.slice(0, 500)}`);
    }
  });
  page.on('pageerror', (err) => webviewConsole.push(`uncaught: ${err.message.slice(0, 500)}`));
  const payload: Array<[string, string]> | undefined = options.vsix ? undefined : [['extensionDevelopmentPath', remoteUri(server, ROOT)]];
  await page.goto(workbenchUrl(server, sandbox, payload));
  current = new Workbench(page, SCREENSHOTS);
  await current.ready();
  return current;
}

/** Stops code-server, Chromium and the Bedrock server; after a failure, keeps code-server's logs in test-results/logs/ui. */
export async function stopFixture(failed = false): Promise<void> {
  current = undefined;
  await stopAll();
  await bedrock?.stop();
  bedrock = undefined;
  if (sandbox && failed) console.log(`code-server logs kept in ${path.relative(ROOT, keepLogs(sandbox, 'ui'))}`);
  sandbox?.remove();
  sandbox = undefined;
}

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(120_000);
    await startFixture();
  },
  async afterEach(this: Context): Promise<void> {
    const test = this.currentTest;
    if (test?.state === 'failed') {
      anyFailed = true;
      const file = await current?.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${path.relative(ROOT, file)}`);
      // What reached the local Bedrock server, and what the webview complained about: a request
      // never sent, one that hung, and one that failed look alike in a screenshot.
      const requests = bedrock?.requests.map((r) => `#${r.id} ${r.outcome} after ${r.chunksSent} chunk(s)`) ?? [];
      console.log(`      requests at the local server during the test: ${requests.join('; ') || 'none'}`);
      for (const line of webviewConsole.slice(-20)) console.log(`      webview ${line}`);
    }
    webviewConsole = [];
    bedrock?.reset();
    await current?.dismiss(); // leave no dialog or palette open for the next test
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(30_000);
    await stopFixture(anyFailed || !current); // no workbench: starting it failed
  },
};
