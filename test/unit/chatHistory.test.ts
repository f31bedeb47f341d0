import assert from 'node:assert/strict';
import {
  addTurn, appendAnswer, failRound, finishRound, startRetry, trimmedNote, type Conversation, type NewTurn, type Turn,
} from '../../src/core/chat/conversation';
import { ChatHistory, droppedNotice, MAX_BYTES, MAX_CONVERSATIONS, MAX_TURNS } from '../../src/core/chat/history';
import {
  buildHistory, readConversation, readIndex, readLegacy, serializeConversation, serializeIndex, STORAGE_VERSION,
} from '../../src/core/chat/serialization';
import type { Attachment } from '../../src/core/prompt';

const ask = (text: string, attachment?: Attachment): NewTurn => ({ text, task: { kind: 'chat', message: text }, ...(attachment && { attachment }) });
const big = (bytes: number): Attachment => ({ fileName: 'big.ts', text: 'x'.repeat(bytes) });
const done = (turn: Turn, answer = 'ok') => {
  appendAnswer(turn, answer);
  finishRound(turn, { stopReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, modelId: 'm' });
};

/** A history with `n` answered conversations, the oldest first (updatedAt 1..n), and a blank one open. */
function withConversations(n: number, attachment?: Attachment): { history: ChatHistory; made: Conversation[] } {
  const history = new ChatHistory();
  const made: Conversation[] = [];
  for (let i = 1; i <= n; i++) {
    const c = history.startNew();
    done(history.addTurn(c, ask(`c${i}`, attachment), i));
    made.push(c);
  }
  history.startNew();
  history.takeDropped();
  return { history, made };
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('chat history', () => {
  it('always has an open conversation and lists only those with turns, most recent first', () => {
    const h = new ChatHistory();
    assert.equal(h.list().length, 0);
    const first = h.active;
    h.addTurn(first, ask('first'), 10);
    const second = h.startNew();
    assert.notEqual(second.id, first.id);
    assert.equal(h.startNew(), second, 'a blank conversation is reused');
    h.addTurn(second, ask('second'), 20);
    assert.deepEqual(h.list().map((i) => [i.title, i.turns]), [['second', 1], ['first', 1]]);
  });

  it('reopens, renames and deletes conversations', () => {
    const h = new ChatHistory();
    h.addTurn(h.active, ask('keep'));
    const keep = h.active;
    h.startNew();
    assert.equal(h.open(keep.id), keep);
    assert.equal(h.active, keep);
    assert.equal(h.list().length, 1, 'the blank page left behind is dropped');
    assert.ok(h.rename(keep.id, '  My   title '));
    assert.equal(keep.title, 'My title');
    assert.equal(h.rename(keep.id, '   '), false);
    assert.equal(h.rename('nope', 'x'), false);
    assert.ok(h.delete(keep.id));
    assert.notEqual(h.active.id, keep.id, 'deleting the open conversation opens a blank one');
    assert.equal(h.list().length, 0);
    assert.equal(h.delete(keep.id), false);
  });
});

describe('chat history caps', () => {
  it(`drops the oldest turn, visibly, when turn ${MAX_TURNS + 1} is added`, () => {
    const h = new ChatHistory();
    const c = h.active;
    for (let i = 0; i < MAX_TURNS; i++) done(h.addTurn(c, ask(`m${i}`), i));
    assert.deepEqual(h.takeDropped(), []);
    assert.equal(c.trimmed, undefined);

    const latest = h.addTurn(c, ask('one more'), MAX_TURNS);
    assert.equal(c.turns.length, MAX_TURNS);
    assert.equal(c.turns[0].text, 'm1');
    assert.equal(c.turns.at(-1), latest, 'the new (streaming) turn stays');
    assert.equal(c.trimmed, 1);
    assert.equal(trimmedNote(c), '1 earlier turn was removed to stay within the history limit.');
    const dropped = h.takeDropped();
    assert.deepEqual(dropped, [{ id: c.id, title: 'm0', turns: 1, whole: false }]);
    assert.equal(droppedNotice(dropped), 'To stay within the chat history limit, removed 1 earlier turn of “m0”.');
    assert.deepEqual(h.takeDropped(), [], 'each drop is reported once');

    done(latest);
    h.addTurn(c, ask('and another'));
    assert.equal(c.trimmed, 2, 'trimmed counts every turn removed');
  });

  it('never drops a streaming turn, even the oldest one', () => {
    const h = new ChatHistory();
    const c = h.active;
    for (let i = 0; i < MAX_TURNS; i++) done(h.addTurn(c, ask(`m${i}`), i));
    const first = c.turns[0];
    failRound(first, { message: 'x', actions: [] });
    assert.ok(startRetry(first));
    h.addTurn(c, ask('new'));
    assert.equal(c.turns[0], first);
    assert.equal(c.turns[1].text, 'm2', 'the next oldest went instead');
  });

  it(`keeps ${MAX_CONVERSATIONS} conversations, dropping the oldest when another gets its first turn`, () => {
    const { history, made } = withConversations(MAX_CONVERSATIONS);
    assert.equal(history.list().length, MAX_CONVERSATIONS);
    history.addTurn(history.active, ask('newest'), 1000);
    assert.equal(history.list().length, MAX_CONVERSATIONS);
    assert.equal(history.get(made[0].id), undefined);
    assert.ok(history.get(made[1].id));
    const dropped = history.takeDropped();
    assert.deepEqual(dropped, [{ id: made[0].id, title: 'c1', turns: 1, whole: true }]);
    assert.equal(droppedNotice(dropped), 'To stay within the chat history limit, removed 1 older conversation (“c1”).');
  });

  it('lets a giant attachment push out the oldest conversations, never the open one', () => {
    // Five conversations of 1.5 MB each: 7.5 MB, under the cap.
    const { history, made } = withConversations(5, big(1_500_000));
    assert.deepEqual(history.takeDropped(), []);
    const open = history.active;
    history.addTurn(open, ask('look at this', big(2_000_000)), 100);
    const dropped = history.takeDropped();
    assert.deepEqual(dropped.map((d) => d.title), ['c1', 'c2'], 'oldest first, only as many as needed');
    assert.ok(dropped.every((d) => d.whole));
    assert.deepEqual(history.list().map((i) => i.title), ['look at this', 'c5', 'c4', 'c3']);
    assert.equal(history.active, open);
    assert.match(droppedNotice(dropped) ?? '', /removed 2 older conversations \(“c1”, “c2”\)/);
    assert.ok(made.slice(2).every((c) => history.get(c.id) === c));
  });

  it('trims the open conversation itself when it alone is over the byte cap, keeping its latest turn', () => {
    const { history } = withConversations(2);
    const open = history.active;
    const turns = Math.ceil(MAX_BYTES / 2_000_000) + 1;
    for (let i = 0; i < turns; i++) done(history.addTurn(open, ask(`t${i}`, big(2_000_000)), 10 + i));
    const dropped = history.takeDropped();
    assert.deepEqual(dropped.filter((d) => d.whole).map((d) => d.title), ['c1', 'c2'], 'other conversations go first');
    assert.equal(history.active, open);
    assert.equal(open.turns.at(-1)?.text, `t${turns - 1}`);
    assert.ok((open.trimmed ?? 0) >= 1);
    assert.equal(open.turns.length + (open.trimmed ?? 0), turns);
    assert.deepEqual(dropped.find((d) => d.id === open.id), { id: open.id, title: 't0', turns: open.trimmed, whole: false });
  });

  it('enforces the byte cap as an answer streams, sparing a conversation streaming in the background', () => {
    const { history, made } = withConversations(5, big(1_500_000));
    const background = history.active;
    const streaming = history.addTurn(background, ask('long answer'), 50);
    const open = history.startNew();
    history.addTurn(open, ask('meanwhile'), 60);
    assert.deepEqual(history.takeDropped(), []);
    for (let i = 0; i < 5; i++) history.appendAnswer(background, streaming, 'y'.repeat(200_000));
    const dropped = history.takeDropped();
    assert.deepEqual(dropped.map((d) => d.title), ['c1']);
    assert.equal(history.get(background.id), background);
    assert.equal(streaming.answer.length, 1_000_000);
    assert.ok(history.get(made[1].id));
  });

  it('applies the caps to what it is built from', () => {
    const over: Conversation[] = [];
    for (let i = 0; i < MAX_CONVERSATIONS + 3; i++) {
      const c: Conversation = { id: `c${i}`, title: `c${i}`, turns: [], createdAt: i, updatedAt: i };
      for (let j = 0; j < (i === 0 ? MAX_TURNS + 10 : 1); j++) done(addTurn(c, ask(`m${j}`), i));
      c.updatedAt = i;
      over.push(c);
    }
    const { history, dropped } = buildHistory(over, 'c0');
    assert.equal(history.active.id, 'c0', 'the open conversation is kept, though it is the oldest');
    assert.equal(history.active.turns.length, MAX_TURNS);
    assert.equal(history.active.trimmed, 10);
    assert.equal(history.list().length, MAX_CONVERSATIONS);
    assert.equal(history.get('c1'), undefined);
    assert.equal(dropped.length, 4, dropped.join('\n'));
  });

  it('tells the storage which conversations changed, including turn changes it did not see', () => {
    const { history, made } = withConversations(3);
    history.takeChanged();
    const [a, b] = made;
    history.open(a.id);
    assert.deepEqual(ids(history.takeChanged()), [a.id], 'the open one (the blank page left behind is gone)');

    const turn = history.addTurn(a, ask('more'));
    assert.deepEqual(ids(history.takeChanged()), [a.id]);
    history.rename(b.id, 'renamed');
    assert.deepEqual(ids(history.takeChanged()).sort(), [a.id, b.id].sort());

    // `a` streams in the background while `b` is open; its turn then ends through a plain function.
    history.open(b.id);
    assert.deepEqual(ids(history.takeChanged()).sort(), [a.id, b.id].sort());
    done(turn);
    assert.deepEqual(ids(history.takeChanged()).sort(), [a.id, b.id].sort(), 'it was streaming at the last take');
    assert.deepEqual(ids(history.takeChanged()), [b.id]);
  });
});

describe('chat history serialization', () => {
  function sample(): ChatHistory {
    const h = new ChatHistory();
    const c = h.active;
    const t = h.addTurn(c, { text: 'Explain src/app.ts:3', task: { kind: 'explain' }, attachment: { fileName: 'src/app.ts', text: 'a' }, images: 1 }, 5);
    appendAnswer(t, 'It is **fine**.');
    finishRound(t, { stopReason: 'length', usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.5, modelId: 'm' });
    h.startNew();
    h.addTurn(h.active, { text: 'other', task: { kind: 'ask', question: 'other' } }, 7);
    return h;
  }

  it('stores an index of ids and the open conversation, and each conversation with a streaming turn as stopped', () => {
    const h = sample();
    const index = json(serializeIndex(h));
    assert.deepEqual(index, { version: STORAGE_VERSION, ids: h.recent().map((c) => c.id), activeId: h.active.id });
    assert.equal(h.active.turns[0].status, 'streaming');
    const stored = json(serializeConversation(h.active));
    assert.equal(stored.turns[0].status, 'stopped');
    assert.equal(h.active.turns[0].status, 'streaming', 'the live turn is left alone');
    assert.deepEqual(readConversation(stored, h.active.id), { conversation: stored, dropped: [] });
  });

  it('leaves the open id out of the index while the open conversation is blank', () => {
    const h = sample();
    h.startNew();
    assert.equal(serializeIndex(h).activeId, undefined);
  });

  it('reads an index of another version for what it names, and says so', () => {
    assert.deepEqual(readIndex(undefined), { ids: [] });
    assert.deepEqual(readIndex({ version: 3, ids: ['a', 7, ''], activeId: 'a' }), { ids: ['a'], activeId: 'a', problem: 'the chat index has version 3, expected 2' });
    for (const raw of [null, 'x', [], { version: STORAGE_VERSION }]) assert.ok(readIndex(raw).problem, JSON.stringify(raw));
  });

  it('drops damaged turns one by one, and a conversation whose frame is damaged or misnamed', () => {
    const c = json(serializeConversation(sample().recent()[1]));
    const turns = [c.turns[0], { ...c.turns[0], status: 'exploded' }, { ...c.turns[0], extra: 1 }];
    const read = readConversation({ ...c, turns }, c.id);
    assert.equal(read.conversation?.turns.length, 1);
    assert.deepEqual(read.dropped, [`conversation ${c.id}: 2 damaged turn(s)`]);
    assert.equal(readConversation({ ...c, title: 42 }, c.id).conversation, undefined);
    assert.equal(readConversation({ ...c, trimmed: -1 }, c.id).conversation, undefined);
    assert.equal(readConversation(c, 'another-id').conversation, undefined);
    assert.equal(readConversation('garbage', 'x').conversation, undefined);
  });

  it('reads more stored turns than the cap, leaving the history to trim the oldest', () => {
    const c = json(serializeConversation(sample().recent()[1]));
    const many = { ...c, turns: Array.from({ length: 1500 }, (_, i) => ({ ...c.turns[0], id: `t${i}` })) };
    const read = readConversation(many, c.id);
    assert.equal(read.conversation?.turns.length, 1500);
    const { history } = buildHistory([read.conversation as Conversation], c.id);
    assert.equal(history.active.turns[0].id, `t${1500 - MAX_TURNS}`);
    assert.equal(history.active.trimmed, 1500 - MAX_TURNS);
  });

  it('reads the old single-value format, damaged parts left out', () => {
    const h = sample();
    const conversations = h.recent().map((c) => json(serializeConversation(c)));
    conversations[0].title = 42 as unknown as string;
    const legacy = readLegacy({ version: 1, activeId: h.active.id, conversations: [...conversations, { garbage: true }] });
    assert.deepEqual(legacy.conversations, [conversations[1]]);
    assert.equal(legacy.activeId, h.active.id);
    assert.equal(legacy.dropped.length, 2, legacy.dropped.join('; '));
    for (const raw of [null, 42, [], { version: 99, conversations: [] }, { conversations: 'no' }]) {
      assert.deepEqual(readLegacy(raw).conversations, [], JSON.stringify(raw));
      assert.equal(readLegacy(raw).dropped.length, 1);
    }
  });
});

function ids(conversations: Conversation[]): string[] {
  return conversations.map((c) => c.id);
}
