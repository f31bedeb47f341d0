// VS Code's chat messages as the pure core takes them (src/core/lmChat/types.ts): text parts,
// tool calls and tool results one to one; an image is any part carrying `mimeType` and `data`
// bytes (LanguageModelDataPart, a proposed API in 1.104, reaches providers as such a part);
// anything else is left out. System text a caller sends as a user message stays a user message.
import * as vscode from 'vscode';
import type { ChatMessage, ChatPart } from '../core/lmChat/types';
import type { LanguageModelChatRequestMessage } from './lmApi';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function toCoreMessages(messages: readonly LanguageModelChatRequestMessage[]): ChatMessage[] {
  return messages.map((m) => ({
    role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user',
    parts: m.content.flatMap(toPart),
  }));
}

/** The text of a message (for token counts). */
export function messageText(message: LanguageModelChatRequestMessage): string {
  return toCoreMessages([message])[0].parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'toolResult' ? p.content : p.kind === 'toolCall' ? `${p.name}(${JSON.stringify(p.input)})` : '')).join('\n');
}

function toPart(part: unknown): ChatPart[] {
  if (part instanceof vscode.LanguageModelTextPart) return [{ kind: 'text', text: part.value }];
  if (part instanceof vscode.LanguageModelToolCallPart) {
    const input = typeof part.input === 'object' && part.input !== null && !Array.isArray(part.input) ? part.input as Record<string, unknown> : {};
    return [{ kind: 'toolCall', callId: part.callId, name: part.name, input }];
  }
  if (part instanceof vscode.LanguageModelToolResultPart) {
    const content = part.content.map((c) => (c instanceof vscode.LanguageModelTextPart ? c.value : typeof c === 'string' ? c : '')).join('');
    return [{ kind: 'toolResult', callId: part.callId, content }];
  }
  if (isImage(part)) return [{ kind: 'image', mimeType: part.mimeType, data: part.data }];
  return [];
}

function isImage(part: unknown): part is { mimeType: string; data: Uint8Array } {
  if (typeof part !== 'object' || part === null) return false;
  const { mimeType, data } = part as { mimeType?: unknown; data?: unknown };
  return typeof mimeType === 'string' && IMAGE_TYPES.has(mimeType) && data instanceof Uint8Array;
}
