// The pure parts of model discovery: the 24-hour cache and the picker's rows grouped by route.
import { strict as assert } from 'node:assert';
import { CACHE_STATE_KEY, cacheKey, DISCOVERY_TTL_MS, DiscoveryCache, type CacheStorage } from '../../src/core/discovery/discoveryCache';
import { discoverySummary, pickerRows, underlyingEntries, underlyingLookup, type ModelRow, type PickerRow } from '../../src/core/discovery/modelDirectory';
import { resolveModel } from '../../src/core/catalog';
import { priceFor } from '../../src/core/pricing';
import { underlyingFromArn } from '../../src/core/discovery/controlPlaneClient';
import type { DiscoveredCustomModel, DiscoveredModel, DiscoveredProfile, DiscoveredProvisioned, Discovery } from '../../src/core/discovery/types';

class MapStorage implements CacheStorage {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, structuredClone(value));
  }
}

const APP_ARN = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/a1b2c3d4e5f6';

function model(modelId: string, more: Partial<DiscoveredModel> = {}): DiscoveredModel {
  return { modelId, inputModalities: ['TEXT'], inferenceTypes: ['ON_DEMAND'], lifecycle: 'ACTIVE', responseStreamingSupported: true, ...more };
}
function system(id: string): DiscoveredProfile {
  return { id, arn: `arn:aws:bedrock:us-west-2:123456789012:inference-profile/${id}`, name: id, type: 'SYSTEM_DEFINED', modelArns: [], underlyingId: id.replace(/^\w+\./, '') };
}

const DISCOVERY: Discovery = {
  region: 'us-west-2',
  fetchedAt: 0,
  notes: [],
  models: [
    model('meta.llama3-1-70b-instruct-v1:0', { inferenceTypes: ['ON_DEMAND', 'INFERENCE_PROFILE'] }),
    model('meta.llama3-1-70b-instruct-v1:0:128k', { inferenceTypes: ['PROVISIONED'] }),
    model('meta.llama3-3-70b-instruct-v1:0', { inferenceTypes: ['INFERENCE_PROFILE'] }),
    model('meta.llama4-scout-17b-instruct-v1:0', { inferenceTypes: ['INFERENCE_PROFILE'], inputModalities: ['TEXT', 'IMAGE'], responseStreamingSupported: false }),
    model('meta.llama3-8b-instruct-v1:0', { access: { usable: false, reason: 'model access not granted to this account' } }),
    model('meta.llama2-13b-chat-v1', { lifecycle: 'LEGACY' }),
    model('meta.llama5-tiny-instruct-v1:0', { modelName: 'Llama 5 Tiny' }),
  ],
  profiles: [
    system('us.meta.llama3-3-70b-instruct-v1:0'),
    system('us.meta.llama4-scout-17b-instruct-v1:0'),
    system('us.meta.llama3-1-70b-instruct-v1:0'),
    system('global.meta.llama3-3-70b-instruct-v1:0'),
    { id: APP_ARN, arn: APP_ARN, name: 'team-chat-llama33', type: 'APPLICATION', modelArns: ['arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-3-70b-instruct-v1:0'], underlyingId: 'meta.llama3-3-70b-instruct-v1:0' },
  ],
};

const PT_ARN = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/pt1';
const PT_FAILED_ARN = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/pt2';
const CUSTOM_ARN = 'arn:aws:bedrock:us-west-2:123456789012:custom-model/cm1';
const CUSTOM_CREATING_ARN = `arn:aws:bedrock:us-west-2:123456789012:custom-model/meta.llama3-2-11b-instruct-v1:0:128k/cm2`;
const foundationArn = (id: string) => `arn:aws:bedrock:us-west-2::foundation-model/${id}`;

function throughput(arn: string, name: string, baseId: string, more: Partial<DiscoveredProvisioned> = {}): DiscoveredProvisioned {
  return { arn, name, modelArn: foundationArn(baseId), foundationModelArn: foundationArn(baseId), baseId, status: 'InService', modelUnits: 1, ...more };
}
function custom(arn: string, name: string, baseId: string, more: Partial<DiscoveredCustomModel> = {}): DiscoveredCustomModel {
  return { arn, name, baseModelArn: foundationArn(baseId), baseId, customizationType: 'FINE_TUNING', status: 'Active', ...more };
}

/** DISCOVERY plus what this account made: two throughputs (one Failed) and two custom models (one Creating). */
const WITH_CUSTOM: Discovery = {
  ...DISCOVERY,
  provisioned: [
    throughput(PT_ARN, 'prod-405b', 'meta.llama3-1-405b-instruct-v1:0:128k', { modelUnits: 4, commitmentDuration: 'SixMonths' }),
    throughput(PT_FAILED_ARN, 'broken-pt', 'meta.llama4-scout-17b-instruct-v1:0', { status: 'Failed' }),
  ],
  customModels: [
    custom(CUSTOM_ARN, 'my-scout', 'meta.llama4-scout-17b-instruct-v1:0', { customizationType: 'DISTILLATION' }),
    custom(CUSTOM_CREATING_ARN, 'vision-ft', 'meta.llama3-2-11b-instruct-v1:0:128k', { status: 'Creating' }),
  ],
};

const labels = (rows: PickerRow[]) => rows.map((r) => (r.kind === 'separator' ? `-- ${r.label}` : r.kind === 'note' ? `!! ${r.label}` : r.modelId));
const find = (rows: PickerRow[], id: string): ModelRow => {
  const row = rows.find((r): r is ModelRow => r.kind === 'model' && r.modelId === id);
  assert.ok(row, `no row for ${id}`);
  return row;
};

describe('discovery cache', () => {
  it('serves an entry for 24 hours, then misses', async () => {
    let now = 1_000_000;
    const storage = new MapStorage();
    const cache = new DiscoveryCache(storage, () => now);
    await cache.put('k', DISCOVERY);
    now += DISCOVERY_TTL_MS - 1;
    assert.deepEqual(cache.get('k'), DISCOVERY);
    now += 1;
    assert.equal(cache.get('k'), undefined);
  });

  it('keeps accounts, regions and endpoints apart, and prunes expired entries on write', async () => {
    let now = 0;
    const storage = new MapStorage();
    const cache = new DiscoveryCache(storage, () => now);
    const a = cacheKey({ accountId: '111122223333', identity: 'profile:dev', region: 'us-west-2' });
    const b = cacheKey({ accountId: '444455556666', identity: 'profile:dev', region: 'us-west-2' });
    const c = cacheKey({ identity: 'profile:dev', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' });
    assert.equal(new Set([a, b, c]).size, 3);
    await cache.put(a, DISCOVERY);
    assert.equal(cache.get(b), undefined);
    assert.equal(cache.get(c), undefined);
    now = DISCOVERY_TTL_MS + 5;
    await cache.put(b, { ...DISCOVERY, region: 'x' });
    assert.deepEqual(Object.keys(storage.get<Record<string, unknown>>(CACHE_STATE_KEY) ?? {}), [b]);
    await cache.clear(b);
    assert.equal(cache.get(b), undefined);
  });

  it('ignores malformed stored data', () => {
    const storage = new MapStorage();
    storage.map.set(CACHE_STATE_KEY, { k: { savedAt: 'yesterday', discovery: null }, j: 5 });
    const cache = new DiscoveryCache(storage, () => 0);
    assert.equal(cache.get('k'), undefined);
    assert.equal(cache.get('j'), undefined);
  });
});

describe('model directory rows', () => {
  it('groups by route: in region, geography profiles, global, application profiles, legacy last', () => {
    const rows = pickerRows({ discovery: DISCOVERY, region: 'us-west-2' });
    assert.deepEqual(labels(rows), [
      '-- In region (us-west-2)',
      'meta.llama3-1-70b-instruct-v1:0',
      'meta.llama3-8b-instruct-v1:0',
      'meta.llama5-tiny-instruct-v1:0',
      '-- US cross-region profiles (us.)',
      'us.meta.llama4-scout-17b-instruct-v1:0',
      'us.meta.llama3-3-70b-instruct-v1:0',
      'us.meta.llama3-1-70b-instruct-v1:0',
      '-- Global cross-region profiles (global.)',
      'global.meta.llama3-3-70b-instruct-v1:0',
      '-- Application inference profiles',
      APP_ARN,
      '-- Legacy',
      'meta.llama2-13b-chat-v1',
    ]);
  });

  it('describes each row: window, price, images, streaming, latency-optimized, access', () => {
    const rows = pickerRows({ discovery: DISCOVERY, region: 'us-west-2' });
    assert.equal(find(rows, 'us.meta.llama4-scout-17b-instruct-v1:0').detail, '3.5M context · $0.17 in / $0.66 out per 1M tokens · images · answers at once');
    assert.equal(find(rows, 'us.meta.llama3-3-70b-instruct-v1:0').detail, '128K context · $0.72 in / $0.72 out per 1M tokens · streams');
    const app = find(rows, APP_ARN);
    assert.equal(app.name, 'team-chat-llama33');
    assert.equal(app.detail, '128K context · $0.72 in / $0.72 out per 1M tokens · streams · profile for Llama 3.3 70B Instruct');
    const unknown = find(rows, 'meta.llama5-tiny-instruct-v1:0');
    assert.equal(unknown.name, 'Llama 5 Tiny');
    assert.match(unknown.detail, /price unknown \(set bedrockLlama\.pricing\)/);
    const denied = find(rows, 'meta.llama3-8b-instruct-v1:0');
    assert.equal(denied.usable, false);
    assert.match(denied.detail, /^\$\(lock\) No access: model access not granted to this account; request access in the Bedrock console → Model access · 8K context/);
  });

  it('says "US list price" outside the US list regions, and offers latency-optimized where the catalog has it', () => {
    const east2 = pickerRows({ discovery: { ...DISCOVERY, region: 'us-east-2' }, region: 'us-east-2' });
    assert.match(find(east2, 'us.meta.llama3-1-70b-instruct-v1:0').detail, /latency-optimized available/);
    assert.doesNotMatch(find(east2, 'us.meta.llama3-1-70b-instruct-v1:0').detail, /US list price/);
    const eu = pickerRows({ region: 'eu-west-1' });
    assert.match(find(eu, 'eu.meta.llama3-2-3b-instruct-v1:0').detail, /\$0\.15 in \/ \$0\.15 out per 1M tokens \(US list price\)/);
  });

  it('marks the current model, and a base id\'s row when only that is configured', () => {
    const exact = pickerRows({ discovery: DISCOVERY, region: 'us-west-2', currentId: APP_ARN });
    assert.deepEqual(exact.filter((r) => r.kind === 'model' && r.current).map((r) => (r as ModelRow).modelId), [APP_ARN]);
    const base = pickerRows({ discovery: DISCOVERY, region: 'us-west-2', currentId: 'meta.llama3-3-70b-instruct-v1:0' });
    assert.deepEqual(base.filter((r) => r.kind === 'model' && r.current).map((r) => (r as ModelRow).modelId), ['us.meta.llama3-3-70b-instruct-v1:0']);
  });

  it('without discovery, lists the catalog for the region\'s geography with the quiet note first', () => {
    const rows = pickerRows({ region: 'us-west-2', fallback: { status: 'offline', message: 'x' } });
    assert.equal(rows[0].kind, 'note');
    assert.equal((rows[0] as { detail: string }).detail, 'Bedrock did not list models (Bedrock could not be reached). Refresh Model List to try again.');
    const l = labels(rows);
    assert.ok(l.indexOf('-- In region (us-west-2)') < l.indexOf('-- US cross-region profiles (us.)'));
    assert.ok(l.includes('us.meta.llama3-3-70b-instruct-v1:0'));
    assert.ok(!l.includes('meta.llama3-3-70b-instruct-v1:0'), 'a profile-only model is offered through its profile');
    assert.ok(l.includes('meta.llama3-70b-instruct-v1:0'));
    assert.deepEqual(l.slice(-3), ['-- Legacy', 'meta.llama2-70b-chat-v1', 'meta.llama2-13b-chat-v1']);
  });

  it('summarises what was found', () => {
    assert.equal(discoverySummary(DISCOVERY), 'Found 6 Llama models and 5 inference profiles in us-west-2.');
  });

  it('puts custom models and provisioned throughput in their own group before Legacy, throughput first', () => {
    const l = labels(pickerRows({ discovery: WITH_CUSTOM, region: 'us-west-2' }));
    assert.deepEqual(l.slice(l.indexOf('-- Application inference profiles')), [
      '-- Application inference profiles',
      APP_ARN,
      '-- Custom and provisioned models',
      PT_FAILED_ARN,
      PT_ARN,
      CUSTOM_ARN,
      CUSTOM_CREATING_ARN,
      '-- Legacy',
      'meta.llama2-13b-chat-v1',
    ]);
    // A list cached before these were asked (or with nothing in them) has no such group.
    assert.ok(!labels(pickerRows({ discovery: DISCOVERY, region: 'us-west-2' })).includes('-- Custom and provisioned models'));
    assert.ok(!labels(pickerRows({ discovery: { ...DISCOVERY, customModels: 'junk' as never, provisioned: null as never }, region: 'us-west-2' })).includes('-- Custom and provisioned models'));
  });

  it('describes a throughput by units, commitment and status, billed per model unit-hour; only InService is usable', () => {
    const rows = pickerRows({ discovery: WITH_CUSTOM, region: 'us-west-2' });
    const pt = find(rows, PT_ARN);
    assert.equal(pt.name, 'prod-405b');
    assert.equal(pt.usable, true);
    assert.equal(pt.detail, '128K context · billed per model unit-hour · streams · 4 model units · 6-month commitment · InService · provisioned throughput of Llama 3.1 405B Instruct');
    const failed = find(rows, PT_FAILED_ARN);
    assert.equal(failed.usable, false);
    assert.match(failed.detail, /^\$\(lock\) Not usable: provisioned throughput is Failed \(only InService throughput answers requests\) · 3\.5M context · billed per model unit-hour · images · answers at once · 1 model unit · no commitment · provisioned throughput of Llama 4 Scout 17B Instruct$/);
    // The user's own per-token figure for the ARN is shown beside the hourly billing.
    const priced = pickerRows({ discovery: WITH_CUSTOM, region: 'us-west-2', pricing: { [PT_ARN]: { input: 1.5, output: 2 } } });
    assert.match(find(priced, PT_ARN).detail, /billed per model unit-hour \(counted at \$1\.50 in \/ \$2\.00 out per 1M tokens from bedrockLlama\.pricing\)/);
  });

  it('describes a custom model by its base model, priced as that base; one not Active is not usable', () => {
    const rows = pickerRows({ discovery: WITH_CUSTOM, region: 'us-west-2' });
    const scout = find(rows, CUSTOM_ARN);
    assert.equal(scout.usable, true);
    assert.equal(scout.detail, '3.5M context · $0.17 in / $0.66 out per 1M tokens (base model price) · images · answers at once · distilled into Llama 4 Scout 17B Instruct');
    const creating = find(rows, CUSTOM_CREATING_ARN);
    assert.equal(creating.usable, false);
    assert.equal(creating.detail, '$(lock) Not usable: custom model is Creating · 128K context · $0.16 in / $0.16 out per 1M tokens (base model price) · images · streams · fine-tuned from Llama 3.2 11B Vision Instruct');
    const overridden = pickerRows({ discovery: WITH_CUSTOM, region: 'us-west-2', pricing: { [CUSTOM_ARN]: { input: 0.5, output: 0.5 } } });
    assert.match(find(overridden, CUSTOM_ARN).detail, /· \$0\.50 in \/ \$0\.50 out per 1M tokens · /, 'an override is not the base model price');
    const eu = pickerRows({ discovery: { ...WITH_CUSTOM, region: 'eu-west-1' }, region: 'eu-west-1' });
    assert.match(find(eu, CUSTOM_ARN).detail, /\(base model price\) \(US list price\)/);
  });

  it('maps throughput and custom model ARNs to their base models, for resolution and for remembering', () => {
    const underlying = underlyingLookup(WITH_CUSTOM);
    assert.equal(underlying(PT_ARN), 'meta.llama3-1-405b-instruct-v1:0:128k');
    assert.equal(underlying(` ${CUSTOM_ARN} `), 'meta.llama4-scout-17b-instruct-v1:0');
    assert.equal(underlying(APP_ARN), 'meta.llama3-3-70b-instruct-v1:0');
    assert.equal(underlyingLookup(DISCOVERY)(PT_ARN), undefined);
    const pt = resolveModel(PT_ARN, { underlying });
    assert.deepEqual([pt.kind, pt.family, pt.contextWindow, pt.info?.id], ['arn-provisioned', 'llama3', 128_000, 'meta.llama3-1-405b-instruct-v1:0']);
    assert.equal(priceFor(pt), undefined);
    const scout = resolveModel(CUSTOM_ARN, { underlying });
    assert.deepEqual([scout.kind, scout.family, scout.vision], ['arn-custom', 'llama4', true]);
    assert.deepEqual(priceFor(scout), { input: 0.17, output: 0.66 });
    assert.deepEqual(underlyingEntries(WITH_CUSTOM).map(([arn]) => arn), [APP_ARN, CUSTOM_ARN, CUSTOM_CREATING_ARN, PT_ARN, PT_FAILED_ARN]);
  });

  it('counts custom models and throughputs in the summary when there are any', () => {
    assert.equal(discoverySummary(WITH_CUSTOM), 'Found 6 Llama models, 5 inference profiles, 2 custom models and 2 provisioned throughputs in us-west-2.');
    assert.equal(discoverySummary({ ...WITH_CUSTOM, customModels: [] }), 'Found 6 Llama models, 5 inference profiles and 2 provisioned throughputs in us-west-2.');
  });

  it('reads the model id out of foundation-model and inference-profile ARNs', () => {
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-3-70b-instruct-v1:0'), 'meta.llama3-3-70b-instruct-v1:0');
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0'), 'us.meta.llama3-3-70b-instruct-v1:0');
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc'), undefined);
  });
});
