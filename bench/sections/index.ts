// The section registry: name → async function returning figures. `npm run bench` runs
// every 'node' section in this order (size first: it packages, so the pipeline section's
// SDK-load figure reads the fresh production dist/sdk.js); `npm run bench -- <name>…`
// runs the named ones.
//
// Sections that need a real VS Code go here too, with host 'vscode' (planned: cold start
// and activation, editor streaming, chat rendering). Each starts and stops its own
// code-server (scripts/vscode/codeServer.ts), sets `ctx.vscodeVersion`, and returns
// figures like the others; the runner needs no change.
import { memory } from './memory';
import { pipeline } from './pipeline';
import { prompt } from './prompt';
import { size } from './size';
import type { Section } from './types';

export const SECTIONS: readonly Section[] = [size, pipeline, prompt, memory];
