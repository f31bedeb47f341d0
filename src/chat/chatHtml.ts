// The chat webview's page: its bundle, styles and the codicon font (see src/webviewPage.ts).
import type * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';

export { webviewOptions, webviewRoot } from '../webviewPage';

/** @param root the built webview assets (dist/webview), the only local resource root. */
export function chatHtml(webview: vscode.Webview, root: vscode.Uri): string {
  return webviewPage(webview, root, { title: 'Llama Chat', styles: [['codicons', 'codicon.css'], ['chat.css']], script: 'chat.js', fontsAndImages: true, appClass: 'app' });
}
