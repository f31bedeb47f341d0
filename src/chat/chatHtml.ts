// The chat webview's page: only the bundled script (with a nonce fresh for each load) and
// the bundled styles and fonts may load; state arrives by message after `ready`.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** @param root the built webview assets (dist/webview), the only local resource root. */
export function chatHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(root, ...path)).toString();
  const source = webview.cspSource;
  const csp = [
    "default-src 'none'",
    `style-src ${source}`,
    `font-src ${source}`,
    `img-src ${source} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('chat.css')}">
<title>Llama Chat</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${nonce}" src="${asset('chat.js')}"></script>
</body>
</html>`;
}

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}
