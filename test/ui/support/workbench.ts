// Drives the VS Code workbench in the browser the way a user does: palette, quick open,
// status bar, editors, webviews. Selectors are VS Code's own DOM (1.100); keep them here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Page } from 'playwright-core';

const QUICK_INPUT = '.quick-input-widget';
const TOASTS = '.notifications-toasts .notification-toast';

/** A notification toast or a modal dialog the workbench showed (test/ui/support/workbench.ts MESSAGE_WATCH). */
export interface ShownMessage {
  kind: 'notification' | 'dialog';
  severity: 'error' | 'warning' | 'info' | 'unknown';
  /** The message (a dialog's message and detail, joined by a line break). */
  message: string;
  /** "Source: Llama on Bedrock" and the like; empty for dialogs. */
  source: string;
  buttons: string[];
  /** Unique per page load and message text. */
  uid: string;
}
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

export class Workbench {
  /** Notifications and dialogs shown since `beginTest()`, in order (see `watchMessages`). */
  private shown: ShownMessage[] = [];
  private readonly shownIds = new Set<string>();
  private expected: RegExp[] = [];

  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /**
   * Records every notification toast and modal dialog the workbench shows, from now on and
   * after reloads (an init script in the top frame reports each new one through a binding).
   * Call once, before the first navigation.
   */
  async watchMessages(): Promise<void> {
    await this.page.exposeBinding('__llamaMessageShown', (_source, message: ShownMessage) => this.record(message));
    await this.page.addInitScript(MESSAGE_WATCH);
  }

  /** Starts a test's record: nothing shown yet, nothing expected. */
  beginTest(): void {
    this.shown = [];
    this.expected = [];
  }

  /**
   * Declares that this test may show an error or warning notification (or dialog) whose text
   * matches `pattern`: the fixture fails the test on every error or warning nobody declared.
   */
  expectNotification(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  /** Every notification and dialog shown since the test began (after one last look at the page). */
  async shownMessages(): Promise<ShownMessage[]> {
    const current = (await this.page.evaluate('window.__llamaScanMessages ? window.__llamaScanMessages() : []').catch(() => [])) as ShownMessage[];
    for (const message of current) this.record(message);
    return [...this.shown];
  }

  /**
   * Errors and warnings (notifications of those severities, and dialogs other than plain
   * info/question ones) shown since the test began that no `expectNotification` pattern matches.
   */
  async unexpectedMessages(): Promise<ShownMessage[]> {
    return (await this.shownMessages()).filter((m) => isProblem(m) && !this.expected.some((p) => p.test(m.message)));
  }

  /** The visible notification toast whose text matches `text`. */
  notificationToast(text: string | RegExp) {
    return this.page.locator(TOASTS, { hasText: text });
  }

  /** Clears every notification (toasts and the notification centre's list) when a toast is showing. */
  async clearNotifications(): Promise<void> {
    if ((await this.page.locator(TOASTS).locator('visible=true').count()) === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator(TOASTS).locator('visible=true').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  }

  private record(message: ShownMessage): void {
    if (this.shownIds.has(message.uid)) return;
    this.shownIds.add(message.uid);
    this.shown.push(message);
  }

  /** The workbench is rendered and its status bar is up. */
  async ready(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ timeout: timeoutMs });
  }

  /** Opens the command palette (F1) with `text` after the `>` and returns the labels it lists. */
  async searchCommands(text: string): Promise<string[]> {
    await this.openQuickInput('F1');
    await this.page.locator(`${QUICK_INPUT} input`).fill(`>${text}`);
    // The list filters asynchronously: read until two reads agree.
    let labels = await this.quickPickLabels();
    for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
      await sleep(150);
      const again = await this.quickPickLabels();
      if (JSON.stringify(again) === JSON.stringify(labels)) break;
      labels = again;
    }
    return labels;
  }

  /**
   * Runs a command by its palette label, e.g. "Llama: Select Model…" (F1, then the row whose
   * label is exactly `title`, or with `{ prefix: true }` starts with it).
   */
  async runCommand(title: string, { prefix = false } = {}): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.openQuickInput('F1');
      try {
        await this.page.locator(`${QUICK_INPUT} input`).fill(`>${title}`, { timeout: 5_000 });
      } catch (err) {
        // A webview taking focus as it opens can close the palette just after it appeared.
        if (attempt === 3) throw err;
        continue;
      }
      const row = this.quickPickRow(title, prefix);
      const listed = await row.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (!listed) {
        // The palette lists what was registered when it opened: early in a run, open it again.
        if (attempt < 3) continue;
        throw new Error(`no palette entry "${title}"; listed: ${JSON.stringify(await this.quickPickLabels())}`);
      }
      try {
        await row.click({ timeout: 5_000 });
        return;
      } catch (err) {
        // The palette can close under the pointer when a webview takes focus back; open it again.
        if (attempt === 3) throw err;
      }
    }
  }

  /** Opens a workspace file by name through quick open (Ctrl+P) in the active editor group. */
  async openFile(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.openQuickInput('Control+P');
      try {
        await this.page.locator(`${QUICK_INPUT} input`).fill(name, { timeout: 5_000 });
        // Click the matching row: Enter could still hit the first row of the unfiltered history list.
        await this.quickPickRow(name).click({ timeout: 5_000 });
        break;
      } catch (err) {
        // As in runCommand: a webview taking the focus back (the chat after New Chat, a window
        // turned to) closes quick open just after it appeared; open it again.
        if (attempt === 3) throw err;
      }
    }
    const group = this.page.locator('.editor-group-container.active');
    await group.locator('.tab.active', { hasText: name }).waitFor();
    const lines = group.locator('.monaco-editor .view-lines').locator('visible=true').first();
    await lines.waitFor();
    // Monaco paints the text a moment after the editor appears (an empty file never gets any).
    await lines.filter({ hasText: /\S/ }).waitFor({ timeout: 5_000 }).catch(() => undefined);
  }

  /**
   * Replaces the user settings with `json` through the settings.json editor and saves:
   * code-server's workbench does not notice edits made to the file behind its back.
   */
  async writeUserSettings(json: string): Promise<void> {
    await this.writeSettingsFile('Preferences: Open User Settings (JSON)', json, false);
  }

  /** The same through the remote (machine) settings.json, where machine-scoped settings live in code-server. */
  async writeRemoteSettings(json: string): Promise<void> {
    // code-server adds the remote's name after the title.
    await this.writeSettingsFile('Preferences: Open Remote Settings (JSON)', json, true);
  }

  private async writeSettingsFile(command: string, json: string, prefix: boolean): Promise<void> {
    await this.runCommand(command, { prefix });
    const group = this.page.locator('.editor-group-container.active');
    await group.locator('.tab.active', { hasText: 'settings.json' }).waitFor();
    await group.locator('.monaco-editor .view-lines').locator('visible=true').first().waitFor();
    // A paste, not typing: typed brackets and quotes would be auto-closed.
    await this.page.evaluate((text) => navigator.clipboard.writeText(text), json);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+V');
    await this.page.keyboard.press('Control+S');
    await group.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    await this.runCommand('View: Close Editor');
  }

  /** Closes every editor and extra editor group (tests share one page). */
  async closeAllEditors(): Promise<void> {
    // code-server auto-saves after a delay: an editor closed with that save still pending is
    // saved while the test puts its file back on disk ("the content of the file is newer"),
    // and stays dirty behind a save dialog. Files settle first (untitled ones never do: no wait).
    await this.page.locator('.tab.dirty:not([data-resource-name^="Untitled-"])').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
    await this.runCommand('View: Close All Editor Groups');
    await this.page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** Labels of the rows the open quick input shows. */
  async quickPickLabels(): Promise<string[]> {
    const labels = await this.page.locator(`${QUICK_INPUT_ROWS} .label-name`).allInnerTexts();
    return labels.map((l) => l.trim());
  }

  /**
   * Closes what a test may leave open and what would swallow the next key press: modal
   * dialogs (e.g. "Command … resulted in an error"), quick inputs and context menus.
   */
  async dismiss(): Promise<void> {
    const blocker = this.page.locator(`.monaco-dialog-box, ${QUICK_INPUT}, .context-view .monaco-menu`).locator('visible=true');
    for (let i = 0; i < 5 && (await blocker.count()) > 0; i++) {
      await this.page.keyboard.press('Escape');
      await sleep(100);
    }
  }

  /** Waits until a status bar item's text matches; returns that text. */
  async waitForStatusBarText(expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      texts = (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map((t) => t.trim());
      const hit = texts.find((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t)));
      if (hit !== undefined) return hit;
      await sleep(100);
    }
    throw new Error(`no status bar item matched ${String(expected)} within ${timeoutMs} ms; items: ${JSON.stringify(texts)}`);
  }

  /** Saves a PNG to the screenshots dir and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Text of the active editor's rendered lines, top to bottom. Monaco renders only the
   * lines in view, so scroll (or keep documents short) to read the part you need.
   */
  async editorText(): Promise<string> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await editor.waitFor();
    return editor.evaluate((el) =>
      Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
        .map((line) => ({ top: parseFloat(line.style.top) || 0, text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text)
        .join('\n'),
    );
  }

  /**
   * The content frame of the webview shown under `viewTitle` (a side bar/panel view, a view
   * container's title, or an editor tab). VS Code draws webviews in an overlay, not inside
   * the view's DOM, so the match is geometric: the webview iframe over that view's area.
   */
  async webviewFrame(viewTitle: string, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const frame = await this.findWebview(viewTitle);
      if (frame) return frame;
      await sleep(200);
    }
    throw new Error(`no visible webview for "${viewTitle}" within ${timeoutMs} ms`);
  }

  private async findWebview(viewTitle: string): Promise<Frame | undefined> {
    const area = (await this.page.evaluate(`(${VIEW_AREA})(${JSON.stringify(viewTitle)})`)) as Box | undefined;
    if (!area) return undefined;
    for (const iframe of await this.page.locator('iframe.webview').elementHandles()) {
      const box = await iframe.boundingBox();
      if (!box || box.width === 0) continue;
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      if (cx < area.x || cx > area.x + area.width || cy < area.y || cy > area.y + area.height) continue;
      const outer = await iframe.contentFrame();
      const inner = await outer?.waitForSelector('#active-frame', { timeout: 5_000 }).catch(() => null);
      const frame = await inner?.contentFrame();
      if (frame) return frame;
    }
    return undefined;
  }

  /** The open quick input's row whose label is exactly `label` (or starts with it). */
  private quickPickRow(label: string, prefix = false) {
    const text = new RegExp(`^\\s*${escapeRegExp(label)}${prefix ? '' : '\\s*$'}`);
    return this.page.locator(QUICK_INPUT_ROWS).filter({ has: this.page.locator('.label-name', { hasText: text }) }).first();
  }

  private async openQuickInput(key: string): Promise<void> {
    const input = this.page.locator(`${QUICK_INPUT} input`);
    for (let attempt = 1; ; attempt++) {
      await this.dismiss();
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ timeout: 3_000 });
        return;
      } catch (err) {
        if (attempt === 3) throw err;
        // Focus inside a webview iframe keeps the key from the workbench: move it back to the page.
        await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      }
    }
  }
}

/**
 * Runs in the page: the box of the view, view container or editor showing `title`. Kept as
 * source text because tsx/esbuild wrap named functions in a `__name` helper the page lacks.
 */
const VIEW_AREA = `(title) => {
  const norm = (s) => (s || '').trim().toLowerCase();
  const boxOf = (el) => {
    const r = el && el.getBoundingClientRect();
    return r && r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : undefined;
  };
  for (const header of document.querySelectorAll('.pane-header')) {
    if (norm(header.querySelector('.title')?.textContent) === norm(title)) return boxOf(header.closest('.pane')?.querySelector('.pane-body'));
  }
  for (const label of document.querySelectorAll('.part > .composite.title .title-label')) {
    if (norm(label.textContent).includes(norm(title))) return boxOf(label.closest('.part')?.querySelector('.content'));
  }
  for (const tab of document.querySelectorAll('.tab.active')) {
    if (norm(tab.querySelector('.label-name')?.textContent) === norm(title)) return boxOf(tab.closest('.editor-group-container')?.querySelector('.editor-container'));
  }
  return undefined;
}`;

type Box = { x: number; y: number; width: number; height: number };

function isProblem(m: ShownMessage): boolean {
  if (m.kind === 'dialog') return m.severity !== 'info';
  return m.severity === 'error' || m.severity === 'warning';
}

/**
 * Runs in the top frame of every page load (an init script): reports each notification toast
 * and modal dialog as it appears (a MutationObserver: a toast clicked away at once is still
 * seen) and again whenever its text changes, through the `__llamaMessageShown` binding;
 * `window.__llamaScanMessages()` returns what is showing now. The workbench renders at most
 * three toasts at a time and none while the notification centre is open; those are not seen.
 */
const MESSAGE_WATCH = `(() => {
  if (window.top !== window || window.__llamaScanMessages) return;
  const load = Math.random().toString(36).slice(2);
  const seen = new WeakMap();
  let next = 0;
  const text = (el) => (el ? el.textContent || '' : '').replace(/\\s+/g, ' ').trim();
  const severityOf = (el) => {
    const c = el ? String(el.className) : '';
    return /codicon-(dialog-)?error\\b/.test(c) ? 'error' : /codicon-(dialog-)?warning\\b/.test(c) ? 'warning' : /codicon-(dialog-)?info\\b|codicon-question\\b/.test(c) ? 'info' : 'unknown';
  };
  const found = () => {
    const out = [];
    for (const item of document.querySelectorAll('.notifications-toasts .notification-list-item')) {
      out.push([item, {
        kind: 'notification',
        severity: severityOf(item.querySelector('.notification-list-item-icon')),
        message: text(item.querySelector('.notification-list-item-message')),
        source: text(item.querySelector('.notification-list-item-source')),
        buttons: Array.from(item.querySelectorAll('.notification-list-item-buttons-container .monaco-button')).map(text),
      }]);
    }
    for (const box of document.querySelectorAll('.monaco-dialog-box')) {
      out.push([box, {
        kind: 'dialog',
        severity: severityOf(box.querySelector('.dialog-icon')),
        message: [text(box.querySelector('.dialog-message-text')), text(box.querySelector('.dialog-message-detail'))].filter(Boolean).join('\\n'),
        source: '',
        buttons: Array.from(box.querySelectorAll('.dialog-buttons .monaco-button')).map(text),
      }]);
    }
    return out;
  };
  const scan = () => {
    const now = [];
    for (const [el, message] of found()) {
      if (!message.message) continue; // not rendered yet
      const key = message.severity + '|' + message.message;
      let keys = seen.get(el);
      if (!keys) seen.set(el, (keys = new Map()));
      if (!keys.has(key)) {
        keys.set(key, load + '-' + next++);
        const shown = Object.assign({}, message, { uid: keys.get(key) });
        if (window.__llamaMessageShown) window.__llamaMessageShown(shown).catch(() => undefined);
      }
      now.push(Object.assign({}, message, { uid: keys.get(key) }));
    }
    return now;
  };
  window.__llamaScanMessages = scan;
  new MutationObserver(scan).observe(document, { childList: true, subtree: true, characterData: true });
})()`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
