// Turns the streamed summary text into comment lines as it arrives, so each chunk can
// be inserted at once without ever rewriting what is already in the document. Whatever the
// model writes stays inside the comment: every line break starts a commented line, and text
// that would end the comment, open a nested one or continue it onto the code below is
// written so that it cannot (see commentHazards).
import { commentHazards, type CommentHazards, type CommentStyle } from './commentSyntax';

/** Every line break VS Code or a language may honour (JavaScript and C# end a `//` comment at U+2028). */
const BREAKS = '\n\r\u2028\u2029\u0085';

export class CommentStreamFormatter {
  private started = false;
  private pendingNewlines = 0;
  /** The last character was \r: a \n right after it, even at the start of the next delta, is the same break. */
  private afterCr = false;
  /** A character that must not end a line, kept back until we know whether the line goes on. */
  private held = '';
  /** The end of the current line as written, so that a hazard completed by the next character is seen across deltas. */
  private tail: string;
  private readonly prefix: string;
  private readonly hazards: CommentHazards;

  constructor(
    private readonly style: CommentStyle,
    private readonly indent: string,
    private readonly eol: string,
  ) {
    this.prefix = indent + style.linePrefix;
    this.hazards = commentHazards(style);
    this.tail = this.prefix;
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
    for (const c of delta) {
      const crlf = this.afterCr && c === '\n';
      this.afterCr = c === '\r';
      if (crlf) continue;
      if (BREAKS.includes(c)) {
        if (this.started) {
          out += this.endLine();
          this.pendingNewlines++;
        }
      } else if (this.started || !/\s/.test(c)) {
        out += this.breaks() + this.write(c);
        this.started = true;
      }
    }
    return out;
  }

  /**
   * The text kept back from the pushes so far (a character that must not end a line), made safe
   * to end one. The caller MUST insert it, like a push, at the end of the stream and at the end of
   * every round (a continuation may follow: the formatter carries on correctly after a flush).
   */
  flush(): string {
    return this.endLine();
  }

  /** The line breaks seen since the last text, written now that text follows (none at the very end). */
  private breaks(): string {
    if (this.pendingNewlines === 0) return '';
    // Keep at most one empty comment line between paragraphs.
    const breaks = Math.min(this.pendingNewlines, 2);
    let out = '';
    for (let i = 0; i < breaks; i++) out += this.eol + (i === breaks - 1 ? this.prefix : this.prefix.trimEnd());
    this.pendingNewlines = 0;
    this.tail = this.prefix;
    return out;
  }

  private write(c: string): string {
    const { pattern, reach, lineEnd } = this.hazards;
    let piece = c;
    if (pattern) {
      // Break a hazard up before its last character (`*/` → `* /`): what is already written never
      // changes, and the result is the same however the text was split into deltas. When a space
      // does not help (a one-character hazard), write a look-alike instead (`"` → `＂`).
      if (pattern.test(this.tail + c)) piece = pattern.test(`${this.tail} ${c}`) ? lookAlike(c) : ` ${c}`;
      this.tail = (this.tail + piece).slice(-reach);
    }
    const out = this.held + piece;
    this.held = '';
    if (lineEnd.includes(c) && piece === c) {
      this.held = c;
      return out.slice(0, -c.length);
    }
    return out;
  }

  /** The current line ends: a held-back character is written as its look-alike, so it cannot continue the line. */
  private endLine(): string {
    if (!this.held) return '';
    const safe = lookAlike(this.held);
    this.held = '';
    this.tail = this.tail.slice(0, -1) + safe;
    return safe;
  }
}

/** A visible stand-in for a character that cannot be written as it is: its full-width form (`\` → `＼`). */
function lookAlike(c: string): string {
  const code = c.codePointAt(0)!;
  return code > 0x20 && code < 0x7f ? String.fromCodePoint(code + 0xfee0) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
