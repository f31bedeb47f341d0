// One answer's Markdown in the DOM. Finished blocks are inserted once and kept; only the
// open tail is replaced on each render. Each render is timed as `chat-render`
// (performance.measure), which the benchmark reads.
import { IncrementalMarkdown } from './incremental';
import type { RenderMarkdown } from './markdown';
import { h } from './dom';

const MARK = 'chat-render-start';

export class AnswerView {
  readonly element = h('div', { class: 'answer markdown' });
  private readonly stable = h('div', { class: 'answer-stable' });
  private readonly tail = h('div', { class: 'answer-tail' });
  private markdown: IncrementalMarkdown;
  private text = '';
  private rendered = '';

  constructor(private readonly render: RenderMarkdown) {
    this.markdown = new IncrementalMarkdown(render);
    this.element.append(this.stable, this.tail);
  }

  /** The whole text; one that does not continue the current text starts the rendering over. */
  setText(text: string): void {
    if (!text.startsWith(this.text)) this.restart();
    this.text = text;
  }

  append(delta: string): void {
    this.text += delta;
  }

  get dirty(): boolean {
    return this.text !== this.rendered;
  }

  flush(): void {
    if (!this.dirty) return;
    performance.mark(MARK);
    const update = this.markdown.update(this.text);
    if (update.reset) this.stable.replaceChildren();
    // Sanitized by the renderer (markdown.ts).
    if (update.finished) this.stable.insertAdjacentHTML('beforeend', update.finished);
    this.tail.innerHTML = update.tail;
    this.rendered = this.text;
    performance.measure('chat-render', MARK);
    performance.clearMarks(MARK);
  }

  private restart(): void {
    this.markdown = new IncrementalMarkdown(this.render);
    this.stable.replaceChildren();
    this.tail.replaceChildren();
    this.text = '';
    this.rendered = '';
  }
}
