// Path (b): what the extension does for one request, minus VS Code: build the prompt,
// stream through LlamaBedrockClient and runGeneration into a sink, then account usage
// and cost. The sink only counts characters.
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { runGeneration, type GenerationSink } from '../../src/core/generate';
import { costUsd, priceFor } from '../../src/core/pricing';
import { buildPrompt, type PromptInput } from '../../src/core/prompt';
import { UsageLedger } from '../../src/core/usage';
import { CREDENTIALS, MODEL, REGION, type RunFigures } from './workload';

/** The client with the options ClientProvider gives it by default (60 s idle timeout, 10 s connect timeout). */
export function createExtensionClient(endpoint: string): LlamaBedrockClient {
  return new LlamaBedrockClient({
    region: REGION,
    endpoint,
    credentials: CREDENTIALS,
    idleTimeoutMs: 60_000,
    connectTimeoutMs: 10_000,
  });
}

export class ExtensionPipeline {
  readonly ledger = new UsageLedger();
  constructor(readonly client: LlamaBedrockClient) {}

  /** @param onFirstText told once, at the first character (after it is timed). */
  async run(input: PromptInput, onFirstText?: () => void): Promise<RunFigures> {
    const started = performance.now();
    let first: number | undefined;
    let chars = 0;
    const sink: GenerationSink = {
      text(delta) {
        if (first === undefined) {
          first = performance.now();
          onFirstText?.();
        }
        chars += delta.length;
      },
    };
    const built = buildPrompt(input);
    const body = { prompt: built.prompt, temperature: 0.5, top_p: 0.9, max_gen_len: input.maxGenLen };
    const result = await runGeneration(this.client, { modelId: MODEL.invokeId, body }, sink);
    const price = priceFor(MODEL, {});
    const cost = price ? costUsd(result.usage, price) : undefined;
    this.ledger.record({ modelId: MODEL.requestedId, usage: result.usage, costUsd: cost, at: new Date() });
    const ended = performance.now();
    return { ttftMs: (first ?? NaN) - started, totalMs: ended - started, tokens: result.usage.outputTokens, chars };
  }
}
