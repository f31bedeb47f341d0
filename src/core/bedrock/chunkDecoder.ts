// Decodes the `bytes` of Bedrock's Llama stream chunks and folds them into text deltas,
// usage and stop reason. Pure, and on the per-chunk hot path: one UTF-8 decode and
// one JSON.parse per chunk, no other allocation beyond the text itself.

import type { StopReason, TokenUsage } from '../types';

/** Bedrock's invocation metrics, present in the last chunk. */
export interface InvocationMetrics {
  inputTokenCount?: number;
  outputTokenCount?: number;
  invocationLatency?: number;
  firstByteLatency?: number;
}

/** One Llama stream chunk (the JSON inside an event's `bytes`). */
export interface LlamaChunk {
  generation?: string | null;
  prompt_token_count?: number | null;
  generation_token_count?: number | null;
  stop_reason?: string | null;
  'amazon-bedrock-invocationMetrics'?: InvocationMetrics | null;
}

/** What the stream said once it ended. */
export interface StreamSummary {
  stopReason: StopReason | undefined;
  /** The raw `stop_reason` as sent, for values other than 'stop' and 'length'. */
  rawStopReason: string | undefined;
  usage: TokenUsage;
  bedrockFirstByteMs: number | undefined;
  bedrockInvocationMs: number | undefined;
}

const utf8 = new TextDecoder();

/** Parses one chunk's bytes. Throws SyntaxError on malformed JSON. */
export function decodeChunk(bytes: Uint8Array): LlamaChunk {
  return JSON.parse(utf8.decode(bytes)) as LlamaChunk;
}

/** Folds chunks into the answer so far; `push` returns each chunk's text delta. */
export class ChunkAccumulator {
  /** All text so far (kept for partial answers on failure). */
  text = '';
  private promptTokens: number | undefined;
  private generationTokens: number | undefined;
  private rawStop: string | undefined;
  private metrics: InvocationMetrics | undefined;

  /** Decodes and folds one chunk's bytes; returns its text ('' when none). */
  pushBytes(bytes: Uint8Array): string {
    return this.push(decodeChunk(bytes));
  }

  /** Folds one parsed chunk; returns its text ('' when none). */
  push(chunk: LlamaChunk): string {
    if (typeof chunk.prompt_token_count === 'number') this.promptTokens = chunk.prompt_token_count;
    if (typeof chunk.generation_token_count === 'number') this.generationTokens = chunk.generation_token_count;
    if (chunk.stop_reason) this.rawStop = chunk.stop_reason;
    const metrics = chunk['amazon-bedrock-invocationMetrics'];
    if (metrics) this.metrics = metrics;
    const delta = chunk.generation;
    if (!delta) return '';
    this.text += delta;
    return delta;
  }

  /** Usage and stop reason; the invocation metrics win over the running counts. */
  summary(): StreamSummary {
    const m = this.metrics;
    return {
      stopReason: this.rawStop === 'stop' || this.rawStop === 'length' ? this.rawStop : undefined,
      rawStopReason: this.rawStop,
      usage: {
        inputTokens: m?.inputTokenCount ?? this.promptTokens ?? 0,
        outputTokens: m?.outputTokenCount ?? this.generationTokens ?? 0,
      },
      bedrockFirstByteMs: m?.firstByteLatency,
      bedrockInvocationMs: m?.invocationLatency,
    };
  }
}
