// Show Token Usage and Cost: one webview panel in the editor area (the command reveals it when
// it is open), restored by VS Code after a reload. The page asks with `ready` each time it
// loads (first open, shown again after being hidden, reload) and gets the whole report; while
// it is open every change of the meter sends a new one. Everything it subscribes to goes with it.
import * as vscode from 'vscode';
import { webviewOptions, webviewRoot } from '../webviewPage';
import { buildUsageReport } from '../core/usageReport';
import { describeDropped, parseFromWebview, type ExportFormat, type FromWebview, type ToWebview } from '../shared/usageProtocol';
import { exportUsage, type ExportResult } from './usageFile';
import { usageHtml } from './usageHtml';
import { USAGE_PANEL_TYPE } from './usageIds';
import type { UsageStore } from './usageStore';

/** Changes closer together than this (a batch of files) send one report. */
const COALESCE_MS = 100;

export class UsagePanel implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly posted = new vscode.EventEmitter<ToWebview>();
  /** Each message as it is sent to the page (the tests read what the view was told). */
  readonly onDidPost = this.posted.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: UsageStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(USAGE_PANEL_TYPE, 'Llama Usage', vscode.ViewColumn.Active, webviewOptions(this.extensionUri)));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel) panel.dispose(); // one is enough: a second would show the same
    else this.adopt(panel);
  }

  /** Export Usage as the view's buttons do; `target` skips the save dialog. */
  async export(format: ExportFormat, target?: vscode.Uri): Promise<ExportResult | undefined> {
    const result = await exportUsage(this.store.ledger, format, target);
    if (result) this.post({ type: 'exported', ok: result.ok, message: result.message });
    return result;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'usage-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'usage-dark.svg'),
    };
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = usageHtml(panel.webview, webviewRoot(this.extensionUri));
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // A hidden page is unloaded; it says `ready` again when shown.
      panel.onDidChangeViewState(() => { if (!panel.visible) this.ready = false; }),
      this.store.onDidChange(() => this.schedule()),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      this.cancelScheduled();
      if (this.panel === panel) this.panel = undefined;
      this.ready = false;
    });
  }

  private receive(raw: unknown): void {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.log.warn(`Usage view: dropped a ${describeDropped(raw)} from the webview`);
      return;
    }
    this.handle(msg);
  }

  private handle(msg: FromWebview): void {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.sendReport();
        return;
      case 'export':
        void this.export(msg.format);
        return;
      case 'resetSession':
        void vscode.commands.executeCommand('bedrockLlama.resetUsage');
        return;
      default: {
        const _exhaustive: never = msg;
        return _exhaustive;
      }
    }
  }

  private schedule(): void {
    if (!this.ready) return;
    this.timer ??= setTimeout(() => { this.timer = undefined; this.sendReport(); }, COALESCE_MS);
  }

  private cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private sendReport(): void {
    this.cancelScheduled();
    this.post({ type: 'report', report: buildUsageReport(this.store.ledger, new Date()) });
  }

  private post(msg: ToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    this.cancelScheduled();
    this.posted.dispose();
  }
}
