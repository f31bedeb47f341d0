// Summarize Files… as a Bedrock batch job, as a user sees it: from the Explorer, the confirmation says the files go
// as a batch job, the job's progress notification, Show Batch Jobs with the job's status, counts
// and age, a reload while the job runs (the window follows it again by itself), and the headers
// written when it ends. The local Bedrock server's batch control plane reads and writes a real
// S3-compatible server (s3rver) that the fixture starts; the extension reaches it through
// AWS_ENDPOINT_URL_S3.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SUMMARY_BEGIN } from '../../src/core/summarizeFiles/header';
import { TEST_BATCH_ROLE_ARN } from '../server/batchJobs';
import { localBedrock, UI_BATCH_BUCKET, updateMachineSettings, updateSettings, workbench } from './support/fixture';
import { makeFolder } from './support/files';

const DIALOG = '.monaco-dialog-box';
const FILES = 100;

const makeTsFolder = (name: string, count: number) => makeFolder(name, count, (i) => ({ name: `unit${String(i).padStart(3, '0')}.ts`, content: `export const unit${i} = ${i};\n` }));

const headers = (files: string[]) => files.filter((f) => fs.readFileSync(f, 'utf8').split(SUMMARY_BEGIN).length === 2).length;

describe('Summarize Files… as a Bedrock batch job in the workbench', function () {
  this.timeout(240_000);
  const made: string[] = [];

  before(async () => {
    await updateSettings({ 'bedrockLlama.batch.mode': 'bedrockBatch' });
    // Machine-scoped (where a job's data goes and the role it runs as): the remote settings in code-server.
    await updateMachineSettings({ 'bedrockLlama.batch.s3Uri': `s3://${UI_BATCH_BUCKET}/jobs/`, 'bedrockLlama.batch.roleArn': TEST_BATCH_ROLE_ARN });
  });
  after(async () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    await updateSettings({ 'bedrockLlama.batch.mode': undefined });
    await updateMachineSettings({ 'bedrockLlama.batch.s3Uri': undefined, 'bedrockLlama.batch.roleArn': undefined });
  });

  it('started from the Explorer, shown in Show Batch Jobs, followed again after a reload, written in when it ends', async () => {
    const wb = workbench();
    const page = wb.page;
    const { dir, files } = makeTsFolder('bj-ui', FILES);
    made.push(dir);
    // Long enough to look at it and reload in the middle.
    Object.assign(localBedrock().batchJobs.data, { validatingMs: 1000, inProgressMs: 25_000 });

    // From the Explorer's context menu on the folder.
    await wb.runCommand('File: Focus on Files Explorer');
    const folderRow = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: /^bj-ui$/ }) });
    await folderRow.waitFor({ timeout: 15_000 });
    await folderRow.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: /Summarize Files…/ });
    await item.waitFor();
    await item.click();
    await item.waitFor({ state: 'hidden', timeout: 1500 }).catch(() => page.keyboard.press('Enter'));
    const output = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Summary comment at the top of each file' });
    await output.waitFor({ timeout: 15_000 });
    await output.click();
    const dialog = page.locator(DIALOG, { hasText: new RegExp(`Summarize ${FILES} files with `) });
    await dialog.waitFor({ timeout: 30_000 });
    assert.match((await dialog.innerText()).replace(/\s+/g, ' '), /As a Bedrock batch job \(bedrockLlama\.batch\.mode is bedrockBatch\)/);
    await wb.screenshot('batch-job-confirm');
    await page.locator(`${DIALOG} .dialog-buttons-row a.monaco-button`, { hasText: /^Summarize$/ }).click();

    const progress = wb.notificationToast(/Bedrock batch job/);
    await progress.filter({ hasText: /InProgress · \d+ of 100 records · 100 files · started/ }).waitFor({ timeout: 30_000 });
    await sleep(600);
    await wb.screenshot('batch-job-progress');

    await wb.runCommand('Llama: Show Batch Jobs');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: /llama-summaries-run-/ });
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /InProgress · \d+ of 100 records · 100 files · started \d+ s ago/);
    await wb.screenshot('batch-job-list');
    await page.keyboard.press('Escape');

    // A reload while the job runs: nothing is written yet, and the new window follows the job again.
    assert.equal(headers(files), 0);
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), wb.runCommand('Developer: Reload Window')]);
    await wb.ready();
    await wb.waitForStatusBarText(/^Llama .* tok/, 30_000);
    await wb.notificationToast(/Bedrock batch job/).waitFor({ timeout: 30_000 });
    const done = wb.notificationToast(/summarized 100 of 100 files/);
    await done.waitFor({ timeout: 90_000 });
    await sleep(600);
    await wb.screenshot('batch-job-done');
    for (let i = 0; i < 40 && headers(files) < FILES; i++) await sleep(250);
    assert.equal(headers(files), FILES, 'every file has its header');
    assert.equal(localBedrock().requests.length, 0, 'nothing went on demand');

    await wb.runCommand('Llama: Show Batch Jobs');
    const finished = page.locator('.quick-input-widget .monaco-list-row', { hasText: /100 summarized/ });
    await finished.waitFor({ timeout: 10_000 });
    assert.match((await finished.innerText()).replace(/\s+/g, ' '), /100 summarized · \$[\d.]+ at batch prices/);
    await wb.screenshot('batch-job-list-done');
    await page.keyboard.press('Escape');
  });
});
