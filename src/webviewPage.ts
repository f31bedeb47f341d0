// The page every webview of the extension loads: only its bundled script (with a nonce fresh for
// each load) and bundled styles from dist/webview may load, under a CSP that allows nothing
// else; the state arrives by message after the page's `ready`.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  /** Stylesheets, as paths inside dist/webview. */
  styles: string[][];
  /** The bundled script, inside dist/webview. */
  script: string;
  /** Also fonts (codicons) and images (pasted ones come as data: URLs). */
  fontsAndImages?: boolean;
  /** The class of the `#app` element. */
  appClass?: string;
}

/** @param root the built webview assets (dist/webview), the only local resource root. */
export function webviewPage(webview: vscode.Webview, root: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(root, ...path)).toString();
  const source = webview.cspSource;
  const csp = [
    "default-src 'none'",
    `style-src ${source}`,
    ...(page.fontsAndImages ? [`font-src ${source}`, `img-src ${source} data:`] : []),
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = page.styles.map((path) => `<link rel="stylesheet" href="${asset(...path)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${page.title}</title>
</head>
<body>
<div id="app"${page.appClass ? ` class="${page.appClass}"` : ''}></div>
<script nonce="${nonce}" src="${asset(page.script)}"></script>
</body>
</html>`;
}

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}
