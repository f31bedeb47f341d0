// Llama 4 and the request options in the core request flow, with the real AWS SDK client
// against the local Bedrock server (which refuses streaming for Llama 4, checks guardrails
// and service tiers, and records the header-borne options of each request).
import { strict as assert } from 'node:assert';
import type { LlamaBedrockClient } from '../../src/core/bedrock/client';
import type { ResolvedModel } from '../../src/core/catalog';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { StopRequest, type RequestOutcome } from '../../src/core/request/outcome';
import { PROMPT_SEPARATOR, renderPromptRecord, type PromptRecord } from '../../src/core/request/promptRecord';
import { runRequest, type RequestDeps, type RequestEvents, type RequestNote, type RequestSpec } from '../../src/core/request/runRequest';
import { validateSettings } from '../../src/core/settingsSchema';
import { BedrockTestServer, textResponse } from '../server/bedrockServer';
import { localClients } from './awsSupport';

const SCOUT = 'us.meta.llama4-scout-17b-instruct-v1:0';
const L31_70B = 'us.meta.llama3-1-70b-instruct-v1:0';
const L33 = 'us.meta.llama3-3-70b-instruct-v1:0';
const SPEC: RequestSpec = { prompt: { task: { kind: 'explain' }, attachment: { text: 'const x = 1;', languageId: 'javascript' } } };

describe('Llama 4 and request options (core) against the local Bedrock server', () => {
  let server: BedrockTestServer;
  let url: string;
  const { client, disposeAll } = localClients(() => url);

  before(async () => {
    // Besides Llama 4, a made-up model that refuses streaming although the catalog cannot know it.
    server = new BedrockTestServer({ streamingRefused: (id) => /llama4|nostream/.test(id) });
    ({ url } = await server.start());
  });
  afterEach(() => {
    disposeAll();
    server.reset();
  });
  after(() => server.stop());

  interface Harness {
    deps: RequestDeps;
    records: PromptRecord[];
    refusedStreaming: ResolvedModel[];
  }

  function harness(settings: Record<string, unknown>, known?: boolean): Harness {
    const c: LlamaBedrockClient = client({ idleTimeoutMs: 2000 });
    const records: PromptRecord[] = [];
    const refusedStreaming: ResolvedModel[] = [];
    const deps: RequestDeps = {
      settings: validateSettings({ region: 'us-west-2', endpoint: url, ...settings }),
      connect: () => Promise.resolve({ client: c, release: () => undefined }),
      profiles: new MapProfileMemory(),
      requestId: 'r-test',
      streaming: { supported: () => known, refused: (m) => { refusedStreaming.push(m); } },
      recordPrompt: (r) => records.push({ ...r, options: { ...r.options } }),
    };
    return { deps, records, refusedStreaming };
  }

  async function run(h: Harness, signal = new AbortController().signal): Promise<{ outcome: RequestOutcome; texts: string[]; whole: string[]; notes: RequestNote[] }> {
    const texts: string[] = [];
    const whole: string[] = [];
    const notes: RequestNote[] = [];
    const events: RequestEvents = { text: (t) => texts.push(t), wholeAnswer: (id) => whole.push(id), note: (n) => notes.push(n) };
    const outcome = await runRequest(SPEC, h.deps, events, signal);
    return { outcome, texts, whole, notes };
  }

  it('asks Llama 4 through InvokeModel with its own template, and hands the answer over in one piece', async () => {
    server.enqueue(textResponse('It declares x.', { promptTokenCount: 61, metrics: { inputTokenCount: 61, outputTokenCount: 4 } }));
    const h = harness({ modelId: SCOUT, maxGenLen: 2048 });
    const { outcome, texts, whole } = await run(h);
    const [req] = server.requests;
    assert.equal(req.operation, 'invoke', 'never the streaming operation');
    assert.equal(req.modelId, SCOUT);
    const body = req.body as { prompt: string; max_gen_len: number };
    assert.match(body.prompt, /^<\|begin_of_text\|><\|header_start\|>system<\|header_end\|>\n\n/);
    assert.ok(body.prompt.endsWith('<|header_start|>assistant<|header_end|>\n\n'));
    assert.ok(!body.prompt.includes('<|start_header_id|>'), 'no Llama 3 markers');
    assert.equal(body.max_gen_len, 2048);
    assert.deepEqual(texts, ['It declares x.'], 'one piece');
    assert.deepEqual(whole, [SCOUT], 'the wait is announced before it starts');
    assert.equal(outcome.kind, 'ok');
    if (outcome.kind === 'ok') {
      assert.deepEqual(outcome.meter.usage, { inputTokens: 61, outputTokens: 4 });
      assert.equal(outcome.meter.estimated, false);
      // Scout: $0.17 in, $0.66 out per 1M tokens.
      assert.ok(Math.abs(outcome.meter.costUsd! - (61 * 0.17 + 4 * 0.66) / 1e6) < 1e-12);
    }
    assert.equal(h.records.at(-1)?.operation, 'InvokeModel');
  });

  it('continues a Llama 4 answer cut at the length limit from where it stopped', async () => {
    server.enqueue(textResponse('First half', { stopReason: 'length' }));
    const h = harness({ modelId: SCOUT });
    const first = await run(h);
    assert.equal(first.outcome.kind === 'ok' && first.outcome.stopReason, 'length');
    server.enqueue(textResponse(' and the rest.'));
    const outcome = await runRequest({ prompt: { ...SPEC.prompt, continueFrom: 'First half' } }, h.deps, { text: () => undefined }, new AbortController().signal);
    assert.equal(outcome.kind, 'ok');
    const prompt = (server.requests[1].body as { prompt: string }).prompt;
    assert.ok(prompt.endsWith('<|header_start|>assistant<|header_end|>\n\nFirst half'), 'the partial answer follows the open assistant header');
  });

  it('meters nothing for a Llama 4 request stopped before it went out', async () => {
    const h = harness({ modelId: SCOUT });
    const controller = new AbortController();
    controller.abort(new StopRequest('user'));
    const { outcome } = await run(h, controller.signal);
    assert.equal(outcome.kind, 'stopped');
    if (outcome.kind === 'stopped') assert.equal(outcome.meter, undefined);
    assert.equal(server.requests.length, 0);
  });

  it('stops a Llama 4 wait at once, closing the HTTP request, and meters the prompt as an estimate', async () => {
    server.enqueue(textResponse('never sent', { headersDelayMs: 5000 }));
    const h = harness({ modelId: SCOUT });
    const controller = new AbortController();
    const pending = run(h, controller.signal);
    const req = await server.nthRequest(0);
    controller.abort(new StopRequest('user'));
    const { outcome } = await pending;
    assert.equal(outcome.kind, 'stopped');
    await server.ended(req);
    assert.equal(req.outcome, 'clientDisconnected');
    if (outcome.kind === 'stopped') {
      assert.equal(outcome.meter?.estimated, true);
      assert.ok(outcome.meter!.usage.inputTokens > 0);
      assert.equal(outcome.meter!.usage.outputTokens, 0);
    }
  });

  it('asks again through InvokeModel, once, when Bedrock refuses to stream a model, and remembers it', async () => {
    // An id the catalog does not know: it is tried streaming first.
    const unknown = 'meta.llama3-nostream-70b-instruct-v1:0';
    server.enqueue(textResponse('Whole.'));
    const h = harness({ modelId: unknown });
    const { outcome, whole } = await run(h);
    assert.deepEqual(server.requests.map((r) => r.operation), ['invoke-with-response-stream', 'invoke']);
    assert.equal(outcome.kind, 'ok');
    assert.deepEqual(whole, [unknown]);
    assert.deepEqual(h.refusedStreaming.map((m) => m.invokeId), [unknown]);
  });

  it('takes discovery\'s word over the catalog on streaming', async () => {
    server.enqueue(textResponse('Streamed.', { chunks: 2 }));
    const h = harness({ modelId: L33 }, false);
    const { texts } = await run(h);
    assert.equal(server.requests[0].operation, 'invoke');
    assert.deepEqual(texts, ['Streamed.']);
  });

  it('sends latency-optimized only where it is offered, through the region\'s profile, and prices what Bedrock says it served', async () => {
    server.enqueue(textResponse('Fast.', { metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    // The base id, as the picker writes it for an in-region model: sent through `us.`.
    const a = await run(harness({ modelId: 'meta.llama3-1-70b-instruct-v1:0', region: 'us-east-2', latency: 'optimized' }));
    assert.equal(server.requests[0].modelId, L31_70B);
    assert.equal(server.requests[0].options.latency, 'optimized');
    assert.deepEqual(a.notes, []);
    assert.equal(a.outcome.kind, 'ok');
    if (a.outcome.kind === 'ok') assert.ok(Math.abs(a.outcome.meter.costUsd! - (1000 * 0.9 + 1000 * 0.9) / 1e6) < 1e-12, 'latency-optimized price');

    server.enqueue(textResponse('Standard.', { servedLatency: 'standard', metrics: { inputTokenCount: 1000, outputTokenCount: 1000 } }));
    const overQuota = await run(harness({ modelId: L31_70B, region: 'us-east-2', latency: 'optimized' }));
    assert.equal(overQuota.outcome.kind, 'ok');
    if (overQuota.outcome.kind === 'ok') assert.ok(Math.abs(overQuota.outcome.meter.costUsd! - (1000 * 0.72 + 1000 * 0.72) / 1e6) < 1e-12, 'served as standard: standard price');

    server.enqueue(textResponse('Standard.'));
    const elsewhere = await run(harness({ modelId: L33, latency: 'optimized' }));
    assert.equal(server.requests[2].options.latency, undefined, 'not sent where not offered');
    assert.deepEqual(elsewhere.notes.map((n) => n.kind), ['latencyStandard']);
  });

  it('sends the guardrail on every request, and shows an intervention as a block, not an answer', async () => {
    server.enqueue(textResponse('ignored', { guardrail: { action: 'INTERVENED', message: 'Sorry, that topic is blocked.', trace: { inputAssessment: {} } } }));
    const h = harness({ modelId: L33, guardrailId: 'gr-test123', guardrailVersion: '1' });
    const { outcome, texts } = await run(h);
    const [req] = server.requests;
    assert.deepEqual(req.options, { guardrailId: 'gr-test123', guardrailVersion: '1', trace: 'ENABLED' });
    assert.deepEqual(texts, [], 'the guardrail message never streams as answer text');
    assert.equal(outcome.kind, 'blocked');
    if (outcome.kind === 'blocked') {
      assert.equal(outcome.message, 'Sorry, that topic is blocked.');
      assert.match(outcome.guardrail, /gr-test123 \(version 1\)/);
      assert.equal(outcome.meter.estimated, false, 'Bedrock counts the blocked request');
    }

    server.enqueue(textResponse('ignored', { guardrail: { action: 'INTERVENED' } }));
    const whole = await run(harness({ modelId: SCOUT, guardrailId: 'gr-test123' }));
    assert.equal(whole.outcome.kind, 'blocked', 'also through InvokeModel');
  });

  it('treats text that streamed before a late INTERVENED as the guardrail\'s message, not an answer', async () => {
    server.enqueue(textResponse('Sorry, that is blocked.', { chunks: 3, guardrail: { action: 'INTERVENED', message: 'Sorry, that is blocked.', actionOnLastChunkOnly: true } }));
    const { outcome, texts } = await run(harness({ modelId: L33, guardrailId: 'gr-test123' }));
    assert.ok(texts.length > 0, 'the text went out before the action was known');
    assert.equal(outcome.kind, 'blocked');
    if (outcome.kind === 'blocked') {
      assert.equal(outcome.message, 'Sorry, that is blocked.');
      assert.equal(outcome.text, 'Sorry, that is blocked.', 'the surfaces take out what streamed');
    }
  });

  it('logs the guardrail trace with secrets redacted', async () => {
    const lines: string[] = [];
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    server.enqueue(textResponse('x', { guardrail: { action: 'INTERVENED', trace: { sensitiveInformationPolicy: { match: secret } } } }));
    const h = harness({ modelId: L33, guardrailId: 'gr-test123' });
    h.deps.log = { info: (l) => lines.push(l), warn: (l) => lines.push(l) };
    await run(h);
    const traced = lines.find((l) => l.includes('guardrail action=INTERVENED'));
    assert.ok(traced?.includes('trace='), JSON.stringify(lines));
    assert.ok(!lines.join('\n').includes(secret), 'the matched key is not in the log');
  });

  it('names the guardrail settings when Bedrock does not know the guardrail', async () => {
    const { outcome } = await run(harness({ modelId: L33, guardrailId: 'gr-nope' }));
    assert.equal(outcome.kind, 'failed');
    if (outcome.kind === 'failed') {
      assert.equal(outcome.failure.kind, 'guardrailInvalid');
      assert.match(outcome.failure.message, /bedrockLlama\.guardrailId/);
    }
  });

  it('falls back to the default tier once, visibly, when the model refuses the tier', async () => {
    server.enqueue(textResponse('Default tier.'));
    const h = harness({ modelId: 'meta.llama3-1-8b-instruct-v1:0', serviceTier: 'priority' });
    const { outcome, notes } = await run(h);
    assert.deepEqual(server.requests.map((r) => r.options.serviceTier), ['priority', undefined]);
    assert.equal(outcome.kind, 'ok');
    assert.deepEqual(notes, [{ kind: 'tierFallback', modelId: 'meta.llama3-1-8b-instruct-v1:0', refused: 'priority' }]);
    assert.equal(h.records.at(-1)?.options.serviceTier, undefined, 'Show Last Prompt shows the tier that was used');

    server.enqueue(textResponse('Flex.'));
    await run(harness({ modelId: L33, serviceTier: 'flex' }));
    assert.equal(server.requests[2].options.serviceTier, 'flex', 'a tier the model takes is sent');

    // A refusal remembered: the next request goes with the default tier at once, one round trip.
    const refusals = new Set<string>();
    const tiers = { refused: (m: string, t: string) => refusals.has(`${m}|${t}`), remember: (m: string, t: string) => { refusals.add(`${m}|${t}`); } };
    const remembering = harness({ modelId: 'meta.llama3-1-8b-instruct-v1:0', serviceTier: 'priority' });
    remembering.deps.tiers = tiers;
    server.enqueue(textResponse('One.'), textResponse('Two.'));
    await run(remembering);
    await run(remembering);
    assert.deepEqual(server.requests.slice(3).map((r) => r.options.serviceTier), ['priority', undefined, undefined]);
  });

  it('records the exact prompt, parameters, route and both token counts for Show Last Prompt', async () => {
    server.enqueue(textResponse('Done.', { metrics: { inputTokenCount: 77, outputTokenCount: 2 } }));
    const h = harness({ modelId: L33, temperature: 0.2, topP: 0.8, maxGenLen: 300 });
    await run(h);
    const record = h.records.at(-1)!;
    const sent = server.requests[0].body as { prompt: string; temperature: number; top_p: number; max_gen_len: number };
    assert.equal(record.prompt, sent.prompt);
    assert.deepEqual(record.parameters, { temperature: 0.2, top_p: 0.8, max_gen_len: 300 });
    assert.deepEqual([record.modelIdSent, record.region, record.operation], [L33, 'us-west-2', 'InvokeModelWithResponseStream']);
    assert.ok(record.estimatedPromptTokens > 0);
    assert.deepEqual(record.bedrock, { inputTokens: 77, outputTokens: 2 });
    const text = renderPromptRecord(record);
    assert.equal(text.slice(text.indexOf(PROMPT_SEPARATOR) + PROMPT_SEPARATOR.length + 1), sent.prompt, 'byte for byte after the separator');
    assert.match(text, /77 counted by Bedrock/);
  });
});
