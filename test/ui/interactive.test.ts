// The extension's interactive paths through the real workbench UI, with the keyboard and the
// mouse only: Select Model…'s quick pick and its custom-id input box, Set / Clear Bedrock API
// Key's password box, Ask About Selection…'s input box, the chat's model dropdown, and the
// chat's Copy, Replace Selection, Attach Selection and Attach Current File. Each checks what
// reached the local Bedrock server (test/server/bedrockServer.ts) afterwards.
import { strict as assert } from 'node:assert';
import type { Frame } from 'playwright-core';
import { TEST_API_KEYS, textResponse, type BedrockTestServer } from '../server/bedrockServer';
import { INPUT, answerTo, ask, editorTextWhen, newChat, openChat, openPristine, promptOf, selectLines, until } from './support/chat';
import { localBedrock, originalWorkspaceFile, restoreWorkspaceFiles, updateSettings, userSettings, workbench } from './support/fixture';

const QUICK_INPUT = '.quick-input-widget';
const SIGV4 = 'AWS4-HMAC-SHA256';

/**
 * Moves the open quick pick's focus with the arrow keys to the row whose label matches
 * `label`, then presses Enter. Fails when no row up to `maxSteps` down matches.
 */
async function pickWithKeyboard(label: RegExp, maxSteps = 25): Promise<void> {
  const page = workbench().page;
  const focused = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row.focused .label-name`);
  const seen: string[] = [];
  for (let step = 0; step <= maxSteps; step++) {
    const text = ((await focused.first().textContent({ timeout: 2_000 }).catch(() => '')) ?? '').trim();
    seen.push(text);
    if (label.test(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no quick pick row matched ${String(label)}; the focus went through ${JSON.stringify(seen)}`);
}

/** Sends a chat message and waits for its answer; returns the request the local server got for it. */
async function chatRequest(frame: Frame, server: BedrockTestServer, message: string, answer: string) {
  const index = server.requests.length;
  server.enqueue(textResponse(answer));
  const turn = await ask(frame, message);
  assert.equal((await turn.locator('.answer').innerText()).trim(), answer);
  assert.equal(server.requests.length, index + 1, 'one request for the message');
  return server.requests[index];
}

/** Every frame's HTML and visible text, joined: where a secret must not appear. */
async function everythingRendered(): Promise<string> {
  const page = workbench().page;
  const parts = [await page.content(), await page.evaluate(() => document.body.innerText)];
  for (const frame of page.frames()) parts.push(await frame.content().catch(() => ''));
  return parts.join('\n');
}

describe('interactive paths', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;

  before(async () => {
    server = localBedrock();
    // Model ids exactly as picked: no `us.` inference-profile prefix.
    await updateSettings({ 'bedrockLlama.inferenceProfile': 'off', 'bedrockLlama.modelId': undefined });
  });
  after(() => updateSettings({ 'bedrockLlama.inferenceProfile': undefined, 'bedrockLlama.modelId': undefined }));

  describe('Select Model…', () => {
    after(() => updateSettings({ 'bedrockLlama.modelId': undefined }));

    it('picks a listed model with the keyboard, then a custom id typed into its input box; requests go to each', async () => {
      const wb = workbench();
      const page = wb.page;
      const frame = await openChat();
      await newChat(frame);

      await wb.runCommand('Llama: Select Model…');
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Select Model' }).waitFor();
      // The placeholder names the current model (the default).
      assert.equal(await page.locator(`${QUICK_INPUT} input`).getAttribute('placeholder'), 'Current: meta.llama3-3-70b-instruct-v1:0');
      const labels = await wb.quickPickLabels();
      assert.ok(labels.includes('Llama 3.3 70B Instruct') && labels.includes('Llama 3.1 8B Instruct'), JSON.stringify(labels));
      await wb.screenshot('select-model-quick-pick');
      await pickWithKeyboard(/^Llama 3\.1 8B Instruct$/);
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
      await wb.waitForStatusBarText('Llama model: meta.llama3-1-8b-instruct-v1:0');
      assert.equal(userSettings()['bedrockLlama.modelId'], 'meta.llama3-1-8b-instruct-v1:0');
      const listed = await chatRequest(frame, server, 'Which model are you?', 'Llama 3.1 8B.');
      assert.equal(listed.modelId, 'meta.llama3-1-8b-instruct-v1:0');

      // The custom entry, then an inference-profile ARN typed into the input box that follows.
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-70b-instruct-v1:0';
      await wb.runCommand('Llama: Select Model…');
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Select Model' }).waitFor();
      await pickWithKeyboard(/Custom model id or ARN…$/);
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Custom Model' }).waitFor();
      const box = page.locator(`${QUICK_INPUT} input`);
      // It starts from the current id, selected, so typing replaces it.
      assert.equal(await box.inputValue(), 'meta.llama3-1-8b-instruct-v1:0');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(arn);
      await wb.screenshot('select-model-custom-id');
      await page.keyboard.press('Enter');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
      await until('the custom id in the user settings', () => userSettings()['bedrockLlama.modelId'] === arn);
      // The chat's picker shows the catalog model the ARN names, and the ARN in its tooltip.
      await frame.waitForFunction((id) => {
        const picker = document.querySelector<HTMLSelectElement>('select[aria-label="Model"]');
        return picker?.selectedOptions[0]?.textContent === 'Llama 3.1 70B Instruct' && picker.title === `Model: ${id}`;
      }, arn, { timeout: 5_000 });
      const custom = await chatRequest(frame, server, 'And now?', 'Through the profile.');
      assert.equal(custom.modelId, arn);
    });

    it('refuses an invalid custom id in the input box and keeps the model', async () => {
      const wb = workbench();
      const page = wb.page;
      const before = userSettings()['bedrockLlama.modelId'];
      await wb.runCommand('Llama: Select Model…');
      await pickWithKeyboard(/Custom model id or ARN…$/);
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Custom Model' }).waitFor();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123');
      const message = page.locator(`${QUICK_INPUT} .quick-input-message`);
      await message.filter({ hasText: /not a model that can be invoked/ }).waitFor({ timeout: 5_000 });
      await wb.screenshot('select-model-custom-invalid');
      await page.keyboard.press('Enter'); // refused while invalid: the box stays open
      await page.waitForTimeout(300);
      assert.ok(await page.locator(QUICK_INPUT).isVisible(), 'the input box stays open on an invalid id');
      await page.keyboard.press('Escape');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
      assert.equal(userSettings()['bedrockLlama.modelId'], before);
    });
  });

  it('Set Bedrock API Key takes the key in a password box; requests use it until Clear Bedrock API Key', async () => {
    const wb = workbench();
    const page = wb.page;
    const key = TEST_API_KEYS.find((k) => k.startsWith('ABSK') && k.length > 40);
    assert.ok(key, 'a long ABSK key in TEST_API_KEYS');
    const frame = await openChat();
    await newChat(frame);
    const before = await chatRequest(frame, server, 'Who signs this?', 'SigV4.');
    assert.equal(before.authScheme, SIGV4);

    try {
      await wb.runCommand('Llama: Set Bedrock API Key');
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Set Bedrock API Key' }).waitFor();
      const box = page.locator(`${QUICK_INPUT} input[type="password"]`);
      await box.waitFor();
      assert.ok(await box.evaluate((el) => el === document.activeElement), 'the password box has the focus');
      await page.keyboard.type(key);
      await wb.screenshot('api-key-password-box');
      assert.equal(await box.inputValue(), key);
      await page.keyboard.press('Enter');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
      await wb.notificationToast('Bedrock API key saved in VS Code secret storage').waitFor({ timeout: 10_000 });
      await wb.screenshot('api-key-saved');
      assert.ok(!(await everythingRendered()).includes(key), 'the key appears nowhere in the page once the box is closed');

      const bearer = await chatRequest(frame, server, 'And now?', 'A Bedrock API key.');
      assert.equal(bearer.authScheme, 'Bearer');
      assert.equal(bearer.headers.authorization, `Bearer ${key}`);
      assert.ok(!(await everythingRendered()).includes(key), 'the key appears nowhere in the page after a request');
    } finally {
      await wb.dismiss();
      await wb.runCommand('Llama: Clear Bedrock API Key');
    }
    await wb.notificationToast('Bedrock API key removed. Requests use your AWS credentials again.').waitFor({ timeout: 10_000 });
    const after = await chatRequest(frame, server, 'And after clearing it?', 'SigV4 again.');
    assert.equal(after.authScheme, SIGV4);
    assert.ok(!after.headers.authorization?.includes(key));
  });

  it('Ask About Selection… asks the question typed into its input box about the selected code', async () => {
    const wb = workbench();
    const page = wb.page;
    const question = 'What does greet return for an empty name?';
    await wb.closeAllEditors();
    await openPristine('sample.py');
    await selectLines(1, 2);
    server.enqueue(textResponse('It returns `Hello, !` since the name is interpolated as is.'));
    await wb.runCommand('Llama: Ask About Selection…');
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Llama: Ask About Selection' }).waitFor();
    assert.match(await page.locator(`${QUICK_INPUT} .quick-input-message`).innerText(), /Your question about sample\.py:1-2/);
    await page.keyboard.type(question);
    await wb.screenshot('ask-about-selection-input');
    await page.keyboard.press('Enter');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });

    const frame = await wb.webviewFrame('Llama');
    const turn = await answerTo(frame, question);
    await wb.screenshot('ask-about-selection-answer');
    assert.equal((await turn.locator('.user-text').innerText()).trim(), question);
    assert.match(await turn.locator('details.chip summary').innerText(), /sample\.py:1-2/);
    assert.equal((await turn.locator('.answer').innerText()).trim(), 'It returns Hello, ! since the name is interpolated as is.');
    assert.equal(server.requests.length, 1);
    const prompt = promptOf(server, 0);
    assert.ok(prompt.includes(question), prompt);
    assert.ok(prompt.includes('def greet(name: str) -> str:') && prompt.includes('return f"Hello, {name}!"'), prompt);
    assert.ok(!prompt.includes('print(greet("Llama"))'), 'only the selection is sent');
  });

  it("switches the model with the chat's model dropdown and the keyboard", async () => {
    const wb = workbench();
    const frame = await openChat();
    await newChat(frame);
    const picker = frame.locator('select[aria-label="Model"]');
    const current = await picker.inputValue();
    const values = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    const next = values[values.indexOf(current) + 1];
    assert.ok(next && next.startsWith('meta.'), `a catalog model follows ${current}: ${JSON.stringify(values)}`);
    const nextLabel = await picker.locator(`option[value="${next}"]`).innerText();

    try {
      await picker.focus();
      await picker.press('ArrowDown');
      // The picker snaps back until the setting has changed, then shows the new model.
      await frame.waitForFunction((id) => document.querySelector<HTMLSelectElement>('select[aria-label="Model"]')?.value === id, next, { timeout: 10_000 });
      await until('the new model id in the user settings', () => userSettings()['bedrockLlama.modelId'] === next);
      await wb.screenshot('chat-model-dropdown');
      const request = await chatRequest(frame, server, 'Who answers now?', `${nextLabel} does.`);
      assert.equal(request.modelId, next);
    } finally {
      await updateSettings({ 'bedrockLlama.modelId': undefined });
    }
    await frame.waitForFunction((id) => document.querySelector<HTMLSelectElement>('select[aria-label="Model"]')?.value === id, current, { timeout: 10_000 });
  });

  describe('code blocks and attachments', () => {
    beforeEach(() => workbench().closeAllEditors());
    afterEach(async () => {
      // Leave the workspace files as they were (edits are auto-saved) and no editor open.
      const wb = workbench();
      await wb.closeAllEditors().catch(() => undefined);
      restoreWorkspaceFiles();
    });

    it('Copy puts a code block on the clipboard (pasted into a new file with the keyboard)', async () => {
      const wb = workbench();
      const page = wb.page;
      const frame = await openChat();
      await newChat(frame);
      server.enqueue(textResponse('Like this:\n\n```ts\nconst copied = [1, 2, 3].map((n) => n * 2);\n```\n\nThat doubles each.'));
      const turn = await ask(frame, 'Double some numbers');
      const copy = turn.locator('.code-toolbar button[aria-label="Copy"]');
      await copy.click();
      // The button confirms the copy (for a moment).
      await turn.locator('.code-toolbar button[aria-label="Copied"]').waitFor({ timeout: 2_000 });
      await wb.screenshot('chat-copy');

      await wb.runCommand('File: New Untitled Text File');
      await page.locator('.editor-group-container.active .tab.active', { hasText: 'Untitled-' }).waitFor();
      await page.keyboard.press('Control+V');
      const pasted = await editorTextWhen((t) => t.includes('const copied'));
      assert.equal(pasted.trimEnd(), 'const copied = [1, 2, 3].map((n) => n * 2);');
      assert.equal((await page.evaluate(() => navigator.clipboard.readText())).trimEnd(), 'const copied = [1, 2, 3].map((n) => n * 2);');
      await wb.runCommand('View: Revert and Close Editor');
    });

    it('Replace Selection replaces the selected lines with a code block', async () => {
      const wb = workbench();
      await openPristine('sample.ts');
      await selectLines(2, 3, { wholeLines: true });
      const code = '  let [a, b] = [0, 1];\n  for (let i = 0; i < n; i++) [a, b] = [b, a + b];\n  return a;';
      server.enqueue(textResponse(`Iteratively:\n\n\`\`\`ts\n${code}\n\`\`\`\n`));
      const frame = await openChat();
      await newChat(frame);
      const turn = await ask(frame, 'Make it iterative');
      await turn.locator('.code-toolbar button[aria-label="Replace Selection"]').click();
      const text = await editorTextWhen((t) => t.includes('let [a, b]'));
      await wb.screenshot('chat-replace-selection');
      assert.equal(text, `export function fibonacci(n: number): number {\n${code}\n}\n`);
      // One undo takes it back.
      await wb.page.keyboard.press('Control+Z');
      assert.equal(await editorTextWhen((t) => !t.includes('let [a, b]')), originalWorkspaceFile('sample.ts'));
    });

    it('Attach Selection and Attach Current File add a chip to the composer and the code to the next prompt', async () => {
      const wb = workbench();
      await openPristine('sample.py');
      await selectLines(1, 2);
      const frame = await openChat();
      await newChat(frame);
      const chips = frame.locator('.composer-chips');

      await frame.locator('button[aria-label="Attach Selection"]').click();
      await chips.locator('.pending-chip', { hasText: /sample\.py:1-2/ }).waitFor({ timeout: 5_000 });
      await wb.screenshot('chat-attach-selection');
      server.enqueue(textResponse('It greets.'));
      let turn = await ask(frame, 'What does this do?');
      assert.match(await turn.locator('details.chip summary').innerText(), /sample\.py:1-2/);
      assert.ok(await chips.isHidden(), 'the chip leaves the composer with the message');
      let prompt = promptOf(server, 0);
      assert.ok(prompt.includes('What does this do?') && prompt.includes('def greet(name: str) -> str:'), prompt);
      assert.ok(!prompt.includes('print(greet("Llama"))'), 'only the selection was attached');

      await frame.locator('button[aria-label="Attach Current File"]').click();
      const fileChip = chips.locator('.pending-chip', { hasText: 'sample.py' });
      await fileChip.waitFor({ timeout: 5_000 });
      await wb.screenshot('chat-attach-file');
      server.enqueue(textResponse('It prints a greeting.'));
      turn = await ask(frame, 'And the whole file?');
      assert.match(await turn.locator('details.chip summary').innerText(), /sample\.py/);
      prompt = promptOf(server, 1);
      assert.ok(prompt.includes('And the whole file?') && prompt.includes('print(greet("Llama"))') && prompt.includes('def greet'), prompt);
      assert.equal(await frame.locator(INPUT).inputValue(), '');
      assert.equal(await frame.locator('article.turn').count(), 2);
    });
  });
});
