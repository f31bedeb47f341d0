// The "Llama on Bedrock" output channel. Requests are logged with ids, model, region,
// tokens, latency and outcome; prompt text never is, and every line goes through
// `redact`, so no password, key or token reaches the log whoever writes it.
import type * as vscode from 'vscode';
import { redact } from './core/bedrock/redact';

export function createLog(): vscode.LogOutputChannel {
  // Required here rather than imported: `redactingLog` then loads in plain Node (unit tests).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { window } = require('vscode') as typeof vscode;
  return redactingLog(window.createOutputChannel('Llama on Bedrock', { log: true }));
}

/** `channel` with every message redacted; arguments are formatted first (as VS Code would) so they are redacted too. */
export function redactingLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const line = (message: unknown, args: unknown[]) => redact([message, ...args].map(format).join(' '));
  return {
    get name() { return channel.name; },
    get logLevel() { return channel.logLevel; },
    get onDidChangeLogLevel() { return channel.onDidChangeLogLevel; },
    trace: (message, ...args) => channel.trace(line(message, args)),
    debug: (message, ...args) => channel.debug(line(message, args)),
    info: (message, ...args) => channel.info(line(message, args)),
    warn: (message, ...args) => channel.warn(line(message, args)),
    error: (error, ...args) => channel.error(line(error, args)),
    append: (value) => channel.append(redact(value)),
    appendLine: (value) => channel.appendLine(redact(value)),
    replace: (value) => channel.replace(redact(value)),
    clear: () => channel.clear(),
    show: (columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
      (channel.show as (a?: vscode.ViewColumn | boolean, b?: boolean) => void)(columnOrPreserveFocus, preserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? String(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
