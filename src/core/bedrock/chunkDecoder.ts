// Decodes the `bytes` of Bedrock's Llama stream chunks and folds them into text deltas,
// usage and stop reason. Pure, and on the per-chunk hot path: one UTF-8 decode and
// one JSON.parse per chunk, no other allocation beyond the text itself.

import type { GuardrailOutcome, StopReason, TokenUsage } from '../types';

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
  /** Set when a guardrail is applied: INTERVENED replaces the answer with the guardrail's message. */
  'amazon-bedrock-guardrailAction'?: string | null;
  'amazon-bedrock-trace'?: unknown;
}

/** What the stream said once it ended. */
export interface StreamSummary {
  stopReason: StopReason | undefined;
  /** The raw `stop_reason` as sent, for values other than 'stop' and 'length'. */
  rawStopReason: string | undefined;
  usage: TokenUsage;
  bedrockFirstByteMs: number | undefined;
  bedrockInvocationMs: number | undefined;
  guardrail: GuardrailOutcome | undefined;
}

const utf8 = new TextDecoder();

/** A chunk that is not JSON, or whose fields have the wrong types. */
export class MalformedChunkError extends Error {
  constructor(readonly problem: string) {
    super(`malformed stream chunk: ${problem}`);
    this.name = 'MalformedChunkError';
  }
}

/** Parses and type-checks one chunk's bytes; throws MalformedChunkError. */
export function decodeChunk(bytes: Uint8Array): LlamaChunk {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new MalformedChunkError('not JSON');
  }
  return validateChunk(value);
}

/**
 * Type-checks a parsed Llama response body or chunk (also a batch job's `modelOutput`);
 * throws MalformedChunkError.
 */
export function validateChunk(value: unknown): LlamaChunk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedChunkError('not a JSON object');
  const chunk = value as Record<string, unknown>;
  check(chunk, 'generation', isString);
  check(chunk, 'stop_reason', isString);
  check(chunk, 'prompt_token_count', isCount);
  check(chunk, 'generation_token_count', isCount);
  check(chunk, 'amazon-bedrock-guardrailAction', isString);
  const metrics = chunk['amazon-bedrock-invocationMetrics'];
  if (metrics !== undefined && metrics !== null) {
    if (typeof metrics !== 'object' || Array.isArray(metrics)) throw new MalformedChunkError('amazon-bedrock-invocationMetrics is not an object');
    for (const key of ['inputTokenCount', 'outputTokenCount', 'invocationLatency', 'firstByteLatency']) check(metrics as Record<string, unknown>, key, isCount);
  }
  return chunk as LlamaChunk;
}

function isString(v: unknown): boolean {
  return typeof v === 'string';
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** A field may be absent or null; otherwise it must pass `ok`. */
function check(obj: Record<string, unknown>, key: string, ok: (v: unknown) => boolean): void {
  const v = obj[key];
  if (v !== undefined && v !== null && !ok(v)) throw new MalformedChunkError(`${key} is ${JSON.stringify(v)?.slice(0, 40) ?? typeof v}`);
}

/** Folds chunks into the answer so far; `push` returns each chunk's text delta. */
export class ChunkAccumulator {
  /** All text so far (kept for partial answers on failure); never a guardrail's message. */
  text = '';
  /** What a guardrail put in place of the answer. */
  blockedText = '';
  private promptTokens: number | undefined;
  private generationTokens: number | undefined;
  private rawStop: string | undefined;
  private metrics: InvocationMetrics | undefined;
  private guardrailAction: string | undefined;
  private trace: unknown;

  /** True once a chunk said a guardrail intervened: its text is the guardrail's, not the model's. */
  get intervened(): boolean {
    return this.guardrailAction === 'INTERVENED';
  }

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
    const action = chunk['amazon-bedrock-guardrailAction'];
    // INTERVENED sticks: a later chunk saying NONE does not make the message an answer.
    if (action && !this.intervened) this.guardrailAction = action;
    if (chunk['amazon-bedrock-trace'] !== undefined) this.trace = chunk['amazon-bedrock-trace'];
    const delta = chunk.generation;
    if (!delta) return '';
    if (this.intervened) {
      this.blockedText += delta;
      return '';
    }
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
      guardrail: this.guardrailAction === undefined ? undefined : {
        action: this.intervened ? 'INTERVENED' : 'NONE',
        // Said only on a later chunk (after text went out as the answer): that text was the guardrail's.
        ...(this.intervened ? { message: (this.blockedText || this.text).trim() } : {}),
        ...(this.trace !== undefined ? { trace: this.trace } : {}),
      },
    };
  }
}
