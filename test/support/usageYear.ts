// A year of usage for tests and the bench: every day of 2025, each of 6 models (two of them one
// model by two routes) for each of 5 tasks; some requests estimated, some answered from the cache.
import { UsageLedger } from '../../src/core/usage';

export const YEAR_MODELS = [
  'meta.llama3-3-70b-instruct-v1:0', 'us.meta.llama3-3-70b-instruct-v1:0', 'meta.llama3-1-8b-instruct-v1:0',
  'us.meta.llama4-maverick-17b-instruct-v1:0', 'meta.llama3-2-3b-instruct-v1:0', 'arn:aws:bedrock:us-west-2:123456789012:imported-model/llama-tuned',
];
export const YEAR_TASKS = ['explain', 'summarize', 'ask', 'chat', 'batch'];

export function yearOfUsage(): UsageLedger {
  const l = new UsageLedger();
  for (let d = 0; d < 365; d++) {
    YEAR_MODELS.forEach((modelId, m) => YEAR_TASKS.forEach((task, t) => {
      const k = d + m + t;
      l.record({
        modelId, task, usage: { inputTokens: 1000 + d * 7 + m, outputTokens: 200 + t * 13 }, costUsd: (1000 + d) * 0.72e-6 + 0.000123 * m,
        estimated: k % 17 === 0, cached: k % 23 === 0, savedUsd: 0.0004, at: new Date(2025, 0, 1 + d, 9 + t),
      });
    }));
  }
  return l;
}
