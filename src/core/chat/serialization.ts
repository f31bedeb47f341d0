// The chat history as stored in workspace state, read defensively, since a stored value
// may come from an older or newer build, or be damaged. What does not check out is
// dropped one conversation (or turn) at a time, never the whole history.
//
// Format 2: each conversation is a value of its own, plus a small index of ids and the
// open one (keys in src/chat/chatStorage.ts). Format 1 kept the whole history in one
// value; it is still read, to migrate it.
import type { Conversation, Turn } from './conversation';
import { ChatHistory } from './history';
import { isRecord } from './guards';
import { redact } from '../bedrock/redact';
import { isConversation, isTurn, LIMITS } from './validate';

export const STORAGE_VERSION = 2;
/** The single-value format. */
export const LEGACY_VERSION = 1;

export interface StoredIndex {
  version: typeof STORAGE_VERSION;
  /** Conversations with turns, most recent first. */
  ids: string[];
  /** The open conversation, unless it is blank. */
  activeId?: string;
}

/** Format 1: the whole history in one value. */
export interface LegacyHistory {
  version: typeof LEGACY_VERSION;
  activeId?: string;
  conversations: Conversation[];
}

export interface LoadedHistory {
  history: ChatHistory;
  /** What was left out and why (for the log); empty when it all loaded. */
  dropped: string[];
}

export function serializeIndex(history: ChatHistory): StoredIndex {
  const index: StoredIndex = { version: STORAGE_VERSION, ids: history.recent().map((c) => c.id) };
  if (history.active.turns.length > 0) index.activeId = history.active.id;
  return index;
}

/** A copy to store; a turn still streaming is stored as what it is after a reload: stopped. */
export function serializeConversation(c: Conversation): Conversation {
  return { ...c, turns: c.turns.map(interrupted) };
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= LIMITS.id;

/** The index's ids and open conversation, as far as they can be read; `problem` says what could not. */
export function readIndex(raw: unknown): { ids: string[]; activeId?: string; problem?: string } {
  if (raw === undefined) return { ids: [] };
  if (!isRecord(raw) || !Array.isArray(raw.ids)) return { ids: [], problem: 'the chat index is damaged' };
  // Another version's ids still name conversations, each of which is checked on its own.
  const read: { ids: string[]; activeId?: string; problem?: string } = { ids: raw.ids.filter(isId) };
  if (isId(raw.activeId)) read.activeId = raw.activeId;
  if (raw.version !== STORAGE_VERSION) read.problem = `the chat index has version ${String(raw.version)}, expected ${STORAGE_VERSION}`;
  return read;
}

/**
 * One stored conversation, without its damaged turns; none when its frame (id, title,
 * times) is damaged or is not `id`. Any number of turns is read: the history trims them to its cap.
 */
export function readConversation(raw: unknown, id?: string): { conversation?: Conversation; dropped: string[] } {
  const label = `conversation ${id ?? (isRecord(raw) && isId(raw.id) ? raw.id : '?')}`;
  if (!isRecord(raw) || !Array.isArray(raw.turns)) return { dropped: [`${label}: damaged`] };
  const frame = { ...raw, turns: [] } as unknown as Conversation;
  if (!isConversation(frame) || (id !== undefined && raw.id !== id)) return { dropped: [`${label}: damaged`] };
  const turns = raw.turns.filter(isTurn).map((t) => scrubbed(interrupted(t as Turn)));
  const bad = raw.turns.length - turns.length;
  return { conversation: { ...frame, turns }, dropped: bad > 0 ? [`${label}: ${bad} damaged turn(s)`] : [] };
}

/** Format 1's conversations and open one, damaged parts left out. */
export function readLegacy(raw: unknown): { conversations: Conversation[]; activeId?: string; dropped: string[] } {
  if (!isRecord(raw) || !Array.isArray(raw.conversations)) return { conversations: [], dropped: ['the old chat history is not an object with conversations'] };
  if (raw.version !== LEGACY_VERSION) return { conversations: [], dropped: [`the old chat history has version ${String(raw.version)}, expected ${LEGACY_VERSION}`] };
  const dropped: string[] = [];
  const conversations: Conversation[] = [];
  for (const c of raw.conversations) {
    const read = readConversation(c);
    dropped.push(...read.dropped);
    if (read.conversation) conversations.push(read.conversation);
  }
  return { conversations, activeId: isId(raw.activeId) ? raw.activeId : undefined, dropped };
}

/** The history of what was read; what the caps removed is added to `dropped`. */
export function buildHistory(conversations: Conversation[], activeId: string | undefined, dropped: string[] = []): LoadedHistory {
  const history = new ChatHistory(conversations, activeId);
  for (const d of history.takeDropped()) {
    dropped.push(`conversation ${d.id}: ${d.whole ? 'left out' : `${d.turns} oldest turn(s) left out`} to stay within the history limits`);
  }
  return { history, dropped };
}

/** Errors stored by older builds may hold secrets (a proxy password in a message): redacted as they load. */
function scrubbed(turn: Turn): Turn {
  return turn.error ? { ...turn, error: { ...turn.error, message: redact(turn.error.message) } } : turn;
}

/** A turn that was streaming when the window closed did not finish: it was stopped. */
function interrupted(turn: Turn): Turn {
  return turn.status === 'streaming' ? { ...turn, status: 'stopped' } : turn;
}
