// @llama in VS Code's chat view: /explain, /summarize and /ask about the active editor's
// selection (or the code around the cursor), answered by the extension's selected model through
// the same prompt builder and request flow as the extension's own chat (routing, meter, budgets,
// Stop through the token). The answer streams as Markdown; follow-ups are offered; "Open in
// Llama Chat" carries the conversation over to the extension's chat, answers and all.
import * as vscode from 'vscode';
import type { ChatController } from '../chat/chatController';
import type { EditorTurnRequest } from '../core/chat/conversation';
import { modelLabel } from '../core/catalog';
import type { Attachment, Task } from '../core/prompt';
import { blockedMessage } from '../core/request/guardrailMessage';
import { StopRequest } from '../core/request/outcome';
import type { ChatTurn, TokenUsage } from '../core/types';
import { codeAroundCursor, looksBinary } from '../editor/codeContext';
import { settingsMessage } from '../requests/errorMessages';
import { runModelRequest } from '../requests/modelRequest';
import type { Services } from '../services';
import { LM_USAGE_TASK } from './chatProvider';
import { PARTICIPANT_ID } from './lmIds';

/** Internal: the button under an answer. */
export const OPEN_IN_CHAT_COMMAND = 'bedrockLlama.openParticipantConversation';

type Command = 'explain' | 'summarize' | 'ask';

interface LlamaResultMetadata {
  command: Command | 'chat';
  /** The exchange as the extension's chat can take it over. */
  turns: Array<{ request: EditorTurnRequest; answer: string; modelId?: string; usage?: TokenUsage; costUsd?: number }>;
}

/** What one exchange was: the task, its attachment, how it is shown. */
interface Exchange {
  command: Command | 'chat';
  task: Task;
  attachment?: Attachment;
  displayText: string;
}

export interface LlamaParticipant extends vscode.Disposable {
  handler: vscode.ChatRequestHandler;
  followups: vscode.ChatFollowupProvider;
}

/** The participant's behaviour; src/lmChat/register.ts creates the participant itself at activation. */
export function llamaParticipant(services: Services, chat: ChatController): LlamaParticipant {
  const open = vscode.commands.registerCommand(OPEN_IN_CHAT_COMMAND, (meta: LlamaResultMetadata | undefined) => {
    if (meta?.turns?.length) chat.importConversation(meta.turns);
  });
  return {
    handler: (request, context, stream, token) => answer(services, request, context, stream, token),
    followups: {
      provideFollowups(result: vscode.ChatResult): vscode.ChatFollowup[] {
        const meta = result.metadata as LlamaResultMetadata | undefined;
        if (!meta || result.errorDetails || meta.turns.length === 0) return [];
        return meta.command === 'explain'
          ? [{ prompt: 'What could go wrong in this code?', label: 'What could go wrong?', command: 'ask' }, { prompt: 'Summarize it in two sentences.', command: 'summarize' }]
          : [{ prompt: 'Explain how it works, step by step.', command: 'explain' }];
      },
    },
    dispose: () => open.dispose(),
  };
}

async function answer(
  services: Services, request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const exchange = await exchangeFor(request);
  if ('problem' in exchange) {
    stream.markdown(exchange.problem);
    return { metadata: { command: 'chat', turns: [] } satisfies LlamaResultMetadata };
  }
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort(new StopRequest('user')));
  if (token.isCancellationRequested) controller.abort(new StopRequest('user'));
  const earlier = earlierTurns(context);
  try {
    const outcome = await runModelRequest(services, {
      prompt: { task: exchange.task, attachment: exchange.attachment, turns: earlier.map((t) => t.turn) },
      selectedModel: true,
      usageTask: LM_USAGE_TASK,
    }, { kind: 'vscodeChat' }, controller, {
      text: (delta) => stream.markdown(delta),
      wholeAnswer: () => stream.progress('Llama 4 answers all at once…'),
    }, {});
    switch (outcome.kind) {
      case 'ok': {
        const previous = earlier.flatMap((t) => (t.meta ? t.meta.turns.slice(-1) : []));
        const meta: LlamaResultMetadata = {
          command: exchange.command,
          turns: [...previous, { request: { task: chatTask(exchange.task), attachment: exchange.attachment, displayText: exchange.displayText }, answer: outcome.text, modelId: outcome.configModelId, usage: outcome.meter.usage, ...(outcome.meter.costUsd !== undefined ? { costUsd: outcome.meter.costUsd } : {}) }],
        };
        stream.markdown(`\n\n*${modelLabel(outcome.configModelId)} on Bedrock*`);
        stream.button({ command: OPEN_IN_CHAT_COMMAND, title: 'Open in Llama Chat', arguments: [meta] });
        return { metadata: meta };
      }
      case 'stopped':
        return { metadata: { command: exchange.command, turns: [] } satisfies LlamaResultMetadata };
      case 'notSent':
        return { errorDetails: { message: outcome.message } };
      case 'blocked':
        return { errorDetails: { message: blockedMessage(outcome) } };
      case 'failed':
        return { errorDetails: { message: outcome.failure.message } };
      case 'invalidSettings':
        return { errorDetails: { message: settingsMessage(outcome.errors) } };
      case 'promptTooLong':
        return { errorDetails: { message: outcome.message } };
    }
  } finally {
    cancel.dispose();
  }
}

/** The task and code of a request; `problem` when there is nothing to work on. */
async function exchangeFor(request: vscode.ChatRequest): Promise<Exchange | { problem: string }> {
  const command = request.command === 'explain' || request.command === 'summarize' || request.command === 'ask' ? request.command : undefined;
  const question = request.prompt.trim();
  const editor = vscode.window.activeTextEditor;
  const context = editor ? await codeAroundCursor(editor) : undefined;
  const code = context && context.attachment.text.trim() && !looksBinary(context.attachment.text) ? context.attachment : undefined;
  if (command && !code) return { problem: `Open a file and select the code for \`/${command}\`; \`@llama\` without a command answers plain questions.` };
  const where = code ? `${code.fileName}:${code.startLine === code.endLine ? code.startLine : `${code.startLine}-${code.endLine}`}` : '';
  switch (command) {
    case 'explain': return { command, task: { kind: 'explain' }, attachment: code, displayText: `Explain: ${where}` };
    case 'summarize': return { command, task: { kind: 'summarize' }, attachment: code, displayText: `Summarize: ${where}` };
    case 'ask':
      if (!question) return { problem: 'Type the question after `/ask`, e.g. `@llama /ask why is this loop quadratic?`' };
      return { command, task: { kind: 'ask', question }, attachment: code, displayText: question };
    default:
      if (!question) return { problem: 'Ask a question, or use `/explain`, `/summarize` or `/ask` with code selected.' };
      return { command: 'chat', task: { kind: 'chat', message: question }, displayText: question };
  }
}

/** This participant's earlier exchanges in the thread, as prompt turns (oldest first). */
function earlierTurns(context: vscode.ChatContext): Array<{ turn: ChatTurn; meta?: LlamaResultMetadata }> {
  const out: Array<{ turn: ChatTurn; meta?: LlamaResultMetadata }> = [];
  let user: string | undefined;
  for (const entry of context.history) {
    if (entry instanceof vscode.ChatRequestTurn && entry.participant === PARTICIPANT_ID) user = entry.command ? `/${entry.command} ${entry.prompt}` : entry.prompt;
    else if (entry instanceof vscode.ChatResponseTurn && entry.participant === PARTICIPANT_ID && user !== undefined) {
      const assistant = entry.response.map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : '')).join('');
      out.push({ turn: { user, assistant }, meta: entry.result.metadata as LlamaResultMetadata | undefined });
      user = undefined;
    }
  }
  return out;
}

/** The extension's chat has no summarize task: a summary is asked for as a question. */
function chatTask(task: Task): EditorTurnRequest['task'] {
  return task.kind === 'summarize' ? { kind: 'ask', question: 'Summarize this code.' } : task;
}

