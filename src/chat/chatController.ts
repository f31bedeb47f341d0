// The chat: one conversation model in the extension, shown by every connected webview
// (side bar and panel alike). Webviews send intents; the controller changes the model,
// runs requests through the shared request flow and sends the views what changed:
// whole state on `ready` and structural changes, a turn when its status changes, and
// streamed text as deltas. One request at a time; the controller owns it (its
// AbortController), stoppable by the webview's Stop and Escape (by id) and by Stop
// Generating. Outcomes are shown in the turn itself, with the actions of the failure's kind.
import * as vscode from 'vscode';
import type { TokenUsage } from '../core/types';
import {
  addEstimatedUsage, blockRound, failRound, findTurn, isFinished, promptUserText, finishRound, newId, promptFor, startAskAgain, startAskSelected, startContinue, startRetry, stopRound,
  type Conversation, type EditorTurnRequest, type ErrorAction, type Turn,
} from '../core/chat/conversation';
import { chatErrorActions } from '../core/chat/errorActions';
import { droppedNotice, type ChatHistory } from '../core/chat/history';
import { conversationToMarkdown } from '../core/chat/markdownExport';
import { isEditorTurnRequest } from '../core/chat/validate';
import { CATALOG } from '../core/catalog';
import type { Attachment } from '../core/prompt';
import { redact } from '../core/bedrock/redact';
import { chooseModel, lineCount, routedConfig } from '../core/routing';
import { draftEstimate } from '../core/request/draftEstimate';
import { blockedMessage } from '../core/request/guardrailMessage';
import { StopRequest, type RequestOutcome } from '../core/request/outcome';
import { runRequestAction, settingsMessage } from '../requests/errorMessages';
import { runModelRequest } from '../requests/modelRequest';
import type { Services } from '../services';
import { updateSetting } from '../settings';
import type { ChatState, FromWebview, ToWebview } from '../shared/chatProtocol';
import { ChatStorage } from './chatStorage';
import { ChatPanels, ChatViewProvider, revealChatView } from './chatViews';
import { ChatWebview } from './chatWebview';
import { EditorActions } from './editorActions';
import { modelState } from './modelState';

/** The request in flight: the controller owns its AbortController from the start. */
interface Flight {
  requestId: string;
  turnId: string;
  controller: AbortController;
  /** Set while a model that does not stream works on the whole answer (shown with its elapsed time). */
  wholeAnswer?: { since: number; model: string };
  /** "Ask again": past the response cache, to Bedrock. */
  bypassCache?: boolean;
  /** "Ask <selected model>": past routing. */
  selectedModel?: boolean;
  done?: Promise<void>;
}

const KEPT_IMAGE_TURNS = 4;
const BUSY_NOTICE = 'Llama is still answering. Stop it first (Escape or the Stop button).';

export class ChatController implements vscode.Disposable {
  private readonly storage: ChatStorage;
  private readonly history: ChatHistory;
  private readonly webviews = new Set<ChatWebview>();
  private readonly editors = new EditorActions();
  private readonly panels: ChatPanels;
  private readonly view: ChatViewProvider;
  private readonly disposables: vscode.Disposable[];
  /** Images sent in this session, by turn, for Retry and Continue; they are not stored. */
  private readonly images = new Map<string, string[]>();
  private flight: Flight | undefined;
  private pending: Attachment | undefined;
  /** The AWS profile of each failed turn in this session, for Sign In (not stored with the history). */
  private readonly failures = new Map<string, string | undefined>();

  constructor(private readonly services: Services, context: vscode.ExtensionContext) {
    this.storage = new ChatStorage(context.workspaceState, services.log);
    this.history = this.storage.load();
    const connect = (webview: vscode.Webview) => this.connect(webview, context.extensionUri);
    this.panels = new ChatPanels(context.extensionUri, connect);
    this.view = new ChatViewProvider(connect);
    this.disposables = [
      this.editors,
      this.panels,
      services.settings.onDidChange((snapshot) => this.broadcast({ type: 'model', model: modelState(snapshot) })),
    ];
  }

  /** The side-bar view's provider and the panel serializer, registered at activation (src/extension.ts). */
  resolveWebviewView(view: vscode.WebviewView): void {
    this.view.resolveWebviewView(view);
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    return this.panels.deserializeWebviewPanel(panel);
  }

  /** `bedrockLlama.openChat`: reveals the chat. */
  openChat(): void {
    this.reveal();
  }

  /** The open conversation (read by tests and the benchmark; change it only through the controller). */
  get activeConversation(): Readonly<Conversation> {
    return this.history.active;
  }

  openPanel(): void {
    this.panels.open();
  }

  newChat(): void {
    this.history.startNew();
    this.changed();
    this.reveal();
    this.broadcast({ type: 'focusInput' });
  }

  /**
   * Adds a turn to the open conversation and streams its answer; resolves when the answer
   * has ended (any way). A request still in flight is stopped first: the user asked anew.
   */
  async startTurnFromEditor(request: EditorTurnRequest): Promise<void> {
    if (!isEditorTurnRequest(request)) {
      void vscode.window.showWarningMessage('Llama: the chat could not take that code (is it over 2 MB?).');
      return;
    }
    this.reveal();
    // Two quick Explain/Ask calls both wait here: each stops whatever is in flight when it gets its turn.
    while (this.flight) await this.stopFlight();
    const conversation = this.history.active;
    const turn = this.history.addTurn(conversation, { text: request.displayText, task: request.task, attachment: request.attachment });
    this.reportDropped();
    await this.begin(conversation, turn, `ext-${newId()}`);
  }

  /**
   * A conversation held elsewhere (VS Code's chat, @llama) opened here as a new conversation,
   * its answers as they were given, ready for follow-ups.
   */
  importConversation(turns: ReadonlyArray<{ request: EditorTurnRequest; answer: string; modelId?: string; usage?: TokenUsage; costUsd?: number }>): void {
    const valid = turns.filter((t) => isEditorTurnRequest(t.request));
    if (valid.length === 0) return;
    this.history.startNew();
    const conversation = this.history.active;
    for (const t of valid) {
      const turn = this.history.addTurn(conversation, { text: t.request.displayText, task: t.request.task, attachment: t.request.attachment });
      this.history.appendAnswer(conversation, turn, t.answer);
      turn.status = 'done';
      if (t.modelId) turn.modelId = t.modelId;
      // Shown under the answer as every answer's are (already on the meter: not booked again).
      if (t.usage && Number.isSafeInteger(t.usage.inputTokens) && Number.isSafeInteger(t.usage.outputTokens)) {
        turn.usage = { inputTokens: t.usage.inputTokens, outputTokens: t.usage.outputTokens };
        if (typeof t.costUsd === 'number' && Number.isFinite(t.costUsd)) turn.costUsd = t.costUsd;
      }
    }
    this.reportDropped();
    this.changed();
    this.reveal();
  }

  private reveal(): void {
    if (this.panels.isOpen) this.panels.open(true);
    else revealChatView().then(undefined, (err: unknown) => this.services.log.warn(`Chat: could not reveal the chat view: ${String(err)}`));
  }

  private connect(webview: vscode.Webview, extensionUri: vscode.Uri): ChatWebview {
    const chat = new ChatWebview(webview, extensionUri, (msg, from) => this.receive(msg, from), this.services.log, (w) => this.webviews.delete(w));
    this.webviews.add(chat);
    return chat;
  }

  private receive(msg: FromWebview, from: ChatWebview): void {
    switch (msg.type) {
      case 'ready':
        from.post({ type: 'state', state: this.state() });
        return;
      case 'send':
        return this.send(msg.requestId, msg.text, msg.images, from);
      case 'draft':
        return this.estimateDraft(msg.text, msg.images, from);
      case 'cancel':
        if (this.flight?.requestId === msg.requestId) this.flight.controller.abort(new StopRequest('user'));
        return;
      case 'continue':
      case 'retry':
      case 'askAgain':
      case 'askSelected':
        void this.resume(this.history.active, msg.turnId, msg.requestId, msg.type, from);
        return;
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        if (this.history.open(msg.id)) this.changed();
        return;
      case 'renameConversation':
        return this.rename(msg.id, msg.title);
      case 'deleteConversation':
        if (this.history.delete(msg.id)) this.changed();
        return;
      case 'exportConversation':
        void this.export(msg.id);
        return;
      case 'selectModel':
        if (msg.modelId === undefined) void vscode.commands.executeCommand('bedrockLlama.selectModel');
        else if (CATALOG.some((m) => m.id === msg.modelId)) void updateSetting('modelId', msg.modelId);
        return;
      case 'attach': {
        const outcome = this.editors.attachment(msg.source);
        if (outcome.ok) this.setPending(outcome.value);
        else from.post({ type: 'notice', message: outcome.notice });
        return;
      }
      case 'detach':
        return this.setPending(undefined);
      case 'copy':
        void this.editors.copy(msg.text);
        return;
      case 'insertCode':
        void this.editors.insert(msg.code, msg.replace).then((outcome) => {
          if (!outcome.ok) from.post({ type: 'notice', message: outcome.notice });
        });
        return;
      case 'openLink':
        if (!this.editors.openLink(msg.href)) this.services.log.warn(`Chat: did not open a link with an unsupported scheme: ${msg.href.slice(0, 100)}`);
        return;
      case 'runAction':
        return this.runAction(msg.action, msg.turnId);
      default: {
        const _exhaustive: never = msg;
        return _exhaustive;
      }
    }
  }

  /** The cost estimate of the message being written, as it would be sent now (history, attachment, images). */
  private estimateDraft(text: string, images: number, from: ChatWebview): void {
    const snapshot = this.services.settings.current;
    if (!snapshot.ok) return from.post({ type: 'estimate', text: '' }); // no stale figure while the settings are wrong
    const conversation = this.history.active;
    const message = text.trim() || (images ? 'What is in this image?' : '');
    const turns = conversation.turns.filter(isFinished).map((t) => ({ user: promptUserText(t), assistant: t.answer }));
    const attachment = this.pending ?? [...conversation.turns].reverse().find((t) => t.attachment)?.attachment;
    const prompt = { task: { kind: 'chat' as const, message }, turns, attachment, images: images || undefined };
    // Priced on the model the message would go to (bedrockLlama.taskModels.chat under routing).
    const { models } = this.services;
    const route = chooseModel(snapshot.config, { task: 'chat', lines: lineCount(attachment?.text), images }, models.available, { underlying: models.underlying });
    try {
      from.post({ type: 'estimate', text: message ? draftEstimate(routedConfig(snapshot.config, route), prompt) : '' });
    } catch (err) {
      this.services.log.warn(`Chat: could not estimate the draft's cost: ${String(err)}`);
    }
  }

  private send(requestId: string, text: string, images: string[], from: ChatWebview): void {
    if (this.flight) return from.post({ type: 'notice', message: BUSY_NOTICE });
    const message = text.trim() || (images.length ? 'What is in this image?' : '');
    if (!message) return;
    const conversation = this.history.active;
    const turn = this.history.addTurn(conversation, { text: message, task: { kind: 'chat', message }, attachment: this.pending, images: images.length });
    this.reportDropped();
    if (images.length) this.keepImages(turn.id, images);
    this.setPending(undefined);
    void this.begin(conversation, turn, requestId);
  }

  /** Images of the latest few turns only: enough for Retry and Continue, bounded in memory. */
  private keepImages(turnId: string, images: string[]): void {
    this.images.set(turnId, images);
    for (const key of this.images.keys()) {
      if (this.images.size <= KEPT_IMAGE_TURNS) break;
      this.images.delete(key);
    }
  }

  /** "Ask again" on a turn answered from the response cache (the webview's `askAgain`); resolves when the new answer ended. */
  askAgain(turnId: string): Promise<void> {
    return this.resume(this.history.active, turnId, `ext-${newId()}`, 'askAgain');
  }

  private async resume(conversation: Conversation, turnId: string, requestId: string, how: 'continue' | 'retry' | 'askAgain' | 'askSelected', from?: ChatWebview): Promise<void> {
    if (this.flight) return from?.post({ type: 'notice', message: BUSY_NOTICE });
    const turn = findTurn(conversation, turnId);
    const start = { continue: startContinue, retry: startRetry, askAgain: startAskAgain, askSelected: startAskSelected }[how];
    if (!turn || !start(turn)) return;
    await this.begin(conversation, turn, requestId, { bypassCache: how === 'askAgain', selectedModel: how === 'askSelected' });
  }

  /** Runs a round of `turn` (already set streaming) as the one request in flight. */
  private begin(conversation: Conversation, turn: Turn, requestId: string, how: Pick<Flight, 'bypassCache' | 'selectedModel'> = {}): Promise<void> {
    const flight: Flight = { requestId, turnId: turn.id, controller: new AbortController(), ...how };
    this.flight = flight;
    this.postTurn(conversation, turn);
    this.broadcast({ type: 'busy', busy: { requestId, turnId: turn.id } });
    this.broadcast({ type: 'history', items: this.history.list() });
    flight.done = this.run(conversation, turn, flight)
      .catch((err: unknown) => {
        this.services.log.error(`Chat request ${requestId} failed unexpectedly: ${String(err)}`);
        failRound(turn, { message: redact(`The request failed: ${err instanceof Error ? err.message : String(err)}`), actions: ['showLog'] });
      })
      .finally(() => {
        if (this.flight === flight) this.flight = undefined;
        this.postTurn(conversation, turn);
        this.broadcast({ type: 'busy' });
        this.reportDropped();
        this.storage.save(this.history);
      });
    return flight.done;
  }

  private async run(conversation: Conversation, turn: Turn, flight: Flight): Promise<void> {
    const snapshot = this.services.settings.current;
    const images = this.images.get(turn.id) ?? [];
    if (snapshot.ok && images.length > 0 && !snapshot.config.model.vision) {
      return failRound(turn, {
        message: `${snapshot.config.modelId} does not accept images. Pick Llama 4 Scout or Maverick, or Llama 3.2 11B or 90B Vision Instruct, or send the message without the image.`,
        actions: ['selectModel'],
      });
    }
    // The chat shows progress, Stop and errors itself.
    const outcome = await runModelRequest(this.services, {
      prompt: images.length ? { ...promptFor(conversation, turn), images: images.length } : promptFor(conversation, turn),
      images: images.length ? images : undefined,
      bypassCache: flight.bypassCache,
      selectedModel: flight.selectedModel,
    }, { kind: 'chat' }, flight.controller, {
      text: (delta) => {
        this.history.appendAnswer(conversation, turn, delta);
        this.broadcast({ type: 'delta', conversationId: conversation.id, turnId: turn.id, text: delta });
      },
      // The turn shows the wait with its elapsed time; Stop and Escape work as for a stream.
      wholeAnswer: (modelId) => {
        if (this.flight !== flight) return;
        flight.wholeAnswer = { since: Date.now(), model: modelId };
        this.broadcast({ type: 'busy', busy: { requestId: flight.requestId, turnId: turn.id, wholeAnswer: flight.wholeAnswer } });
      },
    });
    this.settle(turn, outcome);
  }

  private settle(turn: Turn, outcome: RequestOutcome): void {
    switch (outcome.kind) {
      case 'ok':
        return finishRound(turn, { stopReason: outcome.stopReason, usage: outcome.meter.usage, costUsd: outcome.meter.costUsd, modelId: outcome.configModelId, cached: outcome.cached, routed: outcome.routed?.reason });
      case 'stopped':
        if (outcome.meter) addEstimatedUsage(turn, outcome.meter.usage, outcome.meter.costUsd, outcome.configModelId);
        return stopRound(turn);
      case 'failed':
        if (outcome.meter) addEstimatedUsage(turn, outcome.meter.usage, outcome.meter.costUsd, outcome.configModelId);
        // Messages are redacted where they are made; this is the last exit before history and exports.
        this.failures.set(turn.id, outcome.failure.profile);
        return failRound(turn, { message: redact(outcome.failure.message), actions: chatErrorActions(outcome.failure) });
      case 'blocked':
        // Text that streamed before Bedrock said a guardrail intervened is not an answer either.
        turn.answer = turn.answer.slice(0, turn.roundStart);
        return blockRound(turn, { usage: outcome.meter.usage, costUsd: outcome.meter.costUsd, modelId: outcome.configModelId, message: blockedMessage(outcome) });
      case 'notSent':
        return failRound(turn, { message: outcome.message, actions: outcome.reason === 'budget' ? ['openSettings'] : [] });
      case 'invalidSettings':
        return failRound(turn, { message: settingsMessage(outcome.errors), actions: ['openSettings'] });
      case 'promptTooLong':
        return failRound(turn, { message: outcome.message, actions: ['selectModel', 'openSettings'] });
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  private async stopFlight(): Promise<void> {
    const flight = this.flight;
    if (!flight) return;
    flight.controller.abort(new StopRequest('replaced'));
    await flight.done;
  }

  private rename(id: string, title: string | undefined): void {
    if (title !== undefined) {
      if (this.history.rename(id, title)) this.changed();
      return;
    }
    const current = this.history.get(id)?.title;
    void vscode.window.showInputBox({ title: 'Llama: Rename Chat', value: current, prompt: 'A new name for the conversation' }).then((name) => {
      if (name && this.history.rename(id, name)) this.changed();
    });
  }

  /** Opens the conversation as an untitled Markdown document; the user saves it where they like. */
  private async export(id: string): Promise<void> {
    const conversation = this.history.get(id);
    if (!conversation) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: conversationToMarkdown(conversation) });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** A failed turn's action button: the same actions as the notifications (Sign In then offers Retry of that turn). */
  private runAction(action: ErrorAction, turnId: string | undefined): void {
    const conversation = this.history.active;
    const retry = turnId ? () => this.resume(conversation, turnId, `ext-${newId()}`, 'retry') : undefined;
    runRequestAction(action, this.services.log, { retry, profile: turnId ? this.failures.get(turnId) : undefined });
  }

  private setPending(attachment: Attachment | undefined): void {
    this.pending = attachment;
    this.broadcast({ type: 'pending', attachment });
  }

  private state(): ChatState {
    const state: ChatState = { conversation: this.history.active, history: this.history.list(), model: modelState(this.services.settings.current) };
    if (this.flight) {
      const { requestId, turnId, wholeAnswer } = this.flight;
      state.busy = wholeAnswer ? { requestId, turnId, wholeAnswer } : { requestId, turnId };
    }
    if (this.pending) state.pending = this.pending;
    return state;
  }

  /** Tells every view when the history caps removed older content: the whole state, and a notice that says what went. */
  private reportDropped(): void {
    const dropped = this.history.takeDropped();
    if (dropped.length === 0) return;
    this.broadcast({ type: 'state', state: this.state() });
    const notice = droppedNotice(dropped);
    if (notice) this.broadcast({ type: 'notice', message: notice });
  }

  /** Something other than a turn changed (open, new, rename, delete): every view gets the whole state. */
  private changed(): void {
    const state = this.state();
    this.broadcast({ type: 'state', state });
    this.storage.save(this.history);
  }

  private postTurn(conversation: Conversation, turn: Turn): void {
    this.broadcast({ type: 'turn', conversationId: conversation.id, title: conversation.title, turn });
  }

  private broadcast(msg: ToWebview): void {
    for (const webview of this.webviews) webview.post(msg);
  }

  dispose(): void {
    this.flight?.controller.abort(new StopRequest('user'));
    this.storage.save(this.history);
    for (const d of this.disposables) d.dispose();
  }
}
