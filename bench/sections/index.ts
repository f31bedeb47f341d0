// The section registry: name → async function returning figures. `npm run bench` runs
// them all in this order (size first: it packages, so the pipeline section's SDK-load
// figure reads the fresh production dist/sdk.js); `npm run bench -- <name>…` runs the
// named ones. 'vscode' sections start and stop their own code-server (bench/lib/vscodeHost.ts)
// and set `ctx.vscodeVersion`.
import { batch } from './batch';
import { cache } from './cache';
import { chat } from './chat';
import { coldStart } from './coldStart';
import { discovery } from './discovery';
import { editor } from './editor';
import { memory } from './memory';
import { pipeline } from './pipeline';
import { prompt } from './prompt';
import { routing } from './routing';
import { size } from './size';
import type { Section } from './types';
import { usageView } from './usageView';

export const SECTIONS: readonly Section[] = [size, pipeline, discovery, routing, prompt, memory, batch, coldStart, editor, chat, usageView, cache];
