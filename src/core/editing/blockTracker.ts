// Where streamed text goes while the user keeps editing the document. The block is the
// text we inserted, [start, end) in document offsets; new text is inserted at `end`.
// Edits above the block shift it, edits inside it grow or shrink it (we never overwrite
// them), edits below it do not matter.

export interface TextChange {
  /** Offset where the replaced range starts. */
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export class BlockTracker {
  /** Insertions we made that the document has not reported yet (at most one is in flight). */
  private readonly expected: string[] = [];

  constructor(public start: number, public end: number) {}

  /** Announces an insertion about to be made at `end`, so its change event is recognised as ours. */
  expectOwnInsert(text: string): number {
    this.expected.push(text);
    return this.end;
  }

  /** An announced insertion has not been reported by the document (yet, or ever: a refused edit). */
  get awaitingOwnInsert(): boolean {
    return this.expected.length > 0;
  }

  /** Forgets announced insertions that did not happen (the edit was refused). */
  cancelExpected(): void {
    this.expected.length = 0;
  }

  /**
   * Applies one change. The changes of one VS Code change event are applied in the order
   * given, each against the document the previous ones left (as VS Code itself does).
   */
  apply(change: TextChange): void {
    if (
      this.expected.length > 0 && change.rangeLength === 0 &&
      change.rangeOffset === this.end && change.text === this.expected[0]
    ) {
      this.expected.shift();
      this.end += change.text.length;
      return;
    }
    const a = change.rangeOffset;
    const b = a + change.rangeLength;
    const delta = change.text.length - change.rangeLength;
    if (b <= this.start) {
      this.start += delta;
      this.end += delta;
    } else if (a < this.end) {
      // Overlaps the block: keep the user's text; our insertion point moves past it
      // when the change covers it, else with the block's end.
      const end = b >= this.end ? a + change.text.length : this.end + delta;
      this.start = Math.min(this.start, a);
      this.end = Math.max(this.start, end);
    }
  }
}
