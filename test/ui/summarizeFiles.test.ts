// Summarize Files… as a user runs it: right-click a folder in the Explorer, pick where the
// summaries go, read the confirmation (file count, model, estimate), watch the progress
// notification, see the end notification; and a reload halfway through a slow run, after which
// the window offers "Resume summarizing: N of M files left", and Resume finishes the rest.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SUMMARY_BEGIN } from '../../src/core/summarizeFiles/header';
import { textResponse } from '../server/bedrockServer';
import { localBedrock, updateSettings, workbench } from './support/fixture';
import { makeFolder } from './support/files';

const DIALOG = '.monaco-dialog-box';

const makeTsFolder = (name: string, count: number) => makeFolder(name, count, (i) => ({ name: `part${i}.ts`, content: `export function part${i}(): number {\n  return ${i};\n}\n` }));

const headers = (files: string[]) => files.filter((f) => fs.readFileSync(f, 'utf8').split(SUMMARY_BEGIN).length === 2).length;

describe('Summarize Files… in the workbench', function () {
  this.timeout(180_000);
  const made: string[] = [];

  after(async () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    await updateSettings({ 'bedrockLlama.batch.concurrency': undefined });
  });

  /** Right-click the folder in the Explorer and choose Summarize Files…, then the header output. */
  async function fromExplorer(folder: string): Promise<void> {
    const page = workbench().page;
    // The Explorer shows the new folder once its file watcher has seen it.
    await workbench().runCommand('File: Focus on Files Explorer');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${folder}$`) }) });
    await row.waitFor({ timeout: 15_000 });
    await row.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /Summarize Files…/ });
    await item.waitFor();
    await item.click();
    // A click while the menu is still fading in can be lost: the keyboard takes the highlighted item.
    await item.waitFor({ state: 'hidden', timeout: 1500 }).catch(() => page.keyboard.press('Enter'));
    const output = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Summary comment at the top of each file' });
    await output.waitFor({ timeout: 10_000 });
    await output.click();
  }

  async function confirm(files: number): Promise<string> {
    const page = workbench().page;
    const dialog = page.locator(DIALOG, { hasText: new RegExp(`Summarize ${files} files with `) });
    await dialog.waitFor({ timeout: 20_000 });
    return (await dialog.innerText()).replace(/\s+/g, ' ');
  }

  async function press(button: string): Promise<void> {
    const page = workbench().page;
    await page.locator(`${DIALOG} .dialog-buttons-row a.monaco-button`, { hasText: new RegExp(`^${button}$`) }).click();
    await page.locator(DIALOG).waitFor({ state: 'hidden' });
  }

  it('from the Explorer: the confirmation with the count and estimate, the progress, the end notification', async () => {
    const wb = workbench();
    const { dir, files } = makeTsFolder('sf-ui', 5);
    made.push(dir);
    // Slow enough to see the progress: each summary streams for about three seconds.
    localBedrock().setHandler(() => textResponse('Returns its part number.', { chunks: 6, chunkDelayMs: 500 }));
    await fromExplorer('sf-ui');
    const text = await confirm(5);
    assert.match(text, /Estimated: ≈ \d+ tokens in \+ ≤ [\d.k]+ out · up to \$[\d.]+/);
    assert.match(text, /Output: a summary comment at the top of each file/);
    await wb.screenshot('summarize-files-confirm');
    await press('Summarize');
    const progress = wb.notificationToast(/Summarizing files/);
    await progress.waitFor({ timeout: 10_000 });
    // Four at a time: after the first four, the fifth is still on its way.
    await progress.filter({ hasText: /[1-4] of 5 files · .* tokens · .* left · / }).waitFor({ timeout: 15_000 });
    await sleep(600); // the toast has faded in
    await wb.screenshot('summarize-files-progress');
    const done = wb.notificationToast(/summarized 5 of 5 files/);
    await done.waitFor({ timeout: 30_000 });
    await sleep(600);
    await wb.screenshot('summarize-files-done');
    assert.equal(headers(files), 5, 'each file has its header on disk');
  });

  it('a reload halfway through: the window offers to resume, and Resume finishes the rest', async () => {
    const wb = workbench();
    await updateSettings({ 'bedrockLlama.batch.concurrency': 2 });
    const { dir, files } = makeTsFolder('sf-ui-resume', 8);
    made.push(dir);
    localBedrock().setHandler(() => textResponse('Returns its part number.', { chunks: 4, chunkDelayMs: 500 }));
    await fromExplorer('sf-ui-resume');
    await confirm(8);
    await press('Summarize');
    const progress = wb.notificationToast(/Summarizing files/);
    await progress.filter({ hasText: /[2-6] of 8 files/ }).waitFor({ timeout: 30_000 });
    await sleep(300);
    await wb.screenshot('summarize-files-before-reload');
    const before = headers(files);
    assert.ok(before >= 2 && before < 8, `halfway: ${before} of 8`);

    // Reload the way a user does; the requests in flight die with the extension host.
    await Promise.all([wb.page.waitForEvent('load', { timeout: 60_000 }), wb.runCommand('Developer: Reload Window')]);
    await wb.ready();
    await wb.waitForStatusBarText(/^Llama .* tok/, 30_000);
    localBedrock().setHandler(() => textResponse('Returns its part number.', { chunks: 2, chunkDelayMs: 100 }));
    const offer = wb.notificationToast(/Resume summarizing: \d+ of 8 files left/);
    await offer.waitFor({ timeout: 20_000 });
    await sleep(600);
    const atReload = headers(files);
    const offered = (await offer.innerText()).match(/Resume summarizing: (\d+) of 8 files left/);
    const left = Number(offered?.[1]);
    assert.equal(left, 8 - atReload, `the offer counts the files left: ${offered?.[0]}`);
    await wb.screenshot('summarize-files-resume-offer');
    const sentBefore = localBedrock().requests.length;
    await offer.locator('.monaco-button', { hasText: /^Resume$/ }).click();
    await wb.notificationToast(/summarized 8 of 8 files/).waitFor({ timeout: 60_000 });
    await sleep(600);
    await wb.screenshot('summarize-files-resumed');
    for (let i = 0; i < 20 && headers(files) < 8; i++) await sleep(250);
    assert.equal(headers(files), 8);
    assert.equal(localBedrock().requests.length - sentBefore, left, 'only the files left were asked for');
  });
});
