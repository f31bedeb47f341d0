// What a user sees in the editor: Summarize Selection Inline from the palette streaming
// into the file, the status bar meter, the progress notification that Escape stops, and
// an error notification that says what to do.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpError, textResponse } from '../server/bedrockServer';
import { localBedrock, updateSettings, workbench } from './support/fixture';

/** Selects whole lines `from`..`to` (1-based) of the active editor with the keyboard. */
async function selectLines(from: number, to: number): Promise<void> {
  const page = workbench().page;
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(from));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home');
  for (let line = from; line <= to; line++) await page.keyboard.press('Shift+ArrowDown');
}

describe('editor', function () {
  this.timeout(90_000);

  before(() => updateSettings({ 'bedrockLlama.modelId': 'meta.llama3-1-8b-instruct-v1:0' }));
  after(() => updateSettings({ 'bedrockLlama.modelId': undefined }));
  beforeEach(() => workbench().closeAllEditors());

  it('summarizes a selection inline from the palette and counts its tokens in the status bar', async () => {
    const wb = workbench();
    await wb.runCommand('Llama: Reset Usage Meter');
    await wb.openFile('sample.ts');
    await selectLines(2, 3);
    localBedrock().enqueue(textResponse('Returns n for 0 and 1, else the sum of the two previous numbers.', {
      chunks: 8, chunkDelayMs: 20, metrics: { inputTokenCount: 1000, outputTokenCount: 200 },
    }));
    await wb.runCommand('Llama: Summarize Selection Inline');
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
      if ((await wb.editorText()).includes('two previous numbers.')) break;
    }
    const text = await wb.editorText();
    assert.match(text, /^export function fibonacci\(n: number\): number \{\n {2}\/\/ Returns n for 0 and 1, else the sum of the two previous numbers\.\n {2}if \(n < 2\) return n;/);
    // Llama 3.1 8B: 1,200 tokens at $0.22 per 1M = $0.000264.
    await wb.waitForStatusBarText('Llama 1.2k tok $0.0003');
    await wb.screenshot('summarize-inline');
    await wb.page.keyboard.press('Control+Z');
    assert.doesNotMatch(await wb.editorText(), /two previous numbers/, 'one undo removes the summary');
  });

  it('shows a cancellable progress notification while generating, and Escape stops it', async () => {
    const wb = workbench();
    await wb.openFile('sample.py');
    await selectLines(1, 2);
    localBedrock().enqueue(textResponse(`Greets ${'someone '.repeat(60)}politely.`, { chunks: 62, chunkDelayMs: 100 }));
    await wb.runCommand('Llama: Summarize Selection Inline');
    const progress = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Llama: Summarizing selection' });
    await progress.waitFor({ timeout: 10_000 });
    await wb.waitForStatusBarText(/^\$\(loading~spin\)|Llama .* tok/);
    await wb.screenshot('summarize-progress');
    await wb.page.locator('.monaco-editor textarea').first().focus();
    await wb.page.keyboard.press('Escape');
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    const request = await localBedrock().ended(localBedrock().requests[0]);
    assert.equal(request.clientDisconnected, true, 'Escape closed the connection');
    const text = await wb.editorText();
    assert.match(text, /# Greets someone/);
    assert.doesNotMatch(text, /politely/);
  });

  it('Escape closes the suggest widget first and leaves the summary streaming; the next Escape stops it', async () => {
    const wb = workbench();
    const page = wb.page;
    await wb.openFile('sample.ts');
    await selectLines(2, 3);
    localBedrock().enqueue(textResponse(`Checks ${'again '.repeat(60)}done.`, { chunks: 62, chunkDelayMs: 100 }));
    await wb.runCommand('Llama: Summarize Selection Inline');
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
      if ((await wb.editorText()).includes('// Checks')) break;
    }
    // The cursor goes to the end of the file and asks for suggestions there.
    await page.locator('.monaco-editor textarea').first().focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.monaco-editor .suggest-widget.visible');
    await suggest.waitFor({ timeout: 10_000 });
    await wb.screenshot('escape-suggest-open');
    await page.keyboard.press('Escape');
    await suggest.waitFor({ state: 'hidden', timeout: 10_000 });
    const request = localBedrock().requests[0];
    await sleep(400);
    assert.equal(request.outcome, 'pending', 'the first Escape only closed the suggest widget');
    await page.keyboard.press('Escape');
    const ended = await localBedrock().ended(request);
    assert.equal(ended.clientDisconnected, true, 'the second Escape stopped the summary');
    assert.doesNotMatch(await wb.editorText(), /done\./);
  });

  it('tells the user what to do when Bedrock refuses the request, and inserts nothing', async () => {
    const wb = workbench();
    await wb.openFile('sample.ts');
    await selectLines(1, 1);
    const before = await wb.editorText();
    wb.expectNotification(/no access to meta\.llama3-1-8b-instruct-v1:0/);
    localBedrock().enqueue(httpError('AccessDeniedException'));
    await wb.runCommand('Llama: Summarize Selection Inline');
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'meta.llama3-1-8b-instruct-v1:0' });
    await toast.waitFor({ timeout: 10_000 });
    await wb.screenshot('error-notification');
    const message = await toast.innerText();
    assert.match(message, /access/i);
    assert.match(message, /Select Model…/);
    assert.equal(await wb.editorText(), before);
    await wb.dismiss();
  });
});
