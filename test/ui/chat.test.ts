// The chat in a real workbench: the side-bar view and the editor panel, streaming from the
// local Bedrock stand-in (test/server/bedrockServer.ts) that this process runs on 127.0.0.1.
// The extension reaches it through `bedrockLlama.endpoint`, which the UI fixture puts in
// the machine settings before code-server starts.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator } from 'playwright-core';
import { estimateTokens } from '../../src/core/tokenCount';
import { httpError, textResponse, type BedrockTestServer } from '../server/bedrockServer';
import { localBedrock, updateSettings, workbench } from './support/fixture';
import { ask } from './support/chat';

const INPUT = 'textarea[aria-label="Message Llama"]';
const SIDE_BAR = 'Llama'; // the view container's title ("LLAMA: CHAT")
const PANEL = 'Llama Chat'; // the editor tab

async function openChat(): Promise<Frame> {
  await workbench().runCommand('Llama: Open Chat');
  const frame = await workbench().webviewFrame(SIDE_BAR);
  await frame.locator(INPUT).waitFor();
  return frame;
}

async function send(frame: Frame, text: string): Promise<void> {
  const input = frame.locator(INPUT);
  await input.fill(text);
  await input.press('Enter');
}

/**
 * New Chat, then wait for its round trip to finish: the transcript empty and the input focused
 * (the extension's last message for it), so what is typed next goes to the new conversation.
 */
async function newChat(frame: Frame): Promise<void> {
  await frame.locator('button[aria-label="New Chat"]').click();
  await frame.locator('.transcript .empty').waitFor();
  await frame.waitForFunction((sel) => document.activeElement?.matches(sel) === true, INPUT, { timeout: 10_000 });
}

function lastTurn(frame: Frame): Locator {
  return frame.locator('article.turn').last();
}

/** Waits until the last answer has ended (done: its token and cost line shows). */
async function answered(frame: Frame, timeoutMs = 20_000): Promise<Locator> {
  const turn = lastTurn(frame);
  await turn.locator('.turn-status .usage').waitFor({ timeout: timeoutMs });
  await frame.locator('button[aria-label="Send"]').waitFor();
  // Text is rendered on the next animation frame; two frames later it is in the DOM.
  await frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return turn;
}

function promptOf(server: BedrockTestServer, index: number): string {
  const body = server.requests[index]?.body as { prompt?: string } | undefined;
  return body?.prompt ?? '';
}

describe('chat', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;

  before(async () => {
    server = localBedrock();
    await updateSettings({ 'bedrockLlama.inferenceProfile': 'off' });
  });
  after(() => updateSettings({ 'bedrockLlama.inferenceProfile': undefined }));

  it('opens in its side-bar container with labelled, keyboard-operable controls', async () => {
    const frame = await openChat();
    await workbench().screenshot('chat-empty');
    const log = frame.locator('[role="log"]');
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.equal(await log.getAttribute('aria-label'), 'Conversation');
    assert.equal(await frame.locator('select[aria-label="Model"] option:checked').innerText(), 'Llama 3.3 70B Instruct');
    assert.ok(await frame.locator('button[aria-label="Send"]').isDisabled(), 'Send waits for text');
    const image = frame.locator('.composer-actions button').nth(2);
    assert.ok(await image.isDisabled(), 'Llama 3.3 takes no images');
    assert.match((await image.getAttribute('title')) ?? '', /^Images need a vision model/);
    for (const label of ['New Chat', 'Chat History', 'Attach Selection', 'Attach Current File']) {
      assert.equal(await frame.locator(`button[aria-label="${label}"]`).count(), 1, label);
    }
  });

  it('streams a Markdown answer with highlighted code and code actions, then shows tokens and cost', async () => {
    server.enqueue(textResponse('Use `const`:\n\n```ts\nconst answer = 42;\n```\n\nIt cannot be reassigned.', { chunks: 6, chunkDelayMs: 30 }));
    const frame = await openChat();
    await send(frame, 'How do I declare a constant?');
    const turn = await answered(frame);
    await workbench().screenshot('chat-answer');
    assert.ok(promptOf(server, 0).includes('How do I declare a constant?'));
    assert.ok(await turn.locator('.code-block code .hljs-keyword').count() > 0, 'the code is highlighted');
    const actions = await turn.locator('.code-toolbar button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
    assert.deepEqual(actions, ['Copy', 'Insert at Cursor', 'Replace Selection']);
    // A tiny cost shows as `<$0.0001`.
    assert.match(await turn.locator('.usage').innerText(), /^Llama 3\.3 70B Instruct · \d+ in · \d+ out · <?\$\d/);
    assert.equal(await turn.locator('.answer').getAttribute('aria-busy'), 'false');
  });

  it('renders hostile model output as inert text', async () => {
    server.enqueue(textResponse('<img src=x onerror="document.body.dataset.pwned=1">\n\n<script>document.body.dataset.pwned=1</script> [x](javascript:document.body.dataset.pwned=1)'));
    const frame = await openChat();
    await send(frame, 'Say something nasty');
    const turn = await answered(frame);
    // The text shows as text (rendered on the next animation frame, so wait for it).
    await turn.locator('.answer', { hasText: '<img src=x onerror=' }).waitFor({ timeout: 5000 });
    await turn.locator('.answer', { hasText: '<script>document.body' }).waitFor({ timeout: 5000 });
    assert.equal(await turn.locator('.answer img, .answer script, .answer a[href^="javascript"]').count(), 0);
    assert.equal(await frame.evaluate(() => document.body.dataset.pwned), undefined);
  });

  it('sends the earlier exchanges with a follow-up', async () => {
    server.enqueue(textResponse('Use `let` for a variable.'));
    const frame = await openChat();
    // ask() waits for the new turn: the previous turn's finished answer must not pass for it.
    await ask(frame, 'And a variable?');
    const prompt = promptOf(server, 0);
    assert.ok(prompt.includes('How do I declare a constant?') && prompt.includes('It cannot be reassigned.'), prompt);
  });

  it('offers Continue after a length stop and appends to the same answer', async () => {
    server.enqueue(textResponse('The first part', { stopReason: 'length' }));
    const frame = await openChat();
    await send(frame, 'Write a long story');
    const turn = lastTurn(frame);
    const cont = turn.locator('button[data-turn-action="continue"]');
    await cont.waitFor({ timeout: 20_000 });
    server.enqueue(textResponse(' and the second part.'));
    await cont.click();
    await turn.locator('.turn-status .usage').waitFor();
    await frame.waitForFunction(() => document.querySelector('article.turn:last-of-type .answer')?.textContent?.includes('second part'));
    assert.match(await turn.locator('.answer').innerText(), /The first part and the second part\./);
    assert.ok(promptOf(server, 1).endsWith('The first part'), 'the continuation prompt ends with the text so far');
  });

  it('shows an error inline with what to do, and Retry answers in the same turn', async () => {
    server.enqueue(httpError('AccessDeniedException'));
    const frame = await openChat();
    await send(frame, 'Hello?');
    const error = lastTurn(frame).locator('.turn-error[role="alert"]');
    await error.waitFor({ timeout: 20_000 });
    await workbench().screenshot('chat-error');
    assert.match(await error.innerText(), /no access to .* Model access/i);
    assert.equal(await error.locator('button', { hasText: 'Select Model…' }).count(), 1);
    server.enqueue(textResponse('Now it works.'));
    await error.locator('button[data-turn-action="retry"]').click();
    const turn = await answered(frame);
    assert.equal((await turn.locator('.answer').innerText()).trim(), 'Now it works.');
  });

  it('stops a streaming answer with Escape and keeps the text so far', async () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    server.enqueue(textResponse(words, { chunks: 80, chunkDelayMs: 100 }));
    const frame = await openChat();
    await send(frame, 'Count slowly');
    const turn = lastTurn(frame);
    await frame.waitForFunction(() => (document.querySelector('article.turn:last-of-type .answer')?.textContent ?? '').includes('word3'));
    await frame.locator(INPUT).press('Escape');
    await turn.locator('.status-label', { hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
    assert.match(await turn.locator('.answer').innerText(), /word0 word1/);
    assert.equal(await turn.locator('button[data-turn-action="retry"]').count(), 1);
  });

  it('puts Explain Selection in the chat with the code as a collapsible chip', async () => {
    const wb = workbench();
    await wb.openFile('sample.ts');
    await wb.page.keyboard.press('Control+A');
    server.enqueue(textResponse('It computes Fibonacci numbers recursively.'));
    await wb.runCommand('Llama: Explain Selection');
    const frame = await wb.webviewFrame(SIDE_BAR);
    const turn = await answered(frame);
    const chip = turn.locator('details.chip');
    assert.match(await chip.locator('summary').innerText(), /sample\.ts:1-\d/);
    await chip.locator('summary').click();
    assert.match(await chip.locator('pre code').innerText(), /fibonacci/);
    assert.match(promptOf(server, 0), /File: sample\.ts/);
    await wb.screenshot('chat-explain');
  });

  it('starts a new chat and reopens the earlier one from history', async () => {
    const frame = await openChat();
    const before = await frame.locator('article.turn').count();
    await newChat(frame);
    await frame.locator('button[aria-label="Chat History"]').click();
    const items = frame.locator('#chat-history .history-item');
    assert.ok((await items.count()) >= 1);
    await items.first().locator('.history-open').click();
    await frame.locator('article.turn').first().waitFor();
    assert.equal(await frame.locator('article.turn').count(), before);
  });

  it('opens the same conversation in the editor area', async () => {
    const side = await openChat();
    const turns = await side.locator('article.turn').count();
    await workbench().runCommand('Llama: Open Chat in Editor Area');
    const panel = await workbench().webviewFrame(PANEL);
    await panel.locator('article.turn').first().waitFor();
    assert.equal(await panel.locator('article.turn').count(), turns);
    await workbench().screenshot('chat-panel');
  });
  it('inserts a code block at the cursor in the editor with Insert at Cursor', async () => {
    const wb = workbench();
    await wb.closeAllEditors();
    await wb.openFile('README.md');
    await wb.page.keyboard.press('Control+End');
    server.enqueue(textResponse('Try:\n\n```sh\nnpm run vscode\n```\n', { chunks: 3 }));
    const frame = await openChat();
    await send(frame, 'How do I run it?');
    const turn = await answered(frame);
    await turn.locator('.code-toolbar button[aria-label="Insert at Cursor"]').click();
    for (const deadline = Date.now() + 5000; Date.now() < deadline && !(await wb.editorText()).includes('npm run vscode'); ) await sleep(100);
    assert.match(await wb.editorText(), /Files for the Llama on Bedrock tests\.\n(.*\n)?npm run vscode/);
  });

  it('keeps the conversation across a window reload and reopens it from history', async () => {
    const wb = workbench();
    server.enqueue(textResponse('Kept after reload.', { chunks: 2 }));
    let frame = await openChat();
    await newChat(frame);
    await send(frame, 'Remember me');
    await answered(frame);
    // Reload the way a user does, so VS Code flushes its storage as it would on any reload.
    await Promise.all([wb.page.waitForEvent('load', { timeout: 60_000 }), wb.runCommand('Developer: Reload Window')]);
    await wb.ready();
    await wb.waitForStatusBarText(/^Llama .* tok/, 30_000); // the extension is active again
    frame = await openChat();
    await frame.locator('article.turn', { hasText: 'Kept after reload.' }).waitFor({ timeout: 15_000 });
    await newChat(frame);
    await frame.locator('button[aria-label="Chat History"]').click();
    await frame.locator('#chat-history .history-item', { hasText: 'Remember me' }).locator('.history-open').click();
    await frame.locator('article.turn', { hasText: 'Kept after reload.' }).waitFor({ timeout: 10_000 });
  });

  it('follows the color theme (dark and light)', async () => {
    const wb = workbench();
    for (const [theme, name] of [['Default Dark Modern', 'chat-dark'], ['Default Light Modern', 'chat-light']] as const) {
      await updateSettings({ 'workbench.colorTheme': theme });
      const frame = await openChat();
      // The webview takes its colours from the theme's variables: light text on a dark theme.
      const text = await frame.evaluate(() => getComputedStyle(document.body).color);
      const [r, g, b] = (text.match(/\d+/g) ?? []).map(Number);
      const lightText = (r + g + b) / 3 > 128;
      assert.equal(lightText, theme.includes('Dark'), `${theme}: the chat text colour is ${text}`);
      await wb.screenshot(name);
    }
    await updateSettings({ 'workbench.colorTheme': undefined });
  });
  it('renders a 10,000-token Markdown answer incrementally (per-render times printed)', async () => {
    // ~10,000 tokens of prose, headings and code blocks, streamed in 4-token chunks.
    const section = (i: number) =>
      `## Step ${i}\n\nThis step explains how the function handles case ${i}, with a short note on why it matters for callers.\n\n` +
      `\`\`\`ts\nexport function step${i}(input: number): number {\n  return input * ${i} + 1;\n}\n\`\`\`\n\n`;
    const text = Array.from({ length: 183 }, (_, i) => section(i)).join('');
    const words = text.match(/\S+\s*|\s+/g) ?? [];
    const chunks = [];
    for (let i = 0; i < words.length; i += 3) chunks.push({ text: words.slice(i, i + 3).join(''), tokens: 4 });
    server.enqueue({ type: 'response', chunks, chunkDelayMs: 2 });
    const frame = await openChat();
    await newChat(frame);
    await frame.evaluate(() => performance.clearMeasures('chat-render'));
    await send(frame, 'Walk me through all the steps');
    await answered(frame, 80_000);
    const durations = await frame.evaluate(() => performance.getEntriesByName('chat-render').map((e) => e.duration));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const first = median(durations.slice(0, 100));
    const last = median(durations.slice(-100));
    console.log(`      chat render (script, per animation-frame batch), ~${estimateTokens(text)} tokens: ${durations.length} renders of ${chunks.length} chunks; ` +
      `median first 100 ${first.toFixed(2)} ms, last 100 ${last.toFixed(2)} ms, last/first ${(last / first).toFixed(2)}`);
    assert.ok(durations.length >= 20, `rendered incrementally (${durations.length} renders)`);
    const lastTurnText = (await lastTurn(frame).locator('.answer').textContent()) ?? '';
    assert.ok(lastTurnText.includes('export function step182'), 'the whole answer is rendered');
    assert.equal(await lastTurn(frame).locator('.code-block').count(), 183);
  });
});
