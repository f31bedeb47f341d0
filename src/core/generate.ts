// One model request from prompt to sink: streams text deltas to the sink as they arrive
// and returns Bedrock's own counts, the stop reason and latency. The hot path does no
// work per chunk beyond handing the text on.
import { BedrockLlamaError } from './bedrock/errors';
import type { RetryListener } from './bedrock/requestGuard';
import type { LatencyFigures, LlamaRequestBody, StopReason, StreamEvent, TokenUsage } from './types';

/** One request as the client takes it; `onRetry` hears about the SDK's retries. */
export interface GenerationRequest {
  modelId: string;
  body: LlamaRequestBody;
  onRetry?: RetryListener;
  /** Told once Bedrock accepted the request (HTTP 200): from then on it bills the prompt. */
  onAccepted?: () => void;
}

/** The part of the Bedrock client this needs (LlamaBedrockClient implements it). */
export interface StreamingClient {
  stream(req: GenerationRequest, signal?: AbortSignal): AsyncIterable<StreamEvent>;
}

/** Where streamed text goes: the editor, the chat, a benchmark counter. */
export interface GenerationSink {
  text(delta: string): void;
}

export interface GenerationResult {
  text: string;
  stopReason: StopReason | undefined;
  usage: TokenUsage;
  latency: LatencyFigures;
}

export async function runGeneration(
  client: StreamingClient,
  req: GenerationRequest,
  sink: GenerationSink,
  signal?: AbortSignal,
): Promise<GenerationResult> {
  const parts: string[] = [];
  for await (const event of client.stream(req, signal)) {
    if (event.type === 'text') {
      parts.push(event.text);
      sink.text(event.text);
    } else {
      return { text: parts.join(''), stopReason: event.stopReason, usage: event.usage, latency: event.latency };
    }
  }
  // The client always ends with an `end` event or throws; reaching here means the stream was cut.
  throw new BedrockLlamaError({
    kind: 'streamError',
    userMessage: 'The response from Bedrock ended early. The text received so far is kept; try again.',
    retryable: true,
    partialText: parts.join(''),
  });
}
