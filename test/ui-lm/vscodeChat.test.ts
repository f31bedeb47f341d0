// The extension in VS Code's own chat (VS Code 1.117 = code-server 4.117.0, real Chromium; run by
// scripts/vscode/run-ui-lm.ts on the UI suite's fixture): the Llama models in the chat view's
// model picker, `@llama /explain` on code selected in sample.ts streamed from the local Bedrock
// server, and "Open in Llama Chat" carrying that exchange over to the extension's own chat; and
// that the fixture's console check works in this VS Code. The tests run in order and build on each other (one workbench page for the run).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { ROOT } from '../../scripts/vscode/codeServer';
import type { BedrockTestServer, ResponseScript } from '../server/bedrockServer';
import { SIDE_BAR, openChat, openPristine, promptOf, selectLines, until } from '../ui/support/chat';
import { consoleSinceTestBegan, expectConsole, localBedrock, testProblems, workbench } from '../ui/support/fixture';
import {
  chatHtml, closeModelPicker, markdownText, openChatView, openModelPicker, pickerModelNames, requests, responseTextWhen, responses,
  sendChatMessage, waitForPickedModel,
} from './support/vscodeChat';

/** The extension's selected model (bedrockLlama.modelId's default), as the provider names it. */
const LLAMA_33 = 'Llama 3.3 70B Instruct (Bedrock)';
/** sample.ts lines 1-3, the code selected for /explain. */
const SELECTED_CODE = [
  'export function fibonacci(n: number): number {',
  '  if (n < 2) return n;',
  '  return fibonacci(n - 1) + fibonacci(n - 2);',
];

/**
 * The answer, in three chunks; the last one 4 s after the others, so the chat view is seen with
 * the first part only (streamed, not shown at the end all at once).
 */
const LAST_PART = ' by calling itself for n - 1 and n - 2, which takes exponential time.';
const ANSWER: ResponseScript = {
  type: 'response',
  chunks: ['The function **fibonacci** ', 'returns the n-th Fibonacci number', { text: LAST_PART, delayMs: 4_000 }],
};
const ANSWER_TEXT = 'The function fibonacci returns the n-th Fibonacci number by calling itself for n - 1 and n - 2, which takes exponential time.';

describe('VS Code chat', function () {
  this.timeout(120_000);
  let server: BedrockTestServer;

  before(() => {
    server = localBedrock();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    // Not in test-results/logs/ui-lm: the fixture replaces that folder with code-server's logs at the end.
    const file = path.join(ROOT, 'test-results', 'ui-lm', `${this.currentTest.title.replace(/[^\w.-]+/g, '-')}.chat.html`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await chatHtml());
    console.log(`      the chat view's HTML: ${path.relative(ROOT, file)}`);
  });

  it('lists the Llama models in the chat view\'s model picker', async () => {
    await openChatView();
    // VS Code picks a model once the providers have listed theirs; the Llama ones are the only ones here.
    await waitForPickedModel(/\(Bedrock\)$/);
    const picker = await openModelPicker();
    await picker.locator('.monaco-list-row .title', { hasText: LLAMA_33 }).first().waitFor({ timeout: 10_000 });
    await workbench().screenshot('lm-chat-model-picker');
    const names = await pickerModelNames(picker);
    assert.ok(names.includes(LLAMA_33), `the picker lists ${JSON.stringify(names)}`);
    assert.ok(names.every((n) => n.endsWith('(Bedrock)')), `only the extension provides models here: ${JSON.stringify(names)}`);
    await closeModelPicker();
  });

  it('answers @llama /explain on the selected code, streamed from Bedrock', async () => {
    await openPristine('sample.ts');
    await selectLines(1, 3);
    server.enqueue(ANSWER);
    await openChatView();
    const before = await responses().count();
    await sendChatMessage('@llama /explain');
    await requests().filter({ hasText: '/explain' }).last().waitFor({ timeout: 10_000 });

    const response = responses().nth(before);
    await response.waitFor({ timeout: 15_000 });
    // Streamed: the first part shows while the last chunk is still on its way.
    const partial = await responseTextWhen(response, (t) => t.includes('returns the n-th Fibonacci number'), 'the first part of the answer');
    assert.ok(!partial.includes('by calling itself'), `the whole answer showed at once: ${JSON.stringify(partial)}`);
    assert.ok(!partial.includes('on Bedrock'), `the footer came before the answer's end: ${JSON.stringify(partial)}`);
    assert.equal(server.requests[0]?.outcome, 'pending', 'the request was still streaming when the first part showed');

    const done = await responseTextWhen(response, (t) => /on Bedrock/.test(t), 'the "on Bedrock" footer');
    assert.ok(done.replace(/\s+/g, ' ').includes(ANSWER_TEXT), `the answer: ${JSON.stringify(done)}`);
    assert.equal(await response.locator('.rendered-markdown strong', { hasText: 'fibonacci' }).count(), 1, 'the Markdown is rendered');
    // The footer names the extension's selected model (not the chat view's picker), in italics.
    assert.equal((await response.locator('.rendered-markdown em').allInnerTexts()).at(-1)?.trim(), 'Llama 3.3 70B Instruct on Bedrock');
    const open = response.getByRole('button', { name: 'Open in Llama Chat' });
    await open.waitFor({ timeout: 10_000 });
    // The participant's follow-ups for /explain, above the input.
    const followups = workbench().page.locator('.part.auxiliarybar .interactive-input-followups');
    await followups.getByText('What could go wrong?').waitFor({ timeout: 10_000 });
    await followups.getByText('Summarize it in two sentences.').waitFor({ timeout: 10_000 });
    await workbench().screenshot('lm-chat-llama-answer');

    // One request reached the local server: the extension's streaming call for its selected
    // model, with the selected lines in the prompt.
    await until('the request to end', () => server.requests.length > 0 && server.requests.every((r) => r.outcome !== 'pending'));
    const invocations = server.requests.filter((r) => r.operation === 'invoke' || r.operation === 'invoke-with-response-stream');
    assert.equal(invocations.length, 1, `requests: ${server.requests.map((r) => `${r.operation} ${r.modelId}`).join(', ')}`);
    assert.equal(invocations[0].operation, 'invoke-with-response-stream');
    assert.match(invocations[0].modelId ?? '', /meta\.llama3-3-70b-instruct/);
    assert.equal(invocations[0].outcome, 'completed');
    const prompt = promptOf(server, server.requests.indexOf(invocations[0]));
    for (const line of SELECTED_CODE) assert.ok(prompt.includes(line), `the prompt lacks ${JSON.stringify(line)}:\n${prompt}`);
    assert.ok(!prompt.includes('fibonacci(n - 1) + fibonacci(n - 2);\n}'), 'only the selected lines, not line 4');
  });

  it('opens the exchange in the extension\'s own chat from "Open in Llama Chat"', async () => {
    const response = responses().last();
    assert.match(await markdownText(response), /on Bedrock/, 'the previous test left its answer');
    await response.getByRole('button', { name: 'Open in Llama Chat' }).click();

    const frame: Frame = await workbench().webviewFrame(SIDE_BAR);
    const turn = frame.locator('article.turn').last();
    await turn.locator('.answer', { hasText: 'by calling itself' }).waitFor({ timeout: 15_000 });
    assert.equal(await frame.locator('article.turn').count(), 1, 'a new conversation with that one exchange');
    assert.equal((await turn.locator('.user-text').innerText()).trim(), 'Explain: sample.ts:1-3');
    assert.equal((await turn.locator('.answer').innerText()).replace(/\s+/g, ' ').trim(), ANSWER_TEXT);
    assert.equal(await turn.locator('.answer strong', { hasText: 'fibonacci' }).count(), 1, 'the Markdown is rendered');
    const chip = turn.locator('details.chip');
    assert.match(await chip.locator('summary').innerText(), /sample\.ts/);
    assert.equal((await chip.locator('code').textContent())?.trimEnd(), SELECTED_CODE.join('\n'));
    await workbench().screenshot('lm-chat-open-in-llama-chat');
    assert.equal(server.requests.length, 0, 'opening it sends nothing');
  });

  // As test/ui/problemCheck.test.ts does in the UI suite's VS Code: the fixture's check after each
  // test must see the extension's console in this one too (VS Code 1.117 names its webview frames'
  // scripts by URL the check matches).
  it("fails a test on the extension's console output here too (the fixture's check)", async () => {
    const frame = await openChat();
    // A message the chat webview's protocol check refuses: src/webview/main.ts logs a warning.
    await frame.evaluate(() => window.postMessage({ type: 'turn', conversationId: 42 }, '*'));
    await until('the warning in the console', () => consoleSinceTestBegan().some((e) => e.text.startsWith('Llama chat: dropped')), 5_000);
    const problems = await testProblems();
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], /^webview console warning: Llama chat: dropped a .*'turn'.* \(https?:\/\/\S+\/dist\/webview\/chat\.js\)$/);
    expectConsole(/^Llama chat: dropped a /);
    assert.deepEqual(await testProblems(), []);
  });
});
