// The chat's commands, one hop from id to code.
import * as vscode from 'vscode';
import type { ChatController } from './chatController';

export function registerChatCommands(chat: ChatController): vscode.Disposable[] {
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    // Also the way Explain Selection and Ask About Selection… hand a turn to the chat.
    'bedrockLlama.openChat': (request?: unknown) => chat.openChat(request),
    'bedrockLlama.openChatPanel': () => chat.openPanel(),
    'bedrockLlama.newChat': () => chat.newChat(),
  };
  return Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
