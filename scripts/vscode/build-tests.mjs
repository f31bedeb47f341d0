// Bundles the extension-host integration suite into out/test/integration/:
//   index.js        the runner (the @vscode/test-electron `run()` contract)
//   **/*.test.js    one bundle per test file, found and loaded by index.js
// `vscode` is provided by the extension host and `mocha` resolves from node_modules at run
// time (one mocha instance for the runner and the test files). Everything else, including
// test/server and src helpers, is bundled, so each test file is self-contained.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const srcDir = path.join(root, 'test/integration');
const outDir = path.join(root, 'out/test/integration');

const tests = fs
  .readdirSync(srcDir, { recursive: true })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => path.join(srcDir, f));

const started = Date.now();
fs.rmSync(outDir, { recursive: true, force: true }); // no stale bundles of deleted tests
await esbuild.build({
  entryPoints: [path.join(srcDir, 'index.ts'), ...tests],
  outbase: srcDir,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline', // stack traces in failures point at the .ts sources
  // The local Bedrock server's batch jobs load the S3 client from node_modules: no copy in every test bundle.
  external: ['vscode', 'mocha', '@aws-sdk/client-s3'],
  logLevel: 'warning',
});
console.log(`built out/test/integration (${tests.length} test files) in ${Date.now() - started} ms`);
