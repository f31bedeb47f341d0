// The chat's commands, one hop from id to code.
import type { CommandHandlers } from '../commands';
import type { ChatController } from './chatController';

export function chatCommands(chat: ChatController): CommandHandlers {
  return {
    // Also the way Explain Selection and Ask About Selection… hand a turn to the chat.
    'bedrockLlama.openChat': (request?: unknown) => chat.openChat(request),
    'bedrockLlama.openChatPanel': () => chat.openPanel(),
    'bedrockLlama.newChat': () => chat.newChat(),
  };
}
