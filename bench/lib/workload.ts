// What both pipelines send and receive: one model, one prompt, scripted streams.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ChunkSpec, ResponseScript } from '../../test/server/bedrockServer';
import { resolveModel } from '../../src/core/catalog';
import type { PromptInput } from '../../src/core/prompt';
import { ROOT } from './child';

/** The extension's default model, as sent (US inference profile). */
export const MODEL_ID = 'us.meta.llama3-3-70b-instruct-v1:0';
export const MODEL = resolveModel(MODEL_ID);
export const REGION = 'us-west-2';
/** Static keys: both clients sign (SigV4) with them; the local server accepts any signature. */
export const CREDENTIALS = { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' };

/** A realistic request: "Explain" on one of this repo's files (~85 lines) in the default 128K window. */
export function promptInput(): PromptInput {
  const file = 'src/core/editing/coalescer.ts';
  return {
    family: MODEL.family,
    contextWindow: MODEL.contextWindow,
    maxGenLen: 512,
    task: { kind: 'explain' },
    attachment: { fileName: file, languageId: 'typescript', text: readFileSync(path.join(ROOT, file), 'utf8'), startLine: 1 },
  };
}

const WORDS = ('The function batches streamed text into a bounded number of writes so that the editor is never ' +
  'asked to apply more than one edit at a time, and whatever arrives while a write is in flight goes out ' +
  'with the next one; `finish()` flushes the rest at once.').split(' ');

/** A stream of `tokens` chunks of one token (one word) each, like Llama's. */
export function streamScript(tokens: number, firstByteDelayMs: number): ResponseScript {
  const chunks: ChunkSpec[] = Array.from({ length: tokens }, (_, i) => ({ text: (i === 0 ? '' : ' ') + WORDS[i % WORDS.length], tokens: 1 }));
  return { type: 'response', chunks, firstByteDelayMs, chunkDelayMs: 0, promptTokenCount: 900 };
}

/** What one streamed request measured. */
export interface RunFigures {
  /** Start of the request (or of building its prompt) to the first character. */
  ttftMs: number;
  /** Start to the end of the stream (and, for the extension, its usage accounting). */
  totalMs: number;
  tokens: number;
  chars: number;
}
