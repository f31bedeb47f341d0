// Answers are model output, so untrusted: markdown-it with raw HTML off (tags show as
// text), then DOMPurify over the result as a second wall. Code blocks get a toolbar;
// images become links (the CSP would block them anyway, and remote images track).
import createDOMPurify, { type WindowLike } from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlightCode } from './highlight';

export type RenderMarkdown = (markdown: string) => string;

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

  return (markdown) => purify.sanitize(md.render(markdown), PURIFY);
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
