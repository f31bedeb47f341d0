// Answers are model output, so untrusted: markdown-it with raw HTML off (tags show as
// text), then DOMPurify over the result as a second wall. Code blocks get a toolbar;
// images become links (the CSP would block them anyway, and remote images track).
import createDOMPurify, { type WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlightCode } from './highlight';

/** Markdown to sanitized HTML; `fragment` gives the same as DOM nodes, ready to insert. */
export interface RenderMarkdown {
  (markdown: string): string;
  fragment(markdown: string): DocumentFragment;
}

const PURIFY = {
  FORBID_TAGS: ['style', 'img', 'form', 'input', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
  // Links open through VS Code; only these schemes are offered at all.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
};

/** @param win the window DOMPurify works in (the webview's, or jsdom's in tests). */
export function createMarkdownRenderer(win: WindowLike): RenderMarkdown {
  const purify = createDOMPurify(win);
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    highlight: (code, lang) => highlightCode(code, lang) ?? '',
  });
  const escape = md.utils.escapeHtml;

  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const lang = tokens[idx].info.trim().split(/\s+/)[0] ?? '';
    const inner = fence ? fence(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
    return `<div class="code-block">${toolbar(escape(lang))}${inner}</div>\n`;
  };
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const alt = escape(self.renderInlineAsText(token.children ?? [], options, env) || 'image');
    const src = String(token.attrGet('src') ?? '');
    return md.validateLink(src) ? `<a href="${escape(src)}">${alt}</a>` : alt;
  };

  const html = (markdown: string): string => purify.sanitize(md.render(markdown), PURIFY);
  // Per streamed chunk: parsed once into inert template content (nothing runs or loads there)
  // and sanitized in place, instead of DOMPurify parsing into a new document, serializing,
  // and the caller parsing that string again.
  const doc = win.document as Document;
  const template = doc.createElement('template');
  const fragment = (markdown: string): DocumentFragment => {
    template.innerHTML = `<div>${md.render(markdown)}</div>`;
    const root = template.content.firstElementChild as Element;
    purify.sanitize(root, { ...PURIFY, IN_PLACE: true });
    const out = doc.createDocumentFragment();
    out.append(...root.childNodes);
    return out;
  };
  return Object.assign(html, { fragment });
}

function toolbar(lang: string): string {
  return (
    '<div class="code-toolbar">' +
    `<span class="code-lang">${lang}</span>` +
    button('copy', 'copy', 'Copy') +
    button('insert', 'insert', 'Insert at Cursor') +
    button('replace', 'replace', 'Replace Selection') +
    '</div>'
  );
}

function button(action: string, icon: string, label: string): string {
  return `<button type="button" class="icon-button" data-code-action="${action}" title="${label}" aria-label="${label}"><span class="codicon codicon-${icon}" aria-hidden="true"></span></button>`;
}
