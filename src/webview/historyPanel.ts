// Earlier conversations: open, rename, export as Markdown, delete. Renaming asks in an
// input box of VS Code's own (webviews cannot prompt).
import type { HistoryItem } from '../core/chat/history';
import { h, iconButton } from './dom';
import { post } from './vscodeApi';

export class HistoryPanel {
  readonly element = h('section', { id: 'chat-history', class: 'history', 'aria-label': 'Chat history', hidden: true });
  private readonly list = h('ul', { class: 'history-list' });
  private activeId = '';

  constructor(private readonly toggle: HTMLButtonElement) {
    this.element.append(h('h2', { class: 'history-title' }, 'History'), this.list);
    toggle.addEventListener('click', () => this.setOpen(this.element.hidden));
    this.element.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      this.setOpen(false);
      this.toggle.focus();
    });
    this.list.addEventListener('click', (e) => this.onClick(e));
  }

  set(items: HistoryItem[], activeId: string): void {
    this.activeId = activeId;
    if (items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'history-empty' }, 'No conversations yet.'));
      return;
    }
    this.list.replaceChildren(...items.map((item) => this.item(item)));
  }

  setOpen(open: boolean): void {
    this.element.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.list.querySelector<HTMLElement>('button')?.focus();
  }

  private item(item: HistoryItem): HTMLElement {
    const title = item.title || 'Untitled';
    const when = new Date(item.updatedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    const current = item.id === this.activeId;
    return h(
      'li',
      { class: 'history-item', 'data-id': item.id, 'aria-current': current ? 'true' : undefined },
      h(
        'button',
        { type: 'button', class: 'history-open', 'data-history-action': 'open', title: `Open “${title}”` },
        h('span', { class: 'history-name' }, title),
        h('span', { class: 'history-meta' }, `${item.turns} message${item.turns === 1 ? '' : 's'} · ${when}`),
      ),
      iconButton('edit', `Rename “${title}”`, { 'data-history-action': 'rename' }),
      iconButton('export', `Export “${title}” as Markdown`, { 'data-history-action': 'export' }),
      iconButton('trash', `Delete “${title}”`, { 'data-history-action': 'delete' }),
    );
  }

  private onClick(e: MouseEvent): void {
    const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-history-action]') : null;
    const id = button?.closest<HTMLElement>('.history-item')?.dataset.id;
    if (!button || !id) return;
    switch (button.dataset.historyAction) {
      case 'open':
        post({ type: 'openConversation', id });
        this.setOpen(false);
        return;
      case 'rename':
        post({ type: 'renameConversation', id });
        return;
      case 'export':
        post({ type: 'exportConversation', id });
        return;
      case 'delete':
        post({ type: 'deleteConversation', id });
        return;
    }
  }
}
