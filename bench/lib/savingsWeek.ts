// A scripted week of use, priced four ways: neither routing nor the response cache, routing
// only, the cache only, and both. 200 requests mixing the product's tasks and repeats, built
// from this repository's own source files (deterministically), each sent through the real
// request path (src/core/request/runRequest.ts: routing, the cache with its real file store,
// the real AWS SDK client) to the local Bedrock server, which counts prompt tokens from the
// prompt it receives. Costs are what the outcomes say: Bedrock's counts at the catalog's prices.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileResponseStore } from '../../src/core/cache/responseStore';
import { MapProfileMemory } from '../../src/core/profileFallback';
import type { Attachment } from '../../src/core/prompt';
import { runRequest, type RequestSpec } from '../../src/core/request/runRequest';
import { validateSettings } from '../../src/core/settingsSchema';
import type { ChatTurn } from '../../src/core/types';
import { BedrockTestServer, textResponse } from '../../test/server/bedrockServer';
import { localClients } from '../../test/unit/awsSupport';
import { ROOT } from './child';

export const WEEK_MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';

/** Answer lengths per task (tokens Bedrock generates). */
const OUTPUT_TOKENS = { summarize: 120, explain: 350, ask: 250, chat: 200 } as const;

export interface WeekRequest {
  task: keyof typeof OUTPUT_TOKENS;
  spec: RequestSpec;
  /** The same request as an earlier one (summarized again after an undo, explained again). */
  repeat: boolean;
}

export interface WeekCost {
  /** What Bedrock billed, USD. */
  spentUsd: number;
  /** Requests that reached Bedrock. */
  sent: number;
  /** Answers from the response cache. */
  cached: number;
  /** Requests routing sent to another model than the selected one. */
  routed: number;
  /** Requests per model that answered. */
  byModel: Record<string, number>;
}

/** Deterministic: the same week every run. */
export function scriptedWeek(seed = 20261130): WeekRequest[] {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const files = sourceFiles();
  const selection = (minLines: number, maxLines: number): Attachment => {
    for (;;) {
      const file = files[int(0, files.length - 1)];
      const lines = file.text.split('\n');
      if (lines.length < minLines) continue;
      const length = int(minLines, Math.min(maxLines, lines.length));
      const start = int(0, lines.length - length);
      return { fileName: file.name, languageId: 'typescript', text: lines.slice(start, start + length).join('\n'), startLine: start + 1, endLine: start + length };
    }
  };
  const week: WeekRequest[] = [];
  const summaries: Attachment[] = [];
  const explained: Attachment[] = [];
  // 90 inline summaries: 64 of up to 250 lines, 6 longer than routing's small-task limit, 20 repeats.
  for (let i = 0; i < 70; i++) {
    const attachment = i % 12 === 11 ? selection(320, 600) : selection(8, 250);
    summaries.push(attachment);
    week.push({ task: 'summarize', spec: { prompt: { task: { kind: 'summarize' }, attachment } }, repeat: false });
  }
  for (let i = 0; i < 20; i++) {
    week.push({ task: 'summarize', spec: { prompt: { task: { kind: 'summarize' }, attachment: summaries[int(0, summaries.length - 1)] } }, repeat: true });
  }
  // 50 Explains: 40 selections, 10 explained again.
  for (let i = 0; i < 40; i++) {
    const attachment = selection(10, 120);
    explained.push(attachment);
    week.push({ task: 'explain', spec: { prompt: { task: { kind: 'explain' }, attachment } }, repeat: false });
  }
  for (let i = 0; i < 10; i++) {
    week.push({ task: 'explain', spec: { prompt: { task: { kind: 'explain' }, attachment: explained[int(0, explained.length - 1)] } }, repeat: true });
  }
  // 30 Ask About Selection.
  const questions = ['Is there a race here?', 'What happens on a timeout?', 'How would I test this?', 'Can this throw?', 'Why is this async?'];
  for (let i = 0; i < 30; i++) {
    const question = questions[i % questions.length];
    week.push({ task: 'ask', spec: { prompt: { task: { kind: 'ask', question }, attachment: selection(10, 80) } }, repeat: false });
  }
  // 10 chats of 3 messages each: the history grows with every turn.
  for (let c = 0; c < 10; c++) {
    const attachment = selection(20, 100);
    const turns: ChatTurn[] = [];
    for (let t = 0; t < 3; t++) {
      const message = ['What does this module do?', 'Which part is the riskiest?', 'Suggest one improvement.'][t];
      week.push({ task: 'chat', spec: { prompt: { task: { kind: 'chat', message }, attachment, turns: [...turns] } }, repeat: false });
      turns.push({ user: message, assistant: `An answer of about ${OUTPUT_TOKENS.chat} tokens. `.repeat(20) });
    }
  }
  // The week's order: shuffled, but every repeat after the request it repeats.
  const firsts = week.filter((r) => !r.repeat);
  const repeats = week.filter((r) => r.repeat);
  shuffle(firsts, random);
  return [...firsts.slice(0, 120), ...interleaveInto(firsts.slice(120), repeats, random)];
}

/** Runs the week through runRequest with routing and the cache as given; a fresh server, client and cache directory. */
export async function priceWeek(week: WeekRequest[], opts: { routing: boolean; cache: boolean }): Promise<WeekCost> {
  const server = new BedrockTestServer();
  const { url } = await server.start();
  const { client, disposeAll } = localClients(() => url);
  const dir = mkdtempSync(path.join(tmpdir(), 'bedrock-llama-week-'));
  const store = new FileResponseStore(dir);
  const settings = validateSettings({ modelId: WEEK_MODEL, region: 'us-west-2', endpoint: url, routing: opts.routing ? 'auto' : 'off', maxGenLen: 512 });
  const profiles = new MapProfileMemory();
  const c = client({ idleTimeoutMs: 5000 });
  const cost: WeekCost = { spentUsd: 0, sent: 0, cached: 0, routed: 0, byModel: {} };
  try {
    let n = 0;
    for (const request of week) {
      server.reset();
      server.enqueue(textResponse('An answer.', { metrics: { outputTokenCount: OUTPUT_TOKENS[request.task] } }));
      const outcome = await runRequest(request.spec, {
        settings,
        connect: () => Promise.resolve({ client: c, release: () => undefined }),
        profiles,
        requestId: `week-${n++}`,
        cache: opts.cache ? { store, ttlMs: 7 * 24 * 3600_000 } : undefined,
      }, { text: () => undefined }, new AbortController().signal);
      if (outcome.kind !== 'ok') throw new Error(`request ${n} of the week ended ${outcome.kind}`);
      if (outcome.cached) cost.cached++;
      else {
        cost.sent++;
        cost.spentUsd += outcome.meter.costUsd ?? NaN;
      }
      if (outcome.routed) cost.routed++;
      cost.byModel[outcome.configModelId] = (cost.byModel[outcome.configModelId] ?? 0) + 1;
    }
    return cost;
  } finally {
    disposeAll();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sourceFiles(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push({ name: path.relative(ROOT, full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(path.join(ROOT, 'src'));
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** `extra` spread at random positions through `base`. */
function interleaveInto<T>(base: T[], extra: T[], random: () => number): T[] {
  const out = [...base];
  for (const item of extra) out.splice(Math.floor(random() * (out.length + 1)), 0, item);
  return out;
}
