// The "Llama on Bedrock" output channel. Requests are logged with ids, model, region,
// tokens, latency and outcome; prompt text and secrets never are.
import * as vscode from 'vscode';

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Llama on Bedrock', { log: true });
}
