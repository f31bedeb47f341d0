// A second (and third) writer for responseCache.test.ts: a separate Node process, as another
// VS Code window would be, putting and getting answers in the same cache directory.
// argv: <dir> <writer name> <rounds> <maxBytes>; reports its counts through process.send.
import { createHash } from 'node:crypto';
import { FileResponseStore } from '../../src/core/cache/responseStore';
import type { CachedAnswer } from '../../src/core/request/runRequest';

export interface WorkerReport {
  writer: string;
  puts: number;
  gets: number;
  hits: number;
  /** Answers that came back but were not one writer's whole answer. */
  torn: string[];
  errors: string[];
}

/** The same key derivation for both processes: `shared-<n>` names a key both write. */
export function testKey(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** A large answer whose head and tail name the same writer and round, so a mix of two shows. */
export function testAnswer(writer: string, round: number): CachedAnswer {
  const body = `${writer}:${round}:`.repeat(4000);
  return { text: `<${writer}-${round}>${body}</${writer}-${round}>`, stopReason: 'stop', usage: { inputTokens: round, outputTokens: body.length }, costUsd: round / 1e6, modelId: `model-${writer}`, savedAt: Date.now() };
}

/** Whether `a` is exactly what some writer put (any writer, any round). */
export function isWhole(a: CachedAnswer): boolean {
  const m = /^<([a-z]+)-(\d+)>/.exec(a.text);
  if (!m) return false;
  const expected = testAnswer(m[1], Number(m[2]));
  return a.text === expected.text && a.usage.inputTokens === expected.usage.inputTokens && a.usage.outputTokens === expected.usage.outputTokens &&
    a.costUsd === expected.costUsd && a.modelId === expected.modelId && a.stopReason === 'stop';
}

async function main(): Promise<void> {
  const [dir, writer, roundsArg, maxBytesArg] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const store = new FileResponseStore(dir, Number(maxBytesArg), (err) => report.errors.push(`evict: ${String(err)}`));
  const report: WorkerReport = { writer, puts: 0, gets: 0, hits: 0, torn: [], errors: [] };
  const check = async (key: string) => {
    report.gets++;
    const got = await store.get(key, 60_000);
    if (!got) return;
    report.hits++;
    if (!isWhole(got)) report.torn.push(got.text.slice(0, 60));
  };
  for (let i = 0; i < rounds; i++) {
    // A key both processes write, one only this one writes, and reads of both plus the other's.
    const shared = testKey(`shared-${i % 5}`);
    const own = testKey(`${writer}-${i}`);
    try {
      await Promise.all([store.put(shared, testAnswer(writer, i)), store.put(own, testAnswer(writer, i))]);
      report.puts += 2;
    } catch (err) {
      report.errors.push(`put: ${String(err)}`);
    }
    await Promise.all([check(shared), check(own), check(testKey(`${writer === 'a' ? 'b' : 'a'}-${i}`))]);
  }
  await store.idle();
  await new Promise<void>((resolve) => { if (process.send) process.send(report, () => resolve()); else resolve(); });
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => { console.error(err); process.exit(1); },
  );
}
