// One exchange in the transcript: the user's message (with the attached code as a
// collapsible chip), the answer, and its status line: tokens and cost ("cached · $0" and
// Ask again for an answer from the response cache), Continue after a length stop, the error
// with what to do and Retry. Every answer says which model answered; one routing sent to
// another model than the selected one offers "Ask <selected model>".
import { modelLabel } from '../core/catalog';
import { attachmentLabel, canAskAgain, canAskSelected, type ErrorAction, type Turn } from '../core/chat/conversation';
import { formatTokens, formatUsd } from '../core/pricing';
import { wholeAnswerLabel } from '../core/request/wholeAnswer';
import type { Busy } from '../shared/chatProtocol';
import type { Attachment } from '../core/prompt';
import { AnswerView } from './answerView';
import { h, icon, textButton } from './dom';
import type { RenderMarkdown } from './markdown';

const ACTION_LABELS: Record<ErrorAction, [string, string]> = {
  signIn: ['Sign In', 'account'],
  setApiKey: ['Set API Key', 'key'],
  selectModel: ['Select Model…', 'server-environment'],
  openSettings: ['Open Settings', 'settings-gear'],
  showLog: ['Show Log', 'output'],
};

/** The model in the settings, for "Ask <selected model>". */
export interface SelectedModel {
  id: string;
  label: string;
}

const ROUTED_WHY = { taskModel: 'bedrockLlama.taskModels names it for this task', smallTask: 'a small task, sent to a small model' } as const;

export class TurnView {
  readonly element: HTMLElement;
  readonly answer: AnswerView;
  private readonly assistant: HTMLElement;
  private readonly status = h('div', { class: 'turn-status' });
  private turn: Turn;
  selected: SelectedModel | undefined;
  /** Ticks the elapsed time while a whole answer is awaited. */
  private clock: ReturnType<typeof setInterval> | undefined;

  constructor(turn: Turn, render: RenderMarkdown) {
    this.turn = turn;
    this.answer = new AnswerView(render);
    this.answer.setText(turn.answer);
    const user = h('div', { class: 'message user' }, speaker('account', 'You'), h('div', { class: 'user-text' }, turn.text));
    if (turn.attachment) user.append(chip(turn.attachment));
    if (turn.images > 0) user.append(h('div', { class: 'image-note' }, icon('file-media'), ` ${turn.images} image${turn.images === 1 ? '' : 's'} attached`));
    this.assistant = h('div', { class: 'message assistant' }, speaker('hubot', 'Llama'), this.answer.element, this.status);
    this.element = h('article', { class: 'turn', 'data-turn-id': turn.id }, user, this.assistant);
  }

  get id(): string {
    return this.turn.id;
  }

  update(turn: Turn, busy: boolean, whole?: Busy['wholeAnswer']): void {
    this.turn = turn;
    this.answer.setText(turn.answer);
    this.renderStatus(busy, whole);
  }

  /** Stops the wait's clock (the view is being dropped). */
  dispose(): void {
    clearInterval(this.clock);
    this.clock = undefined;
  }

  append(delta: string): void {
    this.turn.answer += delta;
    this.answer.append(delta);
  }

  /**
   * @param busy a request is in flight (Continue and Retry wait for it).
   * @param whole this turn's answer comes all at once (InvokeModel): the wait shows its elapsed time.
   */
  renderStatus(busy: boolean, whole?: Busy['wholeAnswer']): void {
    const t = this.turn;
    const streaming = t.status === 'streaming';
    clearInterval(this.clock);
    this.clock = undefined;
    this.answer.element.setAttribute('aria-busy', String(streaming));
    const parts: Array<Node | string> = [];
    if (streaming && whole) {
      const label = h('span', { class: 'whole-answer-wait' }, wholeAnswerLabel(whole.model, Date.now() - whole.since));
      this.clock = setInterval(() => { label.textContent = wholeAnswerLabel(whole.model, Date.now() - whole.since); }, 1000);
      // Not a live region: the transcript's log would read the ticking seconds out every second.
      parts.push(h('span', { class: 'status-label' }, icon('loading codicon-modifier-spin'), ' ', label));
    } else if (streaming) {
      parts.push(h('span', { class: 'status-label' }, icon('loading codicon-modifier-spin'), ' Generating…'));
    }
    if (t.status === 'stopped') parts.push(h('span', { class: 'status-label' }, 'Stopped.'));
    if (t.status === 'cut') parts.push(h('span', { class: 'status-label' }, 'Stopped at the length limit.'));
    if (t.usage) parts.push(usage(t));
    if (t.status === 'cut') parts.push(textButton('Continue', { 'data-turn-action': 'continue', disabled: busy }, 'debug-continue'));
    if (t.status === 'stopped') parts.push(textButton('Retry', { 'data-turn-action': 'retry', disabled: busy }, 'refresh'));
    if (canAskAgain(t)) {
      parts.push(textButton('Ask again', { 'data-turn-action': 'askAgain', disabled: busy, title: 'Send this request to Bedrock again instead of using the cached answer' }, 'sync'));
    }
    const selected = this.selected;
    if (canAskSelected(t) && selected?.id && selected.id !== t.modelId) {
      parts.push(textButton(`Ask ${selected.label}`, { 'data-turn-action': 'askSelected', disabled: busy, title: `Ask the selected model, ${selected.label}, the same again` }, 'arrow-swap'));
    }
    this.status.replaceChildren(...parts);
    this.assistant.querySelector('.turn-error')?.remove();
    if (t.status === 'error' && t.error) this.status.before(errorBox(t.error.message, t.error.actions, busy));
  }
}

function speaker(iconName: string, name: string): HTMLElement {
  return h('div', { class: 'speaker' }, icon(iconName), ` ${name}`);
}

function chip(a: Attachment): HTMLElement {
  const code = h('code', {}, a.text);
  return h(
    'details',
    { class: 'chip' },
    h('summary', { title: 'Show the attached code' }, icon('file-code'), ` ${attachmentLabel(a)}`),
    h('pre', {}, code),
  );
}

function usage(t: Turn): HTMLElement {
  const u = t.usage ?? { inputTokens: 0, outputTokens: 0 };
  // ≈: a stopped or failed round was counted with local estimates, not Bedrock's counts.
  const a = t.estimated ? '≈' : '';
  // A cached answer was neither sent nor billed: its cost is $0, whatever Bedrock charged the first time.
  const cost = !t.cached ? `${a}${formatUsd(t.costUsd)}` : t.costUsd ? `cached · ${a}${formatUsd(t.costUsd)}` : 'cached · $0';
  const model = t.modelId ? `${modelLabel(t.modelId)}${t.routed ? ' (routed)' : ''} · ` : '';
  const text = `${model}${a}${formatTokens(u.inputTokens)} in · ${a}${formatTokens(u.outputTokens)} out · ${cost}`;
  const detail = `${t.modelId ? `Answered by ${t.modelId}${t.routed ? ` (routed: ${ROUTED_WHY[t.routed]})` : ''}: ` : ''}` +
    `${a}${u.inputTokens} input and ${a}${u.outputTokens} output tokens, ${t.costUsd === undefined ? 'cost unknown (no price for this model)' : `${a}$${t.costUsd.toFixed(6)}`}` +
    (t.estimated ? ' (includes a stopped or failed request, estimated)' : '') +
    (t.cached ? ' — answered from the response cache, nothing was sent or billed' : '');
  return h('span', { class: 'usage', title: detail, 'aria-label': detail }, text);
}

function errorBox(message: string, actions: ErrorAction[], busy: boolean): HTMLElement {
  const buttons = [
    textButton('Retry', { 'data-turn-action': 'retry', disabled: busy }, 'refresh'),
    ...actions.map((a) => textButton(ACTION_LABELS[a][0], { 'data-error-action': a }, ACTION_LABELS[a][1])),
  ];
  return h(
    'div',
    { class: 'turn-error', role: 'alert' },
    h('div', { class: 'error-message' }, icon('error'), ` ${message}`),
    h('div', { class: 'error-actions' }, ...buttons),
  );
}
