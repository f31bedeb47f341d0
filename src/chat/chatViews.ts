// Where the chat shows: a webview view in its own side-bar container, and one webview
// panel in the editor area that comes back after a reload. Both connect to the same
// controller; neither keeps state of its own.
import * as vscode from 'vscode';
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID } from './chatIds';
import type { ChatWebview } from './chatWebview';
import { webviewOptions } from './chatHtml';

export { CHAT_PANEL_TYPE, CHAT_VIEW_ID } from './chatIds';

export type Connect = (webview: vscode.Webview) => ChatWebview;

export class ChatViewProvider implements vscode.WebviewViewProvider {
  constructor(private readonly connect: Connect) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const chat = this.connect(view.webview);
    const visibility = view.onDidChangeVisibility(() => {
      if (!view.visible) chat.hidden();
    });
    view.onDidDispose(() => {
      visibility.dispose();
      chat.dispose();
    });
  }
}

export function revealChatView(): Thenable<unknown> {
  return vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
}

/** The editor-area chat: at most one panel, restored by VS Code after a reload. */
export class ChatPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly connect: Connect) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      CHAT_PANEL_TYPE,
      'Llama Chat',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { ...webviewOptions(this.extensionUri), enableFindWidget: true },
    );
    this.adopt(panel);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      // Only one chat panel: a second restored one would show the same thing.
      panel.dispose();
      return;
    }
    this.panel = panel;
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'chat-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'chat-dark.svg'),
    };
    const chat = this.connect(panel.webview);
    const viewState = panel.onDidChangeViewState(() => {
      if (!panel.visible) chat.hidden();
    });
    panel.onDidDispose(() => {
      viewState.dispose();
      chat.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
