// The chat history in workspace state, so each workspace keeps its own conversations
// across reloads. Writes are not awaited by callers: the memento keeps the value at once.
import type * as vscode from 'vscode';
import type { ChatHistory } from '../core/chat/history';
import { deserializeHistory, serializeHistory } from '../core/chat/serialization';

const KEY = 'bedrockLlama.chatHistory';

export class ChatStorage {
  constructor(private readonly memento: vscode.Memento, private readonly log: vscode.LogOutputChannel) {}

  load(): ChatHistory {
    const { history, dropped } = deserializeHistory(this.memento.get(KEY));
    for (const reason of dropped) this.log.warn(`Chat history: ${reason}`);
    return history;
  }

  save(history: ChatHistory): void {
    Promise.resolve(this.memento.update(KEY, serializeHistory(history))).catch((err: unknown) =>
      this.log.warn(`Chat history could not be saved: ${String(err)}`),
    );
  }
}
