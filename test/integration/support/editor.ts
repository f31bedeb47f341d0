// Editor helpers for integration tests.
import * as vscode from 'vscode';

/** Opens a one-line TypeScript document, selects the line and runs Summarize Selection Inline. */
export async function summarizeOneLine(content = 'const x = 1;'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: `${content}\n` });
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(0, 0, 0, content.length);
  await vscode.commands.executeCommand('bedrockLlama.summarizeSelection');
  return editor;
}
