// Llama on Bedrock in VS Code's own chat (Copilot Chat's model picker, and any extension that
// calls vscode.lm): a Language Model Chat Provider whose answers go through this extension's
// request flow, not around it. VS Code's messages become the family's own template (the core's
// buildChatPrompt: text, images for vision models, tool calls and results, control tokens
// neutralised, tools described in Meta's format); the answer streams back as text parts, and a
// tool call the model makes comes back as a LanguageModelToolCallPart (a malformed one as
// text). Cancellation comes through the token; the meter books it as "VS Code chat", so
// budgets apply and a blocked request is refused with the budget's message.
import * as vscode from 'vscode';
import { resolveModel } from '../core/catalog';
import { buildChatPrompt } from '../core/lmChat/buildChatPrompt';
import { ToolCallStream } from '../core/lmChat/toolCallStream';
import type { ToolSpec } from '../core/lmChat/types';
import { systemMessage } from '../core/prompt';
import { blockedMessage } from '../core/request/guardrailMessage';
import { StopRequest } from '../core/request/outcome';
import { estimateTokens } from '../core/tokenCount';
import type { ModelFamily } from '../core/types';
import { settingsMessage } from '../requests/errorMessages';
import { runModelRequest } from '../requests/modelRequest';
import type { Services } from '../services';
import { chatModels, type LlamaChatModel } from './chatModels';
import type { LanguageModelChatProvider, LanguageModelChatRequestMessage, LanguageModelResponsePart, ProvideLanguageModelChatResponseOptions } from './lmApi';
import { messageText, toCoreMessages } from './messages';

/** What the ledger books these requests under. */
export const LM_USAGE_TASK = 'vscodeChat';

export class LlamaChatProvider implements LanguageModelChatProvider<LlamaChatModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: Services) {
    // What discovery learns, and a new region or profile, change the list VS Code shows.
    this.subscriptions = [services.models.onDidChange(() => this.changed.fire()), services.settings.onDidChange(() => this.changed.fire())];
  }

  provideLanguageModelChatInformation(options: { readonly silent: boolean }): LlamaChatModel[] {
    // Asked with silent: false when the user opens the picker's management: the account's own list is worth a look then.
    if (!options.silent) this.services.models.ensureStarted();
    return chatModels(this.services);
  }

  async provideLanguageModelChatResponse(
    model: LlamaChatModel, messages: readonly LanguageModelChatRequestMessage[], options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<LanguageModelResponsePart>, token: vscode.CancellationToken,
  ): Promise<void> {
    const services = this.services;
    const snapshot = services.settings.current;
    if (!snapshot.ok) throw new Error(`Llama on Bedrock: ${settingsMessage(snapshot.errors)}`);
    const resolved = resolveModel(model.id, { underlying: services.models.underlying });
    const tools: ToolSpec[] = (options.tools ?? []).map((t) => ({ name: t.name, description: t.description, ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}) }));
    const chat = buildChatPrompt({
      modelId: model.id,
      family: resolved.family,
      system: systemMessage(snapshot.config),
      messages: toCoreMessages(messages),
      tools,
      toolMode: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto',
    });
    if (chat.images.length > 0 && !resolved.info?.vision) {
      throw new Error(`Llama on Bedrock: ${model.name} does not take images; pick a vision model (Llama 3.2 11B or 90B, or Llama 4).`);
    }
    if (chat.toolsOmitted) services.log.info(`VS Code chat: tools left out for ${model.id} (${chat.toolsOmitted === 'images' ? 'Llama 3.2 Vision takes no tools with images' : 'its template defines no tool use'})`);

    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort(new StopRequest('user')));
    if (token.isCancellationRequested) controller.abort(new StopRequest('user'));
    const calls = new ToolCallStream(chat.dialect ? tools : []);
    const report = (text: string) => { if (text) progress.report(new vscode.LanguageModelTextPart(text)); };
    try {
      const outcome = await runModelRequest(services, {
        prompt: { task: { kind: 'chat', message: '' } },
        images: chat.images.map((i) => Buffer.from(i.data).toString('base64')),
        rendered: { prompt: chat.prompt, modelId: model.id, noCache: tools.length > 0 },
        usageTask: LM_USAGE_TASK,
      }, { kind: 'vscodeChat' }, controller, {
        text: (delta) => report(calls.push(delta)),
        // VS Code's chat shows its own progress while the whole answer (Llama 4) is awaited.
        wholeAnswer: () => undefined,
      });
      switch (outcome.kind) {
        case 'ok': {
          const end = calls.end();
          report(end.text);
          for (const call of end.toolCalls) progress.report(new vscode.LanguageModelToolCallPart(call.callId, call.name, call.input));
          return;
        }
        case 'stopped':
          return; // cancelled through the token: what streamed stays
        case 'notSent':
          throw vscode.LanguageModelError.Blocked(`Llama on Bedrock: ${outcome.message}`);
        case 'blocked':
          throw vscode.LanguageModelError.Blocked(`Llama on Bedrock: ${blockedMessage(outcome)}`);
        case 'failed':
          throw new Error(`Llama on Bedrock: ${outcome.failure.message}`);
        case 'invalidSettings':
          throw new Error(`Llama on Bedrock: ${settingsMessage(outcome.errors)}`);
        case 'promptTooLong':
          throw new Error(`Llama on Bedrock: ${outcome.message}`);
      }
    } finally {
      cancel.dispose();
    }
  }

  provideTokenCount(model: LlamaChatModel, text: string | LanguageModelChatRequestMessage): Promise<number> {
    const plain = typeof text === 'string' ? text : messageText(text);
    return Promise.resolve(estimateTokens(plain, familyOf(model)));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** The template family of a model VS Code hands back (its `resolved`, or resolved again from the id). */
function familyOf(model: LlamaChatModel): ModelFamily {
  if (model.resolved) return model.resolved.family;
  try {
    return resolveModel(model.id).family;
  } catch {
    return 'llama3';
  }
}
