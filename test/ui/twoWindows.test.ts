// Two real VS Code windows on one code-server: the shared workbench page and a second page in
// the same browser (support/secondWindow.ts), each with its own workbench and its own remote
// extension host, over the same user data. What the extension shares between windows is
// checked where the user sees it: an answer kept by the response cache in one window is used
// by the other (files under globalStorageUri), and a daily budget counts both windows'
// spending (the usage ledger in globalState). The fixture's problem check covers both windows.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator } from 'playwright-core';
import { textResponse, type BedrockTestServer } from '../server/bedrockServer';
import { INPUT, SIDE_BAR, answered, newChat, openPristine, promptOf, rendered, until } from './support/chat';
import { consoleSinceTestBegan, expectConsole, localBedrock, testProblems, updateMachineSettings, updateSettings, workbench } from './support/fixture';
import { meterCost, openChatIn, openSecondWindow, turnTo, type SecondWindow } from './support/secondWindow';
import type { Workbench } from './support/workbench';

// An in-region model (no inference profile), so that `bedrockLlama.pricing` prices it by this id.
const MODEL = 'meta.llama3-1-8b-instruct-v1:0';
const ANSWER = 'It returns the n-th Fibonacci number, computed recursively.';

describe('two windows', function () {
  this.timeout(180_000);
  let server: BedrockTestServer;
  let second: SecondWindow | undefined;

  before(async function () {
    this.timeout(150_000);
    server = localBedrock();
    await updateSettings({ 'bedrockLlama.modelId': MODEL });
    await updateMachineSettings({ 'bedrockLlama.cacheTtlMinutes': 60 });
    // Opened after the settings are saved: window 2 starts with them.
    second = await openSecondWindow();
  });

  // The fixture's clean-up after each test (dialogs, notifications) drives the shared page.
  afterEach(() => turnTo(workbench()));

  after(async function () {
    this.timeout(60_000);
    await second?.close();
    second = undefined;
    await updateMachineSettings({
      'bedrockLlama.cacheTtlMinutes': undefined, 'bedrockLlama.dailyBudgetUsd': undefined,
      'bedrockLlama.budgetAction': undefined, 'bedrockLlama.pricing': undefined,
    });
    await updateSettings({ 'bedrockLlama.modelId': undefined });
  });

  /**
   * Explain Selection of the whole of sample.ts (its text as the run began) in a new chat in
   * `wb`'s side bar; returns the chat's frame and the new turn (not waited for).
   */
  async function explainIn(wb: Workbench, open: () => Promise<void>): Promise<{ frame: Frame; turn: Locator }> {
    const frame = await openChatIn(wb); // turns to wb first
    await newChat(frame); // no earlier turns: the same prompt in both windows
    await open();
    await wb.page.keyboard.press('Control+A');
    await wb.runCommand('Llama: Explain Selection');
    const shown = await wb.webviewFrame(SIDE_BAR);
    const turn = shown.locator('article.turn').last();
    await turn.waitFor({ timeout: 10_000 });
    return { frame: shown, turn };
  }

  const inFirst = () => explainIn(workbench(), () => openPristine('sample.ts'));
  const inSecond = () => explainIn(second!.wb, () => second!.wb.openFile('sample.ts'));

  it('a cache shared with a second window: its Explain of the same code is answered from the cache, nothing sent', async () => {
    const wb1 = workbench();
    const wb2 = second!.wb;
    await wb1.runCommand('Llama: Clear Response Cache');

    server.enqueue(textResponse(ANSWER, { chunks: 4, metrics: { inputTokenCount: 180, outputTokenCount: 14 } }));
    const first = await inFirst();
    const turn1 = await answered(first.frame);
    assert.equal((await turn1.locator('.answer').innerText()).trim(), ANSWER);
    const usage1 = await turn1.locator('.usage').innerText();
    assert.doesNotMatch(usage1, /cached/, 'window 1 asked Bedrock');
    assert.equal(server.requests.length, 1, 'window 1 sent its request');
    assert.match(promptOf(server, 0), /File: sample\.ts/);

    const costBefore = await meterCost(wb2);
    const secondTurn = await inSecond();
    const turn2 = await answered(secondTurn.frame);
    await wb2.screenshot('two-windows-cache-window-2');
    await wb1.screenshot('two-windows-cache-window-1');
    assert.equal((await turn2.locator('.answer').innerText()).trim(), ANSWER, "window 1's answer");
    assert.match(await turn2.locator('.usage').innerText(), /(^|· )180 in · 14 out · cached · \$0$/);
    assert.match((await turn2.locator('.usage').getAttribute('title')) ?? '', /answered from the response cache, nothing was sent or billed/);
    assert.equal(await turn2.locator('button[data-turn-action="askAgain"]').count(), 1, 'Ask again is offered');
    await sleep(500); // anything late would show up on the wire by now
    assert.equal(server.requests.length, 1, 'window 2 sent nothing');
    assert.equal(await meterCost(wb2), costBefore, "window 2's meter: no cost");
  });

  it('a daily budget reached across two windows: block refuses window 2 once window 1 has spent it', async () => {
    const wb1 = workbench();
    const wb2 = second!.wb;
    wb1.expectNotification(/past your daily budget/);
    // $1,000 per 1M tokens in and out: every token costs $0.001, so what earlier tests spent
    // today at list prices (under a cent) hardly counts. A request's estimate (the prompt plus
    // maxGenLen's 512 tokens) is about $0.70, under the $1 budget; what Bedrock then reports
    // for window 1's answer (1,500 + 500 tokens: $2) takes today's spending past it.
    await updateMachineSettings({
      'bedrockLlama.cacheTtlMinutes': undefined, // a real request in both windows
      'bedrockLlama.pricing': { [MODEL]: { input: 1000, output: 1000 } },
      'bedrockLlama.dailyBudgetUsd': 1,
      'bedrockLlama.budgetAction': 'block',
    });
    // Window 2 has the new settings once its composer prices a draft at the new price.
    await draftPricedAtLeast(await openChatIn(wb2), 0.5);

    server.enqueue(textResponse(ANSWER, { chunks: 4, metrics: { inputTokenCount: 1500, outputTokenCount: 500 } }));
    const first = await inFirst();
    const error1 = first.turn.locator('.turn-error');
    const turn1 = await Promise.race([
      answered(first.frame),
      error1.waitFor({ timeout: 20_000 }).then(async () => { throw new Error(`window 1 was not let through, so the budget test cannot start: ${await error1.innerText()}`); }),
    ]);
    assert.equal(server.requests.length, 1, 'window 1 spent: its request went out under the budget');
    assert.match(await turn1.locator('.usage').innerText(), /(^|· )1(,500|\.5k) in · 500 out · \$2\.00$/);
    await wb1.notificationToast(/past your daily budget of \$1\.00/).waitFor({ timeout: 10_000 });

    // No wait: window 1 saves its ledger 500 ms after a request is metered, and turning to
    // window 2 and running Explain there takes longer than that, for a user as for this test.
    const second2 = await inSecond();
    const error2 = second2.turn.locator('.turn-error');
    await Promise.race([
      error2.waitFor({ timeout: 20_000 }),
      second2.turn.locator('.turn-status .usage').waitFor({ timeout: 20_000 }).then(() => {
        throw new Error(`window 2 sent its request (${server.requests.length} on the wire): it did not see the $2 window 1 spent today`);
      }),
    ]);
    await rendered(second2.frame);
    await wb2.screenshot('two-windows-budget-window-2');
    const message = await error2.innerText();
    assert.match(message, /Not sent: this request, up to \$[\d.]+ \(.*\), would pass your daily budget of \$1\.00 \(\$([\d.,]+) spent today, \$0\.00 left\)\. Raise bedrockLlama\.dailyBudgetUsd/);
    const spent = Number(/\$([\d.,]+) spent today/.exec(message)![1].replace(/,/g, ''));
    assert.ok(spent >= 2, `window 2 counts window 1's $2 (it says $${spent} spent today)`);
    await sleep(500);
    assert.equal(server.requests.length, 1, 'nothing from window 2 reached the server');
  });

  it("the problem check watches window 2 too: its notifications and its chat webview's console", async () => {
    const wb2 = second!.wb;
    await turnTo(wb2);
    await wb2.runCommand('File: New Untitled Text File');
    await wb2.runCommand('Llama: Explain Selection'); // an empty editor: a warning
    await wb2.notificationToast(/There is no code at the cursor/).waitFor({ timeout: 10_000 });
    await wb2.closeAllEditors(); // an empty untitled file closes without asking
    const frame = await openChatIn(wb2);
    // A message the webview's protocol check refuses: src/webview/main.ts logs a warning.
    await frame.evaluate(() => window.postMessage({ type: 'turn', conversationId: 42 }, '*'));
    await until('the warning in window 2', () => consoleSinceTestBegan().some((e) => e.window === 'window 2' && e.text.startsWith('Llama chat: dropped')), 5_000);

    const problems = await testProblems();
    assert.equal(problems.length, 2, JSON.stringify(problems));
    assert.ok(problems.some((p) => /^window 2: webview console warning: Llama chat: dropped a .*'turn'/.test(p)), JSON.stringify(problems));
    assert.ok(problems.some((p) => /^window 2: unexpected warning notification: "There is no code at the cursor: select the code you want to ask about\."/.test(p)), JSON.stringify(problems));
    wb2.expectNotification(/^There is no code at the cursor/);
    expectConsole(/^Llama chat: dropped a /);
    assert.deepEqual(await testProblems(), []);
    await wb2.clearNotifications();
  });
});

/**
 * Types drafts into the chat's composer until its estimate ("≤ $0.7123") is at least `usd`:
 * the estimate comes from the extension host's settings, so this waits for them to arrive.
 */
async function draftPricedAtLeast(frame: Frame, usd: number, timeoutMs = 15_000): Promise<void> {
  const input = frame.locator(INPUT);
  const estimate = frame.locator('.composer-estimate');
  let last = '';
  for (let i = 0, deadline = Date.now() + timeoutMs; Date.now() < deadline; i++) {
    await input.fill(`How much is this? ${i}`);
    await sleep(300);
    last = (await estimate.innerText().catch(() => '')).trim();
    const price = /≤ \$([\d.,]+)/.exec(last)?.[1];
    if (price && Number(price.replace(/,/g, '')) >= usd) {
      await input.fill('');
      return;
    }
  }
  throw new Error(`the composer's estimate stayed ${JSON.stringify(last)}: the settings did not reach this window`);
}
