// Message-level rendering of Llama 3.x and Llama 4 prompts: the same markers as
// templates.ts's llama3Prompt / llama4Prompt, but over a list of messages with any role
// (the tool role `ipython`, consecutive user messages) and either end token, which tool
// conversations need and the turn-pair TemplateInput cannot express. For a plain
// conversation the output is identical to renderPrompt's (test/unit/lmChatPrompt.test.ts).
import { neutralize } from '../templates';
import type { ModelFamily } from '../types';

export interface RenderedMessage {
  role: 'system' | 'user' | 'assistant' | 'ipython';
  /** Final content: already neutralised and stripped, with any markers the builder added. */
  content: string;
  /** `eom`: end of message, the conversation goes on with a tool's output (Llama 3.1 `<|eom_id|>`, Llama 4 `<|eom|>`). */
  end: 'eot' | 'eom';
}

// Python's str.strip() set, as templates.ts strips each message (Meta's reference does).
// TODO(templates.ts): export its `strip` so this copy can go.
const PY_EDGE_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PY_LEADING_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Text from outside (user, file, tool, earlier answer) as a message body: neutralised, then stripped. */
export function cleanText(text: string, family: ModelFamily): string {
  return neutralize(text, family).replace(PY_EDGE_SPACE, '');
}

/** A partial answer to continue keeps its end, as templates.ts's assistantPrefix. */
export function cleanPrefix(text: string, family: ModelFamily): string {
  return neutralize(text, family).replace(PY_LEADING_SPACE, '');
}

/**
 * `<|begin_of_text|>`, each message as `header(role) + content + end`, then the assistant
 * header (and a partial answer, when continuing). Llama 3.x: meta-llama/llama-models
 * models/llama3/chat_format.py (`<|start_header_id|>{role}<|end_header_id|>\n\n`, `<|eot_id|>` /
 * `<|eom_id|>`); Llama 4: models/llama4/chat_format.py (`<|header_start|>{role}<|header_end|>\n\n`,
 * `<|eot|>` / `<|eom|>`). Both write the tool role as `ipython`.
 */
export function renderMessages(family: 'llama3' | 'llama4', messages: readonly RenderedMessage[], assistantPrefix = ''): string {
  const l4 = family === 'llama4';
  const header = (role: string) => (l4 ? `<|header_start|>${role}<|header_end|>\n\n` : `<|start_header_id|>${role}<|end_header_id|>\n\n`);
  const ends = l4 ? { eot: '<|eot|>', eom: '<|eom|>' } : { eot: '<|eot_id|>', eom: '<|eom_id|>' };
  let out = '<|begin_of_text|>';
  for (const m of messages) out += header(m.role) + m.content + ends[m.end];
  return out + header('assistant') + assistantPrefix;
}
