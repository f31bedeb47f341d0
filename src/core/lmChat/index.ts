// Pure core of the Language Model Chat Provider: VS Code's messages and tools in, a Llama
// prompt out (buildChatPrompt), the streamed answer back as text and tool calls (ToolCallStream).
export { buildChatPrompt, type ChatPrompt, type ChatPromptInput } from './buildChatPrompt';
export { parseToolCalls, ToolCallStream, type StreamEnd, type ToolCallStreamOptions } from './toolCallStream';
export { toolCallingFamily, type ToolCalling } from './toolFamily';
export type { ChatMessage, ChatPart, ImageInput, ParsedToolCall, ToolDialect, ToolMode, ToolSpec } from './types';
