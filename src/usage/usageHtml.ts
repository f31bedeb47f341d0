// The usage view's page: as for the chat, only the bundled script (with a nonce fresh for each
// load) and the bundled stylesheet may load; the report arrives by message after `ready`.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** @param root the built webview assets (dist/webview), the only local resource root. */
export function usageHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('usage.css')}">
<title>Llama Usage</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset('usage.js')}"></script>
</body>
</html>`;
}
