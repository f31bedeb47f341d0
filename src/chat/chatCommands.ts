// The chat's commands, one hop from id to code.
import type { CommandHandlers } from '../commands';
import type { ChatController } from './chatController';

export function chatCommands(chat: ChatController): CommandHandlers {
  return {
    'bedrockLlama.openChat': () => chat.openChat(),
    'bedrockLlama.openChatPanel': () => chat.openPanel(),
    'bedrockLlama.newChat': () => chat.newChat(),
  };
}
