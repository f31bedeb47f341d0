import { strict as assert } from 'node:assert';
import { SETTINGS_SCHEMA, validateSettings, type LlamaConfig } from '../../src/core/settingsSchema';

function errorsOf(raw: Record<string, unknown>): string[] {
  const r = validateSettings(raw);
  assert.equal(r.ok, false, 'expected validation to fail');
  return r.ok ? [] : r.errors.map((e) => e.message);
}

function configOf(raw: Record<string, unknown>): LlamaConfig {
  const r = validateSettings(raw);
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join('\n'));
  return r.config;
}

describe('validateSettings', () => {
  it('fills every missing value with its default', () => {
    const c = configOf({});
    assert.equal(c.modelId, 'meta.llama3-3-70b-instruct-v1:0');
    assert.equal(c.model.info?.id, 'meta.llama3-3-70b-instruct-v1:0');
    assert.deepEqual(
      [c.modelFamily, c.region, c.profile, c.endpoint, c.inferenceProfile, c.temperature, c.topP, c.maxGenLen],
      ['auto', 'us-west-2', undefined, undefined, 'auto', 0.5, 0.9, 512],
    );
    assert.deepEqual([c.systemPrompt, c.responseLanguage, c.pricing, c.budgetUsd, c.idleTimeoutSeconds], ['', '', {}, 0, 60]);
  });

  it('treats null like missing, and matches the schema defaults', () => {
    const c = configOf({ temperature: null, region: null });
    assert.equal(c.temperature, SETTINGS_SCHEMA['bedrockLlama.temperature'].default);
    assert.equal(c.region, SETTINGS_SCHEMA['bedrockLlama.region'].default);
    assert.equal(c.maxGenLen, SETTINGS_SCHEMA['bedrockLlama.maxGenLen'].default);
    assert.equal(c.idleTimeoutSeconds, SETTINGS_SCHEMA['bedrockLlama.idleTimeoutSeconds'].default);
  });

  it('accepts a full valid configuration', () => {
    const c = configOf({
      modelId: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123',
      modelFamily: 'llama2',
      region: '',
      profile: ' work ',
      endpoint: 'http://127.0.0.1:4000',
      inferenceProfile: 'eu',
      temperature: 0,
      topP: 1,
      maxGenLen: 2048,
      systemPrompt: 'Be brief.',
      responseLanguage: 'German',
      pricing: { 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123': { input: 0, output: 1.5 } },
      budgetUsd: 2.5,
      idleTimeoutSeconds: 0,
    });
    assert.deepEqual([c.model.kind, c.model.family, c.region, c.profile, c.endpoint, c.inferenceProfile], ['arn-provisioned', 'llama2', undefined, 'work', 'http://127.0.0.1:4000', 'eu']);
    assert.deepEqual([c.temperature, c.topP, c.maxGenLen, c.budgetUsd, c.idleTimeoutSeconds], [0, 1, 2048, 2.5, 0]);
    assert.equal(Object.keys(c.pricing).length, 1);
  });

  it('also reads full setting names', () => {
    assert.equal(configOf({ 'bedrockLlama.temperature': 0.2 }).temperature, 0.2);
  });

  it('names the setting and the allowed range for each bad value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ temperature: 5 }, 'bedrockLlama.temperature must be between 0 and 1 (got 5)'],
      [{ temperature: '0.5' }, 'bedrockLlama.temperature must be between 0 and 1 (got "0.5")'],
      [{ topP: -0.1 }, 'bedrockLlama.topP must be between 0 and 1 (got -0.1)'],
      [{ maxGenLen: 0.5 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 2048 (got 0.5)'],
      [{ maxGenLen: 4096 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 2048 (got 4096)'],
      [{ maxGenLen: 0 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 2048 (got 0)'],
      [{ budgetUsd: -1 }, 'bedrockLlama.budgetUsd must be a number ≥ 0 (got -1)'],
      [{ idleTimeoutSeconds: Number.NaN }, 'bedrockLlama.idleTimeoutSeconds must be a number ≥ 0 (got NaN)'],
      [{ inferenceProfile: 'asia' }, 'bedrockLlama.inferenceProfile must be one of auto, off, us, eu, apac, global (got "asia")'],
      [{ modelFamily: 'llama4' }, 'bedrockLlama.modelFamily must be one of auto, llama3, llama2 (got "llama4")'],
      [{ region: 'Oregon' }, 'bedrockLlama.region must be an AWS region code like us-west-2, or empty for the AWS SDK\'s default (got "Oregon")'],
      [{ endpoint: 'ftp://example.com' }, 'bedrockLlama.endpoint must be empty or an http(s) URL such as https://bedrock-runtime.us-west-2.amazonaws.com (got "ftp://example.com")'],
      [{ endpoint: 'localhost:4000' }, 'bedrockLlama.endpoint must be empty or an http(s) URL such as https://bedrock-runtime.us-west-2.amazonaws.com (got "localhost:4000")'],
      [{ systemPrompt: 5 }, 'bedrockLlama.systemPrompt must be a string (got 5)'],
      [{ profile: false }, 'bedrockLlama.profile must be a string (got false)'],
      [{ modelId: '' }, 'bedrockLlama.modelId must not be empty: set a Bedrock model id, inference-profile id or ARN'],
      [{ modelId: 42 }, 'bedrockLlama.modelId must be a string (got 42)'],
      [{ pricing: [] }, 'bedrockLlama.pricing must be an object of model id → { "input": number, "output": number } (got [])'],
      [{ pricing: { x: { input: -1, output: 1 } } }, 'bedrockLlama.pricing["x"].input must be a number ≥ 0, in USD per 1M tokens (got -1)'],
      [{ pricing: { x: { input: 1 } } }, 'bedrockLlama.pricing["x"].output must be a number ≥ 0, in USD per 1M tokens (got nothing)'],
      [{ pricing: { x: 2 } }, 'bedrockLlama.pricing["x"] must be { "input": number, "output": number } in USD per 1M tokens (got 2)'],
    ];
    for (const [raw, message] of cases) assert.deepEqual(errorsOf(raw), [message], JSON.stringify(raw));
  });

  it('reports models that cannot be used, naming the family setting when that would help', () => {
    const [noFamily] = errorsOf({ modelId: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123' });
    assert.match(noFamily, /^bedrockLlama\.modelId is not usable: .*bedrockLlama\.modelFamily/);
    const [llama4] = errorsOf({ modelId: 'us.meta.llama4-scout-17b-instruct-v1:0' });
    assert.match(llama4, /^bedrockLlama\.modelId is not usable: .*Llama 4/);
  });

  it('reports every bad value at once, with its setting key', () => {
    const r = validateSettings({ temperature: 2, topP: 2, maxGenLen: 'lots' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual(r.errors.map((e) => e.key), ['bedrockLlama.temperature', 'bedrockLlama.topP', 'bedrockLlama.maxGenLen']);
  });
});

describe('SETTINGS_SCHEMA', () => {
  it('covers exactly the product settings, each described, under the bedrockLlama namespace', () => {
    const keys = Object.keys(SETTINGS_SCHEMA).map((k) => k.replace(/^bedrockLlama\./, ''));
    assert.deepEqual(keys.sort(), [
      'budgetUsd', 'endpoint', 'idleTimeoutSeconds', 'inferenceProfile', 'maxGenLen', 'modelFamily', 'modelId', 'pricing',
      'profile', 'region', 'responseLanguage', 'systemPrompt', 'temperature', 'topP',
    ]);
    for (const [key, s] of Object.entries(SETTINGS_SCHEMA)) {
      assert.ok(key.startsWith('bedrockLlama.'));
      assert.ok(s.description.length > 10 && s.markdownDescription.length > 10, key);
    }
  });

  it('has defaults that validate', () => {
    const raw = Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([k, s]) => [k, s.default]));
    const c = configOf(raw);
    assert.equal(c.maxGenLen, 512);
  });

  it('keeps ranges and enums in step with the validator', () => {
    const t = SETTINGS_SCHEMA['bedrockLlama.temperature'];
    assert.deepEqual([t.minimum, t.maximum], [0, 1]);
    const m = SETTINGS_SCHEMA['bedrockLlama.maxGenLen'];
    assert.deepEqual([m.type, m.minimum, m.maximum], ['integer', 1, 2048]);
    assert.deepEqual(SETTINGS_SCHEMA['bedrockLlama.inferenceProfile'].enum, ['auto', 'off', 'us', 'eu', 'apac', 'global']);
    assert.equal(SETTINGS_SCHEMA['bedrockLlama.inferenceProfile'].enumDescriptions.length, 6);
  });
});
