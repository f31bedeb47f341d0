// One connected chat webview (the side-bar view or the panel): its page, the `ready`
// handshake, and messages checked on arrival. Nothing is posted before `ready`, and a
// hidden webview (whose page is gone until it loads again) is not posted to either.
import type * as vscode from 'vscode';
import { describeDropped, parseFromWebview, type FromWebview, type ToWebview } from '../shared/chatProtocol';
import { chatHtml, webviewOptions, webviewRoot } from './chatHtml';

export type ReceiveMessage = (msg: FromWebview, from: ChatWebview) => void;

export class ChatWebview implements vscode.Disposable {
  private ready = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    receive: ReceiveMessage,
    log: vscode.LogOutputChannel,
    private readonly onDispose: (w: ChatWebview) => void,
  ) {
    webview.options = webviewOptions(extensionUri);
    webview.html = chatHtml(webview, webviewRoot(extensionUri));
    this.subscription = webview.onDidReceiveMessage((raw: unknown) => {
      const msg = parseFromWebview(raw);
      if (!msg) {
        log.warn(`Chat: dropped a ${describeDropped(raw)} from the webview`);
        return;
      }
      if (msg.type === 'ready') this.ready = true;
      receive(msg, this);
    });
  }

  post(msg: ToWebview): void {
    if (this.ready) void this.webview.postMessage(msg);
  }

  /** The page was hidden and unloaded; it says `ready` again when shown. */
  hidden(): void {
    this.ready = false;
  }

  dispose(): void {
    this.subscription.dispose();
    this.onDispose(this);
  }
}
