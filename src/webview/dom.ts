// Building DOM without HTML strings: text always goes in as text nodes. The only HTML the
// webview inserts is sanitized Markdown (markdown.ts).

type Attrs = Record<string, string | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  el.append(...children);
  return el;
}

export function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A button showing only an icon; the label is its accessible name and tooltip. */
export function iconButton(name: string, label: string, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'icon-button', title: label, 'aria-label': label, ...attrs }, icon(name));
}

export function textButton(label: string, attrs: Attrs = {}, iconName?: string): HTMLButtonElement {
  return h('button', { type: 'button', class: 'text-button', ...attrs }, ...(iconName ? [icon(iconName)] : []), label);
}
