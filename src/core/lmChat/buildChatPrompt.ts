// The prompt for one Language Model Chat request: the system message (with Meta's tool
// instructions when tools are offered), the conversation, the assistant header; plus the
// images to send beside it, in the order of their `<|image|>` markers.
import type { ModelFamily } from '../types';
import { renderConversation } from './conversation';
import { llama2ChatPrompt } from './llama2Fold';
import { cleanText, renderMessages, type RenderedMessage } from './render';
import { toolCallingFamily } from './toolFamily';
import { jsonSystem, jsonToolsMessage, pythonicSystem } from './toolPrompts';
import type { ChatMessage, ImageInput, ToolDialect, ToolMode, ToolSpec } from './types';

export interface ChatPromptInput {
  /** Model id in any form that shows the base model (base, profile, ARN): picks the tool dialect. */
  modelId: string;
  /** The template family (ResolvedModel.family). */
  family: ModelFamily;
  /** The extension's own system text (base prompt, user setting, answer language). */
  system?: string;
  messages: readonly ChatMessage[];
  tools?: readonly ToolSpec[];
  toolMode?: ToolMode;
  /** Another of Meta's dialects for a tool-calling model, e.g. 'llama3-json' for Llama 3.3. */
  dialect?: ToolDialect;
  /** "Today Date" of the JSON dialect's system message; default: now. */
  today?: Date;
}

export interface ChatPrompt {
  prompt: string;
  /** Images of the user messages, in prompt order (one `<|image|>` each). */
  images: ImageInput[];
  /** The dialect the tools were offered in; undefined: none were (nothing to parse for calls). */
  dialect?: ToolDialect;
  /** Why offered tools were left out: the model has no tool format, or Llama 3.2 Vision got images. */
  toolsOmitted?: 'model' | 'images';
}

export function buildChatPrompt(input: ChatPromptInput): ChatPrompt {
  const calling = toolCallingFamily(input.modelId, input.family);
  const tools = input.tools ?? [];
  const images: ImageInput[] = input.messages.flatMap((m) => (m.role === 'user'
    ? m.parts.flatMap((p) => (p.kind === 'image' ? [{ mimeType: p.mimeType, data: p.data }] : []))
    : []));
  const historyDialect = calling && (input.dialect ?? calling.dialect);
  let toolsOmitted: ChatPrompt['toolsOmitted'];
  if (tools.length > 0 && !historyDialect) toolsOmitted = 'model';
  // models/llama3_2/vision_prompt_format.md: "Tool Calling does NOT work with images in the prompt as of now."
  else if (tools.length > 0 && calling?.noToolsWithImages && images.length > 0) toolsOmitted = 'images';
  const offered = tools.length > 0 && !toolsOmitted ? historyDialect : undefined;

  if (input.family === 'llama2') {
    return { prompt: llama2ChatPrompt(input.system ?? '', input.messages), images, ...(toolsOmitted && { toolsOmitted }) };
  }
  const family = input.family;
  const system = cleanText(input.system ?? '', family);
  const mode = input.toolMode ?? 'auto';
  const head: RenderedMessage[] = [];
  let systemText = system;
  if (offered === 'llama3-json') systemText = jsonSystem(system, mode, input.today ?? new Date());
  else if (offered) systemText = pythonicSystem(offered, tools, system, mode);
  if (systemText) head.push({ role: 'system', content: cleanText(systemText, family), end: 'eot' });
  if (offered === 'llama3-json') head.push({ role: 'user', content: cleanText(jsonToolsMessage(tools), family), end: 'eot' });

  const conversation = renderConversation(family, historyDialect, input.messages);
  return {
    prompt: renderMessages(family, [...head, ...conversation.messages], conversation.assistantPrefix),
    images,
    ...(offered && { dialect: offered }),
    ...(toolsOmitted && { toolsOmitted }),
  };
}
