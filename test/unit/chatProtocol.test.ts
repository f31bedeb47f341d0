import { strict as assert } from 'node:assert';
import { addTurn, appendAnswer, createConversation, failRound, type Turn } from '../../src/core/chat/conversation';
import {
  MAX_IMAGES, parseFromWebview, parseToWebview, describeDropped, type ChatState, type FromWebview, type ModelState, type ToWebview,
} from '../../src/shared/chatProtocol';

const attachment = { fileName: 'a.ts', languageId: 'typescript', text: 'let x = 1;', startLine: 1, endLine: 2 };
const conversation = createConversation(1);
const turn: Turn = addTurn(conversation, { text: 'Explain a.ts:1-2', task: { kind: 'explain' }, attachment, images: 1 }, 2);
appendAnswer(turn, 'It **sets** x.');
failRound(turn, { message: 'Bedrock is throttling. Wait.', actions: ['showLog'] });
const model: ModelState = {
  id: 'us.meta.llama3-2-11b-instruct-v1:0',
  label: 'Llama 3.2 11B Vision Instruct',
  vision: true,
  options: [{ id: 'meta.llama3-2-11b-instruct-v1:0', label: 'Llama 3.2 11B Vision Instruct', vision: true, legacy: false }],
};
const state: ChatState = {
  conversation: JSON.parse(JSON.stringify(conversation)),
  history: [{ id: conversation.id, title: 'Explain a.ts:1-2', turns: 1, updatedAt: 2 }],
  model,
  busy: { requestId: 'r-1', turnId: turn.id },
  pending: attachment,
};

// One valid example of every message type (the Record makes a missing type a compile error).
const FROM: Record<FromWebview['type'], FromWebview> = {
  ready: { type: 'ready' },
  send: { type: 'send', requestId: 'req-1', text: 'Hello', images: ['iVBORw0KGgo='] },
  draft: { type: 'draft', text: 'What does this do?', images: 0 },
  cancel: { type: 'cancel', requestId: 'req-1' },
  continue: { type: 'continue', requestId: 'req-2', turnId: turn.id },
  retry: { type: 'retry', requestId: 'req-3', turnId: turn.id },
  askAgain: { type: 'askAgain', requestId: 'req-4', turnId: turn.id },
  askSelected: { type: 'askSelected', requestId: 'req-5', turnId: turn.id },
  newChat: { type: 'newChat' },
  openConversation: { type: 'openConversation', id: 'c1' },
  renameConversation: { type: 'renameConversation', id: 'c1', title: 'New name' },
  deleteConversation: { type: 'deleteConversation', id: 'c1' },
  exportConversation: { type: 'exportConversation', id: 'c1' },
  selectModel: { type: 'selectModel', modelId: 'meta.llama3-1-8b-instruct-v1:0' },
  attach: { type: 'attach', source: 'selection' },
  detach: { type: 'detach' },
  copy: { type: 'copy', text: 'const x = 1;' },
  insertCode: { type: 'insertCode', code: 'x()', replace: true },
  openLink: { type: 'openLink', href: 'https://example.com' },
  runAction: { type: 'runAction', action: 'openSettings' },
};

const TO: Record<ToWebview['type'], ToWebview> = {
  state: { type: 'state', state },
  turn: { type: 'turn', conversationId: conversation.id, title: 'Explain a.ts:1-2', turn: JSON.parse(JSON.stringify(turn)) },
  delta: { type: 'delta', conversationId: conversation.id, turnId: turn.id, text: 'more ' },
  busy: { type: 'busy', busy: { requestId: 'r-1', turnId: turn.id } },
  history: { type: 'history', items: state.history },
  model: { type: 'model', model },
  pending: { type: 'pending', attachment },
  notice: { type: 'notice', message: 'Select some code first.' },
  estimate: { type: 'estimate', text: '≈ 3.2k tokens in · ≤ $0.0041' },
  focusInput: { type: 'focusInput' },
};

/** A value of another type than `v`'s. */
function wrongType(v: unknown): unknown {
  if (typeof v === 'string') return 42;
  if (typeof v === 'number' || typeof v === 'boolean') return 'x';
  if (Array.isArray(v)) return 'not an array';
  return v === null || v === undefined ? 7 : 'not an object';
}

/** Same-shaped copies with one thing broken, each described. */
function* broken(msg: Record<string, unknown>): Generator<[string, unknown]> {
  yield ['an extra key', { ...msg, garbage: 1 }];
  yield ['an unknown type', { ...msg, type: `${String(msg.type)}X` }];
  yield ['no type', Object.fromEntries(Object.entries(msg).filter(([k]) => k !== 'type'))];
  for (const key of Object.keys(msg)) {
    if (key === 'type') continue;
    yield [`${key} of the wrong type`, { ...msg, [key]: wrongType(msg[key]) }];
  }
}

function checkBoth<T>(name: string, samples: Record<string, T>, parse: (v: unknown) => T | undefined, required: Record<string, string[]>): void {
  describe(name, () => {
    for (const [type, msg] of Object.entries(samples)) {
      it(`accepts a valid '${type}' and drops broken ones`, () => {
        assert.deepEqual(parse(JSON.parse(JSON.stringify(msg))), msg);
        for (const [what, bad] of broken(msg as Record<string, unknown>)) assert.equal(parse(bad), undefined, `${type} with ${what}`);
        for (const key of required[type] ?? []) {
          const without = { ...(msg as Record<string, unknown>) };
          delete without[key];
          assert.equal(parse(without), undefined, `${type} without ${key}`);
        }
      });
    }
  });
}

checkBoth('FromWebview validation', FROM, parseFromWebview, {
  send: ['requestId', 'text', 'images'], cancel: ['requestId'], continue: ['requestId', 'turnId'], retry: ['requestId', 'turnId'],
  askAgain: ['requestId', 'turnId'], openConversation: ['id'], renameConversation: ['id'], deleteConversation: ['id'], exportConversation: ['id'], attach: ['source'],
  copy: ['text'], insertCode: ['code', 'replace'], openLink: ['href'], runAction: ['action'],
});

checkBoth('ToWebview validation', TO, parseToWebview, {
  state: ['state'], turn: ['conversationId', 'title', 'turn'], delta: ['conversationId', 'turnId', 'text'], history: ['items'],
  model: ['model'], notice: ['message'],
});

describe('chat protocol edge cases', () => {
  it('drops non-objects', () => {
    for (const v of [undefined, null, 1, 'ready', [], [{ type: 'ready' }]]) {
      assert.equal(parseFromWebview(v), undefined);
      assert.equal(parseToWebview(v), undefined);
    }
  });

  it('accepts optional fields left out', () => {
    assert.ok(parseFromWebview({ type: 'renameConversation', id: 'c1' }));
    assert.ok(parseFromWebview({ type: 'selectModel' }));
    assert.ok(parseToWebview({ type: 'busy' }));
    assert.ok(parseToWebview({ type: 'pending' }));
    const { busy: _b, pending: _p, ...bare } = state;
    assert.ok(parseToWebview({ type: 'state', state: bare }));
  });

  it('checks nested data, not just the top level', () => {
    const badTurn = { ...JSON.parse(JSON.stringify(turn)), status: 'exploded' };
    assert.equal(parseToWebview({ ...TO.turn, turn: badTurn }), undefined);
    const extraInTurn = { ...JSON.parse(JSON.stringify(turn)), onclick: 'x' };
    assert.equal(parseToWebview({ ...TO.turn, turn: extraInTurn }), undefined);
    const badHistory = { ...state, history: [{ id: 'c', title: 't', turns: -1, updatedAt: 0 }] };
    assert.equal(parseToWebview({ type: 'state', state: badHistory }), undefined);
    assert.equal(parseToWebview({ type: 'state', state: { ...state, model: { ...model, vision: 'yes' } } }), undefined);
    assert.equal(parseFromWebview({ type: 'attach', source: 'disk' }), undefined);
    assert.equal(parseFromWebview({ type: 'runAction', action: 'rm -rf' }), undefined);
  });

  it('accepts only plain base64 images, at most MAX_IMAGES', () => {
    const send = (images: unknown) => parseFromWebview({ type: 'send', requestId: 'r', text: '', images });
    assert.ok(send([]));
    assert.equal(send(['data:image/png;base64,iVBORw0KGgo=']), undefined);
    assert.equal(send(['not base64!']), undefined);
    assert.equal(send(['']), undefined);
    assert.equal(send(Array.from({ length: MAX_IMAGES + 1 }, () => 'QUJD')), undefined);
    assert.equal(send(['A'.repeat(6_000_000)]), undefined);
  });

  it('accepts only safe request ids', () => {
    assert.equal(parseFromWebview({ type: 'cancel', requestId: '' }), undefined);
    assert.equal(parseFromWebview({ type: 'cancel', requestId: '<script>' }), undefined);
    assert.equal(parseFromWebview({ type: 'cancel', requestId: 'x'.repeat(101) }), undefined);
  });

  it('describes a dropped message by its type only', () => {
    assert.equal(describeDropped({ type: 'send', text: 'secret' }), "malformed 'send' message");
    assert.equal(describeDropped(42), 'message without a known type');
  });
});
