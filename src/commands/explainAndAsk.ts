// Explain Selection and Ask About Selection…: the code around the cursor goes to the
// model with the task; the answer streams into the chat as a turn the user can follow up.
import * as vscode from 'vscode';
import type { ChatTask, EditorTurnRequest } from '../core/chat/conversation';
import { codeAroundCursor, looksBinary, type CodeContext } from '../editor/codeContext';
import type { CommandContext } from './context';

export function explainSelection({ chat }: CommandContext) {
  return async (): Promise<void> => {
    const editor = requireEditor();
    if (!editor) return;
    const context = await codeAroundCursor(editor);
    if (!checkContext(context)) return;
    await chat.startTurnFromEditor(turnRequest(context, { kind: 'explain' }, `Explain: ${where(context)}`));
  };
}

/** @param question given by callers that already have it (tests, the chat); else asked for in an input box. */
export function askAboutSelection({ chat }: CommandContext) {
  return async (question?: unknown): Promise<void> => {
    const editor = requireEditor();
    if (!editor) return;
    const context = await codeAroundCursor(editor);
    if (!checkContext(context)) return;
    const text = typeof question === 'string' ? question : await vscode.window.showInputBox({
      title: 'Llama: Ask About Selection',
      prompt: `Your question about ${where(context)}`,
      placeHolder: 'e.g. Why is this loop quadratic?',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type a question, or press Escape to cancel.'),
    });
    if (!text?.trim()) return;
    await chat.startTurnFromEditor(turnRequest(context, { kind: 'ask', question: text.trim() }, text.trim()));
  };
}

/** The chat shows the turn with the code as a chip, streams the answer and takes follow-ups. */
function turnRequest(context: CodeContext, task: ChatTask, displayText: string): EditorTurnRequest {
  return { task, attachment: context.attachment, displayText };
}

function requireEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) void vscode.window.showWarningMessage('Open a file and select some code first.');
  return editor;
}

function checkContext(context: CodeContext): boolean {
  if (!context.attachment.text.trim()) {
    void vscode.window.showWarningMessage('There is no code at the cursor: select the code you want to ask about.');
    return false;
  }
  if (looksBinary(context.attachment.text)) {
    void vscode.window.showWarningMessage('The selection looks like binary data; select text or code.');
    return false;
  }
  return true;
}

function where(context: CodeContext): string {
  const a = context.attachment;
  return a.startLine === a.endLine ? `${a.fileName}:${a.startLine}` : `${a.fileName}:${a.startLine}-${a.endLine}`;
}
