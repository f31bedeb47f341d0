// Baseline (a): the bare AWS SDK, configured like the extension's default (HTTP/1.1
// NodeHttpHandler, same timeouts and retries), decoding each chunk and nothing else.
import type { BedrockRuntimeClient as Client } from '@aws-sdk/client-bedrock-runtime';
import type { LlamaRequestBody } from '../../src/core/types';
import { CREDENTIALS, MODEL_ID, REGION, type RunFigures } from './workload';

// require, not import: the same CommonJS build the extension's sdk module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('@aws-sdk/client-bedrock-runtime') as typeof import('@aws-sdk/client-bedrock-runtime');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NodeHttpHandler } = require('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');

export function createRawClient(endpoint: string): Client {
  return new sdk.BedrockRuntimeClient({
    region: REGION,
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, throwOnRequestTimeout: true }),
  });
}

const utf8 = new TextDecoder();

export async function rawRun(client: Client, body: LlamaRequestBody): Promise<RunFigures> {
  const started = performance.now();
  let first: number | undefined;
  let chars = 0;
  let tokens = 0;
  const response = await client.send(new sdk.InvokeModelWithResponseStreamCommand({
    modelId: MODEL_ID,
    contentType: 'application/json',
    accept: 'application/json',
    body: JSON.stringify(body),
  }));
  if (!response.body) throw new Error('no event stream');
  for await (const event of response.body) {
    const bytes = event.chunk?.bytes;
    if (!bytes) continue;
    const chunk = JSON.parse(utf8.decode(bytes)) as { generation?: string; generation_token_count?: number };
    if (chunk.generation) {
      first ??= performance.now();
      chars += chunk.generation.length;
    }
    if (typeof chunk.generation_token_count === 'number') tokens = chunk.generation_token_count;
  }
  const ended = performance.now();
  return { ttftMs: (first ?? NaN) - started, totalMs: ended - started, tokens, chars };
}
