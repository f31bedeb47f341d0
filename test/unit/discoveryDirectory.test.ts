// The pure parts of model discovery: the 24-hour cache and the picker's rows grouped by route.
import { strict as assert } from 'node:assert';
import { CACHE_STATE_KEY, cacheKey, DISCOVERY_TTL_MS, DiscoveryCache, type CacheStorage } from '../../src/core/discovery/discoveryCache';
import { discoverySummary, pickerRows, type ModelRow, type PickerRow } from '../../src/core/discovery/modelDirectory';
import { underlyingFromArn } from '../../src/core/discovery/controlPlaneClient';
import type { DiscoveredModel, DiscoveredProfile, Discovery } from '../../src/core/discovery/types';

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

  it('reads the model id out of foundation-model and inference-profile ARNs', () => {
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-3-70b-instruct-v1:0'), 'meta.llama3-3-70b-instruct-v1:0');
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-3-70b-instruct-v1:0'), 'us.meta.llama3-3-70b-instruct-v1:0');
    assert.equal(underlyingFromArn('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc'), undefined);
  });
});
