// The chat history as stored in workspace state: versioned, and read defensively, since a
// stored value may come from an older or newer build, or be damaged. What does not check
// out is dropped one conversation (or turn) at a time, never the whole history.
import type { Conversation, Turn } from './conversation';
import { ChatHistory } from './history';
import { isRecord } from './guards';
import { isConversation, isTurn } from './validate';

export const STORAGE_VERSION = 1;

export interface StoredHistory {
  version: typeof STORAGE_VERSION;
  activeId?: string;
  conversations: Conversation[];
}

export interface LoadedHistory {
  history: ChatHistory;
  /** Why some or all of the stored value was left out (for the log); empty when it all loaded. */
  dropped: string[];
}

export function serializeHistory(history: ChatHistory): StoredHistory {
  const conversations = history.recent().map((c) => ({ ...c, turns: c.turns.map(interrupted) }));
  const stored: StoredHistory = { version: STORAGE_VERSION, conversations };
  if (history.active.turns.length > 0) stored.activeId = history.active.id;
  return stored;
}

export function deserializeHistory(raw: unknown): LoadedHistory {
  if (raw === undefined) return { history: new ChatHistory(), dropped: [] };
  if (!isRecord(raw) || !Array.isArray(raw.conversations)) return { history: new ChatHistory(), dropped: ['stored chat history is not an object with conversations'] };
  if (raw.version !== STORAGE_VERSION) return { history: new ChatHistory(), dropped: [`stored chat history has version ${String(raw.version)}, expected ${STORAGE_VERSION}`] };
  const dropped: string[] = [];
  const conversations: Conversation[] = [];
  for (const [i, c] of raw.conversations.entries()) {
    const repaired = repair(c);
    if (repaired.droppedTurns > 0) dropped.push(`conversation ${i}: ${repaired.droppedTurns} damaged turn(s)`);
    if (repaired.conversation && isConversation(repaired.conversation)) conversations.push(repaired.conversation as Conversation);
    else dropped.push(`conversation ${i}: damaged`);
  }
  const activeId = typeof raw.activeId === 'string' ? raw.activeId : undefined;
  return { history: new ChatHistory(conversations, activeId), dropped };
}

/** Keeps a conversation whose frame is sound without its damaged turns. */
function repair(c: unknown): { conversation?: unknown; droppedTurns: number } {
  if (!isRecord(c) || !Array.isArray(c.turns)) return { droppedTurns: 0 };
  const turns = c.turns.filter(isTurn).map((t) => interrupted(t as Turn));
  return { conversation: { ...c, turns }, droppedTurns: c.turns.length - turns.length };
}

/** A turn that was streaming when the window closed did not finish: it was stopped. */
function interrupted(turn: Turn): Turn {
  return turn.status === 'streaming' ? { ...turn, status: 'stopped' } : turn;
}
