// The header: the model picker (the Select Model… catalog; custom ids and ARNs go through
// the quick pick), New Chat, and the history toggle.
import type { ModelOption, ModelState } from '../shared/chatProtocol';
import { h, iconButton } from './dom';
import { post } from './vscodeApi';

const CUSTOM = '__custom__';

export class Header {
  readonly element: HTMLElement;
  readonly historyToggle = iconButton('history', 'Chat History', { 'aria-expanded': 'false', 'aria-controls': 'chat-history' });
  private readonly picker = h('select', { class: 'model-picker', 'aria-label': 'Model', title: 'Model' });
  private current = '';

  constructor() {
    const newChat = iconButton('add', 'New Chat');
    newChat.addEventListener('click', () => post({ type: 'newChat' }));
    this.picker.addEventListener('change', () => this.picked());
    this.element = h('header', { class: 'chat-header' }, this.picker, h('span', { class: 'spacer' }), newChat, this.historyToggle);
  }

  setModel(model: ModelState): void {
    const selected = model.options.find((o) => matches(model.id, o));
    const groups = [
      group('Llama models', model.options.filter((o) => !o.legacy)),
      group('Legacy', model.options.filter((o) => o.legacy)),
    ];
    const extra: HTMLOptionElement[] = [];
    if (!selected) extra.push(h('option', { value: model.id }, model.id ? `Custom: ${model.id}` : model.label));
    this.picker.replaceChildren(...extra, ...groups, h('option', { value: CUSTOM }, 'Custom model id or ARN…'));
    this.current = selected?.id ?? model.id;
    this.picker.value = this.current;
    this.picker.title = `Model: ${model.id || model.label}${model.vision ? ' (accepts images)' : ''}`;
  }

  private picked(): void {
    const value = this.picker.value;
    // The setting changes through the extension; the picker follows when it does.
    this.picker.value = this.current;
    post(value === CUSTOM ? { type: 'selectModel' } : { type: 'selectModel', modelId: value });
  }
}

/** The configured id is the catalog id, its inference-profile form (`us.…`), or an ARN naming it. */
function matches(id: string, option: ModelOption): boolean {
  return id === option.id || id.endsWith(`.${option.id}`) || id.endsWith(`/${option.id}`);
}

function group(label: string, options: ModelOption[]): HTMLOptGroupElement {
  return h('optgroup', { label }, ...options.map((o) => h('option', { value: o.id }, `${o.label}${o.vision ? ' (images)' : ''}`)));
}
