// VS Code's proxy settings as plain values for the Bedrock client (read per request, so
// a changed `http.proxy` takes effect on the next one).
import * as vscode from 'vscode';
import type { ProxySettings } from '../core/proxyConfig';

export function readNetworkSettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  return {
    proxy: http.get<string>('proxy')?.trim() || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: http.get<string[]>('noProxy', []),
    authorization: http.get<string | null>('proxyAuthorization') ?? undefined,
  };
}
