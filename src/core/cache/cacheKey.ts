// The response cache's key: exact, so a hit is the answer to the very same request. The
// resolved model id as sent, the whole prompt, the sampling parameters, the images (hashed),
// the guardrail, the endpoint and the region all go in; nothing else (not the time, not the window) does.
import { createHash } from 'node:crypto';
import type { LlamaRequestBody, RequestOptions } from '../types';

export interface CacheKeyInput {
  /** The model id as it will be sent (inference profile or ARN included). */
  modelId: string;
  body: LlamaRequestBody;
  guardrail?: RequestOptions['guardrail'];
  /** Where it goes: a local Bedrock-compatible server's answers are not real Bedrock's. */
  endpoint?: string;
  region?: string;
}

/** A hex SHA-256 over a canonical JSON of the request. */
export function responseCacheKey(input: CacheKeyInput): string {
  const { prompt, temperature, top_p, max_gen_len, images } = input.body;
  const canonical = JSON.stringify({
    v: 1,
    model: input.modelId,
    prompt,
    temperature,
    top_p,
    max_gen_len,
    images: (images ?? []).map((img) => createHash('sha256').update(img).digest('hex')),
    guardrail: input.guardrail ? [input.guardrail.id, input.guardrail.version] : null,
    endpoint: input.endpoint ?? null,
    region: input.region ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
