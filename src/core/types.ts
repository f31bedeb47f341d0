// Plain types shared by the core modules. No run-time code, no `vscode`.

/** Which chat template a model speaks. */
export type ModelFamily = 'llama3' | 'llama2';

/** One finished exchange of a conversation, oldest first. */
export interface ChatTurn {
  user: string;
  assistant: string;
}

/** Why generation ended, as Bedrock reports it. */
export type StopReason = 'stop' | 'length';

/** Token counts as Bedrock reports them (the source of truth for the meter). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Latency figures of one request, in milliseconds. */
export interface LatencyFigures {
  /** From sending the request to the first text chunk, measured on this side. */
  timeToFirstTokenMs?: number;
  /** From sending the request to the end of the stream, measured on this side. */
  totalMs?: number;
  /** Bedrock's own `firstByteLatency` from the invocation metrics. */
  bedrockFirstByteMs?: number;
  /** Bedrock's own `invocationLatency` from the invocation metrics. */
  bedrockInvocationMs?: number;
}

/** What the streaming client yields, in order: text deltas, then exactly one `end`. */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'end'; stopReason: StopReason | undefined; usage: TokenUsage; latency: LatencyFigures };

/** The Llama native request body (see bedrock.md). */
export interface LlamaRequestBody {
  prompt: string;
  temperature: number;
  top_p: number;
  max_gen_len: number;
  images?: string[];
}
