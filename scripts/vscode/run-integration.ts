// Runs the extension-host integration suite (test/integration) in a real VS Code, offline:
// code-server 4.100.3 on a free 127.0.0.1 port with throwaway state, the extension loaded
// from source (extensionDevelopmentPath) and the compiled suite as extensionTestsPath, both
// passed through VS Code web's `payload` URL parameter, opened in headless Chromium.
// The suite writes a JSON report (the page has no exit code); this prints it and exits
// non-zero on any failure, or when no report arrives within the hard limit.
//
//   npx tsx scripts/vscode/run-integration.ts        (npm run test:integration)
// Env: BEDROCK_LLAMA_TEST_TIMEOUT_MS hard limit (default 300000);
//      BEDROCK_LLAMA_VERBOSE=1 prints the extension host's console even when all pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConsoleMessage } from 'playwright-core';
import {
  ROOT, type Sandbox, createSandbox, ensureCodeServer, findExthostLog, keepLogs, launchBrowser, remoteUri, run,
  seconds, startCodeServer, stopAll, workbenchUrl,
} from './codeServer';
import { passed, printConsole, printResults, waitForResults } from './results';

const HARD_LIMIT_MS = Number(process.env.BEDROCK_LLAMA_TEST_TIMEOUT_MS ?? 600_000);
const EXTENSION_ID = 'bedrock-llama.bedrock-llama';
const VERBOSE = process.env.BEDROCK_LLAMA_VERBOSE === '1';

async function main(): Promise<boolean> {
  const bin = ensureCodeServer();
  run('node', ['scripts/build.mjs']);
  run('node', ['scripts/vscode/build-tests.mjs']);

  const sandbox = createSandbox('integration');
  const resultsFile = path.join(sandbox.root, 'results.json');
  const workbenchErrors: string[] = [];
  let ok = false;
  try {
    const server = await startCodeServer(bin, sandbox, { BEDROCK_LLAMA_TEST_RESULTS: resultsFile });
    const page = await (await launchBrowser()).newPage();
    page.on('console', (msg) => collectErrors(msg, workbenchErrors));
    const url = workbenchUrl(server, sandbox, [
      ['extensionDevelopmentPath', remoteUri(server, ROOT)],
      ['extensionTestsPath', remoteUri(server, path.join(ROOT, 'out/test/integration/index.js'))],
    ]);
    await page.goto(url);

    const results = await waitForResults(resultsFile, Date.now() + HARD_LIMIT_MS);
    if (results) printResults(results);
    else console.log(`integration: no results within ${seconds(HARD_LIMIT_MS)} (a hang, or the suite never started)`);
    ok = passed(results);
    if (!ok || VERBOSE) printConsole(resultsFile);
    if (!ok) reportWorkbench(workbenchErrors, sandbox);
    if (!results) console.log('integration: 0 passed, 1 failed');
    return ok;
  } finally {
    await stopAll();
    sandbox.remove();
  }
}

/** Workbench-side errors and logs: what explains a suite that never started. */
function reportWorkbench(errors: string[], sandbox: Sandbox): void {
  if (errors.length > 0) {
    console.log('\n--- workbench errors (page console, last 30) ---');
    for (const line of errors.slice(-30)) console.log(line);
  }
  const kept = keepLogs(sandbox, 'integration');
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
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
