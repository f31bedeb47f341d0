// Prompt build times in a fresh process that, like the extension before the exact
// tokenizer is loaded, counts with the estimator and holds nothing else: the first call
// in the process on `first` (nothing compiled yet: what the first "Explain" of a big
// file after start-up costs), then interleaved warm builds for the 8K and 128K windows.
//   node -r tsx/cjs bench/lib/promptChild.ts <attachment file> <first: 8192|128000> <pairs>
import { readFileSync } from 'node:fs';
import { buildPrompt, type PromptInput } from '../../src/core/prompt';
import { interleave } from './stats';

export interface PromptTimes {
  /** Window → wall ms of the first call (only `first` has one). */
  firstCallMs: Record<string, number>;
  /** Window → [wall ms, CPU ms of the process] per warm build. */
  warm: Record<string, Array<[number, number]>>;
}

const WINDOWS = [8192, 128_000];

function timed(input: PromptInput): [number, number] {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  buildPrompt(input);
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}

async function main(): Promise<void> {
  const [file, first, pairs] = process.argv.slice(2);
  const text = readFileSync(file, 'utf8');
  const inputs = WINDOWS.map((contextWindow): PromptInput => ({
    family: 'llama3', contextWindow, maxGenLen: 512, task: { kind: 'explain' },
    attachment: { fileName: 'attachment.ts', languageId: 'typescript', text },
  }));
  const out: PromptTimes = { firstCallMs: { [first]: timed(inputs[WINDOWS.indexOf(Number(first))])[0] }, warm: {} };
  for (let i = 0; i < 3; i++) inputs.forEach((input) => buildPrompt(input));
  const r = await interleave(Number(pairs), async () => timed(inputs[0]), async () => timed(inputs[1]));
  out.warm = { [WINDOWS[0]]: r.a, [WINDOWS[1]]: r.b };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
