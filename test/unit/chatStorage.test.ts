import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ChatStorage, CONVERSATION_PREFIX, conversationKey, INDEX_KEY, LEGACY_KEY } from '../../src/chat/chatStorage';
import { appendAnswer, finishRound, type Conversation, type NewTurn, type Turn } from '../../src/core/chat/conversation';
import { ChatHistory, MAX_CONVERSATIONS } from '../../src/core/chat/history';
import { serializeConversation } from '../../src/core/chat/serialization';

/**
 * vscode.Memento in memory. It records every update, keeps a JSON copy (as storage would),
 * and can hold updates back to be settled by the test in any order, applying a value only
 * when its update settles: a late older write would then overwrite a newer one.
 */
class FakeMemento {
  readonly data = new Map<string, unknown>();
  readonly updates: string[] = [];
  readonly held: Array<{ key: string; settle: () => void }> = [];
  hold = false;
  failing = new Set<string>();

  keys(): readonly string[] {
    return [...this.data.keys()];
  }

  get(key: string): unknown {
    const value = this.data.get(key);
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  update(key: string, value: unknown): Promise<void> {
    this.updates.push(key);
    const copy = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    const apply = () => (copy === undefined ? this.data.delete(key) : this.data.set(key, copy));
    if (this.failing.has(key)) return Promise.reject(new Error('disk full'));
    if (!this.hold) {
      apply();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.held.push({ key, settle: () => { apply(); resolve(); } }));
  }

  /** Settles held updates newest first, until none are left. */
  async settleBackwards(): Promise<void> {
    while (this.held.length > 0) {
      const pending = this.held.splice(0);
      for (const { settle } of pending.reverse()) settle();
      await tick();
    }
  }
}

function fakeLog() {
  const lines: string[] = [];
  const log = { warn: (m: string) => lines.push(`warn ${m}`), info: (m: string) => lines.push(`info ${m}`), error: (m: string) => lines.push(`error ${m}`) };
  return { lines, log: log as unknown as vscode.LogOutputChannel };
}

function storageOn(memento: FakeMemento) {
  const { lines, log } = fakeLog();
  return { storage: new ChatStorage(memento as unknown as vscode.Memento, log), lines };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const ask = (text: string): NewTurn => ({ text, task: { kind: 'chat', message: text } });
const done = (turn: Turn, answer = 'ok') => {
  appendAnswer(turn, answer);
  finishRound(turn, { stopReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, modelId: 'm' });
};

/** Two answered conversations, `a` (older) and `b`, saved; `b` is open. */
async function saved(memento = new FakeMemento()) {
  const { storage, lines } = storageOn(memento);
  const history = storage.load();
  const a = history.active;
  done(history.addTurn(a, ask('a'), 1));
  const b = history.startNew();
  done(history.addTurn(b, ask('b'), 2));
  storage.save(history);
  await storage.flush();
  memento.updates.length = 0;
  return { memento, storage, history, lines, a, b };
}

describe('chat storage', () => {
  it('keeps each conversation under its own key, with an index of ids and the open one', async () => {
    const { memento, a, b } = await saved();
    assert.deepEqual([...memento.data.keys()].sort(), [conversationKey(a.id), conversationKey(b.id), INDEX_KEY].sort());
    assert.deepEqual(memento.data.get(INDEX_KEY), { version: 2, ids: [b.id, a.id], activeId: b.id });
    assert.equal((memento.data.get(conversationKey(a.id)) as Conversation).title, 'a');
  });

  it('writes only the conversation that changed, and the index', async () => {
    const { memento, storage, history, a } = await saved();
    history.open(a.id);
    storage.save(history);
    await storage.flush();
    memento.updates.length = 0;

    done(history.addTurn(a, ask('more in a'), 3));
    storage.save(history);
    await storage.flush();
    assert.deepEqual(memento.updates.sort(), [conversationKey(a.id), INDEX_KEY].sort());
    assert.equal((memento.data.get(conversationKey(a.id)) as Conversation).turns.length, 2);
  });

  it('writes a turn that ended through the plain turn functions while another conversation was open', async () => {
    const { memento, storage, history, a, b } = await saved();
    const turn = history.addTurn(b, ask('streaming'), 3);
    history.open(a.id);
    storage.save(history);
    appendAnswer(turn, 'late text');
    finishRound(turn, { stopReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, modelId: 'm' });
    storage.save(history);
    await storage.flush();
    const stored = memento.data.get(conversationKey(b.id)) as Conversation;
    assert.deepEqual([stored.turns[1].status, stored.turns[1].answer], ['done', 'late text']);
  });

  it('removes the keys of deleted conversations and of those the caps drop', async () => {
    const { memento, storage, history, a, b } = await saved();
    history.delete(a.id);
    storage.save(history);
    await storage.flush();
    assert.deepEqual(memento.updates.sort(), [conversationKey(a.id), conversationKey(b.id), INDEX_KEY].sort());
    assert.equal(memento.data.has(conversationKey(a.id)), false);

    for (let i = 0; i < MAX_CONVERSATIONS; i++) done(history.addTurn(history.startNew(), ask(`c${i}`), 10 + i));
    const dropped = history.takeDropped();
    assert.deepEqual(dropped.map((d) => d.id), [b.id]);
    storage.save(history);
    await storage.flush();
    assert.equal(memento.data.has(conversationKey(b.id)), false);
    assert.equal([...memento.data.keys()].filter((k) => k.startsWith(CONVERSATION_PREFIX)).length, MAX_CONVERSATIONS);
  });

  it('brings the open conversation back open, its streaming turn stopped and its trimmed count kept', async () => {
    const { memento, storage, history, a } = await saved();
    history.open(a.id);
    a.trimmed = 3;
    const turn = history.addTurn(a, ask('interrupted'), 5);
    appendAnswer(turn, 'half');
    storage.save(history);
    await storage.flush();

    const reloaded = storageOn(memento);
    const again = reloaded.storage.load();
    assert.deepEqual(reloaded.lines, []);
    assert.equal(again.active.id, a.id);
    assert.deepEqual(again.active, serializeConversation(a));
    assert.deepEqual([again.active.turns[1].status, again.active.turns[1].answer, again.active.trimmed], ['stopped', 'half', 3]);
    assert.deepEqual(again.list(), history.list());
  });

  it('migrates the old single-key format: writes the new keys, then deletes the old one', async () => {
    const old = await saved();
    const conversations = old.history.recent().map(serializeConversation);
    const memento = new FakeMemento();
    memento.data.set(LEGACY_KEY, JSON.parse(JSON.stringify({ version: 1, activeId: old.a.id, conversations })));

    const { storage, lines } = storageOn(memento);
    const history = storage.load();
    assert.equal(history.active.id, old.a.id, 'the open conversation stays open');
    assert.deepEqual(history.recent(), conversations);
    await storage.flush();
    assert.deepEqual([...memento.data.keys()].sort(), [conversationKey(old.a.id), conversationKey(old.b.id), INDEX_KEY].sort());
    assert.deepEqual(lines, ['info Chat history: moved to one key per conversation']);

    const reloaded = storageOn(memento);
    assert.deepEqual(reloaded.storage.load().recent(), conversations);
    assert.deepEqual(reloaded.lines, []);
  });

  it('keeps the old key when the migration could not write everything, and finishes it next time', async () => {
    const old = await saved();
    const memento = new FakeMemento();
    memento.data.set(LEGACY_KEY, { version: 1, activeId: old.b.id, conversations: old.history.recent().map(serializeConversation) });
    memento.failing.add(conversationKey(old.a.id));
    const first = storageOn(memento);
    first.storage.load();
    await first.storage.flush();
    assert.ok(memento.data.has(LEGACY_KEY));
    assert.ok(first.lines.some((l) => l.startsWith(`warn Chat history: could not write ${conversationKey(old.a.id)}: Error: disk full`)));

    memento.failing.clear();
    const second = storageOn(memento);
    const history = second.storage.load();
    await second.storage.flush();
    assert.deepEqual(history.list().map((i) => i.title), ['b', 'a']);
    assert.equal(history.active.id, old.b.id);
    assert.equal(memento.data.has(LEGACY_KEY), false);
  });

  it('drops damaged entries one at a time, and cleans them up', async () => {
    const { memento, a, b } = await saved();
    const storedA = memento.data.get(conversationKey(a.id)) as Conversation;
    memento.data.set(conversationKey(a.id), { ...storedA, turns: [storedA.turns[0], { ...storedA.turns[0], status: 'exploded' }] });
    memento.data.set(conversationKey(b.id), { ...(memento.data.get(conversationKey(b.id)) as object), title: 42 });
    memento.data.set(`${CONVERSATION_PREFIX}junk`, 'garbage');
    memento.data.set(INDEX_KEY, { version: 2, ids: [b.id, a.id, 'missing'], activeId: b.id });

    const { storage, lines } = storageOn(memento);
    const history = storage.load();
    assert.deepEqual(history.list().map((i) => [i.title, i.turns]), [['a', 1]]);
    assert.equal(history.active.turns.length, 0, 'the open one was damaged: a blank page opens');
    assert.deepEqual(lines.sort(), [
      `warn Chat history: conversation ${a.id}: 1 damaged turn(s)`,
      `warn Chat history: conversation ${b.id}: damaged`,
      'warn Chat history: conversation junk: damaged',
      'warn Chat history: conversation missing: in the index but not stored',
    ].sort());

    await storage.flush();
    assert.deepEqual([...memento.data.keys()].sort(), [conversationKey(a.id), INDEX_KEY].sort());
    const clean = storageOn(memento);
    assert.deepEqual(clean.storage.load().list().map((i) => i.title), ['a']);
    assert.deepEqual(clean.lines, []);
  });

  it('recovers conversations from their keys when the index is damaged or missing', async () => {
    const { memento, a, b } = await saved();
    memento.data.set(INDEX_KEY, 'garbage');
    const damaged = storageOn(memento);
    assert.deepEqual(damaged.storage.load().list().map((i) => i.id), [b.id, a.id]);
    assert.deepEqual(damaged.lines, ['warn Chat history: the chat index is damaged']);

    memento.data.delete(INDEX_KEY);
    assert.deepEqual(storageOn(memento).storage.load().list().map((i) => i.id), [b.id, a.id]);
  });

  it('applies the caps to an over-cap stored history, keeping the open conversation', async () => {
    const memento = new FakeMemento();
    const conversations: Conversation[] = [];
    for (let i = 0; i < MAX_CONVERSATIONS + 2; i++) {
      const c = new ChatHistory().active;
      done(new ChatHistory([]).addTurn(c, ask(`c${i}`), i));
      conversations.push(c);
    }
    memento.data.set(LEGACY_KEY, JSON.parse(JSON.stringify({ version: 1, activeId: conversations[0].id, conversations })));
    const { storage, lines } = storageOn(memento);
    const history = storage.load();
    assert.equal(history.active.id, conversations[0].id);
    assert.equal(history.list().length, MAX_CONVERSATIONS);
    assert.equal(history.get(conversations[1].id), undefined);
    assert.equal(lines.filter((l) => l.includes('to stay within the history limits')).length, 2);
  });

  it('never lets two writes of one key land out of order', async () => {
    const { memento, storage, history, b } = await saved();
    memento.hold = true;
    history.rename(b.id, 'first name');
    storage.save(history);
    history.rename(b.id, 'second name');
    storage.save(history);
    assert.equal(memento.updates.filter((k) => k === conversationKey(b.id)).length, 1, 'the second write waits for the first');
    await memento.settleBackwards();
    await storage.flush();
    assert.equal(memento.updates.filter((k) => k === conversationKey(b.id)).length, 2);
    assert.equal((memento.data.get(conversationKey(b.id)) as Conversation).title, 'second name');
  });

  it('logs a failed write and writes that conversation again on the next save', async () => {
    const { memento, storage, history, lines, b } = await saved();
    memento.failing.add(conversationKey(b.id));
    done(history.addTurn(b, ask('lost?'), 5));
    storage.save(history);
    await storage.flush();
    assert.ok(lines.some((l) => l.startsWith(`warn Chat history: could not write ${conversationKey(b.id)}`)));

    memento.failing.clear();
    history.startNew();
    storage.save(history);
    await storage.flush();
    assert.equal((memento.data.get(conversationKey(b.id)) as Conversation).turns.length, 2);
  });
});
