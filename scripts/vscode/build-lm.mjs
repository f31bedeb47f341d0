// Builds the language-model suite and its consumer test extension:
//   out/test/lm/index.js          the runner (the integration suite's `run()`, see test/lm/index.ts)
//   out/test/lm/**/*.test.js      one bundle per test file, found and loaded by index.js
//   out/test/lm-consumer/         the consumer test extension: extension.js + package.json
//   out/test/lm-consumer.vsix     the same, packaged: run-lm.ts installs it into code-server, since
//                                 VS Code web's `payload` keeps only one extensionDevelopmentPath
//                                 (it is read into a Map), which is the extension under test
// As in build-tests.mjs, `vscode` comes from the extension host and `mocha` from node_modules at
// run time; everything else (test/server, test/integration/support, src helpers) is bundled.
// The target is Node 22: the suite only runs in code-server >= 4.104 (scripts/vscode/run-lm.ts).
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const suiteDir = path.join(root, 'test/lm');
const suiteOut = path.join(root, 'out/test/lm');
const consumerDir = path.join(root, 'test/lm-consumer');
const consumerOut = path.join(root, 'out/test/lm-consumer');

const tests = fs
  .readdirSync(suiteDir, { recursive: true })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join(suiteDir, f));

const started = Date.now();
fs.rmSync(suiteOut, { recursive: true, force: true }); // no stale bundles of deleted tests
fs.rmSync(consumerOut, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'inline', // stack traces in failures point at the .ts sources
  logLevel: 'warning',
};
await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: [path.join(suiteDir, 'index.ts'), ...tests],
    outbase: suiteDir,
    outdir: suiteOut,
    // The local Bedrock server's batch jobs load the S3 client from node_modules: no copy in every test bundle.
    external: ['vscode', 'mocha', '@aws-sdk/client-s3'],
  }),
  esbuild.build({
    ...common,
    entryPoints: [path.join(consumerDir, 'src/extension.ts')],
    outfile: path.join(consumerOut, 'extension.js'),
    external: ['vscode'],
  }),
]);
fs.copyFileSync(path.join(consumerDir, 'package.json'), path.join(consumerOut, 'package.json'));
const vsix = `${consumerOut}.vsix`;
fs.rmSync(vsix, { force: true });
try {
  execFileSync(process.execPath, [
    path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
    '-o', vsix,
  ], { cwd: consumerOut, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
} catch (err) {
  console.error(`packaging ${path.relative(root, vsix)} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  process.exit(1);
}
console.log(`built out/test/lm (${tests.length} test files) and out/test/lm-consumer(.vsix) in ${Date.now() - started} ms`);
