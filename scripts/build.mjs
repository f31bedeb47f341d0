// Bundles the extension with esbuild.
//   dist/extension.js  the extension host entry (cjs, `vscode` external)
//   dist/sdk.js        the AWS SDK, a separate file loaded on first request (see src/core/bedrock/sdkLoader.ts)
//   dist/controlSdk.js the control plane's SDK client, loaded when model discovery runs (controlSdkLoader.ts)
//   dist/batchSdk.js   the S3 client of Bedrock batch jobs, loaded when one is submitted or followed (batchSdkLoader.ts)
//   dist/webview/      the chat webview (browser IIFE chat.js + chat.css), the usage view (usage.js +
//                      usage.css, with Chart.js) and a copy of the codicons
// --production minifies and drops source maps; --watch rebuilds on change.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Keeps run-time requires of separate files: `./sdk` in sdkLoader.ts (dist/sdk.js, the AWS SDK),
 * `./controlSdk` in controlSdkLoader.ts (dist/controlSdk.js, model discovery's client), `./batchSdk` in
 * batchSdkLoader.ts (dist/batchSdk.js, the S3 client of batch jobs) and `./features` in featureLoader.ts
 * (dist/features.js, everything activation does not need).
 */
const lazyFiles = {
  name: 'lazy-files',
  setup(build) {
    const loaders = { './sdk': 'sdkLoader.ts', './controlSdk': 'controlSdkLoader.ts', './batchSdk': 'batchSdkLoader.ts', './features': 'featureLoader.ts' };
    build.onResolve({ filter: /^\.\/(sdk|controlSdk|batchSdk|features)$/ }, (args) =>
      args.importer.endsWith(loaders[args.path]) ? { path: `${args.path}.js`, external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // A dynamic import of an external file must stay a require() in the extension host.
  supported: { 'dynamic-import': false },
};

const configs = [
  { ...common, entryPoints: { extension: 'src/extension.ts', features: 'src/features.ts' }, outdir: 'dist', external: ['vscode'], plugins: [lazyFiles],
    // Brackets the bundle's evaluation, which activate() reports as `loadMs` (see src/loadTime.ts).
    banner: { js: 'var __bedrockLlamaLoad = [performance.now(), 0];' }, footer: { js: '__bedrockLlamaLoad[1] = performance.now();' },
    // ESM builds first: some packages' "main" is a UMD file whose dynamic requires a bundle cannot follow (jsonc-parser).
    mainFields: ['module', 'main'] },
  // ESM builds of the SDK packages tree-shake better: a smaller file that loads faster on the first request.
  { ...common, entryPoints: { sdk: 'src/core/bedrock/sdk.ts' }, outdir: 'dist', mainFields: ['module', 'main'] },
  // Model discovery's control-plane client, loaded only when discovery runs (after the first request's answer starts).
  { ...common, entryPoints: { controlSdk: 'src/core/bedrock/controlSdk.ts' }, outdir: 'dist', mainFields: ['module', 'main'] },
  // Batch jobs' S3 client (Summarize Files… as a Bedrock batch job), loaded only when a job is submitted or followed.
  { ...common, entryPoints: { batchSdk: 'src/core/batch/batchSdk.ts' }, outdir: 'dist', mainFields: ['module', 'main'] },
  // The webviews: the chat, and the usage view (the only bundle with Chart.js). Each gets its .css beside its .js.
  { ...common, entryPoints: { chat: 'src/webview/main.ts', usage: 'src/webview/usage/main.ts' }, outdir: 'dist/webview', platform: 'browser', format: 'iife', target: 'es2022' },
];

/** The webview may load only from dist/webview, so the codicon font goes there too. */
function copyCodicons() {
  mkdirSync('dist/webview/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/codicons/${file}`);
}
// A packaged build starts from an empty dist/ so no stale file (an old source map) ships.
if (production) rmSync('dist', { recursive: true, force: true });
copyCodicons();

if (watch) {
  for (const config of configs) await (await esbuild.context(config)).watch();
} else {
  const started = Date.now();
  await Promise.all(configs.map((config) => esbuild.build(config)));
  console.log(`built dist/ in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
