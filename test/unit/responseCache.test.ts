// The response cache: its key (exact), the file store (TTL, least-recently-used eviction,
// corrupt files, writers in other processes, clear), and the core request flow with the
// real AWS SDK client against the local Bedrock server (a hit sends nothing and costs $0;
// Ask again sends; only complete answers are kept).
import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { responseCacheKey, type CacheKeyInput } from '../../src/core/cache/cacheKey';
import { addTurn, appendAnswer, canAskAgain, createConversation, finishRound, promptFor, startAskAgain, startContinue } from '../../src/core/chat/conversation';
import { isTurn } from '../../src/core/chat/validate';
import { FileResponseStore } from '../../src/core/cache/responseStore';
import { MapProfileMemory } from '../../src/core/profileFallback';
import { StopRequest, type RequestOutcome } from '../../src/core/request/outcome';
import { runRequest, type CachedAnswer, type RequestDeps, type RequestSpec } from '../../src/core/request/runRequest';
import { validateSettings } from '../../src/core/settingsSchema';
import { BedrockTestServer, httpError, textResponse } from '../server/bedrockServer';
import { localClients } from './awsSupport';
import { isWhole, testAnswer, testKey, type WorkerReport } from './responseCacheWorker';

const L33 = 'us.meta.llama3-3-70b-instruct-v1:0';
const MINUTE = 60_000;

function answer(text: string, savedAt = Date.now()): CachedAnswer {
  return { text, stopReason: 'stop', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.001, modelId: L33, savedAt };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'llama-cache-'));
}

describe('response cache key', () => {
  const base: CacheKeyInput = {
    modelId: L33,
    body: { prompt: '<|begin_of_text|>Explain x', temperature: 0.5, top_p: 0.9, max_gen_len: 512, images: ['aGVsbG8='] },
    guardrail: { id: 'gr-1', version: 'DRAFT', trace: 'ENABLED' },
  };
  const key = responseCacheKey(base);

  it('is a SHA-256 hex string, the same for the same request (a fresh copy of it)', () => {
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(responseCacheKey(JSON.parse(JSON.stringify(base)) as CacheKeyInput), key);
    // Property order is not part of the request.
    const { top_p, temperature, ...rest } = base.body;
    assert.equal(responseCacheKey({ ...base, body: { top_p, ...rest, temperature } }), key);
  });

  const changes: Array<[string, CacheKeyInput]> = [
    ['the model id (a profile is another id)', { ...base, modelId: 'meta.llama3-3-70b-instruct-v1:0' }],
    ['the prompt, by one character', { ...base, body: { ...base.body, prompt: '<|begin_of_text|>Explain y' } }],
    ['temperature', { ...base, body: { ...base.body, temperature: 0.51 } }],
    ['top_p', { ...base, body: { ...base.body, top_p: 0.8 } }],
    ['max_gen_len', { ...base, body: { ...base.body, max_gen_len: 511 } }],
    ['an image\'s bytes', { ...base, body: { ...base.body, images: ['aGVsbG9='] } }],
    ['no image', { ...base, body: { ...base.body, images: undefined } }],
    ['another image added', { ...base, body: { ...base.body, images: ['aGVsbG8=', 'aGVsbG8='] } }],
    ['the guardrail id', { ...base, guardrail: { ...base.guardrail!, id: 'gr-2' } }],
    ['the guardrail version', { ...base, guardrail: { ...base.guardrail!, version: '1' } }],
    ['no guardrail', { ...base, guardrail: undefined }],
  ];
  for (const [what, input] of changes) {
    it(`changes with ${what}`, () => assert.notEqual(responseCacheKey(input), key));
  }

  it('does not change with what is not sent in the body: the guardrail trace setting, an empty images list', () => {
    assert.equal(responseCacheKey({ ...base, guardrail: { ...base.guardrail!, trace: 'DISABLED' } }), key);
    const noImages = { ...base, body: { ...base.body, images: undefined } };
    assert.equal(responseCacheKey({ ...base, body: { ...base.body, images: [] } }), responseCacheKey(noImages));
  });
});

describe('response cache file store', () => {
  let dir: string;
  beforeEach(async () => { dir = await tempDir(); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns what was put, kept across store instances (a reload, another window)', async () => {
    const key = testKey('one');
    await new FileResponseStore(dir).put(key, answer('It adds.'));
    const got = await new FileResponseStore(dir).get(key, MINUTE);
    assert.deepEqual(got, answer('It adds.', got?.savedAt));
    assert.equal(await new FileResponseStore(dir).get(testKey('other'), MINUTE), undefined);
  });

  it('keeps its files private to the user, and removes entries unused for longer than any time-to-live', async () => {
    const store = new FileResponseStore(dir);
    const key = testKey('private');
    await store.put(key, answer('secret-looking code'));
    await store.idle();
    const { statSync, utimesSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const file = join(dir, readdirSync(dir).find((n) => n.startsWith(key))!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // Unused for 31 days: the next write's eviction pass removes it, whatever the size bound.
    const old = (Date.now() - 31 * 24 * 3600_000) / 1000;
    utimesSync(file, old, old);
    await store.put(testKey('fresh'), answer('new'));
    await store.idle();
    assert.equal(await store.get(key, Number.MAX_SAFE_INTEGER), undefined);
    assert.ok(await store.get(testKey('fresh'), MINUTE));
  });

  it('keeps an answer without a price or stop reason as such', async () => {
    const key = testKey('unpriced');
    const store = new FileResponseStore(dir);
    await store.put(key, { ...answer('x'), costUsd: undefined, stopReason: undefined });
    const got = await store.get(key, MINUTE);
    assert.equal(got?.costUsd, undefined);
    assert.equal(got?.stopReason, undefined);
    assert.equal(got?.text, 'x');
  });

  it('misses an entry older than the TTL it is asked with (and still has it for a longer one)', async () => {
    const store = new FileResponseStore(dir);
    const key = testKey('old');
    await store.put(key, answer('old', Date.now() - 10 * MINUTE));
    assert.equal(await store.get(key, 5 * MINUTE), undefined);
    assert.equal((await store.get(key, 20 * MINUTE))?.text, 'old');
  });

  it('evicts the least recently used entries first once over its size bound; a hit counts as a use', async () => {
    const keys = ['a', 'b', 'c', 'd'].map(testKey);
    const text = 'x'.repeat(1000);
    const probe = new FileResponseStore(dir);
    await probe.put(keys[0], answer(text));
    const size = (await stat(join(dir, `${keys[0]}.json`))).size;
    const store = new FileResponseStore(dir, Math.floor(size * 3.5));
    await store.put(keys[1], answer(text));
    await store.put(keys[2], answer(text));
    await store.idle();
    // a, b, c written in that order (mtimes set apart: file systems keep coarse times).
    const now = Date.now() / 1000;
    for (const [i, k] of keys.slice(0, 3).entries()) await utimes(join(dir, `${k}.json`), now - 100 + i * 10, now - 100 + i * 10);
    assert.ok(await store.get(keys[0], MINUTE), 'a is used: now the most recent of the three');
    await store.put(keys[3], answer(text));
    await store.idle();
    const left = (await readdir(dir)).sort();
    assert.deepEqual(left, [keys[0], keys[2], keys[3]].map((k) => `${k}.json`).sort(), 'b, the least recently used, went');
    assert.equal(await store.get(keys[1], MINUTE), undefined);
  });

  it('treats a corrupt or foreign file as a miss and removes it', async () => {
    const store = new FileResponseStore(dir);
    const cases: Array<[string, string]> = [
      ['torn', '{"v":1,"text":"It ad'],
      ['foreign', JSON.stringify({ hello: 'world' })],
      ['wrong types', JSON.stringify({ v: 1, text: 'x', usage: { inputTokens: -1, outputTokens: 1 }, modelId: L33, savedAt: Date.now() })],
      ['extra field', JSON.stringify({ v: 1, text: 'x', usage: { inputTokens: 1, outputTokens: 1 }, modelId: L33, savedAt: Date.now(), evil: true })],
      ['another version', JSON.stringify({ v: 2, text: 'x', usage: { inputTokens: 1, outputTokens: 1 }, modelId: L33, savedAt: Date.now() })],
      ['empty', ''],
    ];
    for (const [name, content] of cases) {
      const key = testKey(name);
      await writeFile(join(dir, `${key}.json`), content);
      assert.equal(await store.get(key, MINUTE), undefined, name);
      await assert.rejects(stat(join(dir, `${key}.json`)), { code: 'ENOENT' }, `${name} was removed`);
    }
  });

  it('never reads or writes outside its directory: a key that is not a hash is a miss, and put refuses it', async () => {
    const store = new FileResponseStore(dir);
    assert.equal(await store.get('../../etc/passwd', MINUTE), undefined);
    await assert.rejects(store.put('../escape', answer('x')), /not a response cache key/);
  });

  it('a missing directory is a miss, and the first put creates it', async () => {
    const store = new FileResponseStore(join(dir, 'deep', 'cache'));
    assert.equal(await store.get(testKey('x'), MINUTE), undefined);
    assert.deepEqual(await store.clear(), { entries: 0, bytes: 0 });
    await store.put(testKey('x'), answer('x'));
    assert.equal((await store.get(testKey('x'), MINUTE))?.text, 'x');
  });

  it('clear() removes every entry and says how many answers and bytes went', async () => {
    const store = new FileResponseStore(dir);
    for (const n of ['1', '2', '3']) await store.put(testKey(n), answer(`answer ${n}`));
    await store.idle();
    const bytes = (await Promise.all((await readdir(dir)).map(async (f) => (await stat(join(dir, f))).size))).reduce((a, b) => a + b, 0);
    assert.deepEqual(await store.clear(), { entries: 3, bytes });
    assert.deepEqual(await readdir(dir), []);
    assert.equal(await store.get(testKey('1'), MINUTE), undefined);
  });

  describe('two processes writing at once', function () {
    this.timeout(60_000);

    function runWorker(writer: string, rounds: number, maxBytes: number): Promise<WorkerReport> {
      return new Promise((resolve, reject) => {
        const child = fork(join(__dirname, 'responseCacheWorker.ts'), [dir, writer, String(rounds), String(maxBytes)], {
          execArgv: ['--require', require.resolve('tsx/cjs')],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        let report: WorkerReport | undefined;
        child.on('message', (m) => { report = m as WorkerReport; });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 && report ? resolve(report) : reject(new Error(`worker ${writer} exited with ${code}${report ? '' : ' without a report'}`))));
      });
    }

    async function checkDirectory(): Promise<number> {
      const names = await readdir(dir);
      assert.deepEqual(names.filter((n) => !/^[0-9a-f]{64}\.json$/.test(n)), [], 'no temporary file is left behind');
      for (const name of names) {
        const stored = JSON.parse(await readFile(join(dir, name), 'utf8')) as CachedAnswer;
        assert.ok(isWhole(stored), `${name} holds one writer's whole answer`);
      }
      return names.length;
    }

    it('200 rounds each of put and get on shared and own keys: no torn read, no lost write, every file whole', async () => {
      const reports = await Promise.all([runWorker('a', 200, 1024 ** 3), runWorker('b', 200, 1024 ** 3)]);
      for (const r of reports) {
        assert.deepEqual(r.errors, [], `writer ${r.writer}: no failed put`);
        assert.deepEqual(r.torn, [], `writer ${r.writer}: every answer read was whole`);
        assert.equal(r.puts, 400);
        // Its own and the shared key always hit (nothing is evicted under 1 GB); the other's may not exist yet.
        assert.ok(r.hits >= 400, `writer ${r.writer}: ${r.hits} hits of ${r.gets}`);
      }
      // 5 shared keys, 200 own keys per writer.
      assert.equal(await checkDirectory(), 405);
      const store = new FileResponseStore(dir);
      for (let i = 0; i < 5; i++) assert.ok(isWhole((await store.get(testKey(`shared-${i}`), MINUTE))!));
      for (const w of ['a', 'b']) for (let i = 0; i < 200; i++) assert.deepEqual((await store.get(testKey(`${w}-${i}`), MINUTE))?.text, testAnswer(w, i).text);
    });

    it('evicting at the same time as the other process writes and reads: misses, but never a torn or foreign answer', async () => {
      const entry = JSON.stringify(testAnswer('a', 100)).length;
      const bound = entry * 20;
      const reports = await Promise.all([runWorker('a', 200, bound), runWorker('b', 200, bound)]);
      for (const r of reports) {
        assert.deepEqual(r.errors, [], `writer ${r.writer}: no failed put or eviction`);
        assert.deepEqual(r.torn, [], `writer ${r.writer}: every answer read was whole`);
      }
      const left = await checkDirectory();
      const store = new FileResponseStore(dir, bound);
      await store.put(testKey('last'), testAnswer('a', 1));
      await store.idle();
      const total = (await Promise.all((await readdir(dir)).map(async (f) => (await stat(join(dir, f))).size))).reduce((a, b) => a + b, 0);
      assert.ok(total <= bound, `within the bound after an eviction (${total} ≤ ${bound}; ${left} entries before)`);
    });
  });
});

describe('response cache in the core request flow against the local Bedrock server', () => {
  let server: BedrockTestServer;
  let url: string;
  let dir: string;
  const { client, disposeAll } = localClients(() => url);
  const SPEC: RequestSpec = { prompt: { task: { kind: 'explain' }, attachment: { text: 'const x = 1;', languageId: 'javascript' } } };

  before(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  beforeEach(async () => { dir = await tempDir(); });
  afterEach(async () => {
    disposeAll();
    server.reset();
    await rm(dir, { recursive: true, force: true });
  });
  after(() => server.stop());

  function deps(settings: Record<string, unknown> = {}): RequestDeps {
    const c: LlamaBedrockClient = client({ idleTimeoutMs: 2000 });
    return {
      settings: validateSettings({ region: 'us-west-2', endpoint: url, modelId: L33, cacheTtlMinutes: 60, ...settings }),
      connect: () => Promise.resolve({ client: c, release: () => undefined }),
      profiles: new MapProfileMemory(),
      requestId: 'r-cache',
      cache: { store: new FileResponseStore(dir), ttlMs: 60 * MINUTE },
    };
  }

  async function run(d: RequestDeps, spec: RequestSpec = SPEC, signal = new AbortController().signal): Promise<{ outcome: RequestOutcome; texts: string[] }> {
    const texts: string[] = [];
    const outcome = await runRequest(spec, d, { text: (t) => texts.push(t) }, signal);
    return { outcome, texts };
  }

  // Llama 3.3 70B: $0.72 per 1M tokens in and out.
  const PRICED = { metrics: { inputTokenCount: 1000, outputTokenCount: 500 } };
  const COST = (1500 * 0.72) / 1e6;

  it('answers a second identical request from the cache: nothing on the wire, $0, the first cost saved, the text at once', async () => {
    server.enqueue(textResponse('It declares x as 1.', { chunks: 3, ...PRICED }));
    const first = await run(deps());
    assert.equal(first.outcome.kind, 'ok');
    if (first.outcome.kind === 'ok') assert.ok(Math.abs(first.outcome.meter.costUsd! - COST) < 1e-12);
    // Another window's deps, same directory.
    const second = await run(deps());
    assert.equal(server.requests.length, 1, 'no second request on the wire');
    assert.deepEqual(second.texts, ['It declares x as 1.'], 'the whole answer in one piece');
    const o = second.outcome;
    assert.equal(o.kind, 'ok');
    if (o.kind === 'ok') {
      assert.equal(o.cached, true);
      assert.equal(o.text, 'It declares x as 1.');
      assert.equal(o.stopReason, 'stop');
      assert.equal(o.meter.costUsd, 0);
      assert.equal(o.meter.estimated, false);
      assert.ok(Math.abs(o.meter.savedUsd! - COST) < 1e-12, 'saved what it cost the first time');
      assert.deepEqual(o.meter.usage, { inputTokens: 1000, outputTokens: 500 });
      assert.equal(o.modelId, L33);
    }
  });

  it('Ask again (bypassCache) sends the request again and replaces the cached answer', async () => {
    server.enqueue(textResponse('First answer.'));
    await run(deps());
    server.enqueue(textResponse('Fresh answer.'));
    const again = await run(deps(), { ...SPEC, bypassCache: true });
    assert.equal(server.requests.length, 2, 'sent again');
    assert.equal(again.outcome.kind === 'ok' && again.outcome.cached, undefined);
    assert.deepEqual(again.texts.join(''), 'Fresh answer.');
    const third = await run(deps());
    assert.equal(server.requests.length, 2);
    assert.equal(third.outcome.kind === 'ok' && third.outcome.text, 'Fresh answer.', 'the new answer replaced the old');
  });

  it('does not keep a failed, stopped or blocked answer', async () => {
    server.enqueue(httpError('ModelErrorException'));
    assert.equal((await run(deps())).outcome.kind, 'failed');

    server.enqueue(textResponse('one two three four five six', { chunks: 6, chunkDelayMs: 150 }));
    const controller = new AbortController();
    const stopped = run(deps(), SPEC, controller.signal);
    await server.nthRequest(1);
    setTimeout(() => controller.abort(new StopRequest('user')), 200);
    assert.equal((await stopped).outcome.kind, 'stopped');

    server.enqueue(textResponse('x', { guardrail: { action: 'INTERVENED', message: 'Blocked.' } }));
    assert.equal((await run(deps({ guardrailId: 'gr-test123' }))).outcome.kind, 'blocked');
    server.enqueue(textResponse('x', { guardrail: { action: 'INTERVENED', message: 'Blocked.' } }));
    assert.equal((await run(deps({ guardrailId: 'gr-test123' }))).outcome.kind, 'blocked', 'the block was not kept as an answer');

    server.enqueue(textResponse('Whole.'));
    const after = await run(deps());
    assert.equal(server.requests.length, 5, 'each of them went out');
    assert.equal(after.outcome.kind === 'ok' && after.outcome.cached, undefined);
    assert.deepEqual(await readdir(dir).then((names) => names.length), 1, 'only the whole answer is stored');
  });

  it('misses on another max_gen_len (and on another temperature)', async () => {
    server.enqueue(textResponse('Long.'));
    await run(deps({ maxGenLen: 512 }));
    server.enqueue(textResponse('Short.'));
    const shorter = await run(deps({ maxGenLen: 256 }));
    assert.equal(server.requests.length, 2);
    assert.equal(shorter.outcome.kind === 'ok' && shorter.outcome.text, 'Short.');
    server.enqueue(textResponse('Warmer.'));
    await run(deps({ maxGenLen: 512, temperature: 0.9 }));
    assert.equal(server.requests.length, 3);
    const again = await run(deps({ maxGenLen: 512 }));
    assert.equal(server.requests.length, 3, 'the first is still there');
    assert.equal(again.outcome.kind === 'ok' && again.outcome.text, 'Long.');
  });

  it('without a cache (TTL 0 at the edge) every request goes out', async () => {
    const d = { ...deps(), cache: undefined };
    server.enqueue(textResponse('One.'));
    server.enqueue(textResponse('Two.'));
    await run(d);
    await run(d);
    assert.equal(server.requests.length, 2);
  });
});

describe('a chat turn answered from the response cache', () => {
  const usage = { inputTokens: 1000, outputTokens: 500 };

  function cachedTurn() {
    const conversation = createConversation(1);
    const turn = addTurn(conversation, { text: 'Explain a.ts:1-2', task: { kind: 'explain' } }, 2);
    appendAnswer(turn, 'It adds.');
    finishRound(turn, { stopReason: 'stop', usage, costUsd: 0, modelId: L33, cached: true });
    return { conversation, turn };
  }

  it('is marked cached, costs $0, offers Ask again, and is stored as a valid turn', () => {
    const { turn } = cachedTurn();
    assert.equal(turn.cached, true);
    assert.equal(turn.costUsd, 0);
    assert.equal(turn.status, 'done');
    assert.ok(canAskAgain(turn));
    assert.ok(isTurn(JSON.parse(JSON.stringify(turn))));
    assert.ok(!isTurn({ ...turn, cached: 'yes' }), 'cached must be a boolean');
  });

  it('Ask again clears the cached round and its $0 usage and streams afresh, with the same prompt', () => {
    const { conversation, turn } = cachedTurn();
    const before = promptFor(conversation, turn);
    assert.ok(startAskAgain(turn));
    assert.equal(turn.status, 'streaming');
    assert.equal(turn.answer, '');
    assert.equal(turn.cached, undefined);
    assert.equal(turn.usage, undefined);
    assert.equal(turn.costUsd, undefined);
    // The first round's prompt (no partial answer to continue from): the same cache key, now bypassed.
    assert.deepEqual(promptFor(conversation, turn), { task: before.task, turns: before.turns });
    assert.ok(!startAskAgain(turn), 'not while streaming');
    appendAnswer(turn, 'Fresh.');
    finishRound(turn, { stopReason: 'stop', usage, costUsd: 0.00108, modelId: L33 });
    assert.equal(turn.cached, undefined, 'a fresh round is not cached');
    assert.equal(turn.costUsd, 0.00108);
    assert.ok(!canAskAgain(turn));
  });

  it('a fresh Continue after a cached round is not cached any more; a cached Continue replays only that round', () => {
    const conversation = createConversation(1);
    const turn = addTurn(conversation, { text: 'q', task: { kind: 'chat', message: 'q' } }, 2);
    appendAnswer(turn, 'First half');
    finishRound(turn, { stopReason: 'length', usage, costUsd: 0.001, modelId: L33 });
    assert.ok(startContinue(turn));
    appendAnswer(turn, ' and the rest.');
    finishRound(turn, { stopReason: 'stop', usage, costUsd: 0, modelId: L33, cached: true });
    assert.ok(canAskAgain(turn));
    assert.ok(startAskAgain(turn));
    assert.equal(turn.answer, 'First half', 'the billed first round stays');
    assert.equal(promptFor(conversation, turn).continueFrom, 'First half');
    assert.deepEqual(turn.usage, { inputTokens: 2000, outputTokens: 1000 }, 'usage of earlier rounds is kept');
  });
});
