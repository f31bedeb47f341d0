// Runs the integration suite inside the extension host: the `run()` contract shared by
// @vscode/test-electron (desktop) and the code-server launcher (VS Code web's
// `extensionTestsPath` payload). Loads every compiled `*.test.js` next to this file, runs
// them under one time limit, writes a JSON report (`BEDROCK_LLAMA_TEST_RESULTS`) and
// rejects on any failure. The page/window carries no exit code, so the report is the
// launchers' source of truth.
import * as fs from 'node:fs';
import { findSourceMap } from 'node:module';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Per test; tests that wait on a slow stream can raise it with `this.timeout()`. */
const TEST_TIMEOUT_MS = 20_000;
/** The whole suite; below the launchers' own hard limit so a hang still produces a report. */
const SUITE_TIMEOUT_MS = Number(process.env.BEDROCK_LLAMA_SUITE_TIMEOUT_MS ?? 480_000);

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: { message: string; stack?: string };
}

export interface SuiteResults {
  vscodeVersion: string;
  appName: string;
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  timedOut: boolean;
  tests: TestResult[];
}

export async function run(): Promise<void> {
  const resultsFile = process.env.BEDROCK_LLAMA_TEST_RESULTS;
  const started = Date.now();
  const tests: TestResult[] = [];
  let timedOut = false;
  const consoleLog = resultsFile && `${resultsFile}.console.log`;
  const restoreConsole = teeConsole(consoleLog);
  // Marks in the console log say which test printed what, and which one hung.
  const mark = (title: string): void => {
    if (consoleLog) fs.appendFileSync(consoleLog, `── ${title}\n`);
  };
  try {
    timedOut = await runMocha(tests, resultsFile ? Mocha.reporters.Base : 'spec', mark);
  } catch (err) {
    // The runner itself broke (e.g. a test file threw while loading): still report it.
    tests.push({ title: 'loading the integration suite', state: 'failed', error: describeError(err) });
  } finally {
    restoreConsole();
  }

  const count = (state: TestResult['state']): number => tests.filter((t) => t.state === state).length;
  const results: SuiteResults = {
    vscodeVersion: vscode.version,
    appName: vscode.env.appName,
    passed: count('passed'),
    failed: count('failed'),
    pending: count('pending'),
    durationMs: Date.now() - started,
    timedOut,
    tests,
  };
  if (resultsFile) writeResults(resultsFile, results);
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
  if (results.passed === 0) throw new Error('no integration tests ran');
}

/**
 * Runs the suite, recording each outcome in `tests`; resolves true if it hit the time limit.
 * With a results file the launcher prints the report, so mocha itself stays quiet (Base);
 * without one (e.g. F5 "Extension Tests") the spec reporter prints to the console.
 */
function runMocha(tests: TestResult[], reporter: Mocha.ReporterConstructor | string, onTest: (title: string) => void): Promise<boolean> {
  process.setSourceMapsEnabled(true); // lets findSourceMap() read the bundles' inline maps
  // fullTrace: mocha's own stack filter would make paths relative to an arbitrary cwd.
  const mocha = new Mocha({ ui: 'bdd', forbidOnly: true, forbidPending: true, grep: process.env.BEDROCK_LLAMA_TEST_GREP, color: false, timeout: TEST_TIMEOUT_MS, reporter, fullTrace: true });
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  return new Promise<boolean>((resolve) => {
    let current: string | undefined;
    const runner = mocha.run(() => resolve(false));
    runner.on('test', (test) => {
      current = test.fullTitle();
      onTest(current);
    });
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration }));
    runner.on('pending', (test) => tests.push({ title: test.fullTitle(), state: 'pending' }));
    // Also fires for failed hooks (then `test` is the hook, titled `"before all" hook …`).
    runner.on('fail', (test, err: unknown) => tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: describeError(err) }));
    const timer = setTimeout(() => {
      const message = `suite exceeded ${SUITE_TIMEOUT_MS} ms${current ? ` (running: ${current})` : ''}`;
      tests.push({ title: current ?? 'integration suite', state: 'failed', error: { message } });
      runner.abort();
      resolve(true); // an awaited promise that never settles would keep mocha from ending
    }, SUITE_TIMEOUT_MS);
    runner.once('end', () => clearTimeout(timer));
  });
}

/**
 * Compiled test files, activation first: the extension warms the AWS SDK a few seconds
 * after activating, so "activate does not load the SDK" must be checked before any slow test.
 */
function testFiles(dir: string): string[] {
  const rank = (f: string): string => (path.basename(f) === 'activation.test.js' ? `0${f}` : `1${f}`);
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => rank(a).localeCompare(rank(b)))
    .map((f) => path.join(dir, f));
}

function describeError(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: err.message, stack: err.stack && mapStack(err.stack) };
  return { message: String(err) };
}

/**
 * Points stack frames at the .ts sources and drops mocha, Node and extension host internals.
 * The extension host installs its own Error.prepareStackTrace, so Node does not map them itself.
 */
function mapStack(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !/node_modules[\\/]mocha|extensionHostProcess\.js|\(node:internal|^\s+at (async )?Promise\.all/.test(line))
    .map((line) =>
      line.replace(/(\/[^\s()]+\.js):(\d+):(\d+)/, (whole, file: string, l: string, c: string) => {
        const entry = findSourceMap(file)?.findEntry(Number(l) - 1, Number(c) - 1);
        if (!entry || !('originalSource' in entry)) return whole;
        const source = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : entry.originalSource;
        return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      }),
    )
    .join('\n');
}

/**
 * Copies console output during the run to a file: in code-server it otherwise only reaches
 * the page console, mixed with the workbench's own logs. The extension host pins the
 * `console` methods (assignments are ignored), so the global `console` itself is swapped.
 */
function teeConsole(file: string | undefined): () => void {
  if (!file) return () => undefined;
  const original = globalThis.console;
  const tee = Object.create(original) as Console;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    Object.defineProperty(tee, method, {
      value: (...args: unknown[]) => {
        fs.appendFileSync(file, `${format(...args)}\n`);
        original[method](...args);
      },
    });
  }
  globalThis.console = tee;
  return () => {
    globalThis.console = original;
  };
}

/** Written whole then renamed, so a launcher polling for the file never reads half of it. */
function writeResults(file: string, results: SuiteResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}
