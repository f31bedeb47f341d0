// Llama 4 in the chat, guardrails and Show Last Prompt, through the real workbench UI.
// Llama 4 on Bedrock does not stream: the extension asks it with InvokeModel and the turn shows
// how long it has been waiting ("Llama 4 answers all at once · N s") until the answer arrives
// whole; Stop and Escape abort that HTTP request. Llama 4 takes images. A guardrail's
// intervention is shown as an error in the turn, never as an answer. "Llama: Show Last Prompt"
// opens the exact prompt of the latest request, read-only. Each test checks what reached the
// local Bedrock server (test/server/bedrockServer.ts), which refuses streaming for Llama 4.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import type { Frame } from 'playwright-core';
import { BASE_SYSTEM_PROMPT } from '../../src/core/prompt';
import { PROMPT_SEPARATOR } from '../../src/core/request/promptRecord';
import { textResponse, type BedrockTestServer } from '../server/bedrockServer';
import { INPUT, ask, attachImage, lastTurn, newChat, openChat, promptOf, send, until } from './support/chat';
import { SCREENSHOTS, localBedrock, updateSettings, workbench } from './support/fixture';

const SCOUT = 'us.meta.llama4-scout-17b-instruct-v1:0';
const WAIT_LABEL = /^Llama 4 answers all at once · \d+ s$/;
const GUARDRAIL_MESSAGE = 'Sorry, the model cannot answer this question.';

/** The Llama 4 prompt format (meta-llama/llama-models, models/llama4/chat_format.py). */
const BEGIN = '<|begin_of_text|>';
const header = (role: string) => `<|header_start|>${role}<|header_end|>\n\n`;
const EOT = '<|eot|>';

/** A small RGB PNG (a red square on white), encoded here so the test needs no binary fixture. */
function redSquarePng(size = 24): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1); // raw[row] = 0: no filter
    for (let x = 0; x < size; x++) {
      const inside = x >= size / 4 && x < (size * 3) / 4 && y >= size / 4 && y < (size * 3) / 4;
      raw.set(inside ? [220, 30, 30] : [255, 255, 255], row + 1 + x * 3);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The number of seconds the wait label shows. */
function seconds(label: string): number {
  return Number(/· (\d+) s$/.exec(label)?.[1] ?? NaN);
}

/**
 * Records every distinct text the last turn's answer shows from now on (a MutationObserver in
 * the webview), so a test can tell an answer that arrived whole from one that grew.
 */
async function recordAnswerTexts(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { __llamaAnswerTexts?: string[]; __llamaAnswerObserver?: MutationObserver };
    w.__llamaAnswerObserver?.disconnect();
    const seen: string[] = [];
    w.__llamaAnswerTexts = seen;
    w.__llamaAnswerObserver = new MutationObserver(() => {
      const text = document.querySelector('article.turn:last-of-type .answer')?.textContent ?? '';
      if (text !== seen[seen.length - 1]) seen.push(text);
    });
    w.__llamaAnswerObserver.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

async function recordedAnswerTexts(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const w = window as unknown as { __llamaAnswerTexts?: string[]; __llamaAnswerObserver?: MutationObserver };
    w.__llamaAnswerObserver?.disconnect();
    return w.__llamaAnswerTexts ?? [];
  });
}

/** Waits for the last turn's whole-answer wait label and returns its text. */
async function waitLabel(frame: Frame): Promise<string> {
  const label = lastTurn(frame).locator('.turn-status .whole-answer-wait');
  await label.waitFor({ timeout: 10_000 });
  return (await label.innerText()).trim();
}

describe('Llama 4 chat, guardrails and Show Last Prompt', function () {
  this.timeout(90_000);
  let server: BedrockTestServer;
  let imageFile: string;
  let tempDir: string;

  before(async () => {
    server = localBedrock();
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama4-ui-'));
    imageFile = path.join(tempDir, 'red-square.png');
    fs.writeFileSync(imageFile, redSquarePng());
    // The us. cross-region inference profile, as Llama 4 needs on Bedrock.
    await updateSettings({ 'bedrockLlama.modelId': SCOUT });
  });
  after(async () => {
    await updateSettings({ 'bedrockLlama.modelId': undefined });
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('asks Llama 4 Scout about an image through InvokeModel, shows the ticking wait, then the whole answer; a follow-up sends the first exchange', async () => {
    const wb = workbench();
    const frame = await openChat();
    await newChat(frame);
    assert.match(await frame.locator('select[aria-label="Model"] option:checked').innerText(), /^Llama 4 Scout 17B Instruct\b/);
    // Llama 4 takes images: the composer's image button is enabled.
    const imageButton = frame.locator('.composer-actions button[aria-label="Attach Image (or paste one)"]');
    await imageButton.waitFor({ timeout: 10_000 });
    assert.ok(await imageButton.isEnabled(), 'the image button is enabled for Llama 4');
    await attachImage(frame, imageFile);

    const answer = 'A red square on a white background.';
    server.enqueue(textResponse(answer, { headersDelayMs: 2500 }));
    await recordAnswerTexts(frame);
    await send(frame, 'Describe this image.');

    // The wait shows its elapsed time, and it ticks.
    const first = await waitLabel(frame);
    assert.match(first, WAIT_LABEL);
    const label = lastTurn(frame).locator('.turn-status .whole-answer-wait');
    let later = first;
    for (const deadline = Date.now() + 3_000; seconds(later) <= seconds(first) && Date.now() < deadline; await sleep(100)) {
      later = (await label.innerText()).trim();
    }
    assert.match(later, WAIT_LABEL);
    assert.ok(seconds(later) > seconds(first), `the wait label ticks: "${first}", then "${later}"`);
    assert.equal((await lastTurn(frame).locator('.answer').innerText()).trim(), '', 'no answer text while waiting');
    await wb.screenshot('llama4-chat-wait');
    console.log(`      wait label: "${first}", then "${later}"`);

    // Then the answer, all at once.
    const turn = lastTurn(frame);
    await turn.locator('.turn-status .usage').waitFor({ timeout: 20_000 });
    await frame.locator('button[aria-label="Send"]').waitFor();
    await frame.locator('article.turn:last-of-type .answer', { hasText: answer }).waitFor({ timeout: 5_000 });
    assert.equal((await turn.locator('.answer').innerText()).trim(), answer);
    assert.equal(await turn.locator('.whole-answer-wait').count(), 0, 'the wait label is gone');
    const shown = (await recordedAnswerTexts(frame)).filter((t) => t.trim() !== '');
    assert.deepEqual([...new Set(shown.map((t) => t.trim()))], [answer], `the answer appeared whole: ${JSON.stringify(shown)}`);
    assert.match(await turn.locator('.image-note').innerText(), /1 image attached/);

    assert.equal(server.requests.length, 1);
    const request = server.requests[0];
    assert.equal(request.operation, 'invoke', 'Llama 4 is asked through InvokeModel');
    assert.equal(request.modelId, SCOUT);
    const body = request.body as { prompt: string; images?: string[] };
    assert.equal(body.images?.length, 1, 'one image in the body');
    assert.equal(body.images?.[0], fs.readFileSync(imageFile).toString('base64'), 'the image bytes as picked');
    const system = `${BEGIN}${header('system')}${BASE_SYSTEM_PROMPT}${EOT}`;
    const firstPrompt = `${system}${header('user')}<|image|>Describe this image.${EOT}${header('assistant')}`;
    assert.equal(body.prompt, firstPrompt);
    assert.ok(!/<\|(start_header_id|end_header_id|eot_id)\|>/.test(body.prompt), 'no Llama 3 markers');
    console.log(`      first prompt (with the image): ${JSON.stringify(body.prompt)}`);

    // A second turn, no image: the first exchange in Llama 4 format, then the new message.
    server.enqueue(textResponse('Red.'));
    const second = await ask(frame, 'What colour is the square?');
    assert.equal((await second.locator('.answer').innerText()).trim(), 'Red.');
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].operation, 'invoke');
    assert.equal((server.requests[1].body as { images?: string[] }).images, undefined, 'no image with the follow-up');
    const prompt = promptOf(server, 1);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const saved = path.join(SCREENSHOTS, 'llama4-two-turn-prompt.txt');
    fs.writeFileSync(saved, prompt);
    console.log(`      two-turn prompt (saved in ${path.relative(process.cwd(), saved)}): ${JSON.stringify(prompt)}`);
    assert.equal(
      prompt,
      `${system}${header('user')}Describe this image.${EOT}${header('assistant')}${answer}${EOT}` +
        `${header('user')}What colour is the square?${EOT}${header('assistant')}`,
    );
  });

  it('stops a Llama 4 wait with Escape: the turn shows Stopped. and the HTTP request is aborted', async () => {
    const frame = await openChat();
    await newChat(frame);
    server.enqueue(textResponse('Far too late.', { headersDelayMs: 10_000 }));
    await send(frame, 'Take your time.');
    assert.match(await waitLabel(frame), WAIT_LABEL);
    const request = await server.nthRequest(0);
    assert.equal(request.operation, 'invoke');
    assert.equal(request.outcome, 'pending');

    const pressed = Date.now();
    await frame.locator(INPUT).press('Escape');
    const turn = lastTurn(frame);
    await turn.locator('.status-label', { hasText: 'Stopped.' }).waitFor({ timeout: 5_000 });
    await until('the request to end as clientDisconnected', () => request.outcome !== 'pending', 3_000);
    const took = Date.now() - pressed;
    assert.equal(request.outcome, 'clientDisconnected', `the request ended as ${request.outcome}`);
    console.log(`      Escape to clientDisconnected at the server: ${took} ms`);
    assert.equal(await turn.locator('.whole-answer-wait').count(), 0, 'the wait label is gone');
    assert.equal((await turn.locator('.answer').innerText()).trim(), '', 'no answer text');
    assert.equal(await turn.locator('button[data-turn-action="retry"]').count(), 1, 'Retry is offered');
    await frame.locator('button[aria-label="Send"]').waitFor();
  });

  describe('with a guardrail', () => {
    before(() => updateSettings({ 'bedrockLlama.guardrailId': 'gr-test123', 'bedrockLlama.guardrailVersion': '1' }));
    after(() => updateSettings({ 'bedrockLlama.guardrailId': undefined, 'bedrockLlama.guardrailVersion': undefined }));

    it("shows a guardrail's intervention as an error in the turn, never as the answer", async () => {
      const wb = workbench();
      const frame = await openChat();
      await newChat(frame);
      server.enqueue(textResponse('Here is how you would do that.', { guardrail: { action: 'INTERVENED', message: GUARDRAIL_MESSAGE } }));
      await send(frame, 'Tell me something I should not know.');
      const turn = lastTurn(frame);
      const error = turn.locator('.turn-error[role="alert"]');
      await error.waitFor({ timeout: 20_000 });
      await frame.locator('button[aria-label="Send"]').waitFor();
      await wb.screenshot('guardrail-blocked');
      assert.ok(
        (await error.innerText()).includes(`Blocked by guardrail gr-test123 (version 1): ${GUARDRAIL_MESSAGE}`),
        await error.innerText(),
      );
      const answerText = (await turn.locator('.answer').innerText()).trim();
      assert.ok(!answerText.includes(GUARDRAIL_MESSAGE) && !answerText.includes('Here is how'), `not shown as an answer: ${JSON.stringify(answerText)}`);
      assert.equal(server.requests.length, 1);
      assert.deepEqual({ ...server.requests[0].options }, { guardrailId: 'gr-test123', guardrailVersion: '1', trace: 'ENABLED' });
      console.log(`      error box: ${JSON.stringify((await error.innerText()).trim())}`);
    });
  });

  it('Show Last Prompt opens the exact prompt of the latest request, read-only', async () => {
    const wb = workbench();
    const page = wb.page;
    const frame = await openChat();
    await newChat(frame);
    server.enqueue(textResponse('Four.'));
    await ask(frame, 'What is 2 + 2?');
    assert.equal(server.requests.length, 1);
    const sent = promptOf(server, 0);

    try {
      await wb.runCommand('Llama: Show Last Prompt');
      const group = page.locator('.editor-group-container.active');
      await group.locator('.tab.active', { hasText: 'Last Llama Prompt' }).waitFor({ timeout: 10_000 });
      await group.locator('.monaco-editor .view-lines', { hasText: PROMPT_SEPARATOR }).waitFor({ timeout: 10_000 });
      await wb.screenshot('show-last-prompt');
      // The whole document, exactly: select all and copy (the rendered lines are only what is in view).
      await group.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+C');
      let text = '';
      for (const deadline = Date.now() + 5_000; !text.includes(PROMPT_SEPARATOR) && Date.now() < deadline; await sleep(100)) {
        text = await page.evaluate(() => navigator.clipboard.readText());
      }
      const at = text.indexOf(`${PROMPT_SEPARATOR}\n`);
      assert.ok(at > 0, `a header, then the separator line: ${JSON.stringify(text.slice(0, 600))}`);
      assert.equal(text.slice(at + PROMPT_SEPARATOR.length + 1), sent, 'the text after the separator is the prompt the server received');
      const headerText = text.slice(0, at);
      assert.match(headerText, new RegExp(`^Model: ${SCOUT.replace(/[.]/g, '\\.')}$`, 'm'));
      assert.match(headerText, /^Operation: InvokeModel$/m);
      // Read-only: typing changes nothing.
      await page.keyboard.press('Control+Home');
      const before = await wb.editorText();
      await page.keyboard.type('x');
      await sleep(300);
      assert.equal(await wb.editorText(), before, 'the prompt editor is read-only');
      assert.equal(await group.locator('.tab.active.dirty').count(), 0, 'the prompt editor is not modified');
    } finally {
      await wb.closeAllEditors().catch(() => undefined);
    }
  });
});
