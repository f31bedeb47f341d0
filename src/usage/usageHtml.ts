// The usage view's page: its bundle and stylesheet only (see src/webviewPage.ts); the report
// arrives by message after `ready`.
import type * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';

/** @param root the built webview assets (dist/webview), the only local resource root. */
export function usageHtml(webview: vscode.Webview, root: vscode.Uri): string {
  return webviewPage(webview, root, { title: 'Llama Usage', styles: [['usage.css']], script: 'usage.js' });
}
