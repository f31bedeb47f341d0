// Runs the same integration suite in desktop VS Code through @vscode/test-electron, for
// contributors with a display and internet (it downloads VS Code into .vscode-test/ on
// first use). CI and offline machines use run-integration.ts (code-server) instead.
//
//   npx tsx scripts/vscode/run-electron.ts           (npm run test:electron)
// Env: VSCODE_TEST_VERSION (default 'stable'; e.g. 1.100.3 to match CI, or 'insiders').
// On a headless Linux box wrap it in `xvfb-run -a`.
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, createSandbox, run, throwawayAwsEnv } from './codeServer';
import { passed, printConsole, printResults, readResults } from './results';

async function main(): Promise<boolean> {
  run('node', ['scripts/build.mjs']);
  run('node', ['scripts/vscode/build-tests.mjs']);
  const sandbox = createSandbox('electron');
  const resultsFile = path.join(sandbox.root, 'results.json');
  // Clear the caller's AWS_* (profiles, tokens) before adding the throwaway ones.
  const clearedAws = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('AWS_')).map((k) => [k, undefined]));
  try {
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      launchArgs: [
        sandbox.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir,
      ],
      extensionTestsEnv: { ...clearedAws, ...throwawayAwsEnv(sandbox), BEDROCK_LLAMA_TEST_RESULTS: resultsFile },
    });
  } catch (err) {
    // runTests rejects when run() rejects (a failing test) or VS Code could not start; the report tells which.
    console.error(err instanceof Error ? err.message : err);
  }
  try {
    const results = readResults(resultsFile);
    if (results) printResults(results);
    else console.log('integration: 0 passed, 1 failed (VS Code ended without a report)');
    if (!passed(results)) printConsole(resultsFile);
    return passed(results);
  } finally {
    sandbox.remove();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
