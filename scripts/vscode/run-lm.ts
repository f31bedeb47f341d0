// Runs the language-model suite (test/lm) inside the extension host of a code-server new enough
// for the Language Model Chat Provider API (4.117.0 = VS Code 1.117.0, on Node 22; installed by
// scripts/vscode/setup-lm.sh), offline: a free 127.0.0.1 port, throwaway state, the extension
// loaded from source (extensionDevelopmentPath) and the compiled suite as extensionTestsPath, both
// passed through VS Code web's `payload` URL parameter, opened in headless Chromium; the consumer
// test extension (test/lm-consumer) is installed from its .vsix, since the workbench reads
// `payload` into a Map and so keeps only the last extensionDevelopmentPath. The suite writes a JSON report (the
// page has no exit code); this prints it and exits non-zero on any failure, when no test ran, or
// when no report arrives within the hard limit.
//
//   npx tsx scripts/vscode/run-lm.ts
// Env: BEDROCK_LLAMA_TEST_TIMEOUT_MS hard limit (default 600000);
//      BEDROCK_LLAMA_TEST_GREP=<pattern> runs only the matching tests;
//      BEDROCK_LLAMA_VERBOSE=1 prints the extension host's console even when all pass;
//      BEDROCK_LLAMA_LM_EXTRA_VSIX=<file.vsix>[:<file.vsix>…] installs more extensions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { ConsoleMessage } from 'playwright-core';
import {
  ROOT, type Sandbox, createSandbox, findExthostLog, installVsix, keepLogs, launchBrowser, remoteUri, run, seconds,
  startCodeServer, stopAll, workbenchUrl,
} from './codeServer';
import { type SuiteResults, passed, printConsole, waitForResults } from './results';

const SUITE = 'lm';
const HARD_LIMIT_MS = Number(process.env.BEDROCK_LLAMA_TEST_TIMEOUT_MS ?? 600_000);
const EXTENSION_ID = 'bedrock-llama.bedrock-llama';
const VERBOSE = process.env.BEDROCK_LLAMA_VERBOSE === '1';
const CONSUMER_VSIX = path.join(ROOT, 'out/test/lm-consumer.vsix');
const EXTRA_VSIX = (process.env.BEDROCK_LLAMA_LM_EXTRA_VSIX ?? '').split(':').filter(Boolean).map((f) => path.resolve(f));

/** Runs scripts/vscode/setup-lm.sh (idempotent) and returns its wrapper: code-server 4.117.0 on Node 22. */
function ensureLmCodeServer(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/vscode/setup-lm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) throw new Error(`setup-lm.sh did not print a code-server path (got "${bin}")`);
  return bin;
}

async function main(): Promise<boolean> {
  const bin = ensureLmCodeServer();
  run('node', ['scripts/build.mjs']);
  run('node', ['scripts/vscode/build-lm.mjs']);
  for (const vsix of EXTRA_VSIX) {
    if (!fs.existsSync(vsix)) throw new Error(`BEDROCK_LLAMA_LM_EXTRA_VSIX: no such file ${vsix}`);
  }

  const sandbox = createSandbox(SUITE);
  const resultsFile = path.join(sandbox.root, 'results.json');
  const workbenchErrors: string[] = [];
  try {
    for (const vsix of [CONSUMER_VSIX, ...EXTRA_VSIX]) installVsix(bin, sandbox, vsix);
    const server = await startCodeServer(bin, sandbox, { BEDROCK_LLAMA_TEST_RESULTS: resultsFile });
    const page = await (await launchBrowser()).newPage();
    page.on('console', (msg) => collectErrors(msg, workbenchErrors));
    const url = workbenchUrl(server, sandbox, [
      ['extensionDevelopmentPath', remoteUri(server, ROOT)],
      ['extensionTestsPath', remoteUri(server, path.join(ROOT, 'out/test/lm/index.js'))],
    ]);
    await page.goto(url);

    const results = await waitForResults(resultsFile, Date.now() + HARD_LIMIT_MS);
    if (results) printResults(results);
    else console.log(`${SUITE}: no results within ${seconds(HARD_LIMIT_MS)} (a hang, or the suite never started)`);
    const ok = passed(results);
    if (!ok || VERBOSE) printConsole(resultsFile);
    if (!ok) reportWorkbench(workbenchErrors, sandbox);
    if (!results) console.log(`${SUITE}: 0 passed, 1 failed`);
    return ok;
  } finally {
    await stopAll();
    sandbox.remove();
  }
}

/** One line per test, failures with their (source-mapped) stacks, then the summary line. */
function printResults(results: SuiteResults): void {
  console.log(`${SUITE}: ran in ${results.appName} ${results.vscodeVersion}`);
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip';
    console.log(`  ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log((t.error.stack ?? t.error.message).split('\n').map((l) => `        ${l}`).join('\n'));
  }
  if (results.timedOut) console.log(`${SUITE}: the suite hit its own time limit`);
  if (results.passed === 0 && results.failed === 0) console.log(`${SUITE}: no tests ran`);
  console.log(`${SUITE}: suite took ${seconds(results.durationMs)}${results.pending ? `, ${results.pending} pending` : ''}`);
  console.log(`${SUITE}: ${results.passed} passed, ${results.failed} failed`);
}

/** Workbench-side errors and logs: what explains a suite that never started. */
function reportWorkbench(errors: string[], sandbox: Sandbox): void {
  if (errors.length > 0) {
    console.log('\n--- workbench errors (page console, last 30) ---');
    for (const line of errors.slice(-30)) console.log(line);
  }
  const kept = keepLogs(sandbox, SUITE);
  console.log(`code-server logs kept in ${path.relative(ROOT, kept)}`);
  const exthostLog = findExthostLog(sandbox);
  if (exthostLog) {
    const inKept = (file: string): string => path.join(path.relative(ROOT, kept), path.relative(path.join(sandbox.userDataDir, 'logs'), file));
    console.log(`  extension host: ${inKept(exthostLog)}`);
    const channel = path.join(path.dirname(exthostLog), EXTENSION_ID, 'Llama on Bedrock.log');
    if (fs.existsSync(channel)) console.log(`  extension output channel: ${inKept(channel)}`);
  }
}

function collectErrors(msg: ConsoleMessage, sink: string[]): void {
  if (msg.type() !== 'error') return;
  // VS Code logs as console.log('%c ERR', 'color: …', message).
  sink.push(msg.text().replace(/^%c\s*\w+\s+color:\s*#\w+\s*/, '').trim());
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await stopAll();
    console.log(`${SUITE}: 0 passed, 1 failed`);
    process.exit(1);
  },
);
