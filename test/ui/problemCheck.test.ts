// The fixture's check after every test (test/ui/support/fixture.ts `testProblems`) must not
// pass silently: each test here makes the extension show a problem the test has not declared,
// asserts that the check reports it, then declares it so that the test itself passes.
import { strict as assert } from 'node:assert';
import Mocha from 'mocha';
import { httpError } from '../server/bedrockServer';
import { openChat, selectLines, until } from './support/chat';
import { checkAfterBody, consoleSinceTestBegan, expectConsole, isChecked, localBedrock, testProblems, userSettings, userSettingsText, workbench } from './support/fixture';

describe("the fixture's problem check", function () {
  this.timeout(60_000);

  beforeEach(() => workbench().closeAllEditors());

  it('runs after every test body, and fails a body that passed while a problem showed', async function () {
    assert.ok(isChecked(this.test), 'the root beforeEach put the check after this very test');
    const frame = await openChat();
    const probe = new Mocha.Test('a body that passes', async () => {
      await frame.evaluate(() => window.postMessage({ type: 'delta', text: 7 }, '*'));
    });
    checkAfterBody(probe);
    assert.ok(isChecked(probe));
    await assert.rejects(
      (probe.fn as (this: Mocha.Context) => Promise<void>).call(this),
      /^Error: the extension reported a problem during this test .*\n {2}webview console warning: Llama chat: dropped a .*'delta'/s,
    );
    expectConsole(/^Llama chat: dropped a /);
  });

  it('reports an error notification the test did not declare, and accepts it once declared', async () => {
    const wb = workbench();
    await wb.openFile('sample.ts');
    await selectLines(1, 1);
    localBedrock().enqueue(httpError('AccessDeniedException'));
    await wb.runCommand('Llama: Summarize Selection Inline');
    await wb.notificationToast(/no access/).waitFor({ timeout: 10_000 });

    const problems = await testProblems();
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], /^unexpected error notification: "Your AWS account has no access to (us\.)?meta\.llama3-3-70b-instruct-v1:0 .*" \(Source: Llama on Bedrock.*\) \[Select Model…, Retry, Show Log\]$/);
    wb.expectNotification(/Your AWS account has no access to/);
    assert.deepEqual(await testProblems(), []);
  });

  it("reports a warning that the chat webview's own code logs", async () => {
    const frame = await openChat();
    // A message the webview's protocol check refuses: src/webview/main.ts logs a warning.
    await frame.evaluate(() => window.postMessage({ type: 'turn', conversationId: 42 }, '*'));
    await until('the warning in the console', () => consoleSinceTestBegan().some((e) => e.text.startsWith('Llama chat: dropped')), 5_000);

    const problems = await testProblems();
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], /^webview console warning: Llama chat: dropped a .*'turn'.* \(https?:\/\/\S+\/dist\/webview\/chat\.js\)$/);
    expectConsole(/^Llama chat: dropped a /);
    assert.deepEqual(await testProblems(), []);
  });

  it('reports an error notification nobody declared: a setting Select Model… cannot write', async () => {
    const wb = workbench();
    const page = wb.page;
    const saved = userSettingsText();
    const model = userSettings()['bedrockLlama.modelId'];
    try {
      // User settings VS Code cannot parse: Select Model… cannot write its setting and says so
      // (a notification with what to do, not a "Command … resulted in an error" dialog). The
      // broken entry goes after the settings already there: VS Code's tolerant parse keeps them,
      // so no setting that needs a reload (workspace trust) changes and no modal reload dialog
      // covers the quick pick.
      const broken = saved.replace(/\}\s*$/, ',\n  "broken": }\n');
      assert.notEqual(broken, saved, 'the saved settings end with a closing brace');
      await wb.writeUserSettings(broken);
      await wb.runCommand('Llama: Select Model…');
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Llama: Select Model' }).waitFor();
      await page.locator('.quick-input-widget input').fill('Llama 3.1 8B Instruct');
      await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Llama 3.1 8B Instruct' }).waitFor();
      await page.keyboard.press('Enter');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Llama could not save bedrockLlama.modelId' });
      await toast.waitFor({ timeout: 10_000 });
      await toast.locator('.monaco-button', { hasText: 'Open User Settings (JSON)' }).waitFor();
      await wb.screenshot('problem-check-setting-not-saved');
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "Command … resulted in an error" dialog');

      const problems = await testProblems();
      assert.ok(problems.some((p) => /^unexpected error notification: "Llama could not save bedrockLlama\.modelId/.test(p)), JSON.stringify(problems));
      wb.expectNotification(/Llama could not save bedrockLlama\.modelId/);
      assert.deepEqual(await testProblems(), []);
    } finally {
      await wb.dismiss();
      await wb.writeUserSettings(saved);
      await wb.clearNotifications();
    }
    assert.equal(userSettings()['bedrockLlama.modelId'], model);
  });

  it('reports an error dialog such as "Command … resulted in an error"', async () => {
    const wb = workbench();
    // The workbench's own dialog markup, as VS Code renders a failed command's dialog: the
    // watcher sees dialogs by their DOM, so a node of that shape is what it must report.
    await wb.page.evaluate(() => {
      const box = document.createElement('div');
      box.className = 'monaco-dialog-box';
      box.id = 'problem-check-fake-dialog';
      box.innerHTML = '<div class="dialog-icon codicon codicon-dialog-error"></div>' +
        '<div class="dialog-message-text">Command \'Llama: Select Model…\' resulted in an error</div>' +
        '<div class="dialog-message-detail">boom</div>';
      document.body.append(box);
    });
    try {
      const problems = await testProblems();
      assert.ok(problems.some((p) => /^unexpected error dialog: "Command 'Llama: Select Model…' resulted in an error\\nboom"/.test(p)), JSON.stringify(problems));
      wb.expectNotification(/resulted in an error/);
      assert.deepEqual(await testProblems(), []);
    } finally {
      await wb.page.evaluate(() => document.getElementById('problem-check-fake-dialog')?.remove());
    }
  });
});
