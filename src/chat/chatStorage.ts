// The chat history in workspace state, so each workspace keeps its own conversations
// across reloads. Each conversation has a key of its own, and a small index lists them
// and the open one: a save writes only the conversations that changed, and the index.
// Callers do not await saves (the memento keeps a value at once); writes of one key are
// chained so they land in the order they were made.
import type * as vscode from 'vscode';
import type { Conversation } from '../core/chat/conversation';
import type { ChatHistory } from '../core/chat/history';
import { buildHistory, readConversation, readIndex, readLegacy, serializeConversation, serializeIndex } from '../core/chat/serialization';

export const INDEX_KEY = 'bedrockLlama.chatIndex';
export const CONVERSATION_PREFIX = 'bedrockLlama.chat.';
/** Format 1: the whole history under one key, moved to the keys above on load. */
export const LEGACY_KEY = 'bedrockLlama.chatHistory';

export function conversationKey(id: string): string {
  return CONVERSATION_PREFIX + id;
}

export class ChatStorage {
  /** Conversations whose key holds a value, so that a save removes those that left the history. */
  private readonly stored = new Set<string>();
  /** Conversations whose last write failed: written again on the next save. */
  private readonly unsaved = new Set<string>();
  /** The latest write of each key still under way, which the next write of that key waits for. */
  private readonly writes = new Map<string, Promise<boolean>>();

  constructor(private readonly memento: vscode.Memento, private readonly log: vscode.LogOutputChannel) {}

  load(): ChatHistory {
    const dropped: string[] = [];
    const index = readIndex(this.memento.get(INDEX_KEY));
    if (index.problem) dropped.push(index.problem);
    // The keys say what is stored, not only the index: one that lost or missed its index
    // entry (a damaged index, a window closed between two writes) still loads.
    const ids = new Set(index.ids);
    for (const key of this.memento.keys()) if (key.startsWith(CONVERSATION_PREFIX)) ids.add(key.slice(CONVERSATION_PREFIX.length));
    const conversations: Conversation[] = [];
    for (const id of ids) {
      const raw = this.memento.get(conversationKey(id));
      if (raw === undefined) {
        dropped.push(`conversation ${id}: in the index but not stored`);
        continue;
      }
      this.stored.add(id);
      const read = readConversation(raw, id);
      dropped.push(...read.dropped);
      if (read.conversation) conversations.push(read.conversation);
    }
    let activeId = index.activeId;
    const legacy = this.memento.get(LEGACY_KEY);
    if (legacy !== undefined) {
      const old = readLegacy(legacy);
      dropped.push(...old.dropped);
      // After a migration that did not finish, the copy under its own key is the newer one.
      const have = new Set(conversations.map((c) => c.id));
      conversations.push(...old.conversations.filter((c) => !have.has(c.id)));
      activeId ??= old.activeId;
    }
    const { history } = buildHistory(conversations, activeId, dropped);
    for (const reason of dropped) this.log.warn(`Chat history: ${reason}`);
    if (legacy !== undefined || dropped.length > 0) this.rewrite(history, legacy !== undefined);
    return history;
  }

  /**
   * Writes the conversations that changed since the last save (ChatHistory.takeChanged) and
   * the index, and removes the keys of conversations no longer in the history. Call it
   * after anything that changes the history; the caps are applied first.
   */
  save(history: ChatHistory): void {
    history.enforce();
    this.store(history, history.takeChanged());
  }

  /** Resolves when every write made so far has landed or failed (for tests and shutdown). */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes.values());
  }

  /** After a migration or a repair on load: everything is written once; then the old key goes, unless a write failed. */
  private rewrite(history: ChatHistory, legacy: boolean): void {
    history.takeChanged();
    const writes = this.store(history, history.recent());
    if (!legacy) return;
    void Promise.all(writes).then((ok) => {
      if (!ok.every(Boolean)) return this.log.warn('Chat history: kept the old history key, since some of it could not be written anew');
      void this.write(LEGACY_KEY, undefined);
      this.log.info('Chat history: moved to one key per conversation');
    });
  }

  private store(history: ChatHistory, changed: readonly Conversation[]): Promise<boolean>[] {
    const kept = new Map(history.recent().map((c) => [c.id, c]));
    const toWrite = new Map(changed.map((c) => [c.id, c]));
    for (const id of this.unsaved) if (kept.has(id)) toWrite.set(id, kept.get(id) as Conversation);
    this.unsaved.clear();
    const writes: Promise<boolean>[] = [];
    for (const c of toWrite.values()) {
      if (!kept.has(c.id)) continue;
      this.stored.add(c.id);
      const write = this.write(conversationKey(c.id), serializeConversation(c));
      void write.then((ok) => ok || this.unsaved.add(c.id));
      writes.push(write);
    }
    for (const id of this.stored) {
      if (kept.has(id)) continue;
      this.stored.delete(id);
      const write = this.write(conversationKey(id), undefined);
      void write.then((ok) => ok || this.stored.add(id));
      writes.push(write);
    }
    writes.push(this.write(INDEX_KEY, serializeIndex(history)));
    return writes;
  }

  /** Starts at once when the key has no write under way, else after it; resolves to whether it landed. */
  private write(key: string, value: unknown): Promise<boolean> {
    const update = () => this.memento.update(key, value);
    const previous = this.writes.get(key);
    const done = (previous ? previous.then(update) : new Promise<void>((resolve) => resolve(update()))).then(
      () => true,
      (err: unknown) => {
        this.log.warn(`Chat history: could not write ${key}: ${String(err)}`);
        return false;
      },
    );
    this.writes.set(key, done);
    void done.then(() => {
      if (this.writes.get(key) === done) this.writes.delete(key);
    });
    return done;
  }
}
