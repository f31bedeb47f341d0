// The chat webview and the editor as the UI tests drive them: open the chat, send, wait for
// an answer; select lines and wait for editor text. Shared by test/ui/*.test.ts.
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator } from 'playwright-core';
import type { BedrockTestServer } from '../../server/bedrockServer';
import { originalWorkspaceFile, restoreWorkspaceFiles, workbench } from './fixture';

export const INPUT = 'textarea[aria-label="Message Llama"]';
export const SIDE_BAR = 'Llama'; // the view container's title ("LLAMA: CHAT")

/** Opens the chat in the side bar (Llama: Open Chat) and returns its webview frame, input ready. */
export async function openChat(): Promise<Frame> {
  await workbench().runCommand('Llama: Open Chat');
  const frame = await workbench().webviewFrame(SIDE_BAR);
  await frame.locator(INPUT).waitFor();
  return frame;
}

/** Types `text` into the chat's input and presses Enter. */
export async function send(frame: Frame, text: string): Promise<void> {
  const input = frame.locator(INPUT);
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Sends `text` and waits for its answer to end; returns that turn. Waits for the new turn
 * first: the previous turn's finished answer must not pass for this one's.
 */
export async function ask(frame: Frame, text: string, timeoutMs = 20_000): Promise<Locator> {
  const turns = frame.locator('article.turn');
  const before = await turns.count();
  await send(frame, text);
  const turn = turns.nth(before);
  await turn.waitFor({ timeout: timeoutMs });
  await turn.locator('.turn-status .usage').waitFor({ timeout: timeoutMs });
  await frame.locator('button[aria-label="Send"]').waitFor();
  await rendered(frame);
  return turn;
}

/** The last turn whose message is `userText`, once its answer has ended. */
export async function answerTo(frame: Frame, userText: string, timeoutMs = 20_000): Promise<Locator> {
  const turn = frame.locator('article.turn', { has: frame.locator('.user-text', { hasText: userText }) }).last();
  await turn.locator('.turn-status .usage').waitFor({ timeout: timeoutMs });
  await frame.locator('button[aria-label="Send"]').waitFor();
  await rendered(frame);
  return turn;
}

/**
 * Attaches an image file to the next message through the composer's hidden file input (the one
 * its Attach Image button opens; the model must take images) and waits for the image's chip.
 */
export async function attachImage(frame: Frame, file: string): Promise<void> {
  await frame.locator('.composer input[type="file"]').setInputFiles(file);
  await frame.locator('.composer-chips .pending-chip', { hasText: path.basename(file) }).waitFor({ timeout: 5_000 });
}

/** New Chat, then wait until the transcript is empty and the input focused. */
export async function newChat(frame: Frame): Promise<void> {
  await frame.locator('button[aria-label="New Chat"]').click();
  await frame.locator('.transcript .empty').waitFor();
  await frame.waitForFunction((sel) => document.activeElement?.matches(sel) === true, INPUT, { timeout: 10_000 });
}

export function lastTurn(frame: Frame): Locator {
  return frame.locator('article.turn').last();
}

/** Waits until the last answer has ended (its token and cost line shows) and is rendered. */
export async function answered(frame: Frame, timeoutMs = 20_000): Promise<Locator> {
  const turn = lastTurn(frame);
  await turn.locator('.turn-status .usage').waitFor({ timeout: timeoutMs });
  await frame.locator('button[aria-label="Send"]').waitFor();
  await rendered(frame);
  return turn;
}

/** Two animation frames: text the webview received is in its DOM by then. */
export async function rendered(frame: Frame): Promise<void> {
  await frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The prompt of the `index`-th request the local server received ('' when there is none). */
export function promptOf(server: BedrockTestServer, index: number): string {
  const body = server.requests[index]?.body as { prompt?: string } | undefined;
  return body?.prompt ?? '';
}

/**
 * Selects lines `from`..`to` (1-based) of the active editor with the keyboard: Go to Line
 * `from:1`, then Shift+Down, and Shift+End to the end of line `to`; with `wholeLines`, to the
 * start of the line after it instead (the line break included).
 */
export async function selectLines(from: number, to: number, { wholeLines = false } = {}): Promise<void> {
  const page = workbench().page;
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${from}:1`); // a column: Home would toggle to the first non-blank character
  await page.keyboard.press('Enter');
  for (let line = from; line < to; line++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press(wholeLines ? 'Shift+ArrowDown' : 'Shift+End'); // Down keeps column 1
}

/**
 * Opens a workspace file with the text it had when the run began (earlier tests' edits are
 * auto-saved): restores the files on disk, opens it and waits until the editor shows that text.
 */
export async function openPristine(name: string): Promise<void> {
  const wb = workbench();
  restoreWorkspaceFiles();
  await wb.openFile(name);
  const original = originalWorkspaceFile(name);
  const shown = (text: string) => text === original.replace(/\n$/, '') || text === original;
  if (shown(await editorTextWhen(shown, 5_000))) return;
  await wb.runCommand('File: Revert File'); // reloads it from disk
  const text = await editorTextWhen(shown, 5_000);
  if (!shown(text)) throw new Error(`${name} still shows ${JSON.stringify(text)}, not its original text`);
}

/** Polls the active editor's rendered text until `check` holds; returns the last text read. */
export async function editorTextWhen(check: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  let text = await workbench().editorText();
  for (const deadline = Date.now() + timeoutMs; !check(text) && Date.now() < deadline; ) {
    await sleep(100);
    text = await workbench().editorText();
  }
  return text;
}

/** Waits until `check` holds for the server's request log (e.g. n requests ended). */
export async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}
