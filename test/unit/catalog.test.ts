import { strict as assert } from 'node:assert';
import {
  CATALOG,
  DEFAULT_MODEL_ID,
  UnknownModelError,
  findModel,
  geographyForRegion,
  maxGenLenFor,
  offersLatencyOptimized,
  profileIdFor,
  resolveModel,
} from '../../src/core/catalog';

const L33 = 'meta.llama3-3-70b-instruct-v1:0';
const L31_8B = 'meta.llama3-1-8b-instruct-v1:0';

describe('catalog', () => {
  it('lists the fourteen Llama models on Bedrock, Llama 4 first', () => {
    assert.equal(CATALOG.length, 14);
    assert.equal(new Set(CATALOG.map((m) => m.id)).size, 14);
    assert.deepEqual(CATALOG.slice(0, 2).map((m) => m.family), ['llama4', 'llama4']);
    assert.ok(findModel(DEFAULT_MODEL_ID));
  });

  it('records Llama 4 as the AWS model cards give it: no streaming, images, 8K output, through a US profile', () => {
    const maverick = findModel('meta.llama4-maverick-17b-instruct-v1:0')!;
    const scout = findModel('meta.llama4-scout-17b-instruct-v1:0')!;
    for (const m of [maverick, scout]) {
      assert.deepEqual([m.streaming, m.vision, m.maxGenLen, m.needsProfile, m.geographies], [false, true, 8192, true, ['us']]);
    }
    assert.deepEqual([maverick.contextWindow, scout.contextWindow], [1_000_000, 3_500_000]);
    assert.ok(CATALOG.filter((m) => m.family !== 'llama4').every((m) => m.streaming && m.maxGenLen === 2048));
  });

  it('offers latency-optimized inference only for 3.1 70B and 405B in us-east-2', () => {
    const offered = CATALOG.filter((m) => m.latencyOptimizedRegions.length > 0).map((m) => m.id);
    assert.deepEqual(offered, ['meta.llama3-1-405b-instruct-v1:0', 'meta.llama3-1-70b-instruct-v1:0']);
    assert.equal(offersLatencyOptimized(resolveModel('us.meta.llama3-1-70b-instruct-v1:0'), 'us-east-2'), true);
    assert.equal(offersLatencyOptimized(resolveModel('us.meta.llama3-1-70b-instruct-v1:0'), 'us-west-2'), false);
    assert.equal(offersLatencyOptimized(resolveModel(L33), 'us-east-2'), false);
  });

  it('caps max_gen_len by the model: 2048 for Llama 3, 8192 for Llama 4', () => {
    assert.equal(maxGenLenFor(resolveModel(L33), 8192), 2048);
    assert.equal(maxGenLenFor(resolveModel('us.meta.llama4-scout-17b-instruct-v1:0'), 8192), 8192);
    assert.equal(maxGenLenFor(resolveModel('arn:aws:bedrock:us-west-2:123456789012:provisioned-model/x', { family: 'llama3' }), 8192), 2048, 'unknown models: the native body\'s 2048');
    assert.equal(maxGenLenFor(resolveModel('us.meta.llama4-scout-17b-instruct-v1:0'), 100), 100);
  });

  it('carries family, context window, vision, price, profile needs and legacy flags', () => {
    const l33 = findModel(L33)!;
    assert.deepEqual(
      { label: l33.label, family: l33.family, ctx: l33.contextWindow, vision: l33.vision, price: l33.price, needs: l33.needsProfile },
      { label: 'Llama 3.3 70B Instruct', family: 'llama3', ctx: 128000, vision: false, price: { input: 0.72, output: 0.72 }, needs: true },
    );
    assert.equal(findModel('meta.llama3-2-11b-instruct-v1:0')!.vision, true);
    assert.equal(findModel('meta.llama3-2-90b-instruct-v1:0')!.vision, true);
    assert.deepEqual(findModel('meta.llama3-2-1b-instruct-v1:0')!.geographies, ['us', 'eu']);
    assert.deepEqual(findModel('meta.llama3-2-3b-instruct-v1:0')!.geographies, ['us', 'eu']);
    assert.equal(findModel('meta.llama3-8b-instruct-v1:0')!.contextWindow, 8192);
    assert.deepEqual(findModel('meta.llama3-70b-instruct-v1:0')!.price, { input: 2.65, output: 3.5 });
    const l2 = findModel('meta.llama2-13b-chat-v1')!;
    assert.deepEqual([l2.family, l2.contextWindow, l2.legacy], ['llama2', 4096, true]);
    assert.ok(CATALOG.filter((m) => m.id.startsWith('meta.llama3-2') || m.id === L33).every((m) => m.needsProfile));
    assert.ok(CATALOG.filter((m) => m.id.startsWith('meta.llama3-1')).every((m) => !m.needsProfile));
  });
});

describe('resolveModel', () => {
  it('resolves a base id', () => {
    const r = resolveModel(` ${L33} `);
    assert.equal(r.kind, 'base');
    assert.equal(r.requestedId, L33);
    assert.equal(r.invokeId, L33);
    assert.equal(r.info?.id, L33);
    assert.deepEqual([r.family, r.contextWindow, r.vision, r.geography], ['llama3', 128000, false, undefined]);
  });

  it('resolves Llama 2 to its own template', () => {
    const r = resolveModel('meta.llama2-70b-chat-v1');
    assert.deepEqual([r.kind, r.family, r.contextWindow], ['base', 'llama2', 4096]);
  });

  for (const geo of ['us', 'eu', 'apac', 'global'] as const) {
    it(`resolves a ${geo}. inference-profile id`, () => {
      const id = `${geo}.meta.llama3-2-11b-instruct-v1:0`;
      const r = resolveModel(id);
      assert.deepEqual(
        [r.kind, r.invokeId, r.geography, r.baseId, r.info?.id, r.vision],
        ['profile', id, geo, 'meta.llama3-2-11b-instruct-v1:0', 'meta.llama3-2-11b-instruct-v1:0', true],
      );
    });
  }

  it('resolves a foundation-model ARN', () => {
    const arn = `arn:aws:bedrock:us-east-1::foundation-model/${L31_8B}`;
    const r = resolveModel(arn);
    assert.deepEqual([r.kind, r.invokeId, r.region, r.info?.id, r.family, r.contextWindow], ['arn-foundation', arn, 'us-east-1', L31_8B, 'llama3', 128000]);
  });

  it('resolves an inference-profile ARN', () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${L33}`;
    const r = resolveModel(arn);
    assert.deepEqual([r.kind, r.invokeId, r.region, r.geography, r.info?.id], ['arn-profile', arn, 'us-east-1', 'us', L33]);
  });

  it('resolves an application-inference-profile ARN with the family setting', () => {
    const arn = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123';
    const r = resolveModel(arn, { family: 'llama3' });
    assert.deepEqual([r.kind, r.invokeId, r.region, r.info, r.family, r.contextWindow, r.vision], ['arn-application-profile', arn, 'eu-west-1', undefined, 'llama3', 8192, false]);
  });

  it('resolves a provisioned-model ARN with the family setting', () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123';
    const r = resolveModel(arn, { family: 'llama2' });
    assert.deepEqual([r.kind, r.invokeId, r.family, r.contextWindow], ['arn-provisioned', arn, 'llama2', 4096]);
  });

  it('resolves a custom-model ARN from the base model in it', () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:custom-model/${L31_8B}:128k/abc123`;
    const r = resolveModel(arn);
    assert.deepEqual([r.kind, r.invokeId, r.baseId, r.info?.id, r.family, r.contextWindow], ['arn-custom', arn, `${L31_8B}:128k`, L31_8B, 'llama3', 128000]);
  });

  it('takes the family setting for a custom-model ARN that shows no base model', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/abc123';
    assert.equal(resolveModel(arn, { family: 'llama2' }).family, 'llama2');
    assert.throws(() => resolveModel(arn), UnknownModelError);
  });

  it('treats an imported-model ARN as a custom model of the configured family', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123';
    assert.deepEqual([resolveModel(arn, { family: 'llama3' }).kind], ['arn-custom']);
  });

  it('ignores the family setting when the id shows the family', () => {
    assert.equal(resolveModel(L33, { family: 'llama2' }).family, 'llama3');
    assert.equal(resolveModel(`arn:aws:bedrock:us-east-1::foundation-model/meta.llama2-13b-chat-v1`, { family: 'llama3' }).family, 'llama2');
  });

  it('resolves unknown meta.llama3-/llama2- ids by prefix with conservative defaults', () => {
    const r = resolveModel('us.meta.llama3-9-70b-instruct-v1:0');
    assert.deepEqual([r.kind, r.family, r.contextWindow, r.vision, r.info, r.geography, r.baseId], ['unknown-id', 'llama3', 8192, false, undefined, 'us', 'meta.llama3-9-70b-instruct-v1:0']);
    assert.deepEqual([resolveModel('meta.llama2-7b-chat-v1').family, resolveModel('meta.llama2-7b-chat-v1').contextWindow], ['llama2', 4096]);
  });

  it('resolves any other id only with the family setting', () => {
    const r = resolveModel('my-gateway-model', { family: 'llama3' });
    assert.deepEqual([r.kind, r.family, r.invokeId], ['unknown-id', 'llama3', 'my-gateway-model']);
  });

  it('says to set bedrockLlama.modelFamily when the family cannot be told', () => {
    for (const id of ['my-gateway-model', 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123', 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123']) {
      assert.throws(() => resolveModel(id), (e: unknown) => e instanceof UnknownModelError && /bedrockLlama\.modelFamily/.test(e.message) && /Select Model/.test(e.message));
    }
  });

  it('resolves Llama 4 in every id form to its own template, whatever the family setting', () => {
    for (const id of ['meta.llama4-scout-17b-instruct-v1:0', 'us.meta.llama4-maverick-17b-instruct-v1:0', 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-scout-17b-instruct-v1:0']) {
      const m = resolveModel(id, { family: 'llama3' });
      assert.equal(m.family, 'llama4', id);
      assert.equal(m.vision, true, id);
    }
  });

  it('resolves an application inference profile ARN through its underlying model, for template, window and price', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123';
    const m = resolveModel(arn, { underlying: (a) => (a === arn ? 'us.meta.llama3-3-70b-instruct-v1:0' : undefined) });
    assert.deepEqual([m.kind, m.invokeId, m.baseId, m.family, m.contextWindow, m.info?.id], ['arn-application-profile', arn, L33, 'llama3', 128000, L33]);
    // Without discovery it still needs the family setting.
    assert.throws(() => resolveModel(arn, { underlying: () => undefined }), UnknownModelError);
  });

  it('refuses empty ids and ARNs that are not models', () => {
    assert.throws(() => resolveModel('  '), UnknownModelError);
    assert.throws(() => resolveModel('arn:aws:bedrock:us-east-1:123456789012:guardrail/abc', { family: 'llama3' }), UnknownModelError);
    assert.throws(() => resolveModel('arn:aws:s3:::bucket/key', { family: 'llama3' }), UnknownModelError);
  });

  it('parses GovCloud partition ARNs', () => {
    const r = resolveModel(`arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/${L31_8B}`);
    assert.deepEqual([r.kind, r.region], ['arn-foundation', 'us-gov-west-1']);
  });
});

describe('profiles and regions', () => {
  it('builds profile ids from base or profile ids', () => {
    assert.equal(profileIdFor(L33, 'us'), `us.${L33}`);
    assert.equal(profileIdFor(`us.${L33}`, 'eu'), `eu.${L33}`);
  });

  it('maps regions to profile geographies', () => {
    assert.equal(geographyForRegion('us-east-1'), 'us');
    assert.equal(geographyForRegion('us-west-2'), 'us');
    assert.equal(geographyForRegion('eu-central-1'), 'eu');
    assert.equal(geographyForRegion('ap-northeast-1'), 'apac');
    assert.equal(geographyForRegion('us-gov-west-1'), undefined);
    assert.equal(geographyForRegion('ca-central-1'), undefined);
    assert.equal(geographyForRegion('sa-east-1'), undefined);
    assert.equal(geographyForRegion(''), undefined);
  });
});
