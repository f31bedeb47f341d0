// Streams text into a document at a tracked insertion point: coalesced into a bounded
// number of edits, one undo step for the whole insertion, never overwriting what the
// user types meanwhile. Stops (and reports why) when the document closes or the editor
// goes away.
import * as vscode from 'vscode';
import { BlockTracker } from '../core/editing/blockTracker';
import { Coalescer } from '../core/editing/coalescer';

/** Edits to one document go out one at a time, so two streams never race each other. */
const documentQueues = new WeakMap<vscode.TextDocument, Promise<unknown>>();

function queued<T>(doc: vscode.TextDocument, work: () => Thenable<T>): Promise<T> {
  const previous = documentQueues.get(doc) ?? Promise.resolve();
  const next = previous.then(work, work);
  documentQueues.set(doc, next.catch(() => undefined));
  return next;
}

/** Minimum time between two edits: at most 50 edits a second however fast tokens come. */
export const EDIT_INTERVAL_MS = 20;

export class EditorStream implements vscode.Disposable {
  private readonly tracker: BlockTracker;
  private coalescer: Coalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** No text inserted yet: the first write brings the opening with it. */
  private firstWrite = true;
  /** The next write starts a new undo step (the first of a round). */
  private roundStart = true;
  private editCount = 0;
  private pushed = false;
  private stoppedReason: string | undefined;
  /** Edits made (for tests and the benchmark). */
  get edits(): number { return this.editCount + this.coalescer.writes; }

  /**
   * @param offset where the block goes
   * @param opening text around the answer, inserted with the first text (e.g. comment prefix and line break)
   * @param insertAt where in `opening` the answer goes
   * @param onStopped called once if the document closes or the editor is no longer visible
   */
  constructor(
    private readonly editor: vscode.TextEditor,
    offset: number,
    private readonly opening: { text: string; insertAt: number },
    onStopped: (reason: string) => void,
  ) {
    this.tracker = new BlockTracker(offset, offset);
    this.coalescer = new Coalescer({ intervalMs: EDIT_INTERVAL_MS, write: (text) => this.write(text) });
    const doc = editor.document;
    const stop = (reason: string) => {
      if (this.stoppedReason) return;
      this.stoppedReason = reason;
      onStopped(reason);
    };
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== doc) return;
        for (const c of e.contentChanges) this.tracker.apply(c);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => { if (d === doc) stop('the document was closed'); }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        if (!editors.includes(editor)) stop('the editor was closed or replaced');
      }),
    );
  }

  /** The inserted block so far, as document offsets. */
  get range(): { start: number; end: number } {
    return { start: this.tracker.start, end: this.tracker.end };
  }

  /** True once any text was pushed (written or about to be). */
  get hasText(): boolean {
    return this.pushed;
  }

  /** Starts another round of text (a continuation), appended where the last one ended, as its own undo step. */
  beginRound(): void {
    this.editCount += this.coalescer.writes;
    this.coalescer = new Coalescer({ intervalMs: EDIT_INTERVAL_MS, write: (text) => this.write(text) });
    this.roundStart = true;
  }

  push(text: string): void {
    if (text) this.pushed = true;
    this.coalescer.push(text);
  }

  /** Writes the rest now and closes the undo group. */
  async finish(): Promise<void> {
    await this.coalescer.finish();
    if (!this.roundStart && !this.stoppedReason) {
      // An empty edit that only closes the undo group, so one undo removes the whole insertion.
      await queued(this.editor.document, () => this.editor.edit(() => undefined, { undoStopBefore: false, undoStopAfter: true }));
    }
  }

  /** Drops what is not written yet and stops writing. */
  async discard(): Promise<void> {
    await this.coalescer.discard();
  }

  private async write(text: string): Promise<void> {
    if (this.stoppedReason) throw new Error(`Stopped: ${this.stoppedReason}`);
    const first = this.firstWrite;
    const undoStopBefore = this.roundStart;
    const full = first ? this.opening.text.slice(0, this.opening.insertAt) + text + this.opening.text.slice(this.opening.insertAt) : text;
    // A refused edit (the document changed between our reading and the edit) is retried at the new position.
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = this.editor.document;
      const ok = await queued(doc, () => {
        const at = this.tracker.expectOwnInsert(full);
        return this.editor.edit((b) => b.insert(doc.positionAt(at), full), { undoStopBefore, undoStopAfter: false });
      });
      if (ok) {
        this.roundStart = false;
        if (first) {
          this.firstWrite = false;
          // The insertion point is before the opening's tail (closing line, line breaks).
          this.tracker.end -= this.opening.text.length - this.opening.insertAt;
        }
        return;
      }
      this.tracker.cancelExpected();
      if (this.stoppedReason) break;
    }
    throw new Error(this.stoppedReason ? `Stopped: ${this.stoppedReason}` : 'The editor refused the edit.');
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }
}
