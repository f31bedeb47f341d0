// Turns VS Code's messages into rendered Llama 3.x / Llama 4 messages: text and images as
// user messages, tool results as `ipython` messages, an answer's tool calls in the dialect's
// call syntax. Every piece of text from outside goes through neutralize (via cleanText).
import { neutralize } from '../templates';
import { describeCall, encodeCalls } from './encodeCall';
import { cleanPrefix, cleanText, type RenderedMessage } from './render';
import type { ChatMessage, ChatPart, ToolDialect } from './types';

export interface RenderedConversation {
  messages: RenderedMessage[];
  /** A last assistant message without calls: a partial answer to continue. */
  assistantPrefix: string;
}

type ToolCallPart = Extract<ChatPart, { kind: 'toolCall' }>;

/**
 * `dialect` undefined: the model has no tool format (Llama 3), so calls and results are
 * written as plain text (a result as a user message naming its tool).
 */
export function renderConversation(family: 'llama3' | 'llama4', dialect: ToolDialect | undefined, messages: readonly ChatMessage[]): RenderedConversation {
  const out: RenderedMessage[] = [];
  const names = new Map<string, string>();
  const last = messages[messages.length - 1];
  const continuing = last?.role === 'assistant' && !last.parts.some((p) => p.kind === 'toolCall');
  const body = continuing ? messages.slice(0, -1) : messages;
  for (const m of body) {
    if (m.role === 'assistant') out.push(assistantMessage(family, dialect, m.parts, names));
    else out.push(...userMessages(family, dialect, m.parts, names));
  }
  return { messages: out, assistantPrefix: continuing ? cleanPrefix(textOf(last.parts), family) : '' };
}

function textOf(parts: readonly ChatPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

// Meta's ChatFormat appends the calls after the content, and ends an answer with calls by
// `<|eom_id|>` in the JSON dialect (Environment: ipython: models/llama3_1/prompt_format.md),
// `<|eot_id|>` in Llama 3's pythonic one ("notice the <|eot_id|> for zero shot tool calls":
// models/llama3_2/text_prompt_format.md) and always `<|eom|>` on Llama 4 (models/llama4/
// chat_format.py `encode_message`: `eom = … or message.tool_calls`).
function assistantMessage(family: 'llama3' | 'llama4', dialect: ToolDialect | undefined, parts: readonly ChatPart[], names: Map<string, string>): RenderedMessage {
  const calls = parts.filter((p): p is ToolCallPart => p.kind === 'toolCall');
  for (const c of calls) names.set(c.callId, c.name);
  const text = textOf(parts);
  if (calls.length === 0) return { role: 'assistant', content: cleanText(text, family), end: 'eot' };
  if (!dialect) return { role: 'assistant', content: cleanText([text, ...calls.map(describeCall)].join('\n\n'), family), end: 'eot' };
  // The JSON dialect's answer starts with <|python_tag|> (models/llama3_1/prompt_format.md,
  // "Model Response Format"); Meta's ChatFormat leaves it out for the pythonic calls.
  const encoded = neutralize(encodeCalls(dialect, calls), family);
  const callText = dialect === 'llama3-json' ? `<|python_tag|>${encoded}` : encoded;
  const content = [cleanText(text, family), callText].filter((s) => s !== '').join('\n\n');
  return { role: 'assistant', content, end: family === 'llama4' || dialect === 'llama3-json' ? 'eom' : 'eot' };
}

// A user message in runs, in order: text and images (one `<|image|>` per image at the start
// of the run, as templates.ts places them) and each tool result as an `ipython` message,
// which Llama 3 ends with `<|eot_id|>` (the ipython turns of models/llama3_1/prompt_format.md)
// and Llama 4 with `<|eom|>` (models/llama4/chat_format.py: `elif message.role == "tool": eom = True`).
function userMessages(family: 'llama3' | 'llama4', dialect: ToolDialect | undefined, parts: readonly ChatPart[], names: Map<string, string>): RenderedMessage[] {
  const out: RenderedMessage[] = [];
  let text = '';
  let images = 0;
  let open = false;
  const flush = () => {
    if (open) out.push({ role: 'user', content: '<|image|>'.repeat(images) + cleanText(text, family), end: 'eot' });
    text = '';
    images = 0;
    open = false;
  };
  for (const p of parts) {
    if (p.kind === 'toolResult') {
      flush();
      if (dialect) out.push({ role: 'ipython', content: cleanText(p.content, family), end: family === 'llama4' ? 'eom' : 'eot' });
      else out.push({ role: 'user', content: cleanText(`Result of ${names.get(p.callId) ?? 'a tool call'}:\n${p.content}`, family), end: 'eot' });
    } else if (p.kind === 'text') {
      text += p.text;
      open = true;
    } else if (p.kind === 'image') {
      images++;
      open = true;
    }
  }
  flush();
  return out;
}
