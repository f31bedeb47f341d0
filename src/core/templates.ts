// Meta's chat templates as pure string functions. Bedrock tokenizes the prompt string
// itself, parsing control tokens out of it, so every piece of text that comes from the
// user, a file or an earlier answer passes through `neutralize` here — and only that
// text: the template's own markers are added after it.
import type { ChatTurn, ModelFamily } from './types';

export interface TemplateInput {
  system?: string;
  /** Finished exchanges, oldest first. */
  turns: ChatTurn[];
  /** The current user message. */
  user: string;
  /** A partial answer to continue (after stop_reason 'length'): no end-of-turn after it. */
  assistantPrefix?: string;
  /** Images attached to the current message (Llama 3.2 11B/90B, Llama 4): one `<|image|>` each. */
  images?: number;
}

/**
 * Zero-width space, put inside control-token look-alikes by `neutralize`. Chosen over a
 * look-alike such as '｜' (U+FF5C) because it leaves the text as the model would read it
 * (`<|eot_id|>` in a tokenizer's source still reads as that string, while `<｜eot_id｜>` is
 * a different, DeepSeek-style marker) and is never stripped as whitespace. Verified with the
 * real Llama 3 tokenizer: the result encodes to ordinary tokens only (test/unit/templates.test.ts).
 */
export const NEUTRALIZER = '\u200B';

// `<|identifier|>`: every Llama 3 control token (and Llama 3.2's `<|image|>`) has this form,
// and so does every Llama 4 special token (meta-llama/llama-models models/llama4/tokenizer.py:
// BASIC_SPECIAL_TOKENS, LLAMA4_*_SPECIAL_TOKENS, reserved tokens), so one rule serves both.
const LLAMA3_MARKER = /<(?=\|[A-Za-z0-9_]+\|>)/g;
// Llama 2's markers, in any case and with stray spaces: [INST] [/INST] <<SYS>> <</SYS>> <s> </s>.
const LLAMA2_BRACKET = /\[(?=\s*\/?\s*inst\s*\])/gi;
const LLAMA2_ANGLE = /<(?=<\s*\/?\s*sys\s*>>|\s*\/?\s*s\s*>)/gi;

/** Breaks control-token look-alikes in text so they stay readable but are no longer markers. Idempotent. */
export function neutralize(text: string, family: ModelFamily): string {
  let out = text.replace(LLAMA3_MARKER, `<${NEUTRALIZER}`);
  if (family === 'llama2') out = out.replace(LLAMA2_BRACKET, `[${NEUTRALIZER}`).replace(LLAMA2_ANGLE, `<${NEUTRALIZER}`);
  return out;
}

// Python's str.strip() set (Meta's reference strips each message's content): unlike JS
// trim() it leaves U+FEFF alone and removes the separators U+001C–U+001F and U+0085.
const PY_EDGE_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PY_LEADING_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function strip(text: string): string {
  return text.replace(PY_EDGE_SPACE, '');
}

/** A partial answer keeps its end (the continuation is appended to it as is). */
function partial(text: string | undefined, family: ModelFamily): string {
  return text ? neutralize(text, family).replace(PY_LEADING_SPACE, '') : '';
}

/**
 * Llama 3.x, as Meta's ChatFormat: `<|begin_of_text|>`, then per message
 * `<|start_header_id|>{role}<|end_header_id|>\n\n{content.strip()}<|eot_id|>`, then the
 * assistant header to ask for the answer (followed by a partial answer, if continuing).
 */
export function llama3Prompt(input: TemplateInput): string {
  const clean = (text: string) => strip(neutralize(text, 'llama3'));
  const message = (role: string, content: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`;
  let out = '<|begin_of_text|>';
  const system = clean(input.system ?? '');
  if (system) out += message('system', system);
  for (const turn of input.turns) out += message('user', clean(turn.user)) + message('assistant', clean(turn.assistant));
  out += message('user', '<|image|>'.repeat(input.images ?? 0) + clean(input.user));
  return `${out}<|start_header_id|>assistant<|end_header_id|>\n\n${partial(input.assistantPrefix, 'llama3')}`;
}

/**
 * Llama 4, as Meta's reference (meta-llama/llama-models models/llama4/chat_format.py
 * `encode_dialog_prompt`, `encode_message`, `_encode_header`; prompt_format.md): `<|begin_of_text|>`,
 * then per message `<|header_start|>{role}<|header_end|>\n\n{content}<|eot|>`, then the
 * assistant header (followed by a partial answer, if continuing). Meta's Llama 4 code does
 * not strip content (its HF template trims text parts and the system message); stripped here
 * as for Llama 3, which only touches edge whitespace.
 *
 * Images: the prompt carries one `<|image|>` per image at the start of the user message, as
 * the HF chat template does. Meta's chat_format expands an image into `<|image_start|>…
 * <|patch|>…<|image_end|>` only from its pixels, and HF's Llama4Processor (transformers
 * processing_llama4.py) replaces each `<|image|>` placeholder with that block, one per image
 * in order: Bedrock gets the pixels in `images`, so the placeholder is what the prompt can give.
 */
export function llama4Prompt(input: TemplateInput): string {
  const clean = (text: string) => strip(neutralize(text, 'llama4'));
  const message = (role: string, content: string) => `<|header_start|>${role}<|header_end|>\n\n${content}<|eot|>`;
  let out = '<|begin_of_text|>';
  const system = clean(input.system ?? '');
  if (system) out += message('system', system);
  for (const turn of input.turns) out += message('user', clean(turn.user)) + message('assistant', clean(turn.assistant));
  out += message('user', '<|image|>'.repeat(input.images ?? 0) + clean(input.user));
  return `${out}<|header_start|>assistant<|header_end|>\n\n${partial(input.assistantPrefix, 'llama4')}`;
}

/**
 * Llama 2 chat, as Meta's reference: the system merged into the first user message as
 * `<<SYS>>\n{system}\n<</SYS>>\n\n{user}`, each finished exchange `<s>[INST] {user} [/INST] {answer} </s>`,
 * the open one `<s>[INST] {user} [/INST]` (then ` {partial}` when continuing).
 */
export function llama2Prompt(input: TemplateInput): string {
  if (input.images) throw new Error('Llama 2 models do not take images.');
  const clean = (text: string) => strip(neutralize(text, 'llama2'));
  const system = clean(input.system ?? '');
  const users = [...input.turns.map((t) => clean(t.user)), clean(input.user)];
  if (system) users[0] = `<<SYS>>\n${system}\n<</SYS>>\n\n${users[0]}`;
  let out = '';
  input.turns.forEach((turn, i) => { out += `<s>[INST] ${users[i]} [/INST] ${clean(turn.assistant)} </s>`; });
  out += `<s>[INST] ${users[users.length - 1]} [/INST]`;
  const prefix = partial(input.assistantPrefix, 'llama2');
  return prefix ? `${out} ${prefix}` : out;
}

export function renderPrompt(family: ModelFamily, input: TemplateInput): string {
  if (family === 'llama4') return llama4Prompt(input);
  return family === 'llama2' ? llama2Prompt(input) : llama3Prompt(input);
}
