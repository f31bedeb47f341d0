// What every command factory is given: the services and the chat, so commands hand a turn
// to the chat directly instead of through executeCommand with an untyped argument.
import type { ChatController } from '../chat/chatController';
import type { Services } from '../services';

export interface CommandContext {
  services: Services;
  chat: ChatController;
}
