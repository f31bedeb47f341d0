// Model routing (src/core/routing.ts): the rule in isolation, then through runRequest with the
// real AWS SDK client against the local Bedrock server (the routed model is what goes on the
// wire, what the outcome names and what the cache keys by).
import { strict as assert } from 'node:assert';
import type { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { runRequest, type CachedAnswer, type RequestDeps, type RequestNote, type RequestSpec } from '../../src/core/request/runRequest';
import { answeredBy } from '../../src/core/request/answeredBy';
import { chooseModel, lineCount, SMALL_TASK_MAX_LINES, type RouteRequest } from '../../src/core/routing';
import { validateSettings, type LlamaConfig } from '../../src/core/settingsSchema';
import { textResponse } from '../server/bedrockServer';
import { useLocalServer } from './awsSupport';

const BIG = 'meta.llama3-3-70b-instruct-v1:0';
const B3 = 'meta.llama3-2-3b-instruct-v1:0';
const B8 = 'meta.llama3-1-8b-instruct-v1:0';

function config(settings: Record<string, unknown> = {}): LlamaConfig {
  const result = validateSettings({ modelId: BIG, region: 'us-west-2', routing: 'auto', ...settings });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const summary = (lines: number): RouteRequest => ({ task: 'summarize', lines, images: 0 });

describe('model routing: the rule', () => {
  it('off sends every task to the selected model', () => {
    for (const task of ['summarize', 'explain', 'ask', 'chat', 'batch'] as const) {
      const route = chooseModel(config({ routing: 'off' }), { task, lines: 3, images: 0 });
      assert.deepEqual([route.modelId, route.reason], [BIG, 'selected'], task);
    }
  });

  it('auto sends a small summary and batch to Llama 3.2 3B, and Explain, Ask and chat to the selected model', () => {
    assert.deepEqual(pick(config(), summary(12)), [B3, 'smallTask']);
    assert.deepEqual(pick(config(), summary(SMALL_TASK_MAX_LINES)), [B3, 'smallTask']);
    assert.deepEqual(pick(config(), { task: 'batch', lines: 5000, images: 0 }), [B3, 'smallTask']);
    for (const task of ['explain', 'ask', 'chat'] as const) assert.deepEqual(pick(config(), { task, lines: 3, images: 0 }), [BIG, 'selected'], task);
  });

  it('keeps a summary of more than a few hundred lines, or one with images, on the selected model', () => {
    assert.deepEqual(pick(config(), summary(SMALL_TASK_MAX_LINES + 1)), [BIG, 'selected']);
    assert.deepEqual(pick(config(), { task: 'summarize', lines: 3, images: 1 }), [BIG, 'selected']);
  });

  it('takes the smallest model the region offers: 3B in Europe, 8B when 3B has no access, none in Asia Pacific', () => {
    assert.deepEqual(pick(config({ region: 'eu-west-1' }), summary(3)), [B3, 'smallTask']);
    // Discovery ran: Bedrock lists 8B but says this account has no access to 3B.
    const available = (id: string) => id === B8;
    assert.deepEqual(pick(config(), summary(3), available), [B8, 'smallTask']);
    // The catalog has neither small model in an Asia Pacific geography.
    assert.deepEqual(pick(config({ region: 'ap-south-1' }), summary(3)), [BIG, 'selected']);
    // Discovery says neither is usable: the selected model.
    assert.deepEqual(pick(config(), summary(3), () => false), [BIG, 'selected']);
  });

  it('skips a model that needs an inference profile when profiles are off', () => {
    assert.deepEqual(pick(config({ inferenceProfile: 'off' }), summary(3)), [B8, 'smallTask']);
  });

  it('never routes to a model that is not cheaper, nor away from a custom, provisioned or application-profile model', () => {
    assert.deepEqual(pick(config({ modelId: 'meta.llama3-2-1b-instruct-v1:0' }), summary(3)), ['meta.llama3-2-1b-instruct-v1:0', 'selected']);
    assert.deepEqual(pick(config({ modelId: B3 }), summary(3)), [B3, 'selected']);
    assert.deepEqual(pick(config({ modelId: `us.${B3}` }), summary(3)), [`us.${B3}`, 'selected']);
    // A price override that makes the small model dearer than the selected one.
    assert.deepEqual(pick(config({ pricing: { [B3]: { input: 5, output: 5 }, [B8]: { input: 5, output: 5 } } }), summary(3)), [BIG, 'selected']);
    const provisioned = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123';
    assert.deepEqual(pick(config({ modelId: provisioned, modelFamily: 'llama3' }), summary(3)), [provisioned, 'selected']);
    const appProfile = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/team-a';
    const underlying = (arn: string) => (arn === appProfile ? `us.${BIG}` : undefined);
    const result = validateSettings({ modelId: appProfile, region: 'us-west-2', routing: 'auto' }, { underlying });
    assert.ok(result.ok);
    assert.deepEqual(pick(result.config, summary(3)), [appProfile, 'selected']);
  });

  it('a profile id as the selected model routes too (the small model goes through the region\'s profile when sent)', () => {
    assert.deepEqual(pick(config({ modelId: `us.${BIG}` }), summary(3)), [B3, 'smallTask']);
  });

  it('taskModels names the model per task; an entry that cannot be used falls back to the selected model, saying why', () => {
    const c = config({ taskModels: { chat: `us.${B8}`, summarize: 'meta.llama3-1-70b-instruct-v1:0' } });
    assert.deepEqual(pick(c, { task: 'chat', lines: 3, images: 0 }), [`us.${B8}`, 'taskModel']);
    assert.deepEqual(pick(c, summary(3)), ['meta.llama3-1-70b-instruct-v1:0', 'taskModel'], 'the named model wins over the small-task rule');
    assert.deepEqual(pick(c, { task: 'explain', lines: 3, images: 0 }), [BIG, 'selected']);

    const unknown = chooseModel(config({ taskModels: { chat: 'arn:aws:bedrock:us-west-2:123456789012:custom-model/x' } }), { task: 'chat', lines: 1, images: 0 });
    assert.equal(unknown.reason, 'selected');
    assert.match(unknown.skipped ?? '', /^bedrockLlama\.taskModels\.chat \(arn:aws:bedrock:us-west-2:123456789012:custom-model\/x\) is not usable here: .+\. The selected model answered\.$/);

    const blind = chooseModel(config({ modelId: 'meta.llama3-2-11b-instruct-v1:0', taskModels: { chat: B8 } }), { task: 'chat', lines: 1, images: 1 });
    assert.deepEqual([blind.modelId, blind.reason], ['meta.llama3-2-11b-instruct-v1:0', 'selected']);
    assert.match(blind.skipped ?? '', /does not accept images/);
  });

  it('"Ask <selected model>" goes to the selected model whatever the rules say', () => {
    const c = config({ taskModels: { chat: B8 } });
    assert.deepEqual(pick(c, { task: 'chat', lines: 1, images: 0, selectedOnly: true }), [BIG, 'selected']);
    assert.deepEqual(pick(c, { ...summary(3), selectedOnly: true }), [BIG, 'selected']);
  });

  it('validates taskModels: known tasks, non-empty ids', () => {
    const bad = validateSettings({ taskModels: { sumarize: B3, chat: '' } });
    assert.equal(bad.ok, false);
    if (bad.ok) return;
    assert.deepEqual(bad.errors.map((e) => e.message), [
      'bedrockLlama.taskModels.sumarize is not a task: use one of summarize, explain, ask, chat, batch',
      'bedrockLlama.taskModels.chat must be a Bedrock model id, inference-profile id or ARN (got "")',
    ]);
    assert.equal(validateSettings({ routing: 'sometimes' }).ok, false);
    assert.equal(validateSettings({ taskModels: [] }).ok, false);
  });

  it('counts lines as the editor shows them', () => {
    assert.equal(lineCount(undefined), 0);
    assert.equal(lineCount(''), 0);
    assert.equal(lineCount('a'), 1);
    assert.equal(lineCount('a\nb'), 2);
    assert.equal(lineCount('a\nb\n'), 2);
    assert.equal(lineCount('a\r\nb\r\nc'), 3);
  });
});

function pick(c: LlamaConfig, request: RouteRequest, available?: (id: string) => boolean | undefined): [string, string] {
  const route = chooseModel(c, request, available);
  return [route.modelId, route.reason];
}

describe('model routing: requests against the local Bedrock server', () => {
  const local = useLocalServer();

  function deps(settings: Record<string, unknown>, extra: Partial<RequestDeps> = {}): RequestDeps {
    const c: LlamaBedrockClient = local.client({ idleTimeoutMs: 2000 });
    return {
      settings: validateSettings({ modelId: BIG, region: 'us-west-2', endpoint: local.url(), ...settings }),
      connect: () => Promise.resolve({ client: c, release: () => undefined }),
      profiles: new MapProfileMemory(),
      requestId: 'r-route',
      ...extra,
    };
  }
  const SUMMARY: RequestSpec = { prompt: { task: { kind: 'summarize' }, attachment: { text: 'const a = 1;\nconst b = 2;', languageId: 'typescript' } } };
  const COUNTS = { metrics: { inputTokenCount: 100, outputTokenCount: 20, invocationLatency: 10, firstByteLatency: 5 } };

  it('sends a small summary to Llama 3.2 3B through the region\'s profile, priced as 3B, and says so', async () => {
    local.server().enqueue(textResponse('Two constants.', COUNTS));
    const outcome = await runRequest(SUMMARY, deps({ routing: 'auto' }), { text: () => undefined }, new AbortController().signal);
    assert.equal(outcome.kind, 'ok');
    if (outcome.kind !== 'ok') return;
    assert.equal(local.server().requests[0].modelId, `us.${B3}`, '3B needs an inference profile: us. in us-west-2');
    assert.equal(outcome.configModelId, B3);
    assert.deepEqual(outcome.routed, { reason: 'smallTask', selectedModelId: BIG });
    assert.ok(Math.abs(outcome.meter.costUsd! - (100 * 0.15 + 20 * 0.15) / 1e6) < 1e-12, `3B's price: ${outcome.meter.costUsd}`);
    assert.equal(answeredBy(outcome), 'Llama 3.2 3B Instruct (routed: a small task) · 100 in · 20 out · <$0.0001');
  });

  it('off sends the same summary to the selected model', async () => {
    local.server().enqueue(textResponse('Two constants.', COUNTS));
    const outcome = await runRequest(SUMMARY, deps({ routing: 'off' }), { text: () => undefined }, new AbortController().signal);
    assert.equal(outcome.kind, 'ok');
    assert.equal(local.server().requests[0].modelId, `us.${BIG}`);
    if (outcome.kind === 'ok') assert.equal(outcome.routed, undefined);
  });

  it('the cache keys by the routed model: the answer of one model is never replayed for another', async () => {
    const stored = new Map<string, CachedAnswer>();
    const cache = { ttlMs: 60_000, store: { get: (k: string) => Promise.resolve(stored.get(k)), put: (k: string, a: CachedAnswer) => { stored.set(k, a); return Promise.resolve(); } } };
    local.server().enqueue(textResponse('From 3B.', COUNTS), textResponse('From 70B.', COUNTS));
    const routed = await runRequest(SUMMARY, deps({ routing: 'auto' }, { cache }), { text: () => undefined }, new AbortController().signal);
    const selected = await runRequest({ ...SUMMARY, selectedModel: true }, deps({ routing: 'auto' }, { cache }), { text: () => undefined }, new AbortController().signal);
    assert.deepEqual(local.server().requests.map((r) => r.modelId), [`us.${B3}`, `us.${BIG}`]);
    assert.equal(routed.kind === 'ok' && routed.text, 'From 3B.');
    assert.equal(selected.kind === 'ok' && selected.text, 'From 70B.');
    assert.equal(selected.kind === 'ok' && selected.cached, undefined);
    const again = await runRequest(SUMMARY, deps({ routing: 'auto' }, { cache }), { text: () => undefined }, new AbortController().signal);
    assert.equal(again.kind === 'ok' && again.cached && again.text, 'From 3B.');
    assert.equal(local.server().requests.length, 2, 'the repeat came from the cache');
  });

  it('a taskModels entry that cannot be used: the selected model answers and a note says why', async () => {
    local.server().enqueue(textResponse('Selected.', COUNTS));
    const notes: RequestNote[] = [];
    const outcome = await runRequest(
      { prompt: { task: { kind: 'chat', message: 'hi' } } },
      deps({ routing: 'auto', taskModels: { chat: 'arn:aws:bedrock:us-west-2:123456789012:custom-model/x' } }),
      { text: () => undefined, note: (n) => notes.push(n) },
      new AbortController().signal,
    );
    assert.equal(outcome.kind, 'ok');
    assert.equal(local.server().requests[0].modelId, `us.${BIG}`);
    assert.equal(notes.length, 1);
    assert.equal(notes[0].kind, 'routeSkipped');
  });
});
