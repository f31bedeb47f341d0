// Plain types shared by the core modules. No run-time code, no `vscode`.

/** Which chat template a model speaks. */
export type ModelFamily = 'llama4' | 'llama3' | 'llama2';

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
  | { type: 'end'; stopReason: StopReason | undefined; usage: TokenUsage; latency: LatencyFigures; served: ServedAs };

/** Bedrock's request options beyond the body (sent as headers). */
export interface RequestOptions {
  latency?: 'standard' | 'optimized';
  guardrail?: { id: string; version: string; trace: 'ENABLED' | 'DISABLED' };
  serviceTier?: 'default' | 'priority' | 'flex';
}

/** How Bedrock says it served a request. */
export interface ServedAs {
  /** `performanceConfigLatency` of the response. */
  latency?: string;
  serviceTier?: string;
  /** Present when a guardrail was applied. */
  guardrail?: GuardrailOutcome;
}

export interface GuardrailOutcome {
  /** `amazon-bedrock-guardrailAction`. */
  action: 'INTERVENED' | 'NONE';
  /** With INTERVENED: the guardrail's own message, which replaced the answer. */
  message?: string;
  /** `amazon-bedrock-trace`, when tracing was asked for. */
  trace?: unknown;
}

/** The Llama native request body (see bedrock.md). */
export interface LlamaRequestBody {
  prompt: string;
  temperature: number;
  top_p: number;
  max_gen_len: number;
  images?: string[];
}
