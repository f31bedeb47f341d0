// All conversations of a workspace and which one is open. There is always an open one;
// a conversation without turns is a blank page and is neither listed nor kept.
import { createConversation, type Conversation } from './conversation';
import { LIMITS } from './validate';

export interface HistoryItem {
  id: string;
  title: string;
  turns: number;
  updatedAt: number;
}

/** Older conversations beyond this are dropped when saving, to keep workspace storage small. */
export const MAX_CONVERSATIONS = 50;

export class ChatHistory {
  private readonly conversations = new Map<string, Conversation>();
  private activeId: string;

  constructor(conversations: Conversation[] = [], activeId?: string) {
    for (const c of conversations) if (c.turns.length > 0) this.conversations.set(c.id, c);
    const active = activeId !== undefined ? this.conversations.get(activeId) : undefined;
    this.activeId = active ? active.id : this.add(createConversation()).id;
  }

  get active(): Conversation {
    const c = this.conversations.get(this.activeId);
    return c ?? this.add(createConversation());
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** Opens a blank conversation, unless the open one is still blank. */
  startNew(now = Date.now()): Conversation {
    const current = this.active;
    if (current.turns.length === 0) return current;
    return this.add(createConversation(now));
  }

  open(id: string): Conversation | undefined {
    const c = this.conversations.get(id);
    if (c) this.switchTo(c);
    return c;
  }

  rename(id: string, title: string): boolean {
    const c = this.conversations.get(id);
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, LIMITS.title);
    if (!c || !clean) return false;
    c.title = clean;
    return true;
  }

  /** Deleting the open conversation opens a blank one. */
  delete(id: string): boolean {
    if (!this.conversations.delete(id)) return false;
    if (id === this.activeId) this.add(createConversation());
    return true;
  }

  /** Conversations with turns, most recent first. */
  list(): HistoryItem[] {
    return this.recent().map((c) => ({ id: c.id, title: c.title, turns: c.turns.length, updatedAt: c.updatedAt }));
  }

  /** What to keep: conversations with turns, most recent first, at most MAX_CONVERSATIONS. */
  recent(): Conversation[] {
    return [...this.conversations.values()]
      .filter((c) => c.turns.length > 0)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, MAX_CONVERSATIONS);
  }

  private add(c: Conversation): Conversation {
    this.conversations.set(c.id, c);
    this.switchTo(c);
    return c;
  }

  private switchTo(c: Conversation): void {
    // The blank page left behind is dropped when another conversation opens.
    const previous = this.conversations.get(this.activeId);
    if (previous && previous !== c && previous.turns.length === 0) this.conversations.delete(previous.id);
    this.activeId = c.id;
  }
}
