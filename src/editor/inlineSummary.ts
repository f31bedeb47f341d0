// One inline summary, from the first attempt to the last Retry or Continue: each attempt is
// a fresh request (its own AbortController, writer and, except for Continue, formatter)
// streaming into the same SummaryBlock, so Retry replaces the failed attempt's block, Ask
// Again replaces a summary from the response cache, and Continue appends inside it. The
// summary presents its own outcomes: a notification with the actions of the failure's kind,
// a note when its document closed or VS Code refused its edits, the cache's mark with Ask
// Again. The block is disposed once no attempt runs and none is offered.
import * as vscode from 'vscode';
import { CommentStreamFormatter } from '../core/editing/commentStream';
import type { CommentStyle } from '../core/editing/commentSyntax';
import type { Attachment } from '../core/prompt';
import { actionsForFailure } from '../core/request/actions';
import { blockedMessage } from '../core/request/guardrailMessage';
import { StopRequest, type RequestOutcome } from '../core/request/outcome';
import { answeredBy } from '../core/request/answeredBy';
import { wholeAnswerLabel } from '../core/request/wholeAnswer';
import { retryProgressMessage } from '../core/retryProgress';
import { cutOffReason, notifyFailure, notifyPromptTooLong, notifySettingsErrors } from '../requests/errorMessages';
import { runModelRequest } from '../requests/modelRequest';
import type { Services } from '../services';
import { EditRefused, type SummaryBlock } from './summaryBlock';

/** How long the status bar says which model wrote a summary. */
const SAID_MS = 15_000;

export interface SummaryFormat {
  style: CommentStyle;
  indent: string;
  eol: string;
}

type AttemptKind = 'first' | 'retry' | 'continue' | 'askAgain';

export class InlineSummary {
  private formatter: CommentStreamFormatter;
  /** The answer so far over the rounds that ended (Continue goes on from it). */
  private answer = '';
  private running = false;
  /** Retry or Continue offered and not yet taken or dropped. */
  private offers = 0;

  constructor(
    private readonly services: Services,
    private readonly block: SummaryBlock,
    private readonly format: SummaryFormat,
    private readonly attachment: Attachment,
  ) {
    this.formatter = this.newFormatter();
  }

  /** Runs the first attempt; resolves when it has ended, whichever way. */
  start(): Promise<void> {
    return this.attempt('first');
  }

  private newFormatter(): CommentStreamFormatter {
    return new CommentStreamFormatter(this.format.style, this.format.indent, this.format.eol);
  }

  private async attempt(kind: AttemptKind): Promise<void> {
    if (this.running || this.block.isClosed) return this.release();
    this.running = true;
    try {
      await this.run(kind);
    } finally {
      this.running = false;
      this.release();
    }
  }

  private async run(kind: AttemptKind): Promise<void> {
    const services = this.services;
    const block = this.block;
    if (kind !== 'continue') {
      this.formatter = this.newFormatter();
      this.answer = '';
    }
    const formatter = this.formatter;
    const controller = new AbortController();
    let editFailure: unknown;
    const writer = block.writer({
      opening: kind === 'continue' ? undefined : formatter.opening(),
      replace: kind === 'retry' || kind === 'askAgain',
      // Stop at once: Bedrock would bill text that can no longer be written.
      onFailed: (err) => {
        editFailure ??= err;
        if (!controller.signal.aborted) controller.abort(new StopRequest(block.isClosed ? 'documentClosed' : 'editRefused'));
      },
    });
    const closed = block.onDidClose(() => controller.abort(new StopRequest('documentClosed')));
    const write = (text: string) => { if (text) writer.push(text); };
    const title = kind === 'continue' ? 'Continuing the summary' : 'Summarizing selection';
    let outcome: RequestOutcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Llama: ${title}…`, cancellable: true },
        (progress, token) => {
          const cancel = token.onCancellationRequested(() => controller.abort(new StopRequest('user')));
          let retrying = false;
          let clock: ReturnType<typeof setInterval> | undefined;
          let retryNote = '';
          return runModelRequest(services, {
            prompt: { task: { kind: 'summarize' }, attachment: this.attachment, continueFrom: kind === 'continue' ? this.answer : undefined },
            bypassCache: kind === 'askAgain',
          }, { kind: 'editor', document: block.document.uri }, controller, {
            text: (delta) => {
              if (retrying) progress.report({ message: '' });
              retrying = false;
              write(formatter.push(delta));
            },
            retrying: (attempt, reason) => {
              retrying = true;
              retryNote = retryProgressMessage(attempt, reason);
              progress.report({ message: retryNote });
            },
            // The whole summary arrives in one piece and goes in as one edit; until then, the elapsed
            // time (with the latest retry, since no text comes to clear it until the very end).
            wholeAnswer: (modelId) => {
              const since = Date.now();
              const tick = () => progress.report({ message: `${wholeAnswerLabel(modelId, Date.now() - since)}${retrying ? ` (${retryNote})` : ''}` });
              tick();
              clearInterval(clock);
              clock = setInterval(tick, 1000);
            },
          }).finally(() => { clearInterval(clock); cancel.dispose(); });
        },
      );
      write(formatter.flush());
      if (outcome.kind === 'failed' && outcome.text) write(formatter.push(`\n(cut off: ${cutOffReason(outcome.failure.kind)})`) + formatter.flush());
      // A guardrail's message is never a summary: a Continue keeps the summary before it, marked.
      if (outcome.kind === 'blocked' && outcome.text && kind === 'continue') write(formatter.push('\n(cut off: blocked by a guardrail)') + formatter.flush());
      // Text still on its way when a refused edit stopped the request is not written again.
      await writer.finish().catch((err: unknown) => { editFailure ??= err; });
      // Text that streamed before Bedrock said a guardrail intervened was the guardrail's: taken out again.
      if (outcome.kind === 'blocked' && kind !== 'continue' && writer.hasWritten && editFailure === undefined) {
        await block.edit('', { replaceAll: true, tail: -1, undoStopBefore: false }).catch((err: unknown) => { editFailure ??= err; });
      }
      if (editFailure !== undefined) {
        const err = editFailure;
        services.log.warn(`Summary: an edit to ${block.document.uri.scheme}:${block.document.fileName} failed: ${err instanceof EditRefused ? err.message : String(err)}`);
        // The last edit can fail after the answer ended: the outcome still says what happened to the text.
        if (outcome.kind === 'ok') outcome = { kind: 'stopped', cause: 'editRefused', text: outcome.text, meter: outcome.meter, modelId: outcome.modelId, configModelId: outcome.configModelId };
      }
    } finally {
      closed.dispose();
    }
    this.present(outcome, kind);
  }

  private present(outcome: RequestOutcome, kind: AttemptKind): void {
    const { services, attachment } = this;
    const log = services.log;
    switch (outcome.kind) {
      case 'ok':
        this.answer += outcome.text;
        if (outcome.stopReason === 'length') {
          this.offers++;
          services.continuations.offer({
            label: `the summary in ${attachment.fileName ?? 'the editor'}`,
            run: () => { this.offers--; return this.attempt('continue'); },
            dispose: () => { this.offers--; this.release(); },
          }, outcome.meter.usage.outputTokens);
        }
        if (outcome.cached) {
          // Said, with Ask Again, since the summary was not asked of the model just now.
          const askAgain = this.offerRerun('askAgain');
          void vscode.window.showInformationMessage(`Llama: summary from the response cache · ${answeredBy(outcome)}`, 'Ask Again').then((pick) => { if (pick) askAgain(); });
        } else {
          // Which model wrote it and what it cost, beside the meter.
          vscode.window.setStatusBarMessage(`Llama: summary by ${answeredBy(outcome)}`, SAID_MS);
        }
        return;
      case 'blocked':
        log.warn(`Summary: ${blockedMessage(outcome)}`);
        void vscode.window.showWarningMessage(`Llama: ${blockedMessage(outcome)}`);
        return;
      case 'notSent':
        // Declined by the user: nothing to say. Blocked by a budget: say which, and how to change it.
        if (outcome.reason === 'budget') {
          void vscode.window.showWarningMessage(`Llama: ${outcome.message}`, 'Open Settings').then((pick) => {
            if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'bedrockLlama budget');
          });
        }
        return;
      case 'invalidSettings':
        return notifySettingsErrors(outcome.errors, log);
      case 'promptTooLong':
        return notifyPromptTooLong(outcome.message, log);
      case 'stopped':
        if (outcome.cause === 'documentClosed') {
          void vscode.window.showWarningMessage('Llama stopped the summary: its document was closed.');
        } else if (outcome.cause === 'editRefused') {
          void vscode.window.showWarningMessage(
            'Llama stopped the summary: VS Code refused its edits to the document. What was written so far stays above the selection; undo removes it.',
          );
        }
        return;
      case 'failed': {
        // Retry is offered while the block can still be written, and only where the table offers it.
        if (this.block.isClosed || !actionsForFailure(outcome.failure).includes('retry')) return notifyFailure(outcome.failure, log, {});
        const retry = this.offerRerun('retry');
        notifyFailure(outcome.failure, log, { retry }, kind === 'continue' ? 'The summary could not be continued. ' : '');
        return;
      }
    }
  }

  /**
   * Offers the summary again, replacing what the block holds: Retry after a failure, Ask Again
   * (past the response cache) after a cached answer. The offer goes in the Retry slot of
   * Continuations, so a newer offer drops it; the returned function is the notification's button.
   */
  private offerRerun(kind: 'retry' | 'askAgain'): () => void {
    const services = this.services;
    this.offers++;
    let taken = false;
    const run = () => {
      if (taken) return;
      taken = true;
      this.offers--;
      services.continuations.withdrawRetry(run);
      this.attempt(kind).catch((err: unknown) => services.log.error(`Summary: ${kind === 'retry' ? 'Retry' : 'Ask Again'} failed unexpectedly: ${String(err)}`));
    };
    services.continuations.offerRetry(run, () => {
      if (taken) return;
      taken = true;
      this.offers--;
      this.release();
    });
    return run;
  }

  /** Frees the block once nothing can write to it any more. */
  private release(): void {
    if (!this.running && this.offers <= 0) this.block.dispose();
  }
}
