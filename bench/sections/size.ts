// What users download and what the extension host parses: the .vsix and the bundles.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../lib/child';
import type { Figure, SectionResult } from '../lib/report';
import type { BenchContext, Section } from './types';

const VSIX = 'bedrock-llama.vsix';
const TARGET_VSIX_KB = 1024;
const BUNDLES = [
  { key: 'extension', file: 'dist/extension.js', label: 'extension bundle (evaluated at activation)' },
  { key: 'features', file: 'dist/features.js', label: 'commands and chat (loaded on first use)' },
  { key: 'sdk', file: 'dist/sdk.js', label: 'SDK bundle (loaded on first request)' },
  { key: 'control_sdk', file: 'dist/controlSdk.js', label: 'model discovery client (loaded when discovery runs)' },
  { key: 'webview', file: 'dist/webview/chat.js', label: 'webview bundle (chat.js)' },
  { key: 'webview_css', file: 'dist/webview/chat.css', label: 'webview styles (chat.css)' },
];

const kb = (bytes: number) => bytes / 1024;

async function run(ctx: BenchContext): Promise<SectionResult> {
  const vsix = path.join(ROOT, VSIX);
  const reuse = ctx.noPackage && existsSync(vsix);
  if (!reuse) {
    ctx.log('size: npm run package');
    execFileSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  }
  const vsixKb = kb(statSync(vsix).size);
  const figures: Figure[] = [
    { key: 'size_vsix', label: `${VSIX}`, unit: 'KB', value: vsixKb, target: { text: `< ${TARGET_VSIX_KB} KB`, met: vsixKb < TARGET_VSIX_KB } },
  ];
  for (const b of BUNDLES) {
    const bytes = readFileSync(path.join(ROOT, b.file));
    figures.push(
      { key: `size_${b.key}`, label: `${b.label}, ${b.file}`, unit: 'KB', value: kb(bytes.length) },
      { key: `size_${b.key}_gzip`, label: `  gzip -9`, unit: 'KB', value: kb(gzipSync(bytes, { level: 9 }).length) },
    );
  }
  const production = !existsSync(path.join(ROOT, 'dist', 'extension.js.map'));
  return {
    figures,
    notes: [`${reuse ? 'existing .vsix reused (--no-package)' : 'packaged now'}; dist/ is a ${production ? 'production (minified)' : 'development'} build; KB = 1024 bytes`],
  };
}

export const size: Section = {
  name: 'size',
  host: 'node',
  description: 'VSIX and bundle sizes',
  run,
};
