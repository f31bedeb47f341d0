// Routing's added time (the decision each request makes before it is built) and the money a
// scripted week saves with routing and the response cache (bench/lib/savingsWeek.ts).
import { chooseModel, type RouteRequest } from '../../src/core/routing';
import { validateSettings } from '../../src/core/settingsSchema';
import type { Figure, SectionResult } from '../lib/report';
import { priceWeek, scriptedWeek, WEEK_MODEL } from '../lib/savingsWeek';
import { median, p95 } from '../lib/stats';
import type { BenchContext, Section } from './types';

const DECISIONS = 20_000;
const ROUNDS = 15;

/** µs per decision, one figure per round of DECISIONS calls. */
function decisionTimes(routing: 'off' | 'auto', request: RouteRequest): number[] {
  const settings = validateSettings({ modelId: WEEK_MODEL, region: 'us-west-2', routing, taskModels: {} });
  if (!settings.ok) throw new Error('invalid bench settings');
  // What the extension passes once discovery has run: a lookup per base id.
  const listed = new Set(['meta.llama3-2-3b-instruct-v1:0', 'meta.llama3-1-8b-instruct-v1:0']);
  const available = (id: string) => listed.has(id);
  const rounds: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < DECISIONS; i++) sink += chooseModel(settings.config, request, available).modelId.length;
    rounds.push(((performance.now() - t0) * 1000) / DECISIONS);
  }
  if (sink === 0) throw new Error('unreachable');
  return rounds;
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  ctx.log(`routing: ${ROUNDS} rounds of ${DECISIONS} decisions`);
  const summary: RouteRequest = { task: 'summarize', lines: 40, images: 0 };
  const routed = decisionTimes('auto', summary);
  const chat = decisionTimes('auto', { task: 'chat', lines: 40, images: 0 });
  const off = decisionTimes('off', summary);

  const week = scriptedWeek();
  ctx.log(`routing: a scripted week of ${week.length} requests, priced four ways against the local server`);
  const none = await priceWeek(week, { routing: false, cache: false });
  const withRouting = await priceWeek(week, { routing: true, cache: false });
  const withCache = await priceWeek(week, { routing: false, cache: true });
  const both = await priceWeek(week, { routing: true, cache: true });
  const saved = (c: { spentUsd: number }) => (100 * (none.spentUsd - c.spentUsd)) / none.spentUsd;
  const figures: Figure[] = [
    // µs: in ms these round to 0.00.
    { key: 'routing_decision_small_task_median_us', label: 'routing decision, a summary routed to 3B (median per request, µs)', unit: '', value: us(median(routed)), runs: ROUNDS },
    { key: 'routing_decision_small_task_p95_us', label: 'routing decision, a summary routed to 3B (p95 of rounds, µs)', unit: '', value: us(p95(routed)), runs: ROUNDS },
    { key: 'routing_decision_chat_median_us', label: 'routing decision, chat on the selected model (median, µs)', unit: '', value: us(median(chat)), runs: ROUNDS },
    { key: 'routing_decision_off_median_us', label: 'routing off (median, µs)', unit: '', value: us(median(off)), runs: ROUNDS },
    { key: 'week_cost_none', label: `scripted week (${week.length} requests), no routing, no cache`, unit: '', value: usd(none.spentUsd) },
    { key: 'week_cost_routing', label: `… routing auto (${withRouting.routed} routed)`, unit: '', value: `${usd(withRouting.spentUsd)} (−${saved(withRouting).toFixed(1)} %)` },
    { key: 'week_cost_cache', label: `… response cache (${withCache.cached} answers from it)`, unit: '', value: `${usd(withCache.spentUsd)} (−${saved(withCache).toFixed(1)} %)` },
    { key: 'week_cost_both', label: `… routing and cache (${both.routed} routed, ${both.cached} cached)`, unit: '', value: `${usd(both.spentUsd)} (−${saved(both).toFixed(1)} %)` },
    { key: 'week_saved_both', label: 'saved by routing and cache together', unit: '%', value: saved(both) },
  ];
  return {
    figures,
    notes: [
      `decisions: chooseModel with validated settings and a discovery lookup, ${DECISIONS} calls per round; a request's own time to first character is tens of ms`,
      `week: selected model ${WEEK_MODEL} in us-west-2; selections drawn (seeded) from this commit's src/, so the figures move a little as the code does; 90 inline summaries (6 over 300 lines, 20 repeats), 50 Explains (10 repeats), 30 Asks, 10 chats of 3 messages; ` +
        'prompt tokens counted by the local server from each prompt sent (chars / 4), answers of 120/350/250/200 tokens per task; prices from the catalog',
      `models that answered with both: ${Object.entries(both.byModel).map(([m, n]) => `${m} ${n}`).join(', ')}`,
    ],
  };
}

function us(v: number): number {
  return Math.round(v * 100) / 100;
}

function usd(v: number): string {
  return `$${v.toFixed(4)}`;
}

export const routing: Section = {
  name: 'routing',
  host: 'node',
  description: "routing's added time per request; a scripted week priced with and without routing and the response cache",
  run,
};
