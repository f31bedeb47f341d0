// The cost of a request before it is sent: the prompt's estimated tokens at the input price
// plus max_gen_len at the output price (an upper bound), for the composer and the budgets.
import { strict as assert } from 'node:assert';
import { draftEstimate } from '../../src/core/request/draftEstimate';
import { costEstimate } from '../../src/core/request/runRequest';
import { validateSettings, type LlamaConfig } from '../../src/core/settingsSchema';
import { estimateMargin, estimateTokens } from '../../src/core/tokenCount';

function config(raw: Record<string, unknown>): LlamaConfig {
  const r = validateSettings(raw);
  assert.ok(r.ok);
  return r.config;
}

describe('cost before sending', () => {
  const chat = { task: { kind: 'chat' as const, message: 'What does this function do?' }, attachment: { text: 'function add(a, b) { return a + b; }\n'.repeat(20), languageId: 'javascript' } };

  it('is the prompt\'s estimate at the input price plus max_gen_len at the output price', () => {
    const c = config({ modelId: 'us.meta.llama3-3-70b-instruct-v1:0', maxGenLen: 1000, pricing: { 'us.meta.llama3-3-70b-instruct-v1:0': { input: 2, output: 10 } } });
    const body = { prompt: 'x'.repeat(4000), temperature: 0.5, top_p: 0.9, max_gen_len: 1000 };
    const e = costEstimate(c, body, 'us.meta.llama3-3-70b-instruct-v1:0');
    // The estimator's margin is added, so the count stays an upper bound.
    const tokens = Math.ceil(estimateTokens(body.prompt, 'llama3') * (1 + estimateMargin('llama3')));
    assert.deepEqual([e.inputTokens, e.maxOutputTokens], [tokens, 1000]);
    assert.ok(Math.abs(e.maxUsd! - (tokens * 2 + 1000 * 10) / 1e6) < 1e-15);
    // Where latency-optimized may serve it, the dearer price bounds it.
    const fast = config({ modelId: 'us.meta.llama3-1-70b-instruct-v1:0', region: 'us-east-2', latency: 'optimized', maxGenLen: 1000 });
    const bound = costEstimate(fast, body, 'us.meta.llama3-1-70b-instruct-v1:0');
    assert.ok(Math.abs(bound.maxUsd! - (bound.inputTokens * 0.9 + 1000 * 0.9) / 1e6) < 1e-15);
    assert.equal(bound.hourly, false);
    const provisioned = config({ modelId: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc', modelFamily: 'llama3' });
    assert.deepEqual([costEstimate(provisioned, body, 'x').maxUsd, costEstimate(provisioned, body, 'x').hourly], [undefined, true]);
    // The model's own max_gen_len cap (2048 for Llama 3.3) is what is asked for, and what is counted.
    const l3 = config({ modelId: 'us.meta.llama3-3-70b-instruct-v1:0', maxGenLen: 8192 });
    assert.match(draftEstimate(l3, chat), /^≈ [\d.k]+ tokens in · ≤ \$0\.00\d\d$/);
  });

  it('says when the model has no price, and when the message cannot fit', () => {
    const unpriced = config({ modelId: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc', modelFamily: 'llama3' });
    assert.match(draftEstimate(unpriced, chat), /cost unknown \(no price for this model\)$/);
    const small = config({ modelId: 'meta.llama2-13b-chat-v1', maxGenLen: 2048 });
    assert.match(draftEstimate(small, { task: { kind: 'chat', message: 'word '.repeat(5000) } }), /^too long for Llama 2 Chat 13B$/);
  });
});
