// bedrockLlama.inferenceProfile beyond the catalog: the pure decisions, and the one
// retry with the region's geography prefix after Bedrock's "needs an inference profile"
// answer, with the real client against the local server, remembered for the session and
// (through a globalState-like store) across reloads.
import { strict as assert } from 'node:assert';
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { resolveModel } from '../../src/core/catalog';
import {
  fallbackInvokeId,
  generateWithProfileFallback,
  MapProfileMemory,
  memoryKey,
  plannedInvokeId,
  type ProfiledRequest,
} from '../../src/core/profileFallback';
import { StoredProfileMemory } from '../../src/requests/profileMemory';
import { BedrockTestServer, httpError, textResponse, type RecordedRequest, type Script } from '../server/bedrockServer';
import { BedrockLlamaError } from '../../src/core/bedrock/errors';

const LLAMA31_8B = 'meta.llama3-1-8b-instruct-v1:0'; // on demand per the catalog
const LLAMA33 = 'meta.llama3-3-70b-instruct-v1:0'; // needs a profile per the catalog
const NEW_MODEL = 'meta.llama3-9-8b-instruct-v1:0'; // not in the catalog
const NEEDS_PROFILE = (id: string): string =>
  `Invocation of model ID ${id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`;
const BODY = { prompt: 'Hi', temperature: 0.5, top_p: 0.9, max_gen_len: 64 };

describe('inference-profile fallback', () => {
  describe('decisions (pure)', () => {
    const memory = new MapProfileMemory();
    const base = resolveModel(LLAMA31_8B);

    it('plans the catalog choice, or a remembered profile in auto mode', () => {
      assert.equal(plannedInvokeId(base, 'auto', 'us-west-2', memory), LLAMA31_8B);
      assert.equal(plannedInvokeId(resolveModel(LLAMA33), 'auto', 'us-east-1', memory), `us.${LLAMA33}`);
      const remembered = new MapProfileMemory({ [`us-west-2|${LLAMA31_8B}`]: `us.${LLAMA31_8B}` });
      assert.equal(plannedInvokeId(base, 'auto', 'us-west-2', remembered), `us.${LLAMA31_8B}`);
      assert.equal(plannedInvokeId(base, 'auto', 'us-east-1', remembered), LLAMA31_8B, 'per region');
      assert.equal(plannedInvokeId(base, 'off', 'us-west-2', remembered), LLAMA31_8B, 'off never rewrites');
      assert.equal(plannedInvokeId(base, 'eu', 'us-west-2', remembered), `eu.${LLAMA31_8B}`, 'an explicit geography always wins');
      assert.equal(plannedInvokeId(base, 'global', 'us-west-2', remembered), `global.${LLAMA31_8B}`);
    });

    it('falls back only in auto mode, for base ids, in a region with a geography', () => {
      assert.equal(fallbackInvokeId(base, 'auto', 'us-west-2', LLAMA31_8B), `us.${LLAMA31_8B}`);
      assert.equal(fallbackInvokeId(base, 'auto', 'eu-central-1', LLAMA31_8B), `eu.${LLAMA31_8B}`);
      assert.equal(fallbackInvokeId(base, 'auto', 'ap-southeast-2', LLAMA31_8B), `apac.${LLAMA31_8B}`);
      assert.equal(fallbackInvokeId(resolveModel(NEW_MODEL), 'auto', 'us-east-2', NEW_MODEL), `us.${NEW_MODEL}`, 'models the catalog does not know yet');
      assert.equal(fallbackInvokeId(base, 'auto', 'ca-central-1', LLAMA31_8B), undefined, 'no geography');
      assert.equal(fallbackInvokeId(base, 'auto', undefined, LLAMA31_8B), undefined);
      assert.equal(fallbackInvokeId(base, 'off', 'us-west-2', LLAMA31_8B), undefined);
      assert.equal(fallbackInvokeId(base, 'us', 'us-west-2', `us.${LLAMA31_8B}`), undefined);
      assert.equal(fallbackInvokeId(resolveModel(`eu.${LLAMA31_8B}`), 'auto', 'us-west-2', `eu.${LLAMA31_8B}`), undefined, 'profile ids as given');
      const arn = `arn:aws:bedrock:us-west-2::foundation-model/${LLAMA31_8B}`;
      assert.equal(fallbackInvokeId(resolveModel(arn), 'auto', 'us-west-2', arn), undefined, 'ARNs as given');
      assert.equal(memoryKey(resolveModel(arn), 'us-west-2'), undefined);
    });
  });

  describe('with the real client', () => {
    let server: BedrockTestServer;
    let client: LlamaBedrockClient;
    const seen = (): Array<string | undefined> => server.requests.map((r) => r.modelId);

    /** Bedrock's behaviour for a model that needs a profile: base ids refused, profile ids answered. */
    const profileOnly = (r: RecordedRequest): Script =>
      /^(us|eu|apac)\./.test(r.modelId ?? '') ? textResponse(`answer from ${r.modelId}`) : httpError('ValidationException', NEEDS_PROFILE(r.modelId ?? ''));

    function request(model: string, over: Partial<ProfiledRequest> = {}): ProfiledRequest {
      return { model: resolveModel(model), mode: 'auto', region: 'us-west-2', body: BODY, ...over };
    }

    async function run(req: ProfiledRequest, memory: MapProfileMemory | StoredProfileMemory): Promise<{ text: string; modelId?: string; error?: BedrockLlamaError }> {
      let text = '';
      try {
        const out = await generateWithProfileFallback(client, req, memory, { text: (t) => (text += t) });
        return { text, modelId: out.modelId };
      } catch (err) {
        assert.ok(err instanceof BedrockLlamaError);
        return { text, error: err };
      }
    }

    before(async () => {
      server = new BedrockTestServer();
      const { url } = await server.start();
      client = new LlamaBedrockClient({ region: 'us-west-2', endpoint: url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    });
    afterEach(() => server.reset());
    after(async () => {
      client.dispose();
      await server.stop();
    });

    it('retries once with the region geography and remembers the id for the model and region', async () => {
      server.setHandler(profileOnly);
      const memory = new MapProfileMemory();
      const fallbacks: Array<[string, string]> = [];
      const first = await run(request(LLAMA31_8B, { onFallback: (from, to) => fallbacks.push([from, to]) }), memory);
      assert.equal(first.error, undefined);
      assert.equal(first.text, `answer from us.${LLAMA31_8B}`, 'the refused attempt added no text');
      assert.equal(first.modelId, `us.${LLAMA31_8B}`);
      assert.deepEqual(fallbacks, [[LLAMA31_8B, `us.${LLAMA31_8B}`]]);
      assert.deepEqual(seen(), [LLAMA31_8B, `us.${LLAMA31_8B}`]);
      assert.deepEqual(memory.entries(), { [`us-west-2|${LLAMA31_8B}`]: `us.${LLAMA31_8B}` });

      server.reset();
      server.setHandler(profileOnly);
      const second = await run(request(LLAMA31_8B), memory);
      assert.equal(second.modelId, `us.${LLAMA31_8B}`);
      assert.deepEqual(seen(), [`us.${LLAMA31_8B}`], 'straight to the remembered id');
    });

    it('uses the geography of the region, for models the catalog does not know too', async () => {
      server.setHandler(profileOnly);
      const out = await run(request(NEW_MODEL, { region: 'eu-central-1' }), new MapProfileMemory());
      assert.equal(out.modelId, `eu.${NEW_MODEL}`);
      assert.deepEqual(seen(), [NEW_MODEL, `eu.${NEW_MODEL}`]);
    });

    it('asks the client for the region the SDK resolved when none is configured', async () => {
      server.setHandler(profileOnly);
      const out = await run(request(LLAMA31_8B, { region: undefined }), new MapProfileMemory());
      assert.equal(out.modelId, `us.${LLAMA31_8B}`);
    });

    it('keeps the memory in globalState so it survives a reload', async () => {
      server.setHandler(profileOnly);
      const state = new Map<string, unknown>();
      const memento = {
        get: <T>(key: string): T | undefined => state.get(key) as T | undefined,
        update: async (key: string, value: unknown): Promise<void> => void state.set(key, value),
      };
      await run(request(LLAMA31_8B), new StoredProfileMemory(memento));
      server.reset();
      server.setHandler(profileOnly);
      const afterReload = new StoredProfileMemory(memento);
      assert.equal(afterReload.get(`us-west-2|${LLAMA31_8B}`), `us.${LLAMA31_8B}`);
      await run(request(LLAMA31_8B), afterReload);
      assert.deepEqual(seen(), [`us.${LLAMA31_8B}`]);
    });

    it('off: no retry, and the message says what to do', async () => {
      server.setHandler(profileOnly);
      const out = await run(request(LLAMA31_8B, { mode: 'off' }), new MapProfileMemory());
      assert.equal(out.error?.kind, 'needsInferenceProfile');
      assert.equal(out.error?.userMessage,
        `${LLAMA31_8B} can't be called on demand in us-west-2: Bedrock needs an inference profile for it. Use \`us.${LLAMA31_8B}\` as the model id, or set bedrockLlama.inferenceProfile to auto.`);
      assert.deepEqual(seen(), [LLAMA31_8B]);
    });

    it('explicit geographies and profile ids are sent as they are', async () => {
      server.setHandler(profileOnly);
      assert.equal((await run(request(LLAMA31_8B, { mode: 'eu', region: 'us-west-2' }), new MapProfileMemory())).modelId, `eu.${LLAMA31_8B}`);
      assert.equal((await run(request(`apac.${LLAMA31_8B}`), new MapProfileMemory())).modelId, `apac.${LLAMA31_8B}`);
      assert.deepEqual(seen(), [`eu.${LLAMA31_8B}`, `apac.${LLAMA31_8B}`]);
    });

    it('a region without a geography: no retry, and a message naming the region', async () => {
      server.setHandler(profileOnly);
      const canada = new LlamaBedrockClient({ region: 'ca-central-1', endpoint: server.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
      try {
        await assert.rejects(generateWithProfileFallback(canada, request(LLAMA31_8B, { region: 'ca-central-1' }), new MapProfileMemory(), { text: () => undefined }), (err: unknown) => {
          assert.ok(err instanceof BedrockLlamaError);
          assert.equal(err.kind, 'needsInferenceProfile');
          assert.equal(err.userMessage,
            `${LLAMA31_8B} can't be called on demand in ca-central-1: Bedrock needs an inference profile for it, and ca-central-1 is in no Llama inference-profile geography. ` +
            'Set bedrockLlama.region to a US, EU or Asia Pacific region, or use an inference profile ARN as the model id.');
          return true;
        });
        assert.deepEqual(seen(), [LLAMA31_8B]);
      } finally {
        canada.dispose();
      }
    });

    it('only retries once: when the profile id fails too, that error is shown', async () => {
      server.enqueue(httpError('ValidationException', NEEDS_PROFILE(LLAMA31_8B)), httpError('AccessDeniedException'));
      const out = await run(request(LLAMA31_8B), new MapProfileMemory());
      assert.equal(out.error?.kind, 'accessDenied');
      assert.match(out.error!.userMessage, new RegExp(`no access to us\\.${LLAMA31_8B.replace(/\./g, '\\.')} in us-west-2`));
      assert.equal(server.requests.length, 2);
    });

    it('never retries after text has streamed', async () => {
      server.enqueue(textResponse('partial answer here', {
        fault: { type: 'exception', afterChunks: 1, exceptionType: 'validationException', message: NEEDS_PROFILE(LLAMA31_8B) },
      }));
      const out = await run(request(LLAMA31_8B), new MapProfileMemory());
      assert.equal(out.error?.kind, 'needsInferenceProfile');
      assert.equal(out.text, 'partial ');
      assert.equal(server.requests.length, 1);
    });

    it('forgets a remembered id that Bedrock no longer accepts', async () => {
      const memory = new MapProfileMemory({ [`us-west-2|${LLAMA31_8B}`]: `us.${LLAMA31_8B}` });
      server.enqueue(httpError('ResourceNotFoundException'));
      const out = await run(request(LLAMA31_8B), memory);
      assert.equal(out.error?.kind, 'modelNotFound');
      assert.deepEqual(memory.entries(), {});
    });
  });
});
