// Runs the UI tests (test/ui, mocha in this Node process) against code-server in headless
// Chromium, with the extension installed from the packaged .vsix the way users get it.
// One code-server + browser for the whole run (test/ui/support/fixture.ts), fresh dirs,
// a free 127.0.0.1 port, every process stopped by pid. Screenshots: test-results/screenshots/.
//
//   npx tsx scripts/vscode/run-ui.ts [--from-source] [--grep <pattern>]     (npm run test:ui)
// --from-source skips packaging and loads the extension via extensionDevelopmentPath.
// Env: BEDROCK_LLAMA_UI_TIMEOUT_MS hard limit for the whole run (default 600000).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { configureFixture, mochaHooks, SCREENSHOTS, stopFixture } from '../../test/ui/support/fixture';
import { ROOT, ensureCodeServer, run, seconds, stopAll } from './codeServer';

const HARD_LIMIT_MS = Number(process.env.BEDROCK_LLAMA_UI_TIMEOUT_MS ?? 900_000);
const VSIX = path.join(ROOT, 'bedrock-llama.vsix');

/** `npm run package` (production build + vsce); its long file listing only on failure. */
function packageVsix(): string {
  const started = Date.now();
  fs.rmSync(VSIX, { force: true });
  try {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    process.stdout.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error('`npm run package` failed (its output is above)');
  }
  console.log(`ui: packaged ${path.relative(ROOT, VSIX)} (${(fs.statSync(VSIX).size / 1024).toFixed(0)} KB) in ${seconds(Date.now() - started)}`);
  return VSIX;
}

function testFiles(): string[] {
  const dir = path.join(ROOT, 'test/ui');
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function main(): Promise<boolean> {
  const args = process.argv.slice(2);
  const grep = args.includes('--grep') ? args[args.indexOf('--grep') + 1] : undefined;
  const codeServer = ensureCodeServer();
  let vsix: string | undefined;
  if (args.includes('--from-source')) run('node', ['scripts/build.mjs']);
  else vsix = packageVsix();
  configureFixture({ codeServer, vsix });
  fs.rmSync(SCREENSHOTS, { recursive: true, force: true });

  const mocha = new Mocha({ ui: 'bdd', forbidOnly: true, forbidPending: true, timeout: 60_000, reporter: 'spec', rootHooks: mochaHooks, grep });
  for (const file of testFiles()) mocha.addFile(file);
  const started = Date.now();
  const stats = await new Promise<{ passes: number; failures: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
  });
  console.log(`ui: took ${seconds(Date.now() - started)}; screenshots in ${path.relative(ROOT, SCREENSHOTS)}/`);
  console.log(`ui: ${stats.passes} passed, ${stats.failures} failed`);
  return stats.failures === 0 && stats.passes > 0;
}

// A hung browser or workbench must not hang CI.
const watchdog = setTimeout(() => {
  console.log(`ui: the run exceeded ${seconds(HARD_LIMIT_MS)}; stopping`);
  console.log('ui: 0 passed, 1 failed');
  void stopAll().finally(() => process.exit(1));
}, HARD_LIMIT_MS);

main()
  .then(
    (ok) => ok,
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      console.log('ui: 0 passed, 1 failed');
      return false;
    },
  )
  .then(async (ok) => {
    clearTimeout(watchdog);
    await stopFixture();
    process.exit(ok ? 0 : 1);
  });
