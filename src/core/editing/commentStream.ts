// Turns the streamed summary text into comment lines as it arrives, so each chunk can
// be inserted at once without ever rewriting what is already in the document.
import type { CommentStyle } from './commentSyntax';

export class CommentStreamFormatter {
  private started = false;
  private pendingNewlines = 0;
  private readonly prefix: string;

  constructor(
    private readonly style: CommentStyle,
    private readonly indent: string,
    private readonly eol: string,
  ) {
    this.prefix = indent + style.linePrefix;
  }

  /** The text the block starts with, inserted before any answer arrives: it ends with the block's own line break(s). */
  opening(): { text: string; insertAt: number } {
    const open = this.style.open ? `${this.indent}${this.style.open}${this.eol}` : '';
    const close = this.style.close ? `${this.eol}${this.indent}${this.style.close}` : '';
    const tail = this.style.paragraph ? this.eol + this.eol : this.eol;
    const text = `${open}${this.prefix}${close}${tail}`;
    // The answer goes after the first line's prefix, before the closing part.
    return { text, insertAt: open.length + this.prefix.length };
  }

  /** Text to insert for a delta. Leading blank lines are dropped; inner line breaks get the prefix. */
  push(delta: string): string {
    let out = '';
    for (const part of delta.split(/(\r?\n)/)) {
      if (part === '\n' || part === '\r\n') {
        if (this.started) this.pendingNewlines++;
        continue;
      }
      const text = this.started ? part : part.trimStart();
      if (!text) continue;
      if (this.pendingNewlines > 0) {
        // Keep at most one empty comment line between paragraphs.
        const breaks = Math.min(this.pendingNewlines, 2);
        for (let i = 0; i < breaks; i++) out += this.eol + (i === breaks - 1 ? this.prefix : this.prefix.trimEnd());
        this.pendingNewlines = 0;
      }
      out += text;
      this.started = true;
    }
    return out;
  }
}
