// VS Code's own chat view (VS Code 1.117, code-server 4.117.0) as the ui-lm tests drive it: the
// input, the model picker and the responses. Selectors are VS Code's own DOM; keep them here.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import { workbench } from '../../ui/support/fixture';

/** The chat widget in the secondary side bar (its view "CHAT"). */
const SESSION = '.part.auxiliarybar .interactive-session';
const INPUT_PART = `${SESSION} .interactive-input-part`;
/** The model picker's button; its aria-label is "Pick Model, <current model>". */
const PICKER_BUTTON = `${INPUT_PART} [aria-label^="Pick Model"]`;
/** The picker's drop-down (an action widget with a "Search models" filter). */
const PICKER_WIDGET = '.action-widget:has(.chat-model-picker-filter-input)';

function page(): Page {
  return workbench().page;
}

/** Shows the chat view (View: Toggle… would close it when already shown) with its input ready. */
export async function openChatView(): Promise<void> {
  const input = page().locator(`${INPUT_PART} .monaco-editor`).first();
  if (!(await input.isVisible())) await workbench().runCommand('Chat: Open Chat');
  await input.waitFor({ timeout: 15_000 });
}

/** The picker button's current model ("Llama 3.1 405B Instruct (Bedrock)"). */
export async function pickedModel(): Promise<string> {
  const label = (await page().locator(PICKER_BUTTON).first().getAttribute('aria-label')) ?? '';
  return label.replace(/^Pick Model,\s*/, '');
}

/**
 * Waits until the picker offers a model whose name matches `name` (VS Code asks the providers for
 * their models when one announces a change; the extension does so 3 s after activation).
 */
export async function waitForPickedModel(name: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let current = '';
  while (Date.now() < deadline) {
    current = await pickedModel().catch(() => '');
    if (name.test(current)) return current;
    await sleep(250);
  }
  throw new Error(`the chat view's model picker still shows "${current}" after ${timeoutMs} ms`);
}

/** Opens the model picker and every collapsed group in it ("Other Models"); returns its widget. */
export async function openModelPicker(): Promise<Locator> {
  const widget = page().locator(PICKER_WIDGET).locator('visible=true').first();
  await page().locator(PICKER_BUTTON).first().click();
  await widget.waitFor({ timeout: 10_000 });
  for (let i = 0; i < 5; i++) {
    const collapsed = widget.locator('.monaco-list-row[aria-expanded="false"]').first();
    if ((await collapsed.count()) === 0) break;
    // The widget lays a pointer block over the window (so iframes keep no mouse events) that
    // the first mouse move removes: a click checks what is under the pointer before it moves.
    await collapsed.hover({ force: true });
    await page().locator('.context-view-pointerBlock').waitFor({ state: 'detached', timeout: 2_000 }).catch(() => undefined);
    await collapsed.click();
    await sleep(300);
  }
  return widget;
}

/** The names of the models the open picker lists (the rows' titles, groups left out). */
export async function pickerModelNames(widget: Locator): Promise<string[]> {
  const rows = widget.locator('.monaco-list-row.action:not([aria-expanded]) .title');
  return (await rows.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
}

/** Closes the picker (Escape) and waits until it is gone. */
export async function closeModelPicker(): Promise<void> {
  const widget = page().locator(PICKER_WIDGET).locator('visible=true');
  for (let i = 0; i < 3 && (await widget.count()) > 0; i++) {
    await page().keyboard.press('Escape');
    await sleep(200);
  }
  await widget.first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
}

/**
 * Types `text` into the chat input the way a user does and sends it with Enter. Typing
 * `@llama /explain` opens the input's suggestions, where Enter would only accept one: a trailing
 * space ends them, and Escape closes any still open, before Enter sends.
 */
export async function sendChatMessage(text: string): Promise<void> {
  const p = page();
  await p.locator(`${INPUT_PART} .monaco-editor`).first().click();
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.type(`${text} `, { delay: 30 });
  const suggest = p.locator(`${INPUT_PART} .suggest-widget.visible, ${SESSION} .suggest-widget.visible`);
  for (let i = 0; i < 3 && (await suggest.count()) > 0; i++) {
    await p.keyboard.press('Escape');
    await sleep(200);
  }
  await p.keyboard.press('Enter');
}

/** The chat's request rows (the user's messages), oldest first. */
export function requests(): Locator {
  return page().locator(`${SESSION} .interactive-item-container.interactive-request`);
}

/** The chat's response rows, oldest first. */
export function responses(): Locator {
  return page().locator(`${SESSION} .interactive-item-container.interactive-response`);
}

/** The text of a response's rendered Markdown parts (line breaks as rendered). */
export async function markdownText(response: Locator): Promise<string> {
  return (await response.locator('.rendered-markdown').allInnerTexts()).join('\n');
}

/** Polls a response's Markdown text until `check` holds; returns the last text read. */
export async function responseTextWhen(response: Locator, check: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await markdownText(response).catch(() => '');
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the response shows ${JSON.stringify(text)}`);
    await sleep(50);
  }
}

/** The chat widget's HTML without styles and icons: for failure reports. */
export async function chatHtml(): Promise<string> {
  const html = await page().locator(SESSION).first().evaluate((el) => el.outerHTML).catch(() => '(no chat view)');
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '');
}
