// One model request from prompt to sink: streams text deltas to the sink as they arrive
// (or, for a model Bedrock does not stream, hands the whole answer over at once) and
// returns Bedrock's own counts, the stop reason and latency. The hot path does no work
// per chunk beyond handing the text on.
import { BedrockLlamaError } from './bedrock/errors';
import type { RetryListener } from './bedrock/requestGuard';
import type { LatencyFigures, LlamaRequestBody, RequestOptions, ServedAs, StopReason, StreamEvent, TokenUsage } from './types';

/** One request as the client takes it; `onRetry` hears about the SDK's retries. */
export interface GenerationRequest {
  modelId: string;
  body: LlamaRequestBody;
  onRetry?: RetryListener;
  /** Told once Bedrock accepted the request (HTTP 200): from then on it bills the prompt. */
  onAccepted?: () => void;
  options?: RequestOptions;
  /** Told as each HTTP attempt goes out. */
  onSent?: () => void;
}

/** The whole answer of a non-streaming request (InvokeModel). */
export interface WholeAnswer {
  text: string;
  stopReason?: StopReason;
  usage: TokenUsage;
  latency: LatencyFigures;
  served: ServedAs;
}

/** The part of the Bedrock client this needs (LlamaBedrockClient implements it). */
export interface StreamingClient {
  stream(req: GenerationRequest, signal?: AbortSignal): AsyncIterable<StreamEvent>;
  invoke(req: GenerationRequest, signal?: AbortSignal): Promise<WholeAnswer>;
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
  served: ServedAs;
}

/** `streaming` false: one InvokeModel request, its answer handed to the sink in one piece. */
export async function runGeneration(
  client: StreamingClient,
  req: GenerationRequest,
  sink: GenerationSink,
  signal?: AbortSignal,
  streaming = true,
): Promise<GenerationResult> {
  if (!streaming) {
    const whole = await client.invoke(req, signal);
    if (whole.text) sink.text(whole.text);
    return { text: whole.text, stopReason: whole.stopReason, usage: whole.usage, latency: whole.latency, served: whole.served };
  }
  const parts: string[] = [];
  for await (const event of client.stream(req, signal)) {
    if (event.type === 'text') {
      parts.push(event.text);
      sink.text(event.text);
    } else {
      return { text: parts.join(''), stopReason: event.stopReason, usage: event.usage, latency: event.latency, served: event.served };
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
