// Heap and RSS of a process streaming requests, after 10 and after 100 of them, each
// measured after full GCs. Needs --expose-gc; the server's script is set by the parent.
//   node --expose-gc -r tsx/cjs bench/lib/memoryChild.ts <sdk|extension> <server url>
import type { RunFigures } from './workload';

export interface MemoryFigures {
  heapMb: [number, number];
  rssMb: [number, number];
  tokens: number;
}

const MB = 1024 * 1024;

async function settle(): Promise<{ heap: number; rss: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve)); // let finalizers and closed sockets go
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed / MB, rss: m.rss / MB };
}

async function main(): Promise<void> {
  const [mode, url] = process.argv.slice(2);
  // require, not import: only the modules of the measured path get loaded (tsx's hook is CommonJS only).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { promptInput } = require('./workload') as typeof import('./workload');
  const input = promptInput();
  let once: () => Promise<RunFigures>;
  if (mode === 'sdk') {
    const { createRawClient, rawRun } = require('./rawSdk') as typeof import('./rawSdk');
    const { buildPrompt } = require('../../src/core/prompt') as typeof import('../../src/core/prompt');
    const client = createRawClient(url);
    const body = { prompt: buildPrompt(input).prompt, temperature: 0.5, top_p: 0.9, max_gen_len: input.maxGenLen };
    once = () => rawRun(client, body);
  } else {
    const { createExtensionClient, ExtensionPipeline } = require('./extensionPipeline') as typeof import('./extensionPipeline');
    const pipeline = new ExtensionPipeline(createExtensionClient(url));
    once = () => pipeline.run(input);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  let tokens = 0;
  const runs = async (n: number) => { for (let i = 0; i < n; i++) tokens += (await once()).tokens; };
  await runs(10);
  const at10 = await settle();
  await runs(90);
  const at100 = await settle();
  const out: MemoryFigures = { heapMb: [at10.heap, at100.heap], rssMb: [at10.rss, at100.rss], tokens };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0); // the SDK's keep-alive sockets would hold the process open
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
