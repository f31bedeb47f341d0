// What Show Last Prompt shows: the exact prompt string of a request, the parameters and
// options it went with, its route, and the token counts before and after. Filled in as the
// request runs; rendered as plain text (no Markdown: the prompt must appear byte for byte).
import type { LlamaRequestBody, RequestOptions, TokenUsage } from '../types';

export interface PromptRecord {
  requestId: string;
  /** ISO time the request was prepared. */
  at: string;
  /** The model as configured, and the id as sent (after any profile fallback). */
  configModelId: string;
  modelIdSent: string;
  region: string | undefined;
  operation: 'InvokeModelWithResponseStream' | 'InvokeModel';
  /** The body without the prompt and image bytes. */
  parameters: Omit<LlamaRequestBody, 'prompt' | 'images'> & { images?: number };
  options: RequestOptions;
  prompt: string;
  /** Counted locally before sending. */
  estimatedPromptTokens: number;
  /** Bedrock's own counts, once it answered. */
  bedrock?: TokenUsage;
  /** How it ended: ok, stopped, failed, blocked… */
  result?: string;
}

export function renderPromptRecord(r: PromptRecord): string {
  const o = r.options;
  const lines = [
    `Request ${r.requestId} at ${r.at}`,
    `Model: ${r.modelIdSent}${r.modelIdSent !== r.configModelId ? ` (configured: ${r.configModelId})` : ''}`,
    `Region: ${r.region ?? 'the AWS SDK default'}`,
    `Operation: ${r.operation}`,
    `Parameters: temperature=${r.parameters.temperature} top_p=${r.parameters.top_p} max_gen_len=${r.parameters.max_gen_len}${r.parameters.images ? ` images=${r.parameters.images}` : ''}`,
    `Options: latency=${o.latency ?? 'standard'} service tier=${o.serviceTier ?? 'default'} guardrail=${o.guardrail ? `${o.guardrail.id} (version ${o.guardrail.version}, trace ${o.guardrail.trace})` : 'none'}`,
    `Prompt tokens: ≈${r.estimatedPromptTokens} estimated before sending; ${r.bedrock ? `${r.bedrock.inputTokens} counted by Bedrock (answer: ${r.bedrock.outputTokens})` : 'no count from Bedrock yet'}`,
    `Result: ${r.result ?? 'in progress'}`,
    '',
    PROMPT_SEPARATOR,
  ];
  return `${lines.join('\n')}\n${r.prompt}`;
}

/** The line after which the exact prompt starts (tests split on it). */
export const PROMPT_SEPARATOR = '──────── exact prompt sent (everything below this line) ────────';
