// Where an inline summary lives in its document, across every attempt at it (the first,
// Retry, Continue): a tracked range that moves with the user's edits, and the writers that
// stream one attempt each into it. Each attempt gets a fresh writer; the block itself is
// disposed only by its owner, so nothing disposed is ever written through again.
//
// Writes go through a visible editor of the document when there is one (so undo stops
// group each attempt into one undo step), else through a workspace edit: switching tabs
// does not stop a summary, it keeps streaming into its document.
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
/** A refused edit (the document changed between our reading and the edit) is retried this often. */
const EDIT_TRIES = 5;

export class EditRefused extends Error {}

export class SummaryBlock implements vscode.Disposable {
  private readonly tracker: BlockTracker;
  /** Length of the text after the insertion point that belongs to the block (closing line, line breaks). */
  private tail = 0;
  private closed = false;
  private readonly closedEmitter = new vscode.EventEmitter<void>();
  /** Fires once when the document closes. */
  readonly onDidClose = this.closedEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  /** Call before any `await`, so no edit is missed between reading `offset` and tracking. */
  constructor(readonly document: vscode.TextDocument, offset: number) {
    this.tracker = new BlockTracker(offset, offset);
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== document) return;
        for (const c of e.contentChanges) this.tracker.apply(c);
      }),
      // Also fired when the document's language changes; the document is still open then.
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d !== document || !document.isClosed || this.closed) return;
        this.closed = true;
        this.closedEmitter.fire();
      }),
    ];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The whole block as document offsets, its closing part included. */
  get range(): { start: number; end: number } {
    return { start: this.tracker.start, end: this.tracker.end + this.tail };
  }

  get isEmpty(): boolean {
    return this.range.end <= this.range.start;
  }

  /**
   * A writer for one attempt. `opening` (the comment's frame, the answer going in at
   * `insertAt`) comes with the first write of a fresh block; `replace` makes that first
   * write take the place of what the block holds (Retry). Continue passes neither and
   * appends where the last attempt ended.
   */
  writer(options: { opening?: { text: string; insertAt: number }; replace?: boolean; onFailed: (err: unknown) => void }): BlockWriter {
    return new BlockWriter(this, options.opening, options.replace ?? false, options.onFailed);
  }

  /**
   * Inserts at the insertion point, or replaces the whole block (Retry), as our own edit.
   * `tail`: the length of the frame's closing part at the end of `text` (first write), else -1.
   */
  async edit(text: string, how: { replaceAll: boolean; tail: number; undoStopBefore: boolean }): Promise<void> {
    const doc = this.document;
    // An empty block has nothing to replace: the text goes in at the insertion point.
    const replaceAll = how.replaceAll && !this.isEmpty;
    for (let attempt = 0; attempt < EDIT_TRIES; attempt++) {
      if (this.closed) throw new EditRefused('the document was closed');
      const ok = await queued(doc, () => {
        if (replaceAll) {
          const { start, end } = this.range;
          return apply(doc, new vscode.Range(doc.positionAt(start), doc.positionAt(end)), text, how.undoStopBefore);
        }
        const at = this.tracker.expectOwnInsert(text);
        return apply(doc, new vscode.Range(doc.positionAt(at), doc.positionAt(at)), text, how.undoStopBefore);
      });
      // A read-only editor (files.readonlyInclude) answers true and applies nothing: check the text
      // landed — an insert by its change event, a replacement at the block's (tracked) start.
      const landed = replaceAll
        ? doc.getText(new vscode.Range(doc.positionAt(this.tracker.start), doc.positionAt(this.tracker.start + text.length))) === text
        : !this.tracker.awaitingOwnInsert;
      if (ok && !landed) {
        this.tracker.cancelExpected();
        throw new EditRefused('VS Code did not apply the edit (is the document read-only?)');
      }
      if (ok) {
        // A replaced block collapsed to its start: the new text is the block.
        if (replaceAll) this.tracker.end = this.tracker.start + text.length;
        if (how.tail >= 0) {
          // The insertion point goes before the frame's closing part.
          this.tracker.end -= how.tail;
          this.tail = how.tail;
        }
        return;
      }
      this.tracker.cancelExpected();
    }
    throw new EditRefused(this.closed ? 'the document was closed' : 'VS Code refused the edit');
  }

  /** An empty edit that only closes the undo group, so one undo removes the attempt. */
  async closeUndoGroup(): Promise<void> {
    const editor = visibleEditorFor(this.document);
    if (editor && !this.closed) await queued(this.document, () => editor.edit(() => undefined, { undoStopBefore: false, undoStopAfter: true })).catch(() => false);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
    this.closedEmitter.dispose();
  }
}

/** One attempt's stream of text into the block: coalesced into a bounded number of edits. */
export class BlockWriter {
  private readonly coalescer: Coalescer;
  private first = true;
  private wrote = false;

  /** @param onFailed told at once when an edit fails, so the request can stop instead of generating text that cannot be written */
  constructor(
    private readonly block: SummaryBlock,
    private readonly opening: { text: string; insertAt: number } | undefined,
    private readonly replace: boolean,
    private readonly onFailed: (err: unknown) => void,
  ) {
    this.coalescer = new Coalescer({ intervalMs: EDIT_INTERVAL_MS, write: (text) => this.write(text) });
  }

  /** Edits made (for tests and the benchmark). */
  get edits(): number {
    return this.coalescer.writes;
  }

  get hasWritten(): boolean {
    return this.wrote;
  }

  push(text: string): void {
    this.coalescer.push(text);
  }

  /** Writes the rest and closes the undo group; rejects with EditRefused if an edit was refused. */
  async finish(): Promise<void> {
    try {
      await this.coalescer.finish();
    } finally {
      if (this.wrote) await this.block.closeUndoGroup().catch(() => undefined);
    }
  }

  private async write(text: string): Promise<void> {
    const first = this.first;
    const o = this.opening;
    const full = first && o ? o.text.slice(0, o.insertAt) + text + o.text.slice(o.insertAt) : text;
    try {
      await this.block.edit(full, {
        replaceAll: first && this.replace,
        tail: first && o ? o.text.length - o.insertAt : -1,
        undoStopBefore: first,
      });
    } catch (err) {
      this.onFailed(err);
      throw err;
    }
    this.first = false;
    this.wrote = true;
  }
}

function visibleEditorFor(doc: vscode.TextDocument): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((e) => e.document === doc);
}

/** Applies one edit; false when VS Code refused it (a rejection, e.g. for an editor closing meanwhile, counts as refused). */
async function apply(doc: vscode.TextDocument, range: vscode.Range, text: string, undoStopBefore: boolean): Promise<boolean> {
  try {
    const editor = visibleEditorFor(doc);
    if (editor) return await editor.edit((b) => b.replace(range, text), { undoStopBefore, undoStopAfter: false });
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, range, text);
    return await vscode.workspace.applyEdit(edit);
  } catch {
    return false;
  }
}
