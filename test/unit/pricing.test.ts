import { strict as assert } from 'node:assert';
import { resolveModel } from '../../src/core/catalog';
import { costUsd, formatCount, formatTokens, formatUsd, priceFor } from '../../src/core/pricing';

const L33 = 'meta.llama3-3-70b-instruct-v1:0';

describe('priceFor', () => {
  it('prices Llama 4 from the list, and latency-optimized inference only where it is served', () => {
    assert.deepEqual(priceFor('us.meta.llama4-maverick-17b-instruct-v1:0'), { input: 0.24, output: 0.97 });
    assert.deepEqual(priceFor('us.meta.llama4-scout-17b-instruct-v1:0'), { input: 0.17, output: 0.66 });
    const l31 = 'us.meta.llama3-1-70b-instruct-v1:0';
    assert.deepEqual(priceFor(l31, {}, { region: 'us-east-2', latency: 'optimized' }), { input: 0.9, output: 0.9 });
    assert.deepEqual(priceFor(l31, {}, { region: 'us-east-2', latency: 'standard' }), { input: 0.72, output: 0.72 });
    assert.deepEqual(priceFor(l31, {}, { region: 'us-west-2', latency: 'optimized' }), { input: 0.72, output: 0.72 }, 'not offered there: the standard price');
    assert.deepEqual(priceFor(l31, { [l31]: { input: 1, output: 2 } }, { region: 'us-east-2', latency: 'optimized' }), { input: 1, output: 2 }, 'an override wins');
  });

  it('gives the catalog price for any id form of a known model', () => {
    assert.deepEqual(priceFor(L33), { input: 0.72, output: 0.72 });
    assert.deepEqual(priceFor(`us.${L33}`), { input: 0.72, output: 0.72 });
    assert.deepEqual(priceFor(resolveModel('meta.llama3-8b-instruct-v1:0')), { input: 0.3, output: 0.6 });
    assert.deepEqual(priceFor(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${L33}`), { input: 0.72, output: 0.72 });
  });

  it('lets an override keyed by the exact id win over one keyed by the base id and the catalog', () => {
    const overrides = { [`us.${L33}`]: { input: 1, output: 2 }, [L33]: { input: 3, output: 4 } };
    assert.deepEqual(priceFor(`us.${L33}`, overrides), { input: 1, output: 2 });
    assert.deepEqual(priceFor(`eu.${L33}`, overrides), { input: 3, output: 4 });
    assert.deepEqual(priceFor(L33, overrides), { input: 3, output: 4 });
  });

  it('prices ARNs without a known base model only through an override', () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123';
    assert.equal(priceFor(resolveModel(arn, { family: 'llama3' })), undefined);
    assert.equal(priceFor(arn), undefined);
    assert.deepEqual(priceFor(arn, { [arn]: { input: 5, output: 6 } }), { input: 5, output: 6 });
  });

  it('never prices provisioned throughput per token from its base model: unknown unless the ARN has an override', () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/pt70b';
    const base = 'meta.llama3-1-70b-instruct-v1:0';
    const resolved = resolveModel(arn, { underlying: (a) => (a === arn ? `${base}:128k` : undefined) });
    assert.equal(resolved.info?.id, base, 'the base model is known (template, window)');
    assert.equal(priceFor(resolved, {}, { region: 'us-west-2' }), undefined);
    assert.equal(priceFor(resolved, { [base]: { input: 1, output: 1 } }), undefined, 'an on-demand override for the base does not apply');
    assert.deepEqual(priceFor(resolved, { [arn]: { input: 0, output: 1.5 } }), { input: 0, output: 1.5 });
    // A custom model is priced as its base model.
    const customArn = 'arn:aws:bedrock:us-west-2:123456789012:custom-model/cm1';
    assert.deepEqual(priceFor(resolveModel(customArn, { underlying: () => `${base}:128k` })), { input: 0.72, output: 0.72 });
  });

  it('gives undefined, not zero, for an unknown model', () => {
    assert.equal(priceFor('meta.llama3-9-70b-instruct-v1:0'), undefined);
    assert.equal(priceFor('something-else'), undefined);
  });

  it('ignores malformed override entries', () => {
    const overrides = JSON.parse(`{"${L33}": {"input": "cheap", "output": 1}}`) as Record<string, { input: number; output: number }>;
    assert.deepEqual(priceFor(L33, overrides), { input: 0.72, output: 0.72 });
  });
});

describe('costUsd', () => {
  it('matches hand-computed figures', () => {
    const usage = { inputTokens: 1234, outputTokens: 567 };
    assert.equal(costUsd(usage, { input: 0.72, output: 0.72 }), (1234 * 0.72 + 567 * 0.72) / 1e6);
    assert.ok(Math.abs(costUsd(usage, { input: 0.72, output: 0.72 }) - 0.00129672) < 1e-15);
    // Llama 3 8B: 0.30 in / 0.60 out → 1000*0.3 + 2000*0.6 = 1500 per 1M = 0.0015
    assert.ok(Math.abs(costUsd({ inputTokens: 1000, outputTokens: 2000 }, { input: 0.3, output: 0.6 }) - 0.0015) < 1e-15);
    assert.equal(costUsd({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, { input: 2.65, output: 3.5 }), 6.15);
    assert.equal(costUsd({ inputTokens: 0, outputTokens: 0 }, { input: 1, output: 1 }), 0);
  });
});

describe('formatting', () => {
  it('formats USD for the status bar', () => {
    assert.equal(formatUsd(0.0031), '$0.0031');
    assert.equal(formatUsd(0.00129672), '$0.0013');
    assert.equal(formatUsd(1.2449), '$1.24');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(0.00004), '<$0.0001');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0.99996), '$1.00');
    assert.equal(formatUsd(undefined), '$?');
    assert.equal(formatUsd(1_234_567.891), '$1,234,567.89');
    assert.equal(formatUsd(-2.5), '-$2.50');
  });

  it('groups thousands like en-US without Intl', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, 2 ** 40, -1234, 1234.6]) {
      assert.equal(formatCount(n), Math.round(n).toLocaleString('en-US'), String(n));
    }
  });

  it('formats token counts compactly', () => {
    assert.equal(formatTokens(0), '0');
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(1000), '1k');
    assert.equal(formatTokens(1234), '1.2k');
    assert.equal(formatTokens(9960), '10k');
    assert.equal(formatTokens(12_345), '12k');
    assert.equal(formatTokens(999_600), '1M');
    assert.equal(formatTokens(1_234_567), '1.2M');
    assert.equal(formatTokens(15_000_000), '15M');
  });
});
