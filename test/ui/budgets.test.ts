// Cost before sending, through the real workbench: `confirmAboveUsd` and `budgetAction: confirm`
// ask in a modal dialog with the request's estimated cost; Cancel sends nothing and says so in
// the turn, Send lets the request go. (Block and warn are covered in test/integration/budgets.test.ts.)
import { strict as assert } from 'node:assert';
import { textResponse, type BedrockTestServer } from '../server/bedrockServer';
import { INPUT, ask, lastTurn, newChat, openChat, send } from './support/chat';
import { localBedrock, updateMachineSettings, workbench } from './support/fixture';

const DIALOG = '.monaco-dialog-box';

describe('cost before sending', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;

  before(() => { server = localBedrock(); });
  afterEach(() => updateMachineSettings({ 'bedrockLlama.confirmAboveUsd': undefined, 'bedrockLlama.dailyBudgetUsd': undefined, 'bedrockLlama.budgetAction': undefined }));

  async function dialog(text: RegExp): Promise<void> {
    await workbench().page.locator(DIALOG, { hasText: text }).waitFor({ timeout: 10_000 });
  }

  async function press(button: 'Send' | 'Cancel'): Promise<void> {
    const page = workbench().page;
    await page.locator(`${DIALOG} .dialog-buttons-row a.monaco-button`, { hasText: new RegExp(`^${button}$`) }).click();
    await page.locator(DIALOG).waitFor({ state: 'hidden' });
  }

  it('confirmAboveUsd asks with the estimate: Cancel sends nothing, Send lets it go', async () => {
    const wb = workbench();
    wb.expectNotification(/This request may cost up to \$/);
    await updateMachineSettings({ 'bedrockLlama.confirmAboveUsd': 0.000001 });
    const frame = await openChat();
    await newChat(frame);
    const before = server.requests.length;

    await send(frame, 'How much will this cost?');
    await dialog(/This request may cost up to [<$\d.]+, more than [<$\d.]+ \(bedrockLlama\.confirmAboveUsd\)/);
    await wb.screenshot('confirm-above-usd');
    await press('Cancel');
    const declined = lastTurn(frame);
    await declined.locator('.turn-error', { hasText: 'Not sent: you chose not to spend that much on this request.' }).waitFor();
    assert.equal(server.requests.length, before, 'nothing on the wire');

    server.enqueue(textResponse('About a hundredth of a cent.'));
    const sending = ask(frame, 'Send it, then.');
    await dialog(/This request may cost up to/);
    await press('Send');
    const turn = await sending;
    assert.equal((await turn.locator('.answer').innerText()).trim(), 'About a hundredth of a cent.');
    assert.equal(server.requests.length, before + 1);
  });

  it('budgetAction confirm asks before passing the daily budget, saying what is spent and left', async () => {
    const wb = workbench();
    wb.expectNotification(/would pass your daily budget/);
    wb.expectNotification(/past your daily budget/);
    await updateMachineSettings({ 'bedrockLlama.dailyBudgetUsd': 0.0000001, 'bedrockLlama.budgetAction': 'confirm' });
    const frame = await openChat();
    await newChat(frame);
    const before = server.requests.length;
    await send(frame, 'Past the budget?');
    await dialog(/This request, up to [<$\d.]+ .* would pass your daily budget of [<$\d.]+: .* spent today, .* left\. Send it anyway\?/);
    await wb.screenshot('confirm-budget');
    await press('Cancel');
    await lastTurn(frame).locator('.turn-error', { hasText: 'Not sent: you chose not to go past your budget.' }).waitFor();
    assert.equal(server.requests.length, before);
  });

  it('the composer shows the estimate of the message being written, before anything is sent', async () => {
    const frame = await openChat();
    await newChat(frame);
    const estimate = frame.locator('.composer-estimate');
    await frame.locator(INPUT).fill('Explain the difference between a process and a thread.');
    await estimate.filter({ hasText: /^≈ \d+ tokens in · ≤ [<$\d.]+$/ }).waitFor({ timeout: 5_000 });
    const short = await estimate.innerText();
    await frame.locator(INPUT).fill(`Summarize this: ${'lorem ipsum dolor sit amet '.repeat(300)}`);
    await estimate.filter({ hasText: /k tokens in/ }).waitFor({ timeout: 5_000 });
    assert.notEqual(await estimate.innerText(), short, 'it follows the text');
    await workbench().screenshot('composer-estimate');
    await frame.locator(INPUT).fill('');
    await estimate.waitFor({ state: 'hidden', timeout: 5_000 });
  });
});
