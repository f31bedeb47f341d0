// Runs the UI suite for VS Code's own chat (test/ui-lm: the Llama models in the chat view's model
// picker, `@llama /explain` answered from the local Bedrock server, "Open in Llama Chat") against
// code-server 4.117.0 (VS Code 1.117.0, on Node 22; installed by scripts/vscode/setup-lm.sh, which
// this runs itself) in headless Chromium. It is the UI suite's fixture (test/ui/support/fixture.ts)
// pointed at that newer code-server: one code-server + browser for the run, fresh dirs, a free
// 127.0.0.1 port, the local Bedrock server in this process, the extension's console errors fail
// the test that was running, every process stopped by pid.
// Screenshots: test-results/screenshots/lm-chat-*.png (the UI suite's folder; only this suite's
// files are replaced). After a failure: code-server's logs in test-results/logs/ui-lm/, the chat
// view's HTML in test-results/ui-lm/.
//
//   npx tsx scripts/vscode/run-ui-lm.ts [--from-source] [--grep <pattern>]
// As the UI suite, the extension is installed from a packaged .vsix (the way users get it; built
// into out/ui-lm/, so a UI run packaging bedrock-llama.vsix at the same time is not disturbed);
// --from-source skips packaging and loads it via extensionDevelopmentPath after a development build.
// Env: BEDROCK_LLAMA_UI_TIMEOUT_MS hard limit for the whole run (default 600000).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { configureFixture, mochaHooks, SCREENSHOTS, stopFixture } from '../../test/ui/support/fixture';
import { ROOT, run, seconds, stopAll } from './codeServer';

const SUITE = 'ui-lm';
const HARD_LIMIT_MS = Number(process.env.BEDROCK_LLAMA_UI_TIMEOUT_MS ?? 600_000);
/** Not the repo's bedrock-llama.vsix, which the UI suite (run-ui.ts) rebuilds and may be installing. */
const VSIX = path.join(ROOT, 'out', SUITE, 'bedrock-llama.vsix');
/** This suite's screenshots (test/ui-lm names them lm-chat-*), and its failure shots. */
const OWN_SCREENSHOT = /^(lm-chat-.*|FAILED-VS-Code-chat-.*)\.png$/;

/** Runs scripts/vscode/setup-lm.sh (idempotent) and returns its wrapper: code-server 4.117.0 on Node 22. */
function ensureLmCodeServer(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/vscode/setup-lm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) throw new Error(`setup-lm.sh did not print a code-server path (got "${bin}")`);
  return bin;
}

/**
 * `npm run package`'s vsce call (its `vscode:prepublish` makes the production build) with the
 * .vsix written to out/ui-lm/; its long file listing only on failure.
 */
function packageVsix(): string {
  const started = Date.now();
  fs.mkdirSync(path.dirname(VSIX), { recursive: true });
  fs.rmSync(VSIX, { force: true });
  try {
    execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', VSIX], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    process.stdout.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error('packaging the extension failed (the output is above)');
  }
  console.log(`${SUITE}: packaged ${path.relative(ROOT, VSIX)} (${(fs.statSync(VSIX).size / 1024).toFixed(0)} KB) in ${seconds(Date.now() - started)}`);
  return VSIX;
}

function testFiles(): string[] {
  const dir = path.join(ROOT, 'test', SUITE);
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function main(): Promise<boolean> {
  const args = process.argv.slice(2);
  const grep = args.includes('--grep') ? args[args.indexOf('--grep') + 1] : undefined;
  const codeServer = ensureLmCodeServer();
  let vsix: string | undefined;
  if (args.includes('--from-source')) run('node', ['scripts/build.mjs']);
  else vsix = packageVsix();
  configureFixture({ codeServer, vsix, label: SUITE });
  fs.rmSync(path.join(ROOT, 'test-results', SUITE), { recursive: true, force: true }); // the chat view's HTML after a failure
  if (fs.existsSync(SCREENSHOTS)) {
    for (const f of fs.readdirSync(SCREENSHOTS)) if (OWN_SCREENSHOT.test(f)) fs.rmSync(path.join(SCREENSHOTS, f));
  }

  const mocha = new Mocha({ ui: 'bdd', forbidOnly: true, forbidPending: true, timeout: 90_000, reporter: 'spec', rootHooks: mochaHooks, grep });
  for (const file of testFiles()) mocha.addFile(file);
  const started = Date.now();
  const stats = await new Promise<{ passes: number; failures: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
  });
  console.log(`${SUITE}: took ${seconds(Date.now() - started)}; screenshots in ${path.relative(ROOT, SCREENSHOTS)}/lm-chat-*.png`);
  console.log(`${SUITE}: ${stats.passes} passed, ${stats.failures} failed`);
  return stats.failures === 0 && stats.passes > 0;
}

// A hung browser or workbench must not hang CI.
const watchdog = setTimeout(() => {
  console.log(`${SUITE}: the run exceeded ${seconds(HARD_LIMIT_MS)}; stopping`);
  console.log(`${SUITE}: 0 passed, 1 failed`);
  void stopAll().finally(() => process.exit(1));
}, HARD_LIMIT_MS);

main()
  .then(
    (ok) => ok,
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      console.log(`${SUITE}: 0 passed, 1 failed`);
      return false;
    },
  )
  .then(async (ok) => {
    clearTimeout(watchdog);
    await stopFixture();
    process.exit(ok ? 0 : 1);
  });
