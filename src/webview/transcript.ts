// The conversation as a live region. Deltas only mark answers dirty; they are rendered
// together once per animation frame, so a fast stream costs one render per frame, not
// one per chunk. Clicks inside (code-block buttons, links, Continue/Retry) are handled
// here by delegation, so re-rendered HTML needs no listeners of its own.
import { trimmedNote, type Conversation, type ErrorAction, type Turn } from '../core/chat/conversation';
import type { Busy } from '../shared/chatProtocol';
import { h } from './dom';
import type { RenderMarkdown } from './markdown';
import { TurnView, type SelectedModel } from './turnView';
import { post } from './vscodeApi';

const STICK_TO_BOTTOM_PX = 48;
const COPIED_MS = 1500;

export class Transcript {
  readonly element = h('main', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  private readonly views = new Map<string, TurnView>();
  private readonly dirty = new Set<TurnView>();
  private readonly empty = h(
    'div',
    { class: 'empty' },
    h('p', {}, 'Ask Llama about your code.'),
    h('p', {}, 'Type a question below, attach the selection or file, or run Explain Selection or Ask About Selection… from the editor.'),
  );
  private busy: Busy | undefined;
  private selected: SelectedModel | undefined;
  private frame = 0;
  /** Follow the stream to the bottom, unless the user scrolled up to read. */
  private stick = true;

  constructor(private readonly render: RenderMarkdown) {
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('scroll', () => {
      const el = this.element;
      this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
    });
  }

  show(conversation: Conversation, busy: Busy | undefined): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.dirty.clear();
    for (const view of this.views.values()) view.dispose();
    this.views.clear();
    this.busy = busy;
    this.element.replaceChildren();
    // Older turns removed by the history caps are not lost silently.
    const trimmed = trimmedNote(conversation);
    if (trimmed) this.element.append(h('div', { class: 'trimmed-note', role: 'note' }, trimmed));
    for (const turn of conversation.turns) this.add(turn).answer.flush();
    if (conversation.turns.length === 0) this.element.append(this.empty);
    this.element.scrollTop = this.element.scrollHeight;
  }

  upsert(turn: Turn): void {
    const view = this.views.get(turn.id);
    if (view) view.update(turn, this.busy !== undefined, this.wholeFor(turn.id));
    else this.add(turn);
    this.schedule(view ?? this.views.get(turn.id));
  }

  append(turnId: string, delta: string): void {
    const view = this.views.get(turnId);
    if (!view) return;
    view.append(delta);
    this.schedule(view);
  }

  /** The model selected in the settings: a routed answer offers "Ask" it. */
  setSelectedModel(model: SelectedModel): void {
    this.selected = model;
    for (const view of this.views.values()) {
      view.selected = model;
      view.renderStatus(this.busy !== undefined, this.wholeFor(view.id));
    }
  }

  setBusy(busy: Busy | undefined): void {
    this.busy = busy;
    for (const view of this.views.values()) view.renderStatus(busy !== undefined, this.wholeFor(view.id));
  }

  /** The whole-answer wait of the turn in flight, if that turn is `turnId`. */
  private wholeFor(turnId: string): Busy['wholeAnswer'] {
    return this.busy?.turnId === turnId ? this.busy.wholeAnswer : undefined;
  }

  private add(turn: Turn): TurnView {
    this.empty.remove();
    const view = new TurnView(turn, this.render);
    view.selected = this.selected;
    view.renderStatus(this.busy !== undefined, this.wholeFor(turn.id));
    this.views.set(turn.id, view);
    this.element.append(view.element);
    this.stick = true;
    return view;
  }

  private schedule(view: TurnView | undefined): void {
    if (view) this.dirty.add(view);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = 0;
    for (const view of this.dirty) view.answer.flush();
    this.dirty.clear();
    if (this.stick) this.element.scrollTop = this.element.scrollHeight;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    const link = target.closest('.answer a[href]');
    if (link) {
      // The webview host opens clicked links itself too (a listener on window): stop it here, so a link opens once.
      e.preventDefault();
      e.stopPropagation();
      post({ type: 'openLink', href: link.getAttribute('href') ?? '' });
      return;
    }
    const codeButton = target.closest<HTMLButtonElement>('button[data-code-action]');
    if (codeButton) return this.codeAction(codeButton);
    const turnId = target.closest<HTMLElement>('.turn')?.dataset.turnId;
    const turnButton = target.closest<HTMLButtonElement>('button[data-turn-action]');
    if (turnButton && turnId && !turnButton.disabled) {
      const named = turnButton.dataset.turnAction;
      const action = named === 'continue' || named === 'askAgain' || named === 'askSelected' ? named : 'retry';
      post({ type: action, requestId: crypto.randomUUID(), turnId });
      return;
    }
    const errorButton = target.closest<HTMLButtonElement>('button[data-error-action]');
    if (errorButton) post({ type: 'runAction', action: errorButton.dataset.errorAction as ErrorAction, turnId });
  }

  private codeAction(button: HTMLButtonElement): void {
    const code = button.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
    switch (button.dataset.codeAction) {
      case 'copy':
        post({ type: 'copy', text: code });
        return copied(button);
      case 'insert':
        post({ type: 'insertCode', code, replace: false });
        return;
      case 'replace':
        post({ type: 'insertCode', code, replace: true });
        return;
    }
  }
}

/** Brief feedback on a Copy button: a check mark and an updated label. */
function copied(button: HTMLButtonElement): void {
  const glyph = button.querySelector('.codicon');
  glyph?.classList.replace('codicon-copy', 'codicon-check');
  button.setAttribute('aria-label', 'Copied');
  setTimeout(() => {
    glyph?.classList.replace('codicon-check', 'codicon-copy');
    button.setAttribute('aria-label', 'Copy');
  }, COPIED_MS);
}
