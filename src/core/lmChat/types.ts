// Plain mirrors of what VS Code's Language Model Chat Provider API (1.104) hands a provider,
// so the prompt building and answer parsing stay in the pure core (no `vscode` import): the
// extension side maps LanguageModelTextPart, LanguageModelDataPart (images),
// LanguageModelToolCallPart and LanguageModelToolResultPart onto these one to one.

export type ChatPart =
  | { kind: 'text'; text: string }
  | { kind: 'image'; mimeType: string; data: Uint8Array }
  | { kind: 'toolCall'; callId: string; name: string; input: Record<string, unknown> }
  /** A tool's output; VS Code's result part holds text parts, joined here. */
  | { kind: 'toolResult'; callId: string; content: string };

export interface ChatMessage {
  role: 'user' | 'assistant';
  parts: readonly ChatPart[];
}

/** A tool offered to the model (VS Code's LanguageModelChatTool). */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the input object. */
  inputSchema?: object;
}

/** VS Code's LanguageModelChatToolMode. */
export type ToolMode = 'auto' | 'required';

/**
 * How a model family is told about tools and answers with calls (Meta's documented formats):
 * - `llama3-json`: Llama 3.1 (and 3.2 Vision) JSON tool calling, `{"type": "function", "name": …, "parameters": {…}}`;
 * - `llama3-pythonic`: Llama 3.2 1B/3B and 3.3 zero-shot calling, `[func(param=value), …]`;
 * - `llama4-pythonic`: the same call syntax with Llama 4's own system prompt and end tokens.
 */
export type ToolDialect = 'llama3-json' | 'llama3-pythonic' | 'llama4-pythonic';

export interface ImageInput {
  mimeType: string;
  data: Uint8Array;
}

/** A tool call found in an answer; `input` is always a plain object. */
export interface ParsedToolCall {
  callId: string;
  name: string;
  input: Record<string, unknown>;
}
