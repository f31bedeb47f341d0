// Peak memory of a process running Summarize Files… over many files on the extension's path
// (bench/lib/batchRun.ts): RSS and heap sampled every SAMPLE_MS during the run, the kernel's
// peak RSS, and both before the run (after the warm-up, after full GCs) and after it (after GCs).
// Needs --expose-gc; the server (rate limit, script) is set up by the parent.
//   node --expose-gc -r tsx/cjs bench/lib/batchMemoryChild.ts <server url> <files> <concurrency> [tokens per file]
import { batchFiles } from './batchFiles';
import { runExtensionBatch, type BatchRun } from './batchRun';

export interface BatchMemoryFigures {
  before: { heapMb: number; rssMb: number };
  /** Largest sample during the run; `maxRssMb` is the kernel's high-water mark for the whole process. */
  peak: { heapMb: number; rssMb: number; maxRssMb: number };
  after: { heapMb: number; rssMb: number };
  samples: number;
  run: Omit<BatchRun, 'history'> & { limitChanges: number };
}

const MB = 1024 * 1024;
const SAMPLE_MS = 10;

async function settle(): Promise<{ heapMb: number; rssMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve)); // let finalizers and closed sockets go
  }
  const m = process.memoryUsage();
  return { heapMb: m.heapUsed / MB, rssMb: m.rss / MB };
}

async function main(): Promise<void> {
  const [url, count, concurrency, tokens] = process.argv.slice(2);
  const files = batchFiles(Number(count), tokens ? Number(tokens) : undefined);
  const summaries = new Map<string, string>();
  // Warm-up (SDK load, first connection) outside the run: the "before" figures include the loaded SDK.
  const warmup = batchFiles(2, 300, 1, 'warmup/');
  let before: { heapMb: number; rssMb: number } | undefined;
  let heap = 0;
  let rss = 0;
  let samples = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const sample = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
    samples++;
  };
  const run = await runExtensionBatch(files, {
    url,
    concurrency: Number(concurrency),
    warmup,
    // The figures before the run, then a pause for the server's rate limit to fill up again.
    beforeStart: async () => {
      before = await settle();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      timer = setInterval(sample, SAMPLE_MS);
      sample();
    },
  }, summaries);
  clearInterval(timer);
  sample();
  const maxRssMb = process.resourceUsage().maxRSS / 1024; // KiB on Linux and macOS
  if (summaries.size !== run.done) throw new Error('summaries lost');
  const after = await settle();
  const { history, ...rest } = run;
  const out: BatchMemoryFigures = {
    before: before ?? { heapMb: NaN, rssMb: NaN },
    peak: { heapMb: heap / MB, rssMb: rss / MB, maxRssMb },
    after,
    samples,
    run: { ...rest, limitChanges: history.length - 1 },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0); // the SDK's keep-alive sockets would hold the process open
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
