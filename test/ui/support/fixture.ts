// One code-server + Chromium per UI run, shared by every test file (mocha root hooks):
// fresh user-data/extensions/workspace dirs, the extension installed from the packaged
// .vsix (or loaded from source), a free port, everything stopped by pid afterwards.
// scripts/vscode/run-ui.ts configures and runs it; tests call `workbench()`.
import * as path from 'node:path';
import type { Context } from 'mocha';
import {
  ROOT, type Sandbox, createSandbox, installVsix, keepLogs, launchBrowser, remoteUri, startCodeServer, stopAll, workbenchUrl,
} from '../../../scripts/vscode/codeServer';
import { Workbench } from './workbench';

export interface FixtureOptions {
  /** The code-server executable (from scripts/vscode/setup.sh). */
  codeServer: string;
  /** Install this packaged extension; without it the extension is loaded from `ROOT` (extensionDevelopmentPath). */
  vsix?: string;
}

export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

let options: FixtureOptions | undefined;
let sandbox: Sandbox | undefined;
let current: Workbench | undefined;

export function configureFixture(o: FixtureOptions): void {
  options = o;
}

/** The shared workbench page (inside tests and hooks). */
export function workbench(): Workbench {
  if (!current) throw new Error('the UI fixture is not started (run the tests through scripts/vscode/run-ui.ts)');
  return current;
}

/** The sandbox's workspace folder (sample.ts, sample.py, README.md). */
export function workspaceFolder(): string {
  if (!sandbox) throw new Error('the UI fixture is not started');
  return sandbox.workspace;
}

export async function startFixture(): Promise<Workbench> {
  if (!options) throw new Error('configureFixture() was not called');
  sandbox = createSandbox('ui');
  if (options.vsix) installVsix(options.codeServer, sandbox, options.vsix);
  const server = await startCodeServer(options.codeServer, sandbox);
  const page = await (await launchBrowser()).newPage();
  const payload: Array<[string, string]> | undefined = options.vsix ? undefined : [['extensionDevelopmentPath', remoteUri(server, ROOT)]];
  await page.goto(workbenchUrl(server, sandbox, payload));
  current = new Workbench(page, SCREENSHOTS);
  await current.ready();
  return current;
}

/** Stops code-server and Chromium; after a failure, keeps code-server's logs in test-results/logs/ui. */
export async function stopFixture(failed = false): Promise<void> {
  current = undefined;
  await stopAll();
  if (sandbox && failed) console.log(`code-server logs kept in ${path.relative(ROOT, keepLogs(sandbox, 'ui'))}`);
  sandbox?.remove();
  sandbox = undefined;
}

let anyFailed = false;

export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    this.timeout(120_000);
    await startFixture();
  },
  async afterEach(this: Context): Promise<void> {
    const test = this.currentTest;
    if (test?.state === 'failed') anyFailed = true;
    if (current && test?.state === 'failed') {
      const file = await current.screenshot(`FAILED ${test.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${path.relative(ROOT, file)}`);
    }
    await current?.dismiss(); // leave no palette open for the next test
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(30_000);
    await stopFixture(anyFailed || !current); // no workbench: starting it failed
  },
};
