// A test-only extension that uses language models the way any other extension would:
// `vscode.lm.selectChatModels(selector)` and `model.sendRequest(...)`, under its own extension
// identity (`bedrock-llama-test.lm-consumer`), not the extension under test's and not the test
// runner's. test/lm drives it through its exports (`LmConsumerApi`) or the same operations as
// commands (`lmConsumer.*`, results and errors as plain data).
//
// Built by scripts/vscode/build-lm.mjs into out/test/lm-consumer/ (extension.js + this folder's
// package.json); scripts/vscode/run-lm.ts loads it as a second extensionDevelopmentPath.
import * as vscode from 'vscode';

export const LM_CONSUMER_ID = 'bedrock-llama-test.lm-consumer';

/** A chat model as `selectChatModels` described it, as plain data. */
export interface ModelInfo {
  id: string;
  vendor: string;
  family: string;
  version: string;
  name: string;
  maxInputTokens: number;
}

/** One part of a message, as plain data (turned into the `vscode.LanguageModel*Part` classes here). */
export type MessagePart =
  | { type: 'text'; value: string }
  /** `data` is base64; sent as `vscode.LanguageModelDataPart.image` (stable since 1.104). */
  | { type: 'image'; mimeType: string; data: string }
  | { type: 'toolCall'; callId: string; name: string; input: object }
  /** `content`: the tool's output as text parts. */
  | { type: 'toolResult'; callId: string; content: string | string[] };

/** A message: `content` (text) or `parts`. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content?: string;
  parts?: MessagePart[];
}

/** One streamed response part, as plain data. */
export type ResponsePart =
  | { type: 'text'; value: string }
  | { type: 'toolCall'; callId: string; name: string; input: object }
  | { type: 'other'; value: string };

export interface SendOptions {
  /** The model: the first one `selectChatModels(selector)` returns. */
  selector: vscode.LanguageModelChatSelector;
  /** A user prompt, or a conversation. */
  messages: string | ChatTurn[];
  justification?: string;
  modelOptions?: Record<string, unknown>;
  tools?: vscode.LanguageModelChatTool[];
  toolMode?: vscode.LanguageModelChatToolMode;
  /** Cancels the request (an exports caller can pass its own token). */
  token?: vscode.CancellationToken;
  /** Cancels the request and stops reading once this many parts have arrived (0: right after sending). */
  cancelAfterParts?: number;
}

export interface SendResult {
  model: ModelInfo;
  /** The text parts joined. */
  text: string;
  parts: ResponsePart[];
  /** Milliseconds from `sendRequest` to the first part (undefined: none came). */
  firstPartMs?: number;
  durationMs: number;
  /** The stream ended through cancellation (the parts so far are kept). */
  cancelled: boolean;
}

/** An error as plain data (a `vscode.LanguageModelError` keeps its `code`). */
export interface ErrorInfo {
  name: string;
  code?: string;
  message: string;
}

export interface LmConsumerApi {
  selectChatModels(selector?: vscode.LanguageModelChatSelector): Promise<ModelInfo[]>;
  /** Resolves with the models once at least one matches, or rejects after `timeoutMs`. */
  waitForChatModels(selector: vscode.LanguageModelChatSelector, timeoutMs?: number): Promise<ModelInfo[]>;
  /** Rejects as `sendRequest` does (e.g. with a `vscode.LanguageModelError`). */
  sendRequest(options: SendOptions): Promise<SendResult>;
  countTokens(selector: vscode.LanguageModelChatSelector, text: string): Promise<number>;
  /** How often `vscode.lm.onDidChangeChatModels` fired since activation. */
  modelChangeCount(): number;
}

export function activate(context: vscode.ExtensionContext): LmConsumerApi {
  let modelChanges = 0;
  context.subscriptions.push(vscode.lm.onDidChangeChatModels(() => modelChanges++));

  const api: LmConsumerApi = {
    async selectChatModels(selector = {}) {
      return (await vscode.lm.selectChatModels(selector)).map(info);
    },
    waitForChatModels: (selector, timeoutMs = 10_000) => waitForChatModels(selector, timeoutMs),
    sendRequest,
    async countTokens(selector, text) {
      return (await pickModel(selector)).countTokens(text);
    },
    modelChangeCount: () => modelChanges,
  };

  // The same operations as commands, for callers outside this extension host's JS (e.g. the UI):
  // they resolve with `{ result }` or `{ error }`, never reject.
  const command = <A extends unknown[]>(id: string, fn: (...args: A) => Promise<unknown>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: A) => {
        try {
          return { result: await fn(...args) };
        } catch (err) {
          return { error: describeError(err) };
        }
      }),
    );
  };
  command('lmConsumer.selectChatModels', (selector?: vscode.LanguageModelChatSelector) => api.selectChatModels(selector));
  command('lmConsumer.sendRequest', (options: SendOptions) => api.sendRequest(options));
  command('lmConsumer.countTokens', (selector: vscode.LanguageModelChatSelector, text: string) => api.countTokens(selector, text));
  return api;
}

export function deactivate(): void {
  // nothing to release: the subscriptions go with the context
}

async function pickModel(selector: vscode.LanguageModelChatSelector): Promise<vscode.LanguageModelChat> {
  const [model] = await vscode.lm.selectChatModels(selector);
  if (!model) throw new Error(`no chat model matches ${JSON.stringify(selector)}`);
  return model;
}

async function waitForChatModels(selector: vscode.LanguageModelChatSelector, timeoutMs: number): Promise<ModelInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const models = await vscode.lm.selectChatModels(selector);
    if (models.length > 0) return models.map(info);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no chat model matched ${JSON.stringify(selector)} within ${timeoutMs} ms`);
    // Re-check on the next model change, or every 500 ms.
    await new Promise<void>((resolve) => {
      const sub = vscode.lm.onDidChangeChatModels(() => done());
      const timer = setTimeout(() => done(), Math.min(500, left));
      function done(): void {
        sub.dispose();
        clearTimeout(timer);
        resolve();
      }
    });
  }
}

async function sendRequest(options: SendOptions): Promise<SendResult> {
  const model = await pickModel(options.selector);
  const messages = typeof options.messages === 'string'
    ? [vscode.LanguageModelChatMessage.User(options.messages)]
    : options.messages.map(toMessage);
  const source = new vscode.CancellationTokenSource();
  const outer = options.token?.onCancellationRequested(() => source.cancel());
  if (options.token?.isCancellationRequested) source.cancel();
  const started = Date.now();
  const parts: ResponsePart[] = [];
  let firstPartMs: number | undefined;
  try {
    const response = await model.sendRequest(
      messages,
      { justification: options.justification, modelOptions: options.modelOptions, tools: options.tools, toolMode: options.toolMode },
      source.token,
    );
    if (options.cancelAfterParts === 0) source.cancel();
    for await (const part of response.stream) {
      firstPartMs ??= Date.now() - started;
      parts.push(describePart(part));
      if (options.cancelAfterParts !== undefined && parts.length >= options.cancelAfterParts) {
        source.cancel();
        break; // as a caller that stops listening would; whether the provider stops is for the test to check
      }
    }
  } catch (err) {
    // Cancelled on purpose: keep what arrived. Anything else is the caller's to see.
    if (!source.token.isCancellationRequested) throw err;
  } finally {
    outer?.dispose();
  }
  const cancelled = source.token.isCancellationRequested;
  source.dispose();
  return {
    model: info(model),
    text: parts.map((p) => (p.type === 'text' ? p.value : '')).join(''),
    parts,
    firstPartMs,
    durationMs: Date.now() - started,
    cancelled,
  };
}

/** The data part class, absent from @types/vscode 1.100 (stable since VS Code 1.104). */
interface DataPartClass {
  image(data: Uint8Array, mime: string): unknown;
}

function toMessage(turn: ChatTurn): vscode.LanguageModelChatMessage {
  if (turn.parts === undefined) {
    const text = turn.content ?? '';
    return turn.role === 'user' ? vscode.LanguageModelChatMessage.User(text) : vscode.LanguageModelChatMessage.Assistant(text);
  }
  const parts = turn.parts.map((part) => {
    switch (part.type) {
      case 'text':
        return new vscode.LanguageModelTextPart(part.value);
      case 'image': {
        const DataPart = (vscode as unknown as { LanguageModelDataPart?: DataPartClass }).LanguageModelDataPart;
        if (!DataPart) throw new Error(`vscode.LanguageModelDataPart is missing in VS Code ${vscode.version}`);
        return DataPart.image(Buffer.from(part.data, 'base64'), part.mimeType);
      }
      case 'toolCall':
        return new vscode.LanguageModelToolCallPart(part.callId, part.name, part.input);
      case 'toolResult': {
        const texts = typeof part.content === 'string' ? [part.content] : part.content;
        return new vscode.LanguageModelToolResultPart(part.callId, texts.map((t) => new vscode.LanguageModelTextPart(t)));
      }
    }
  });
  // The part lists are checked by the API at run time; @types/vscode 1.100 lacks the data part.
  type UserParts = Parameters<typeof vscode.LanguageModelChatMessage.User>[0];
  type AssistantParts = Parameters<typeof vscode.LanguageModelChatMessage.Assistant>[0];
  return turn.role === 'user'
    ? vscode.LanguageModelChatMessage.User(parts as UserParts)
    : vscode.LanguageModelChatMessage.Assistant(parts as AssistantParts);
}

function info(model: vscode.LanguageModelChat): ModelInfo {
  return {
    id: model.id, vendor: model.vendor, family: model.family, version: model.version, name: model.name, maxInputTokens: model.maxInputTokens,
  };
}

function describePart(part: unknown): ResponsePart {
  if (part instanceof vscode.LanguageModelTextPart) return { type: 'text', value: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { type: 'toolCall', callId: part.callId, name: part.name, input: part.input };
  return { type: 'other', value: safeJson(part) };
}

export function describeError(err: unknown): ErrorInfo {
  if (err instanceof vscode.LanguageModelError) return { name: err.name, code: err.code, message: err.message };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
