// The chat's conversation model: plain data plus the operations that move a turn through
// its life (streaming → done | cut | stopped | error, and back to streaming on Continue or
// Retry). The extension owns it; webviews only render copies of it.
import type { Attachment, Task } from '../prompt';
import type { Routed } from '../request/outcome';
import type { ChatTurn, StopReason, TokenUsage } from '../types';

/** Why a round went to another model than the selected one. */
export type RouteReason = Routed['reason'];

/** What a chat turn asks of the model (the chat does not summarize). */
export type ChatTask = Exclude<Task, { kind: 'summarize' }>;

export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'cut' | 'error';

/** Follow-up actions an error offers beside Retry. */
export type ErrorAction = 'signIn' | 'setApiKey' | 'selectModel' | 'openSettings' | 'showLog';

export interface TurnError {
  /** What went wrong and what to do (BedrockLlamaError.userMessage). */
  message: string;
  actions: ErrorAction[];
}

export interface Turn {
  id: string;
  /** The user's message as shown, e.g. the question, or "Explain app.ts:3-10". */
  text: string;
  task: ChatTask;
  attachment?: Attachment;
  /** How many images went with the message (the images themselves are not kept). */
  images: number;
  answer: string;
  status: TurnStatus;
  /** Length of `answer` when the latest round began: Retry runs that round again from here. */
  roundStart: number;
  /** Bedrock's counts, summed over the rounds that finished. */
  usage?: TokenUsage;
  /** USD over the same rounds; undefined when some round's price is unknown. */
  costUsd?: number;
  /** Some round was stopped or failed after Bedrock accepted it: its usage is a local estimate. */
  estimated?: boolean;
  /** The latest round was answered from the response cache ("cached · $0"); Ask again goes to Bedrock. */
  cached?: boolean;
  modelId?: string;
  /** Routing sent the latest round to `modelId` instead of the selected model: "Ask <selected model>" is offered. */
  routed?: RouteReason;
  error?: TurnError;
  /** Epoch ms. */
  createdAt: number;
}

export interface Conversation {
  id: string;
  /** Empty until the first message (or a rename) gives it one. */
  title: string;
  turns: Turn[];
  createdAt: number;
  updatedAt: number;
  /** Earlier turns removed to keep the history within its limits (absent: none, or stored before there were limits). */
  trimmed?: number;
}

export interface NewTurn {
  text: string;
  task: ChatTask;
  attachment?: Attachment;
  images?: number;
}

/** A turn started from the editor (Explain Selection, Ask About Selection…). */
export interface EditorTurnRequest {
  task: ChatTask;
  attachment?: Attachment;
  /** The user's message as shown, e.g. "Explain app.ts:3-10". */
  displayText: string;
}

export interface RoundResult {
  stopReason: StopReason | undefined;
  usage: TokenUsage;
  costUsd: number | undefined;
  modelId: string;
  /** Replayed from the response cache (costUsd 0). */
  cached?: boolean;
  /** Routing chose `modelId` (absent: the selected model answered). */
  routed?: RouteReason;
}

/** What the prompt builder needs for a turn's next round. */
export interface TurnPrompt {
  task: ChatTask;
  attachment?: Attachment;
  turns: ChatTurn[];
  continueFrom?: string;
}

const TITLE_MAX = 60;

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

export function createConversation(now = Date.now()): Conversation {
  return { id: newId(), title: '', turns: [], createdAt: now, updatedAt: now };
}

/** Adds a user message and the answer it is about to receive; the first one titles the conversation. */
export function addTurn(conversation: Conversation, input: NewTurn, now = Date.now()): Turn {
  const turn: Turn = {
    id: newId(),
    text: input.text,
    task: input.task,
    images: input.images ?? 0,
    answer: '',
    status: 'streaming',
    roundStart: 0,
    createdAt: now,
  };
  if (input.attachment) turn.attachment = input.attachment;
  conversation.turns.push(turn);
  if (!conversation.title) conversation.title = titleFrom(input.text);
  conversation.updatedAt = now;
  return turn;
}

export function findTurn(conversation: Conversation, turnId: string): Turn | undefined {
  return conversation.turns.find((t) => t.id === turnId);
}

export function appendAnswer(turn: Turn, delta: string): void {
  turn.answer += delta;
}

export function canContinue(turn: Turn): boolean {
  return turn.status === 'cut';
}

export function canRetry(turn: Turn): boolean {
  return turn.status === 'error' || turn.status === 'stopped';
}

/** Continue after a `length` stop: the next round appends to the same answer. */
export function startContinue(turn: Turn): boolean {
  if (!canContinue(turn)) return false;
  turn.roundStart = turn.answer.length;
  delete turn.cached; // the next round is Bedrock's, and billed
  turn.status = 'streaming';
  return true;
}

/** Retry a failed or stopped round: its partial text goes, earlier rounds stay. */
export function startRetry(turn: Turn): boolean {
  if (!canRetry(turn)) return false;
  turn.answer = turn.answer.slice(0, turn.roundStart);
  turn.status = 'streaming';
  delete turn.error;
  delete turn.cached;
  return true;
}

/** "Ask again" on an answer from the response cache: that round goes again, to Bedrock, and replaces it. */
export function canAskAgain(turn: Turn): boolean {
  return turn.cached === true && (turn.status === 'done' || turn.status === 'cut');
}

export function startAskAgain(turn: Turn): boolean {
  return canAskAgain(turn) && restartRound(turn);
}

/** "Ask <selected model>" on an answer routing sent to another model: that round again, on the selected model. */
export function canAskSelected(turn: Turn): boolean {
  return turn.routed !== undefined && (turn.status === 'done' || turn.status === 'cut');
}

export function startAskSelected(turn: Turn): boolean {
  return canAskSelected(turn) && restartRound(turn);
}

/** The latest round goes again and replaces its answer. */
function restartRound(turn: Turn): true {
  turn.answer = turn.answer.slice(0, turn.roundStart);
  // The replaced round's tokens go with its text; a whole-turn replay leaves no usage behind.
  if (turn.roundStart === 0) {
    delete turn.usage;
    delete turn.costUsd;
    delete turn.estimated;
  }
  delete turn.cached;
  delete turn.routed;
  turn.status = 'streaming';
  return true;
}

export function finishRound(turn: Turn, result: RoundResult): void {
  addUsage(turn, result.usage, result.costUsd);
  turn.modelId = result.modelId;
  if (result.cached) turn.cached = true;
  else delete turn.cached;
  if (result.routed) turn.routed = result.routed;
  else delete turn.routed;
  turn.status = result.stopReason === 'length' ? 'cut' : 'done';
}

/** A stopped or failed round that Bedrock billed: its estimated usage counts on the turn, marked as an estimate. */
export function addEstimatedUsage(turn: Turn, usage: TokenUsage, costUsd: number | undefined, modelId: string): void {
  addUsage(turn, usage, costUsd);
  turn.estimated = true;
  turn.modelId ??= modelId;
}

/** Sums a round's usage into the turn; the cost stays unknown once any round's is. */
function addUsage(turn: Turn, usage: TokenUsage, costUsd: number | undefined): void {
  const first = turn.usage === undefined;
  turn.usage = {
    inputTokens: (turn.usage?.inputTokens ?? 0) + usage.inputTokens,
    outputTokens: (turn.usage?.outputTokens ?? 0) + usage.outputTokens,
  };
  const cost = first ? costUsd : turn.costUsd === undefined || costUsd === undefined ? undefined : turn.costUsd + costUsd;
  if (cost === undefined) delete turn.costUsd;
  else turn.costUsd = cost;
}

/**
 * A guardrail blocked the round: Bedrock's counts go on the turn, and the guardrail's message
 * is shown as what it is, an error, never as the answer.
 */
export function blockRound(turn: Turn, result: { usage: TokenUsage; costUsd: number | undefined; modelId: string; message: string }): void {
  addUsage(turn, result.usage, result.costUsd);
  turn.modelId = result.modelId;
  failRound(turn, { message: result.message, actions: ['openSettings'] });
}

/** The user stopped it: the text so far is kept as the answer. */
export function stopRound(turn: Turn): void {
  turn.status = 'stopped';
}

/** The request failed: the partial text stays visible beside the error. */
export function failRound(turn: Turn, error: TurnError): void {
  turn.status = 'error';
  turn.error = error;
}

/** A turn whose exchange can go to the model as history: it has an answer that ended on its own or by the user. */
export function isFinished(turn: Turn): boolean {
  return (turn.status === 'done' || turn.status === 'cut' || turn.status === 'stopped') && turn.answer.trim() !== '';
}

/** The user side of a turn as the model saw it (an Explain turn's own text names the code). */
export function promptUserText(turn: Turn): string {
  switch (turn.task.kind) {
    case 'chat': return turn.task.message;
    case 'ask': return turn.task.question;
    case 'explain': return turn.text;
  }
}

/**
 * The prompt input of a turn's next round: finished exchanges before it as `turns`, and
 * its own attachment or else the latest earlier one, so follow-ups still see the code.
 */
export function promptFor(conversation: Conversation, turn: Turn): TurnPrompt {
  const index = conversation.turns.indexOf(turn);
  const earlier = index < 0 ? [] : conversation.turns.slice(0, index);
  const turns = earlier.filter(isFinished).map((t) => ({ user: promptUserText(t), assistant: t.answer }));
  const attachment = turn.attachment ?? [...earlier].reverse().find((t) => t.attachment)?.attachment;
  const prompt: TurnPrompt = { task: turn.task, turns };
  if (attachment) prompt.attachment = attachment;
  if (turn.answer) prompt.continueFrom = turn.answer;
  return prompt;
}

/** A title from the first line of the first message. */
export function titleFrom(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const clean = line.replace(/\s+/g, ' ');
  return clean.length > TITLE_MAX ? `${clean.slice(0, TITLE_MAX - 1).trimEnd()}…` : clean;
}

/** What the transcript shows above a conversation whose earlier turns were removed. */
export function trimmedNote(conversation: Conversation): string | undefined {
  const n = conversation.trimmed ?? 0;
  if (n <= 0) return undefined;
  return `${n === 1 ? '1 earlier turn was' : `${n} earlier turns were`} removed to stay within the history limit.`;
}

/** Where an attachment comes from, e.g. `app.ts:3-10`. */
export function attachmentLabel(a: Attachment): string {
  const name = a.fileName ?? 'selection';
  if (a.startLine === undefined) return name;
  return a.endLine === undefined || a.endLine === a.startLine ? `${name}:${a.startLine}` : `${name}:${a.startLine}-${a.endLine}`;
}
