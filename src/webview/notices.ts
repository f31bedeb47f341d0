// Messages above the transcript: a lasting one while the settings are invalid (nothing
// can be sent), and short-lived ones such as "Select some code first".
import { h, textButton } from './dom';
import { post } from './vscodeApi';

const NOTICE_MS = 6000;

export class Notices {
  readonly element = h('div', { class: 'notices' });
  private readonly problem = h('div', { class: 'banner problem', role: 'alert', hidden: true });
  private readonly transient = h('div', { class: 'banner', role: 'status', hidden: true });
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element.append(this.problem, this.transient);
  }

  setProblem(text: string | undefined): void {
    this.problem.hidden = !text;
    if (!text) return this.problem.replaceChildren();
    const open = textButton('Open Settings', {}, 'settings-gear');
    open.addEventListener('click', () => post({ type: 'runAction', action: 'openSettings' }));
    this.problem.replaceChildren(h('span', {}, text), open);
  }

  show(text: string): void {
    clearTimeout(this.timer);
    this.transient.textContent = text;
    this.transient.hidden = false;
    this.timer = setTimeout(() => (this.transient.hidden = true), NOTICE_MS);
  }
}
