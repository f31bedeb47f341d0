// All conversations of a workspace and which one is open. There is always an open one;
// a conversation without turns is a blank page and is neither listed nor kept.
//
// The history keeps itself within the caps below as content arrives (addTurn,
// appendAnswer), not only when it is saved. The oldest content goes first, never the open
// conversation nor one with a streaming turn (only their oldest turns, and never the
// streaming or latest turn), and it goes visibly: a conversation counts its removed turns
// in `trimmed`, and takeDropped() tells the caller what went so the user can be told.
import { addTurn, appendAnswer, createConversation, type Conversation, type NewTurn, type Turn } from './conversation';
import { LIMITS } from './validate';

export interface HistoryItem {
  id: string;
  title: string;
  turns: number;
  updatedAt: number;
}

/** Turns per conversation: far more than a model's context window can use, and a transcript the view still renders quickly. */
export const MAX_TURNS = 200;
/** Conversations kept: a history list that stays short enough to scan. */
export const MAX_CONVERSATIONS = 50;
/**
 * UTF-8 bytes of all stored conversations together, attachments and answers included.
 * VS Code reads a workspace's whole state into memory at startup, so this stays a few MB:
 * still room for a few 2 MB attachments (LIMITS.attachment) or thousands of ordinary turns.
 */
export const MAX_BYTES = 8_000_000;

/** Content removed to stay within the caps. */
export interface Dropped {
  id: string;
  title: string;
  /** Turns removed: its oldest ones, or all it had when `whole`. */
  turns: number;
  /** The whole conversation went. */
  whole: boolean;
}

export class ChatHistory {
  private readonly conversations = new Map<string, Conversation>();
  private activeId: string;
  /** Stored size of each conversation with turns: as last measured, plus answer text streamed since. */
  private readonly sizes = new Map<string, number>();
  /** Changed through this class since the storage last asked (takeChanged). */
  private readonly changed = new Set<string>();
  /** Had a streaming turn when the storage last asked: it changes again when that turn ends. */
  private streaming = new Set<string>();
  private dropped: Dropped[] = [];

  /** Stored content over the caps is trimmed at once (see takeDropped). */
  constructor(conversations: Conversation[] = [], activeId?: string) {
    for (const c of conversations) if (c.turns.length > 0) this.conversations.set(c.id, c);
    const active = activeId !== undefined ? this.conversations.get(activeId) : undefined;
    this.activeId = active ? active.id : this.add(createConversation()).id;
    for (const c of this.conversations.values()) this.measure(c);
    this.enforce();
  }

  get active(): Conversation {
    const c = this.conversations.get(this.activeId);
    return c ?? this.add(createConversation());
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** Adds a turn (see conversation.addTurn) within the caps; takeDropped() says what that removed. */
  addTurn(conversation: Conversation, input: NewTurn, now = Date.now()): Turn {
    const turn = addTurn(conversation, input, now);
    if (this.conversations.get(conversation.id) === conversation) {
      this.changed.add(conversation.id);
      this.enforce();
    }
    return turn;
  }

  /** Appends streamed text (see conversation.appendAnswer) within the byte cap, without measuring anything again. */
  appendAnswer(conversation: Conversation, turn: Turn, delta: string): void {
    appendAnswer(turn, delta);
    if (this.conversations.get(conversation.id) !== conversation) return;
    const size = this.sizes.get(conversation.id) ?? this.measure(conversation);
    this.sizes.set(conversation.id, size + jsonBytes(delta) - 2);
    this.changed.add(conversation.id);
    if (this.bytes() > MAX_BYTES) this.capBytes();
  }

  /**
   * Brings the history within the caps. addTurn and appendAnswer do so themselves; the
   * storage calls this before saving in case content came in through the plain functions.
   */
  enforce(): void {
    for (const c of this.suspects()) this.measure(c);
    for (const c of this.conversations.values()) {
      while (c.turns.length > MAX_TURNS) if (!this.dropOldestTurnOf(c)) break;
    }
    while (this.recent().length > MAX_CONVERSATIONS) {
      const oldest = this.oldestDroppable();
      if (!oldest) break;
      this.drop(oldest);
    }
    this.capBytes();
  }

  /** What the caps removed since the last call, one entry per conversation, for a notice (droppedNotice). */
  takeDropped(): Dropped[] {
    const dropped = this.dropped;
    this.dropped = [];
    return dropped;
  }

  /**
   * For the storage: the conversations that may differ from what it last stored. Those
   * changed here, and also the open one and any that is or was streaming, since the turn
   * functions (finishRound, failRound, startRetry…) change a turn without the history seeing it.
   */
  takeChanged(): Conversation[] {
    const suspects = this.suspects();
    this.changed.clear();
    this.streaming = new Set(suspects.filter(isStreaming).map((c) => c.id));
    return suspects;
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
    this.changed.add(id);
    return true;
  }

  /** Deleting the open conversation opens a blank one. */
  delete(id: string): boolean {
    if (!this.conversations.delete(id)) return false;
    this.sizes.delete(id);
    this.changed.delete(id);
    if (id === this.activeId) this.add(createConversation());
    return true;
  }

  /** Conversations with turns, most recent first. */
  list(): HistoryItem[] {
    return this.recent().map((c) => ({ id: c.id, title: c.title, turns: c.turns.length, updatedAt: c.updatedAt }));
  }

  /** What to keep: conversations with turns, most recent first. */
  recent(): Conversation[] {
    return [...this.conversations.values()].filter((c) => c.turns.length > 0).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  private add(c: Conversation): Conversation {
    this.conversations.set(c.id, c);
    this.switchTo(c);
    return c;
  }

  private switchTo(c: Conversation): void {
    const previous = this.conversations.get(this.activeId);
    if (previous && previous !== c) {
      // The blank page left behind is dropped; a conversation left may have had its turns changed unseen.
      if (previous.turns.length === 0) this.conversations.delete(previous.id);
      else this.changed.add(previous.id);
    }
    this.activeId = c.id;
  }

  /** Conversations that may have changed since they were last measured or stored. */
  private suspects(): Conversation[] {
    const ids = new Set([this.activeId, ...this.changed, ...this.streaming]);
    for (const c of this.conversations.values()) if (isStreaming(c)) ids.add(c.id);
    return [...ids].flatMap((id) => {
      const c = this.conversations.get(id);
      return c && c.turns.length > 0 ? [c] : [];
    });
  }

  private bytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  private measure(c: Conversation): number {
    const size = c.turns.length > 0 ? conversationBytes(c) : 0;
    if (size > 0) this.sizes.set(c.id, size);
    else this.sizes.delete(c.id);
    return size;
  }

  /** Whole conversations go first, oldest first; once only protected ones are left, their oldest turns. */
  private capBytes(): void {
    while (this.bytes() > MAX_BYTES) {
      const oldest = this.oldestDroppable();
      if (oldest) {
        this.drop(oldest);
        continue;
      }
      const candidates = [...this.conversations.values()].filter((c) => droppableTurn(c) >= 0);
      const turnAge = (c: Conversation) => c.turns[droppableTurn(c)].createdAt;
      const target = candidates.sort((a, b) => turnAge(a) - turnAge(b))[0];
      // Nothing left but latest or streaming turns: one turn alone may exceed the cap.
      if (!target || !this.dropOldestTurnOf(target)) return;
    }
  }

  /** The least recently updated conversation that is neither open nor streaming. */
  private oldestDroppable(): Conversation | undefined {
    return this.recent().reverse().find((c) => c.id !== this.activeId && !isStreaming(c));
  }

  private drop(c: Conversation): void {
    this.conversations.delete(c.id);
    this.sizes.delete(c.id);
    this.changed.delete(c.id);
    this.report(c, c.turns.length, true);
  }

  private dropOldestTurnOf(c: Conversation): boolean {
    const i = droppableTurn(c);
    if (i < 0) return false;
    const [turn] = c.turns.splice(i, 1);
    c.trimmed = (c.trimmed ?? 0) + 1;
    this.sizes.set(c.id, (this.sizes.get(c.id) ?? 0) - turnBytes(turn));
    this.changed.add(c.id);
    this.report(c, 1, false);
    return true;
  }

  private report(c: Conversation, turns: number, whole: boolean): void {
    const earlier = this.dropped.find((d) => d.id === c.id);
    if (!earlier) this.dropped.push({ id: c.id, title: c.title, turns, whole });
    else {
      earlier.turns += turns;
      earlier.whole ||= whole;
    }
  }
}

/** A notice for the user about what the caps removed, or undefined when nothing was. */
export function droppedNotice(dropped: readonly Dropped[]): string | undefined {
  const name = (d: Dropped) => `“${d.title || 'Untitled'}”`;
  const whole = dropped.filter((d) => d.whole);
  const parts: string[] = [];
  if (whole.length > 0) {
    const names = whole.slice(0, 3).map(name).join(', ') + (whole.length > 3 ? ', …' : '');
    parts.push(`${count(whole.length, 'older conversation')} (${names})`);
  }
  for (const d of dropped) if (!d.whole) parts.push(`${count(d.turns, 'earlier turn')} of ${name(d)}`);
  return parts.length > 0 ? `To stay within the chat history limit, removed ${parts.join(' and ')}.` : undefined;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isStreaming(c: Conversation): boolean {
  return c.turns.some((t) => t.status === 'streaming');
}

/** The oldest turn that may go: never a streaming one, nor the latest (the one just asked). */
function droppableTurn(c: Conversation): number {
  return c.turns.findIndex((t, i) => i < c.turns.length - 1 && t.status !== 'streaming');
}

/**
 * A turn's stored size, remembered with its status and answer length: the turn functions
 * change a turn's other fields only along with those, so only new or changed turns are
 * serialized to measure a conversation. (Sizes are estimates for a cap, not exact.)
 */
const turnSizes = new WeakMap<Turn, { status: Turn['status']; answer: number; bytes: number }>();

function turnBytes(turn: Turn): number {
  const known = turnSizes.get(turn);
  if (known && known.status === turn.status && known.answer === turn.answer.length) return known.bytes;
  const bytes = jsonBytes(turn) + 1;
  turnSizes.set(turn, { status: turn.status, answer: turn.answer.length, bytes });
  return bytes;
}

function conversationBytes(c: Conversation): number {
  let bytes = jsonBytes({ ...c, turns: [] });
  for (const turn of c.turns) bytes += turnBytes(turn);
  return bytes;
}

/** UTF-8 length of a value's JSON, the form workspace storage keeps it in. */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
