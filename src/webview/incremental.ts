// Incremental Markdown for streamed answers: blocks that can no longer change are
// rendered once and kept; only the open tail is rendered again on each update. A block
// is finished at a blank line outside a fenced code block when the next line cannot
// continue it (not indented, not a list item), so rendering the pieces one by one gives
// the same HTML as rendering the whole answer. The scan only looks at new lines.
import type { RenderMarkdown } from './markdown';

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const BLANK = /^[ \t]*$/;
// A line that may belong to the block before the blank line: indented (list item
// content, indented code) or another item of the same list (a loose list).
const CONTINUES = /^(?:[ \t]|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))/;
// A link reference definition applies to the whole document, so it ends incremental rendering.
const REFERENCE = /^ {0,3}\[[^\]]+\]:/;

/** Finds the offsets where finished blocks end, in text that only grows. */
export class BlockSplitter {
  private scanned = 0;
  private fence: { char: string; length: number } | undefined;
  private afterBlank = false;
  private boundary = 0;
  /** Set once a reference definition shows up: from then on the text is one piece. */
  wholeOnly = false;

  /** Scans the complete lines added since the last call; returns the end of the finished blocks. */
  advance(text: string): number {
    for (let nl = text.indexOf('\n', this.scanned); nl !== -1; nl = text.indexOf('\n', this.scanned)) {
      this.line(text.slice(this.scanned, text[nl - 1] === '\r' ? nl - 1 : nl), this.scanned);
      this.scanned = nl + 1;
    }
    return this.wholeOnly ? 0 : this.boundary;
  }

  private line(line: string, start: number): void {
    if (this.fence) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1][0] === this.fence.char && close[1].length >= this.fence.length) this.fence = undefined;
      return;
    }
    if (BLANK.test(line)) {
      this.afterBlank = start > 0;
      return;
    }
    if (REFERENCE.test(line)) this.wholeOnly = true;
    if (this.afterBlank && !CONTINUES.test(line)) this.boundary = start;
    this.afterBlank = false;
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) this.fence = { char: open[1][0], length: open[1].length };
  }
}

export interface RenderUpdate {
  /** The earlier pieces are void: drop them before appending `finished`. */
  reset: boolean;
  /** HTML of blocks finished since the last update, to append once. */
  finished: string;
  /** HTML of the open block(s) at the end, to replace the previous tail. */
  tail: string;
}

export class IncrementalMarkdown {
  private readonly splitter = new BlockSplitter();
  private done = 0;

  constructor(private readonly render: RenderMarkdown) {}

  update(text: string): RenderUpdate {
    const boundary = this.splitter.advance(text);
    const reset = boundary < this.done;
    if (reset) this.done = 0;
    let finished = '';
    if (boundary > this.done) {
      finished = this.render(text.slice(this.done, boundary));
      this.done = boundary;
    }
    return { reset, finished, tail: this.render(text.slice(this.done)) };
  }
}
