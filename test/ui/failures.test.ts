// The failure matrix in the real UI: Summarize Selection Inline and a chat message, each with
// the local Bedrock server throttling past the SDK's retries, refusing access, stalling
// mid-stream (with a 1 s idle timeout) and sending a mid-stream exception. The user sees
// exactly one message with the buttons of src/core/request/actions.ts (a notification for
// the editor, the turn's error box in the chat), and Retry completes: one well-formed
// comment block with the retried answer above the selection, the retried answer once in
// the chat.
import { strict as assert } from 'node:assert';
import type { Locator } from 'playwright-core';
import { httpError, textResponse, type BedrockTestServer, type Script } from '../server/bedrockServer';
import { editorTextWhen, newChat, openChat, openPristine, rendered, selectLines, send } from './support/chat';
import { localBedrock, originalWorkspaceFile, restoreWorkspaceFiles, updateSettings, workbench } from './support/fixture';
import type { ShownMessage } from './support/workbench';

const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const PARTIAL = 'Returns the nth Fibonacci number by adding the two before it, recursively.';
const RETRIED = 'Computes Fibonacci numbers: n itself below 2, else the sum of the previous two.';

interface Failure {
  name: string;
  /** What the server answers to the first attempt (all of it: the SDK's own retries included). */
  scripts: () => Script[];
  /** The message the user sees. */
  message: RegExp;
  /** The buttons, in order (src/core/request/actions.ts; the editor offers Retry only when it can help). */
  buttons: string[];
  /** The text received before the failure, kept in the editor and the chat. */
  partial?: string;
  /** How the editor marks a block that was cut off. */
  cutOff?: string;
  /** The editor test's file and selection (both comment syntaxes are covered). */
  file: 'sample.ts' | 'sample.py';
}

const FAILURES: Failure[] = [
  {
    name: 'throttling past the SDK retries',
    scripts: () => [httpError('ThrottlingException'), httpError('ThrottlingException'), httpError('ThrottlingException')],
    message: new RegExp(`Bedrock is throttling requests to ${esc(MODEL)}`),
    buttons: ['Retry', 'Show Log'],
    file: 'sample.py',
  },
  {
    name: 'access denied',
    scripts: () => [httpError('AccessDeniedException')],
    message: new RegExp(`Your AWS account has no access to ${esc(MODEL)}`),
    buttons: ['Select Model…', 'Retry', 'Show Log'],
    file: 'sample.ts',
  },
  {
    name: 'a stall',
    scripts: () => [textResponse(PARTIAL, { chunks: 4, fault: { type: 'stall', afterChunks: 2 } })],
    message: new RegExp(`Bedrock sent nothing for 1\\.0 s, so the request to ${esc(MODEL)} was stopped`),
    buttons: ['Retry', 'Open Settings', 'Show Log'],
    partial: 'Returns the nth Fibonacci number by',
    cutOff: '(cut off: the model stopped responding)',
    file: 'sample.ts',
  },
  {
    name: 'a mid-stream exception',
    scripts: () => [textResponse(PARTIAL, { chunks: 4, fault: { type: 'exception', afterChunks: 2, exceptionType: 'modelStreamErrorException' } })],
    message: new RegExp(`The answer from ${esc(MODEL)} broke off with a model error`),
    buttons: ['Retry', 'Show Log'],
    partial: 'Returns the nth Fibonacci number by',
    cutOff: '(cut off: the request failed)',
    file: 'sample.py',
  },
];

/** Where each file's test selection starts (0-based line), and its lines. */
const SELECTION: Record<Failure['file'], { from: number; to: number }> = {
  'sample.ts': { from: 2, to: 3 }, // the function body
  'sample.py': { from: 1, to: 2 }, // the whole function
};

describe('failures in the UI', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;

  before(async () => {
    server = localBedrock();
    await updateSettings({ 'bedrockLlama.modelId': MODEL, 'bedrockLlama.inferenceProfile': 'off', 'bedrockLlama.idleTimeoutSeconds': 1 });
  });
  after(() => updateSettings({ 'bedrockLlama.modelId': undefined, 'bedrockLlama.inferenceProfile': undefined, 'bedrockLlama.idleTimeoutSeconds': undefined }));

  describe('Summarize Selection Inline', () => {
    beforeEach(() => workbench().closeAllEditors());
    afterEach(async () => {
      await workbench().closeAllEditors().catch(() => undefined);
      restoreWorkspaceFiles();
    });

    for (const failure of FAILURES) {
      const retry = failure.buttons.includes('Retry');
      it(`${failure.name}: one notification with ${failure.buttons.join(', ')}${retry ? '; Retry writes one whole comment block' : ''}`, async () => {
        const wb = workbench();
        const { from, to } = SELECTION[failure.file];
        const original = originalWorkspaceFile(failure.file);
        await openPristine(failure.file);
        await selectLines(from, to);
        wb.expectNotification(failure.message);
        server.enqueue(...failure.scripts());
        await wb.runCommand('Llama: Summarize Selection Inline');

        const toast = wb.notificationToast(failure.message);
        await toast.waitFor({ timeout: 30_000 });
        await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Llama: Summarizing selection' }).waitFor({ state: 'detached', timeout: 10_000 });
        await wb.screenshot(`failure-editor-${failure.name}`);
        const shown = problems(await wb.shownMessages());
        assert.equal(shown.length, 1, `one message: ${JSON.stringify(shown)}`);
        assert.equal(shown[0].severity, 'error');
        assert.deepEqual(shown[0].buttons, failure.buttons);
        assert.deepEqual(await toast.locator('.monaco-button').allInnerTexts(), failure.buttons);
        assert.equal(await wb.page.locator('.notifications-toasts .notification-toast').locator('visible=true').count(), 1, 'one toast');
        assert.equal(server.requests.length, failure.scripts().length);

        // What the failed attempt left: nothing, or the text so far as one block marked cut off.
        let text = await wb.editorText();
        if (failure.partial) {
          text = await editorTextWhen((t) => t.includes(failure.cutOff ?? '?'), 5_000);
          const block = commentBlock(text, original, from, failure.file);
          assert.ok(block.startsWith(failure.partial) && block.endsWith(failure.cutOff ?? '?'), `the cut-off block: ${JSON.stringify(block)}`);
        } else {
          assert.equal(text, original, 'nothing was inserted');
        }
        if (!retry) return;

        server.enqueue(textResponse(RETRIED, { chunks: 5, chunkDelayMs: 20 }));
        await toast.locator('.monaco-button', { hasText: /^Retry$/ }).click();
        await toast.waitFor({ state: 'detached', timeout: 5_000 });
        const last = RETRIED.split(' ').slice(-2).join(' ');
        text = await editorTextWhen((t) => t.includes(last) && !t.includes('cut off'), 15_000);
        await wb.screenshot(`failure-editor-${failure.name}-retried`);
        assert.equal(commentBlock(text, original, from, failure.file), RETRIED, `the document:\n${text}`);
        await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Llama: Summarizing selection' }).waitFor({ state: 'detached', timeout: 10_000 });
        assert.equal((await server.ended(server.requests[server.requests.length - 1])).outcome, 'completed');
        assert.equal(problems(await wb.shownMessages()).length, 1, 'no further message after Retry');
        assert.equal(server.requests.length, failure.scripts().length + 1);
      });
    }
  });

  describe('a chat message', () => {
    for (const failure of FAILURES) {
      // The chat's error box always has its own Retry (the turn can be sent again), then the table's fixes.
      const buttons = ['Retry', ...failure.buttons.filter((b) => b !== 'Retry')];
      it(`${failure.name}: one error box in the turn with ${buttons.join(', ')}; Retry shows the retried answer once`, async () => {
        const wb = workbench();
        const frame = await openChat();
        await newChat(frame);
        server.enqueue(...failure.scripts());
        await send(frame, `Explain recursion (${failure.name})`);
        const turn = frame.locator('article.turn').first();
        const error = turn.locator('.turn-error[role="alert"]');
        await error.waitFor({ timeout: 30_000 });
        await rendered(frame);
        await wb.screenshot(`failure-chat-${failure.name}`);

        assert.equal(await frame.locator('article.turn').count(), 1);
        assert.equal(await frame.locator('.turn-error').count(), 1, 'one error box');
        assert.match((await error.locator('.error-message').innerText()).trim(), failure.message);
        assert.deepEqual(await buttonTexts(error.locator('.error-actions button')), buttons);
        assert.deepEqual(problems(await wb.shownMessages()), [], 'no notification besides the error box');
        const answer = turn.locator('.answer');
        if (failure.partial) assert.equal((await answer.innerText()).trim(), failure.partial, 'the text received stays');
        else assert.equal((await answer.innerText()).trim(), '');
        assert.equal(server.requests.length, failure.scripts().length);

        server.enqueue(textResponse(RETRIED, { chunks: 5, chunkDelayMs: 20 }));
        await error.locator('button[data-turn-action="retry"]').click();
        // The failed round already has a usage line: wait for the retried request's end instead.
        const retried = await server.nthRequest(failure.scripts().length);
        assert.equal((await server.ended(retried)).outcome, 'completed');
        await turn.locator('.answer[aria-busy="false"]').waitFor({ timeout: 10_000 });
        await turn.locator('.status-label').waitFor({ state: 'detached', timeout: 10_000 });
        await frame.locator('button[aria-label="Stop"]').waitFor({ state: 'hidden', timeout: 10_000 });
        await rendered(frame);
        await wb.screenshot(`failure-chat-${failure.name}-retried`);
        assert.equal(await frame.locator('.turn-error').count(), 0);
        assert.equal((await answer.innerText()).trim(), RETRIED, 'the retried answer, once');
        assert.equal(await frame.locator('article.turn').count(), 1);
        assert.equal(server.requests.length, failure.scripts().length + 1);
      });
    }
  });
});

/** Errors and warnings among the messages shown. */
function problems(messages: ShownMessage[]): ShownMessage[] {
  return messages.filter((m) => m.severity === 'error' || m.severity === 'warning');
}

async function buttonTexts(buttons: Locator): Promise<string[]> {
  return (await buttons.allInnerTexts()).map((t) => t.trim());
}

/**
 * The comment block inserted above the selection (which starts at 1-based line `from`), as
 * one line of text; asserts that everything else is the original text and that every line of
 * the block is a comment (`# ` or `// `) indented like the selection's first line.
 */
function commentBlock(text: string, original: string, from: number, file: Failure['file']): string {
  const lines = text.split('\n');
  const before = original.split('\n');
  const start = from - 1;
  const end = lines.length - (before.length - start);
  assert.ok(end > start, `a block above line ${from}:\n${text}`);
  assert.deepEqual(lines.slice(0, start), before.slice(0, start), `the text above the block is untouched:\n${text}`);
  assert.deepEqual(lines.slice(end), before.slice(start), `the selection and below are untouched:\n${text}`);
  const indent = /^\s*/.exec(before[start])?.[0] ?? '';
  const marker = file === 'sample.py' ? '#' : '//';
  const block = lines.slice(start, end);
  for (const line of block) assert.ok(line === `${indent}${marker}` || line.startsWith(`${indent}${marker} `), `a comment line: ${JSON.stringify(line)} in\n${text}`);
  return block.map((l) => l.slice(indent.length + marker.length).trim()).join(' ').replace(/\s+/g, ' ').trim();
}

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
