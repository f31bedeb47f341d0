// Until the chat view exists, Explain and Ask stream their answer into a markdown
// document beside the editor, appended at its end.
import * as vscode from 'vscode';
import { EditorStream } from './editorStream';

export async function openAnswerDocument(heading: string, onStopped: (reason: string) => void): Promise<EditorStream> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${heading}\n\n` });
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  return new EditorStream(editor, doc.getText().length, { text: '', insertAt: 0 }, onStopped);
}
