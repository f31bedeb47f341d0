import { strict as assert } from 'node:assert';
import {
  addTurn, appendAnswer, canContinue, createConversation, failRound, finishRound, promptFor, startContinue, startRetry, stopRound, titleFrom,
  trimmedNote, type Conversation,
} from '../../src/core/chat/conversation';
import { chatErrorActions } from '../../src/core/chat/errorActions';
import { conversationToMarkdown } from '../../src/core/chat/markdownExport';

const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });
const code = { fileName: 'src/app.ts', languageId: 'typescript', text: 'const a = 1;\n', startLine: 3, endLine: 3 };

/** A conversation whose turns have answered: `[message, answer]` pairs. */
function answered(...pairs: Array<[string, string]>): Conversation {
  const c = createConversation(1000);
  for (const [message, answer] of pairs) {
    const t = addTurn(c, { text: message, task: { kind: 'chat', message } });
    appendAnswer(t, answer);
    finishRound(t, { stopReason: 'stop', usage: usage(10, 5), costUsd: 0.001, modelId: 'meta.llama3-3-70b-instruct-v1:0' });
  }
  return c;
}

describe('chat conversation', () => {
  it('adds turns that stream into an answer and finish with usage and cost', () => {
    const c = createConversation(1000);
    const t = addTurn(c, { text: 'What is a monad?', task: { kind: 'chat', message: 'What is a monad?' } }, 2000);
    assert.equal(t.status, 'streaming');
    assert.equal(c.updatedAt, 2000);
    appendAnswer(t, 'A monad ');
    appendAnswer(t, 'is a monoid.');
    finishRound(t, { stopReason: 'stop', usage: usage(12, 6), costUsd: 0.0002, modelId: 'm' });
    assert.deepEqual([t.answer, t.status, t.usage, t.costUsd, t.modelId], ['A monad is a monoid.', 'done', usage(12, 6), 0.0002, 'm']);
  });

  it('titles a conversation from the first line of its first message', () => {
    const c = createConversation();
    addTurn(c, { text: '\n  Why is   this slow?\nmore', task: { kind: 'chat', message: 'x' } });
    addTurn(c, { text: 'second', task: { kind: 'chat', message: 'second' } });
    assert.equal(c.title, 'Why is this slow?');
    assert.equal(titleFrom('x'.repeat(100)).length, 60);
    assert.ok(titleFrom('x'.repeat(100)).endsWith('…'));
  });

  it('marks a length stop as cut, and Continue appends to the same answer with summed usage', () => {
    const c = createConversation();
    const t = addTurn(c, { text: 'long', task: { kind: 'chat', message: 'long' } });
    appendAnswer(t, 'part one');
    finishRound(t, { stopReason: 'length', usage: usage(100, 50), costUsd: 0.01, modelId: 'm' });
    assert.equal(t.status, 'cut');
    assert.ok(canContinue(t));

    assert.ok(startContinue(t));
    assert.equal(t.status, 'streaming');
    assert.equal(promptFor(c, t).continueFrom, 'part one');
    appendAnswer(t, ', part two');
    finishRound(t, { stopReason: 'stop', usage: usage(150, 20), costUsd: 0.02, modelId: 'm' });
    assert.equal(t.answer, 'part one, part two');
    assert.equal(t.status, 'done');
    assert.deepEqual(t.usage, usage(250, 70));
    assert.ok(Math.abs((t.costUsd ?? 0) - 0.03) < 1e-12);
    assert.equal(startContinue(t), false, 'a finished answer cannot be continued');
  });

  it('keeps the cost unknown once one round has no price', () => {
    const t = answered(['a', 'b']).turns[0];
    t.status = 'cut';
    startContinue(t);
    finishRound(t, { stopReason: 'stop', usage: usage(1, 1), costUsd: undefined, modelId: 'arn:custom' });
    assert.equal(t.costUsd, undefined);
    assert.deepEqual(t.usage, usage(11, 6));
  });

  it('keeps partial text on stop and on error; Retry runs only the failed round again', () => {
    const c = createConversation();
    const t = addTurn(c, { text: 'q', task: { kind: 'chat', message: 'q' } });
    appendAnswer(t, 'first round');
    finishRound(t, { stopReason: 'length', usage: usage(1, 1), costUsd: 0, modelId: 'm' });
    startContinue(t);
    appendAnswer(t, ' and a bro');
    failRound(t, { message: 'The model stopped responding. Try again.', actions: ['showLog'] });
    assert.equal(t.status, 'error');
    assert.equal(t.answer, 'first round and a bro', 'partial text is kept beside the error');

    assert.ok(startRetry(t));
    assert.equal(t.answer, 'first round');
    assert.equal(t.error, undefined);
    assert.equal(promptFor(c, t).continueFrom, 'first round');

    appendAnswer(t, ' half');
    stopRound(t);
    assert.equal(t.status, 'stopped');
    assert.equal(t.answer, 'first round half');
    assert.equal(startRetry(answered(['x', 'y']).turns[0]), false, 'a finished answer is not retried');
  });

  it('offers the fix for an error beside Retry', () => {
    assert.deepEqual(chatErrorActions({ kind: 'accessDenied', retryable: false }), ['selectModel', 'showLog']);
    assert.deepEqual(chatErrorActions({ kind: 'ssoExpired', retryable: false, profile: 'dev' }), ['signIn', 'openSettings', 'showLog']);
    assert.deepEqual(chatErrorActions({ kind: 'apiKeyRejected', retryable: false }), ['setApiKey', 'showLog']);
    assert.deepEqual(chatErrorActions({ kind: 'throttled', retryable: true }), ['showLog']);
  });

  it('retries a failed first round from scratch', () => {
    const c = createConversation();
    const t = addTurn(c, { text: 'q', task: { kind: 'chat', message: 'q' } });
    appendAnswer(t, 'partial');
    failRound(t, { message: 'x', actions: [] });
    startRetry(t);
    assert.equal(t.answer, '');
    assert.equal(promptFor(c, t).continueFrom, undefined);
  });

  it('gives the prompt builder the finished exchanges before a turn, oldest first', () => {
    const c = answered(['one', '1'], ['two', '2']);
    const failed = addTurn(c, { text: 'three', task: { kind: 'chat', message: 'three' } });
    appendAnswer(failed, 'partial');
    failRound(failed, { message: 'x', actions: [] });
    const stopped = addTurn(c, { text: 'four', task: { kind: 'chat', message: 'four' } });
    appendAnswer(stopped, 'half an answer');
    stopRound(stopped);
    const empty = addTurn(c, { text: 'five', task: { kind: 'chat', message: 'five' } });
    stopRound(empty);
    const current = addTurn(c, { text: 'six', task: { kind: 'chat', message: 'six' } });

    const prompt = promptFor(c, current);
    assert.deepEqual(prompt.task, { kind: 'chat', message: 'six' });
    assert.deepEqual(prompt.turns, [
      { user: 'one', assistant: '1' },
      { user: 'two', assistant: '2' },
      { user: 'four', assistant: 'half an answer' },
    ]);
    assert.equal(prompt.continueFrom, undefined);
    assert.deepEqual(promptFor(c, c.turns[1]).turns, [{ user: 'one', assistant: '1' }], 'only turns before the one asked about');
  });

  it('uses the task wording for Explain/Ask turns, and carries the latest attachment to follow-ups', () => {
    const c = createConversation();
    const explain = addTurn(c, { text: 'Explain src/app.ts:3', task: { kind: 'explain' }, attachment: code });
    appendAnswer(explain, 'It declares a.');
    finishRound(explain, { stopReason: 'stop', usage: usage(1, 1), costUsd: 0, modelId: 'm' });
    const ask = addTurn(c, { text: 'Why const?', task: { kind: 'ask', question: 'Why const?' } });
    appendAnswer(ask, 'Immutability.');
    finishRound(ask, { stopReason: 'stop', usage: usage(1, 1), costUsd: 0, modelId: 'm' });
    const follow = addTurn(c, { text: 'And let?', task: { kind: 'chat', message: 'And let?' } });

    const prompt = promptFor(c, follow);
    assert.deepEqual(prompt.turns.map((t) => t.user), ['Explain src/app.ts:3', 'Why const?']);
    assert.deepEqual(prompt.attachment, code);
    assert.deepEqual(promptFor(createConversation(), addTurn(createConversation(), { text: 'hi', task: { kind: 'chat', message: 'hi' } })).attachment, undefined);
  });

  it('says how many earlier turns the history limit removed', () => {
    const c = createConversation();
    assert.equal(trimmedNote(c), undefined);
    c.trimmed = 1;
    assert.equal(trimmedNote(c), '1 earlier turn was removed to stay within the history limit.');
    c.trimmed = 12;
    assert.equal(trimmedNote(c), '12 earlier turns were removed to stay within the history limit.');
  });

  it('exports a conversation as Markdown', () => {
    const c = createConversation();
    const t = addTurn(c, { text: 'Explain src/app.ts:3', task: { kind: 'explain' }, attachment: code, images: 1 }, 5);
    appendAnswer(t, 'It is **fine**.');
    finishRound(t, { stopReason: 'length', usage: usage(3, 4), costUsd: 0.5, modelId: 'm' });
    const t2 = addTurn(c, { text: 'more', task: { kind: 'chat', message: 'more' } }, 6);
    appendAnswer(t2, 'oops');
    failRound(t2, { message: 'Throttled. Wait.', actions: ['showLog'] });
    const md = conversationToMarkdown(c, new Date('2025-07-01T00:00:00Z'));
    assert.match(md, /^# Explain src\/app\.ts:3\n/);
    assert.match(md, /## You\n\n> Explain src\/app\.ts:3\n\n_1 image attached\._\n\n_src\/app\.ts:3_\n\n```typescript\nconst a = 1;\n```/);
    assert.match(md, /It is \*\*fine\*\*\.\n\n_cut off at the length limit · 3 in, 4 out, \$0\.5000 · m_/);
    assert.match(md, /_failed: Throttled\. Wait\._/);
  });
});
