// Show Token Usage and Cost in the real workbench: the palette opens the usage view, usage from
// real requests (the chat and Explain against the local Bedrock stand-in) reaches it while it is
// open, charts and tables show the figures, everything works from the keyboard (the breakdown,
// Export CSV… through VS Code's save dialog, Reset Usage Meter), and it follows the colour theme
// (screenshots in a light and a dark theme, and in a narrow window).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { textResponse } from '../server/bedrockServer';
import { answered, ask, newChat, openChat, openPristine, selectLines } from './support/chat';
import { localBedrock, updateSettings, workbench, workspaceFolder } from './support/fixture';

const TITLE = 'Llama Usage';
const COUNTS = { metrics: { inputTokenCount: 1000, outputTokenCount: 500 } };

async function openUsage(): Promise<Frame> {
  await workbench().runCommand('Llama: Show Token Usage and Cost');
  const frame = await workbench().webviewFrame(TITLE);
  await frame.locator('#daily-spend tbody tr').first().waitFor({ timeout: 15_000 }); // the report arrived
  return frame;
}

/** The figure in `column` of a table's `row`-th body row (0: the first), as a number ("1,234" → 1234). */
async function figure(frame: Frame, table: string, row: number, column: string): Promise<number> {
  const headers = (await frame.locator(`#${table} thead th`).allInnerTexts()).map((t) => t.trim());
  const index = headers.indexOf(column);
  assert.ok(index >= 0, `${table} has no column "${column}": ${JSON.stringify(headers)}`);
  const text = await frame.locator(`#${table} tbody tr`).nth(row).locator('th, td').nth(index).innerText();
  return Number(text.replace(/[^\d.]/g, ''));
}

/** Screenshots of the view at its top, at the tokens chart and daily table, and at the tables below. */
async function screenshots(view: Frame, name: string): Promise<void> {
  for (const [part, selector] of [['top', 'h1'], ['tokens', '#daily-tokens'], ['tables', '#totals']] as const) {
    await view.locator(selector).evaluate((el, block) => el.scrollIntoView({ block }), part === 'top' ? 'start' as const : 'center' as const);
    await workbench().screenshot(`${name}-${part}`);
  }
  await view.locator('h1').evaluate((el) => el.scrollIntoView());
}

/** The body row of `table` whose header cell is `label`, as its cells' texts. */
async function rowOf(frame: Frame, table: string, label: string): Promise<string[]> {
  const row = frame.locator(`#${table} tbody tr`, { has: frame.locator('th', { hasText: new RegExp(`^${label}$`) }) });
  await row.waitFor({ timeout: 10_000 });
  return (await row.locator('th, td').allInnerTexts()).map((t) => t.trim());
}

describe('usage view', function () {
  this.timeout(120_000);

  afterEach(() => workbench().closeAllEditors());

  it('shows real usage as it happens: charts, and their figures in tables', async () => {
    const wb = workbench();
    const server = localBedrock();
    const usage = await openUsage();
    const tokensIn = await figure(usage, 'daily-tokens', 0, 'Tokens in');
    const tokensOut = await figure(usage, 'daily-tokens', 0, 'Tokens out');

    // A chat question and an Explain, each counted by Bedrock at 1,000 tokens in and 500 out.
    const chat = await openChat();
    await newChat(chat);
    server.enqueue(textResponse('A closure keeps the variables of its scope.', COUNTS));
    await ask(chat, 'What is a closure?');
    await openPristine('sample.ts');
    await selectLines(1, 3);
    server.enqueue(textResponse('It greets.', COUNTS));
    await wb.runCommand('Llama: Explain Selection');
    await answered(chat);

    await wb.runCommand('Llama: Show Token Usage and Cost'); // reveals the open view
    const view = await wb.webviewFrame(TITLE);
    await view.waitForFunction(
      ([want]) => document.querySelector('#daily-tokens tbody tr')?.textContent?.includes(want) ?? false,
      [(tokensIn + 2000).toLocaleString('en-US')], { timeout: 10_000 },
    );
    assert.equal(await figure(view, 'daily-tokens', 0, 'Tokens in'), tokensIn + 2000);
    assert.equal(await figure(view, 'daily-tokens', 0, 'Tokens out'), tokensOut + 1000);
    assert.ok(await figure(view, 'daily-spend', 0, 'Llama 3.3 70B Instruct') > 0, 'today\'s spend on the model');
    assert.ok((await rowOf(view, 'by-model', 'Llama 3.3 70B Instruct'))[1] !== '0');
    for (const task of ['Chat', 'Explain']) assert.ok(Number((await rowOf(view, 'by-task', task))[1]) >= 1, task);
    assert.equal(await view.locator('#daily-spend caption').innerText(), 'Daily spend by model, last 30 days, newest first');
    assert.equal(await view.locator('#daily-spend thead th[scope="col"]').first().innerText(), 'Date');
    for (const table of ['#daily-spend', '#daily-tokens']) assert.equal(await view.locator(`${table} tbody th[scope="row"]`).count(), 30);

    // Two charts, drawn, each an image named by its figures that points to the table.
    const canvases = view.locator('canvas[role="img"]');
    assert.equal(await canvases.count(), 2);
    assert.match((await canvases.nth(0).getAttribute('aria-label')) ?? '', /^Bar chart of daily spend over the last 30 days, by model: .*\$.* The figures are in the table below the chart\.$/);
    assert.match((await canvases.nth(1).getAttribute('aria-label')) ?? '',
      /^Bar chart of tokens per day over the last 30 days, .*: [\d,]+ in \([\d,]+ estimated\), [\d,]+ out \([\d,]+ estimated\)\. The figures are in the table below the chart\.$/);
    const painted = await canvases.nth(0).evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return { inked, width: c.clientWidth, height: c.clientHeight };
    });
    assert.ok(painted.width > 200 && painted.height > 150, JSON.stringify(painted));
    assert.ok(painted.inked > 1000, 'bars, axes and labels are drawn');
    await wb.screenshot('usage-view');
  });

  it('works from the keyboard: the breakdown, Export CSV… through the save dialog, Reset Usage Meter', async () => {
    const wb = workbench();
    const page = wb.page;
    const view = await openUsage();

    // The breakdown: a toggle button, pressed with Space; the table behind the chart follows.
    await view.locator('button', { hasText: 'By task' }).focus();
    await page.keyboard.press('Space');
    await view.locator('button[aria-pressed="true"]', { hasText: 'By task' }).waitFor();
    assert.match(await view.locator('#daily-spend caption').innerText(), /^Daily spend by task,/);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter'); // back to By model
    await view.locator('button[aria-pressed="true"]', { hasText: 'By model' }).waitFor();

    // Export CSV…: Enter on the button, then VS Code's save dialog, also by keyboard.
    const file = path.join(workspaceFolder(), 'usage-export.csv');
    fs.rmSync(file, { force: true });
    try {
      await view.locator('button', { hasText: 'Export CSV…' }).focus();
      await page.keyboard.press('Enter');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      // VS Code for the web's save dialog: a quick input holding the suggested path.
      await page.waitForFunction(() => /\.csv$/.test((document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? ''), undefined, { timeout: 5_000 })
        .catch(() => undefined);
      assert.match(await input.inputValue(), /llama-usage-\d{4}-\d{2}-\d{2}\.csv$/, `a dated name in the workspace folder: ${await input.inputValue()}`);
      await input.fill(file);
      await page.keyboard.press('Enter');
      await view.locator('.status', { hasText: `Exported the usage to ${file}` }).waitFor({ timeout: 10_000 });
      const csv = fs.readFileSync(file, 'utf8');
      assert.match(csv, /^date,breakdown,id,name,requests,input_tokens,output_tokens,cost_usd,/);
      assert.match(csv, /\r\n\d{4}-\d{2}-\d{2},model,meta\.llama3-3-70b-instruct-v1:0,Llama 3\.3 70B Instruct,\d+,/);
      await wb.screenshot('usage-exported');
    } finally {
      fs.rmSync(file, { force: true });
    }

    // Reset Usage Meter: the session starts again, the history stays.
    const allTime = (await rowOf(view, 'totals', 'All time'))[1];
    await view.locator('button', { hasText: 'Reset Usage Meter' }).focus();
    await page.keyboard.press('Enter');
    await view.waitForFunction(() => {
      const row = [...document.querySelectorAll('#totals tbody tr')].find((r) => r.querySelector('th')?.textContent === 'This session');
      return row?.querySelector('td')?.textContent === '0';
    }, undefined, { timeout: 10_000 });
    assert.equal((await rowOf(view, 'totals', 'All time'))[1], allTime);
    await wb.waitForStatusBarText(/^Llama 0 tok/);
  });

  it('follows the colour theme, light and dark, and fits a narrow window', async () => {
    const wb = workbench();
    const page = wb.page;
    try {
      await updateSettings({ 'workbench.colorTheme': 'Default Light Modern' });
      let view = await openUsage();
      await view.waitForFunction(() => document.body.classList.contains('vscode-light'));
      await screenshots(view, 'usage-light');
      await updateSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
      view = await openUsage();
      await view.waitForFunction(() => document.body.classList.contains('vscode-dark'));
      await screenshots(view, 'usage-dark');

      // Narrow: nothing spills out sideways but the tables, which scroll in their own regions.
      const size = page.viewportSize();
      await page.setViewportSize({ width: 640, height: size?.height ?? 800 });
      try {
        await view.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1, undefined, { timeout: 5_000 });
        const regions = await view.locator('.table-scroll').evaluateAll((els) => els.map((e) => ({ label: e.getAttribute('aria-label'), tab: e.getAttribute('tabindex'), scrolls: e.scrollWidth > e.clientWidth })));
        assert.ok(regions.every((r) => r.tab === '0' && r.label), 'every table region is focusable and named');
        await screenshots(view, 'usage-narrow');
      } finally {
        if (size) await page.setViewportSize(size);
      }
    } finally {
      await updateSettings({ 'workbench.colorTheme': undefined });
    }
  });
});
