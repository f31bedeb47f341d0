import { strict as assert } from 'node:assert';
import { SETTINGS_DOCS } from '../../src/core/settingsDocs';
import { SETTINGS_SCHEMA, validateSettings, type LlamaConfig, type SettingKey, type SettingSchema } from '../../src/core/settingsSchema';
import { readRawSettings, USER_ONLY_KEYS, type InspectedSetting } from '../../src/core/settingsScope';

const NOT_A_URL =
  'bedrockLlama.endpoint must be empty or an http(s) URL such as https://bedrock-runtime.us-west-2.amazonaws.com (the value is not shown in case it holds a secret)';
const CLEAR_TEXT =
  'bedrockLlama.endpoint: http:// sends your AWS credentials and API key unencrypted; use https://, or http:// only for a loopback host (127.0.0.1, ::1, localhost)';

/** The numeric settings, by full key, with their schema. */
const NUMBER_SETTINGS = Object.entries(SETTINGS_SCHEMA as Record<string, SettingSchema>).filter(([, s]) => s.type === 'number' || s.type === 'integer');

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
      [{ maxGenLen: 0.5 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 8192 (got 0.5)'],
      [{ maxGenLen: 8193 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 8192 (got 8193)'],
      [{ maxGenLen: 0 }, 'bedrockLlama.maxGenLen must be a whole number between 1 and 8192 (got 0)'],
      [{ budgetUsd: -1 }, 'bedrockLlama.budgetUsd must be between 0 and 1000000 (got -1)'],
      [{ idleTimeoutSeconds: Number.NaN }, 'bedrockLlama.idleTimeoutSeconds must be between 0 and 3600 (got NaN)'],
      [{ inferenceProfile: 'asia' }, 'bedrockLlama.inferenceProfile must be one of auto, off, us, eu, apac, global (got "asia")'],
      [{ modelFamily: 'llama5' }, 'bedrockLlama.modelFamily must be one of auto, llama4, llama3, llama2 (got "llama5")'],
      [{ latency: 'fast' }, 'bedrockLlama.latency must be one of standard, optimized (got "fast")'],
      [{ serviceTier: 'gold' }, 'bedrockLlama.serviceTier must be one of default, priority, flex (got "gold")'],
      [{ guardrailVersion: 'latest' }, 'bedrockLlama.guardrailVersion must be DRAFT or a version number such as 1 (got "latest")'],
      [{ region: 'Oregon' }, 'bedrockLlama.region must be an AWS region code like us-west-2, or empty for the AWS SDK\'s default (got "Oregon")'],
      [{ endpoint: 'ftp://example.com' }, `${NOT_A_URL}`],
      [{ endpoint: 'localhost:4000' }, `${NOT_A_URL}`],
      [{ systemPrompt: 5 }, 'bedrockLlama.systemPrompt must be a string (got 5)'],
      [{ profile: false }, 'bedrockLlama.profile must be a string (got false)'],
      [{ modelId: '' }, 'bedrockLlama.modelId must not be empty: set a Bedrock model id, inference-profile id or ARN'],
      [{ modelId: 42 }, 'bedrockLlama.modelId must be a string (got 42)'],
      [{ pricing: [] }, 'bedrockLlama.pricing must be an object of model id → { "input": number, "output": number } (got [])'],
      [{ pricing: { x: { input: -1, output: 1 } } }, 'bedrockLlama.pricing["x"].input must be a number between 0 and 10000, in USD per 1M tokens (got -1)'],
      [{ pricing: { x: { input: 1 } } }, 'bedrockLlama.pricing["x"].output must be a number between 0 and 10000, in USD per 1M tokens (got nothing)'],
      [{ pricing: { x: { input: 1, output: 10_001 } } }, 'bedrockLlama.pricing["x"].output must be a number between 0 and 10000, in USD per 1M tokens (got 10001)'],
      [{ pricing: { x: { input: Infinity, output: 1 } } }, 'bedrockLlama.pricing["x"].input must be a number between 0 and 10000, in USD per 1M tokens (got Infinity)'],
      [{ pricing: { x: { input: -0, output: 1 } } }, 'bedrockLlama.pricing["x"].input must be a number between 0 and 10000, in USD per 1M tokens (got -0)'],
      [{ pricing: { x: { input: 1, output: '1' } } }, 'bedrockLlama.pricing["x"].output must be a number between 0 and 10000, in USD per 1M tokens (got "1")'],
      [{ pricing: { x: 2 } }, 'bedrockLlama.pricing["x"] must be { "input": number, "output": number } in USD per 1M tokens (got 2)'],
    ];
    for (const [raw, message] of cases) assert.deepEqual(errorsOf(raw), [message], JSON.stringify(raw));
  });

  it('reports models that cannot be used, naming the family setting when that would help', () => {
    const [noFamily] = errorsOf({ modelId: 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123' });
    assert.match(noFamily, /^bedrockLlama\.modelId is not usable: .*bedrockLlama\.modelFamily/);
  });

  it('takes Llama 4 ids, and an application profile ARN through the model discovery found behind it', () => {
    assert.equal(configOf({ modelId: 'us.meta.llama4-scout-17b-instruct-v1:0' }).model.family, 'llama4');
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/team-a';
    const underlying = (id: string) => (id === arn ? 'us.meta.llama4-maverick-17b-instruct-v1:0' : undefined);
    const r = validateSettings({ modelId: arn }, { underlying });
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.config.model.family, r.config.model.info?.id, r.config.model.invokeId], ['llama4', 'meta.llama4-maverick-17b-instruct-v1:0', arn]);
  });

  it('reads the request options, defaulting to none', () => {
    const c = configOf({});
    assert.deepEqual([c.latency, c.serviceTier, c.guardrailId, c.guardrailVersion], ['standard', 'default', undefined, 'DRAFT']);
    const d = configOf({ latency: 'optimized', serviceTier: 'flex', guardrailId: ' gr-1 ', guardrailVersion: '3' });
    assert.deepEqual([d.latency, d.serviceTier, d.guardrailId, d.guardrailVersion], ['optimized', 'flex', 'gr-1', '3']);
  });

  it('refuses values outside the schema range, non-finite numbers, -0 and strings for every numeric setting', () => {
    for (const [key, s] of NUMBER_SETTINGS) {
      const { minimum: min, maximum: max } = s as Required<SettingSchema>;
      // `batch.concurrency` is read as `batchConcurrency`.
      const field = key.slice('bedrockLlama.'.length).replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()) as keyof LlamaConfig;
      assert.deepEqual([configOf({ [key]: min })[field], configOf({ [key]: max })[field]], [min, max], key);
      const range = `${s.type === 'integer' ? 'a whole number ' : ''}between ${min} and ${max}`;
      for (const [bad, shown] of [[max + 1, String(max + 1)], [min - 1, String(min - 1)], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [-0, '-0'], [String(min), `"${min}"`]] as const) {
        assert.deepEqual(errorsOf({ [key]: bad }), [`${key} must be ${range} (got ${shown})`], `${key} = ${shown}`);
      }
    }
  });

  it('refuses an idle timeout past Node\'s timer limit, which would fire at once', () => {
    const pastTimerLimit = Math.ceil((2 ** 31) / 1000);
    assert.deepEqual(errorsOf({ idleTimeoutSeconds: pastTimerLimit }), [`bedrockLlama.idleTimeoutSeconds must be between 0 and 3600 (got ${pastTimerLimit})`]);
    assert.equal(configOf({ idleTimeoutSeconds: 3600 }).idleTimeoutSeconds, 3600);
  });

  it('accepts prices up to 10000 USD per 1M tokens', () => {
    assert.deepEqual(configOf({ pricing: { x: { input: 10_000, output: 0 } } }).pricing, { x: { input: 10_000, output: 0 } });
  });

  it('accepts https anywhere and plain http only for a loopback host', () => {
    for (const endpoint of [
      'https://bedrock-runtime.us-west-2.amazonaws.com', 'https://vpce-1.bedrock-runtime.us-west-2.vpce.amazonaws.com', 'https://10.0.0.1:8443',
      'http://127.0.0.1:4000', 'http://127.255.0.9', 'http://127.1:8080', 'http://localhost:3000', 'http://LOCALHOST', 'http://api.localhost', 'http://[::1]:4000',
    ]) {
      assert.equal(configOf({ endpoint }).endpoint, endpoint, endpoint);
    }
    for (const endpoint of [
      'http://bedrock-runtime.us-west-2.amazonaws.com', 'http://10.0.0.1:4000', 'http://0.0.0.0:4000', 'http://[::ffff:127.0.0.1]',
      'http://127.0.0.1.example.com', 'http://localhost.example.com', 'http://128.0.0.1',
    ]) {
      assert.deepEqual(errorsOf({ endpoint }), [CLEAR_TEXT], endpoint);
    }
  });

  it('refuses endpoints with a user name or password, and malformed ones, without repeating them', () => {
    for (const endpoint of ['https://AKIDEXAMPLE:s3cret@bedrock.example', 'http://s3cret@127.0.0.1:4000', 'https://:s3cret@bedrock.example']) {
      const [message] = errorsOf({ endpoint });
      assert.match(message, /^bedrockLlama\.endpoint must not contain a user name or password/, endpoint);
      assert.doesNotMatch(message, /s3cret|AKIDEXAMPLE/, endpoint);
    }
    for (const endpoint of ['s3cret', 'https://', 'https://s3cret host', 'file:///s3cret', 'javascript:s3cret']) {
      assert.deepEqual(errorsOf({ endpoint }), [NOT_A_URL], endpoint);
    }
  });

  it('checks the batch settings: concurrency 1–32, the mode, an S3 location and a role ARN', () => {
    const c = configOf({});
    assert.deepEqual([c.batchConcurrency, c.batchMode, c.batchS3Uri, c.batchRoleArn, c.batchJobThreshold], [4, 'auto', undefined, undefined, 100]);
    const set = configOf({ 'batch.concurrency': 32, 'batch.mode': 'bedrockBatch', 'batch.s3Uri': 's3://my-bucket/llama/', 'batch.roleArn': 'arn:aws:iam::123456789012:role/BedrockBatch', 'batch.jobThreshold': 5 });
    assert.deepEqual([set.batchConcurrency, set.batchMode, set.batchS3Uri, set.batchRoleArn, set.batchJobThreshold], [32, 'bedrockBatch', 's3://my-bucket/llama/', 'arn:aws:iam::123456789012:role/BedrockBatch', 5]);
    assert.deepEqual(errorsOf({ 'batch.concurrency': 0, 'batch.mode': 'fast', 'batch.s3Uri': 'https://bucket', 'batch.roleArn': 'role/x', 'batch.jobThreshold': 2.5 }), [
      'bedrockLlama.batch.concurrency must be a whole number between 1 and 32 (got 0)',
      'bedrockLlama.batch.mode must be one of auto, onDemand, bedrockBatch (got "fast")',
      'bedrockLlama.batch.s3Uri must be an S3 location such as s3://my-bucket/llama-batch/, or empty (got "https://bucket")',
      'bedrockLlama.batch.roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/BedrockBatch, or empty (got "role/x")',
      'bedrockLlama.batch.jobThreshold must be a whole number between 1 and 1000000 (got 2.5)',
    ]);
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
      'batch.concurrency', 'batch.jobThreshold', 'batch.mode', 'batch.roleArn', 'batch.s3Uri', 'budgetAction', 'budgetUsd', 'cacheTtlMinutes', 'confirmAboveUsd', 'dailyBudgetUsd', 'endpoint', 'guardrailId', 'guardrailVersion',
      'idleTimeoutSeconds', 'inferenceProfile', 'latency', 'maxGenLen', 'modelFamily', 'modelId', 'monthlyBudgetUsd', 'pricing', 'profile',
      'region', 'responseLanguage', 'routing', 'serviceTier', 'systemPrompt', 'taskModels', 'temperature', 'topP',
    ]);
    for (const [key, s] of Object.entries(SETTINGS_SCHEMA)) {
      assert.ok(key.startsWith('bedrockLlama.'));
      const docs = SETTINGS_DOCS[key as SettingKey];
      assert.ok(docs.description.length > 10 && docs.markdownDescription.length > 10, key);
      if ('enum' in s) assert.equal(docs.enumDescriptions?.length, s.enum.length, `${key}: one description per value`);
    }
  });

  it('has defaults that validate', () => {
    const raw = Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([k, s]) => [k, s.default]));
    const c = configOf(raw);
    assert.equal(c.maxGenLen, 512);
  });

  it('gives every number, including the prices inside pricing, a minimum and a maximum', () => {
    assert.deepEqual(NUMBER_SETTINGS.map(([key]) => key), [
      'bedrockLlama.temperature', 'bedrockLlama.topP', 'bedrockLlama.maxGenLen', 'bedrockLlama.budgetUsd', 'bedrockLlama.idleTimeoutSeconds',
      'bedrockLlama.cacheTtlMinutes', 'bedrockLlama.dailyBudgetUsd', 'bedrockLlama.monthlyBudgetUsd', 'bedrockLlama.confirmAboveUsd',
      'bedrockLlama.batch.concurrency', 'bedrockLlama.batch.jobThreshold',
    ]);
    for (const [key, s] of NUMBER_SETTINGS) {
      assert.ok(typeof s.minimum === 'number' && typeof s.maximum === 'number' && s.minimum < s.maximum, key);
      assert.ok(s.maximum <= 2 ** 31 / 1000, `${key}: stays far below numbers that break timers and formatting`);
    }
    const price = SETTINGS_SCHEMA['bedrockLlama.pricing'].additionalProperties.properties;
    assert.deepEqual([price.input.minimum, price.input.maximum, price.output.minimum, price.output.maximum], [0, 10_000, 0, 10_000]);
    assert.deepEqual([SETTINGS_SCHEMA['bedrockLlama.budgetUsd'].maximum, SETTINGS_SCHEMA['bedrockLlama.idleTimeoutSeconds'].maximum], [1_000_000, 3600]);
  });

  it('lets only user settings decide where requests and credentials go, and what counts as spent', () => {
    const scoped = Object.entries(SETTINGS_SCHEMA as Record<string, SettingSchema>).filter(([, s]) => s.scope !== undefined);
    assert.deepEqual(scoped.map(([key, s]) => [key, s.scope]), [
      ['bedrockLlama.region', 'machine'], ['bedrockLlama.profile', 'machine'], ['bedrockLlama.endpoint', 'machine'],
      ['bedrockLlama.pricing', 'machine'], ['bedrockLlama.budgetUsd', 'machine'], ['bedrockLlama.cacheTtlMinutes', 'machine'],
      ['bedrockLlama.dailyBudgetUsd', 'machine'], ['bedrockLlama.monthlyBudgetUsd', 'machine'], ['bedrockLlama.budgetAction', 'machine'],
      ['bedrockLlama.confirmAboveUsd', 'machine'], ['bedrockLlama.batch.s3Uri', 'machine'], ['bedrockLlama.batch.roleArn', 'machine'],
    ]);
    assert.deepEqual(USER_ONLY_KEYS, scoped.map(([key]) => key));
  });

  it('keeps ranges and enums in step with the validator', () => {
    const t = SETTINGS_SCHEMA['bedrockLlama.temperature'];
    assert.deepEqual([t.minimum, t.maximum], [0, 1]);
    const m = SETTINGS_SCHEMA['bedrockLlama.maxGenLen'];
    assert.deepEqual([m.type, m.minimum, m.maximum], ['integer', 1, 8192]);
    assert.deepEqual(SETTINGS_SCHEMA['bedrockLlama.inferenceProfile'].enum, ['auto', 'off', 'us', 'eu', 'apac', 'global']);
    assert.equal(SETTINGS_DOCS['bedrockLlama.inferenceProfile'].enumDescriptions?.length, 6);
  });
});

describe('readRawSettings', () => {
  /** A stand-in for getConfiguration('bedrockLlama'): `get` resolves like VS Code (folder > workspace > user > default). */
  function source(values: Record<string, InspectedSetting>) {
    const defaults = Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([k, s]) => [k.slice('bedrockLlama.'.length), s.default]));
    const inspect = (key: string): InspectedSetting => ({ defaultValue: defaults[key], ...values[key] });
    return {
      inspect,
      get: (key: string): unknown => {
        const i = inspect(key);
        return i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue ?? i.defaultValue;
      },
    };
  }

  it('takes user-only settings from user settings, ignoring and naming workspace and folder values', () => {
    const { raw, ignoredWorkspaceKeys } = readRawSettings(
      source({
        endpoint: { globalValue: 'https://vpce.example', workspaceValue: 'https://attacker.example' },
        profile: { workspaceFolderValue: 'prod-admin' },
        region: { globalValue: 'eu-central-1', workspaceValue: 'us-east-1' },
        pricing: { workspaceValue: { 'meta.llama3-3-70b-instruct-v1:0': { input: 0, output: 0 } } },
        budgetUsd: { globalValue: 5, workspaceFolderValue: 0 },
      }),
    );
    assert.deepEqual(
      [raw['bedrockLlama.endpoint'], raw['bedrockLlama.profile'], raw['bedrockLlama.region'], raw['bedrockLlama.pricing'], raw['bedrockLlama.budgetUsd']],
      ['https://vpce.example', '', 'eu-central-1', {}, 5],
    );
    assert.deepEqual(ignoredWorkspaceKeys, ['bedrockLlama.region', 'bedrockLlama.profile', 'bedrockLlama.endpoint', 'bedrockLlama.pricing', 'bedrockLlama.budgetUsd']);
  });

  it('lets a workspace set the other settings, and names nothing when it sets none of the user-only ones', () => {
    const { raw, ignoredWorkspaceKeys } = readRawSettings(
      source({ temperature: { globalValue: 0.2, workspaceValue: 0.7 }, modelId: { workspaceFolderValue: 'meta.llama3-1-8b-instruct-v1:0' }, endpoint: { globalValue: 'http://127.0.0.1:4000' } }),
    );
    assert.deepEqual([raw['bedrockLlama.temperature'], raw['bedrockLlama.modelId'], raw['bedrockLlama.endpoint']], [0.7, 'meta.llama3-1-8b-instruct-v1:0', 'http://127.0.0.1:4000']);
    assert.deepEqual(ignoredWorkspaceKeys, []);
    assert.ok(validateSettings(raw).ok);
  });

  it('reads nothing when VS Code knows no such setting (inspect gives undefined)', () => {
    const { raw, ignoredWorkspaceKeys } = readRawSettings({ get: () => undefined, inspect: () => undefined });
    assert.equal(raw['bedrockLlama.endpoint'], undefined);
    assert.deepEqual(ignoredWorkspaceKeys, []);
    assert.ok(validateSettings(raw).ok);
  });
});
