// Turns a task (explain, summarize, ask, chat) and its context into one prompt string for
// the model's chat template, fitted into the context window: oldest chat turns go first,
// then the middle of the attachment, with a visible marker. Counting stays proportional to
// the window, not to the attachment: lines are counted from both ends only until the
// budget is full, so a 400 KB file costs no more than a 30 KB one.
import { neutralize, renderPrompt } from './templates';
import { estimateMargin, tokenEstimate } from './tokenCount';
import type { ChatTurn, ModelFamily } from './types';

export type Task =
  | { kind: 'explain' }
  | { kind: 'summarize' }
  | { kind: 'ask'; question: string }
  | { kind: 'chat'; message: string };

export interface Attachment {
  fileName?: string;
  languageId?: string;
  text: string;
  /** 1-based, as shown in the editor. */
  startLine?: number;
  endLine?: number;
}

export interface PromptInput {
  family: ModelFamily;
  contextWindow: number;
  maxGenLen: number;
  task: Task;
  attachment?: Attachment;
  /** Earlier exchanges of a chat, oldest first. */
  turns?: ChatTurn[];
  systemPrompt?: string;
  responseLanguage?: string;
  images?: number;
  /** Partial answer after stop_reason 'length', to be continued. */
  continueFrom?: string;
  /** Token counter; default: the estimator (`tokenEstimate`). Pass the exact tokenizer once loaded. */
  countTokens?: (text: string) => number;
  /** Fraction added to counts as a safety margin; default `estimateMargin(family)` with the estimator, 0 with `countTokens`. */
  countMargin?: number;
}

export interface BuiltPrompt {
  prompt: string;
  /** Counted with the counter in use, without the margin. */
  promptTokens: number;
  cuts: {
    droppedTurns: number;
    /** About how many tokens of the attachment were left out (scaled from the counted lines). */
    trimmedAttachmentTokens: number;
  };
}

export class PromptTooLongError extends Error {
  constructor(readonly neededTokens: number, readonly availableTokens: number, contextWindow: number, maxGenLen: number) {
    super(
      `The system prompt and message alone need about ${neededTokens} tokens (without any code or earlier turns), ` +
      `but only ${Math.max(0, availableTokens)} fit ` +
      `(context window ${contextWindow} tokens, ${maxGenLen} reserved for the answer). ` +
      'Shorten the message or system prompt, choose a model with a larger context window, or lower bedrockLlama.maxGenLen.',
    );
    this.name = 'PromptTooLongError';
  }
}

export const BASE_SYSTEM_PROMPT =
  'You are a helpful coding assistant working inside a code editor. Be concise and accurate. ' +
  'When you show code, use fenced Markdown code blocks.';

/** The system message: base prompt, the user's own system prompt, the answer language. */
export function systemMessage(input: Pick<PromptInput, 'systemPrompt' | 'responseLanguage'>): string {
  const parts = [BASE_SYSTEM_PROMPT];
  if (input.systemPrompt?.trim()) parts.push(input.systemPrompt.trim());
  if (input.responseLanguage?.trim()) parts.push(`Answer in ${input.responseLanguage.trim()}.`);
  return parts.join('\n\n');
}

/** The user message around the attachment: what comes before its code lines and after them. */
interface MessageFrame {
  before: string;
  after: string;
  /** The message with no attachment at all. */
  bare: string;
}

function frame(task: Task, attachment: Attachment | undefined): MessageFrame {
  const bare = taskWording(task, false).filter(Boolean).join('\n\n');
  if (!attachment) return { before: bare, after: '', bare };
  const [lead, tail] = taskWording(task, true);
  const fence = fenceFor(attachment.text);
  const header = attachmentHeader(attachment);
  const before = `${lead ? `${lead}\n\n` : ''}${header ? `${header}\n` : ''}${fence}${attachment.languageId ?? ''}\n`;
  const after = `${attachment.text.endsWith('\n') ? '' : '\n'}${fence}${tail ? `\n\n${tail}` : ''}`;
  return { before, after, bare };
}

function taskWording(task: Task, hasCode: boolean): [string, string] {
  switch (task.kind) {
    case 'explain':
      return ['Explain what the following code does, for a developer who is reading it.', ''];
    case 'summarize':
      return ['Summarize what the following code does, as a concise comment to put above it: a few lines of plain text. ' +
        'Do not use Markdown, code fences or comment markers.', ''];
    case 'ask':
      return [hasCode ? 'Answer my question about the following code.' : '', task.question];
    case 'chat':
      return [hasCode ? 'For context, here is the code I am looking at.' : '', task.message];
  }
}

function attachmentHeader(a: Attachment): string {
  const lines = a.startLine === undefined ? '' : a.endLine === undefined || a.endLine === a.startLine
    ? `line ${a.startLine}` : `lines ${a.startLine}–${a.endLine}`;
  if (a.fileName) return `File: ${a.fileName}${lines ? ` (${lines})` : ''}`;
  return lines ? `Selection (${lines})` : '';
}

/** A fence longer than any backtick run at a line start in the code, so the block cannot end early. */
function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/^[ \t]*(`{3,})/gm)) longest = Math.max(longest, m[1].length);
  return '`'.repeat(longest + 1);
}

export function omissionMarker(lines: number): string {
  return `… [${lines} line${lines === 1 ? '' : 's'} omitted to fit the model's context window] …\n`;
}

/** Pieces whose token counts add up exactly: cuts fall after a run of line breaks, where Llama 3's pre-tokenizer splits anyway. */
export function splitPieces(text: string, maxPiece = 2000): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === 10 || next === 13) continue;
    pushChunks(pieces, text.slice(start, i + 1), maxPiece);
    start = i + 1;
  }
  if (start < text.length) pushChunks(pieces, text.slice(start), maxPiece);
  return pieces;
}

// Minified or generated text: one line can be the whole file, so it is cut into chunks.
function pushChunks(out: string[], piece: string, maxPiece: number): void {
  for (let i = 0; i < piece.length; i += maxPiece) out.push(piece.slice(i, i + maxPiece));
}

export function buildPrompt(input: PromptInput): BuiltPrompt {
  const { family } = input;
  // A file's CR LF line ends become LF, as in the template: the model reads the same text, and
  // the prompt Show Last Prompt displays (one kind of line end per document) is the one sent.
  const attachment = input.attachment && { ...input.attachment, text: input.attachment.text.replace(/\r\n?/g, '\n') };
  const count = input.countTokens ?? ((text: string) => tokenEstimate(text, family));
  const margin = input.countMargin ?? (input.countTokens ? 0 : estimateMargin(family));
  const available = input.contextWindow - input.maxGenLen;
  const budget = available / (1 + margin);
  const system = systemMessage(input);
  const turns = input.turns ?? [];
  const frameParts = frame(input.task, attachment);
  const render = (user: string, kept: ChatTurn[]) =>
    renderPrompt(family, { system, turns: kept, user, assistantPrefix: input.continueFrom, images: input.images });

  const bareTokens = count(render(frameParts.bare, []));
  if (bareTokens > budget) throw new PromptTooLongError(Math.ceil(bareTokens * (1 + margin)), available, input.contextWindow, input.maxGenLen);

  // Each turn's share, as the difference it makes to an otherwise empty prompt.
  const empty = count(renderPrompt(family, { turns: [], user: '' }));
  const turnTokens = turns.map((t) => count(renderPrompt(family, { turns: [t], user: '' })) - empty);

  const fixed = attachment ? count(render(frameParts.before + frameParts.after, [])) : bareTokens;
  // Neutralised before counting so the counts see what is sent (rendering it again changes nothing).
  const body = attachment
    ? fitBody(neutralize(attachment.text, family), budget - fixed, count)
    : { text: '', tokens: 0, omittedTokens: 0, cut: 'none' as const };
  let user = attachment ? frameParts.before + body.text + frameParts.after : frameParts.bare;
  let used = fixed + body.tokens;
  if (body.cut === 'all') {
    // Not even the marker fits beside the message: leave the attachment out altogether.
    user = frameParts.bare;
    used = bareTokens;
  }

  // Oldest turns go first; once the attachment had to be cut, none could stay.
  let first = body.cut === 'none' ? 0 : turns.length;
  let turnSum = turnTokens.slice(first).reduce((a, b) => a + b, 0);
  while (first < turns.length && used + turnSum > budget) turnSum -= turnTokens[first++];
  const kept = turns.slice(first);
  return {
    prompt: render(user, kept),
    promptTokens: Math.ceil(used + turnSum),
    cuts: { droppedTurns: first, trimmedAttachmentTokens: Math.round(body.omittedTokens) },
  };
}

interface FittedBody {
  text: string;
  tokens: number;
  omittedTokens: number;
  /** 'all': not even the omission marker fits beside the message. */
  cut: 'none' | 'middle' | 'all';
}

/** The attachment's code as is if it fits in `limit` tokens, else its head and tail around a marker. */
function fitBody(text: string, limit: number, count: (text: string) => number): FittedBody {
  const pieces = splitPieces(text);
  const counts = new Float64Array(pieces.length).fill(-1);
  const costOf = (i: number) => (counts[i] >= 0 ? counts[i] : (counts[i] = count(pieces[i])));

  // Count from both ends until everything is counted or the budget is exceeded.
  let sum = 0;
  for (let h = 0, t = pieces.length - 1; h <= t && sum <= limit; h++, t--) {
    sum += costOf(h);
    if (t > h) sum += costOf(t);
  }
  if (sum <= limit) return { text, tokens: sum, omittedTokens: 0, cut: 'none' };

  // Middle cut: the head takes up to half, the tail the rest, then the head any leftover.
  const marker = count(omissionMarker(pieces.length));
  const room = limit - marker;
  if (room < 0) {
    for (let i = 0; i < Math.min(pieces.length, 32); i++) costOf(i); // a sample for the tokens-per-character rate
    return { text: '', tokens: 0, omittedTokens: estimateCounted(pieces, counts, 0, pieces.length), cut: 'all' };
  }
  let head = 0;
  let tail = pieces.length;
  let used = 0;
  while (head < tail && used + costOf(head) <= room / 2) used += costOf(head++);
  while (tail > head && used + costOf(tail - 1) <= room) used += costOf(--tail);
  while (head < tail && used + costOf(head) <= room) used += costOf(head++);

  const headText = pieces.slice(0, head).join('');
  const omittedLines = Math.max(1, countLines(pieces, head, tail));
  const markerText = (headText === '' || headText.endsWith('\n') ? '' : '\n') + omissionMarker(omittedLines);
  return {
    text: headText + markerText + pieces.slice(tail).join(''),
    tokens: used + count(markerText),
    omittedTokens: estimateCounted(pieces, counts, head, tail),
    cut: 'middle',
  };
}

/** Lines in pieces[from, to), a last one without its line break included. */
function countLines(pieces: string[], from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) {
    for (let j = pieces[i].indexOf('\n'); j !== -1; j = pieces[i].indexOf('\n', j + 1)) lines++;
  }
  return to > from && !pieces[to - 1].endsWith('\n') ? lines + 1 : lines;
}

/** Tokens of pieces[from, to): counted ones as counted, the rest scaled by the counted ones' tokens per character. */
function estimateCounted(pieces: string[], counts: Float64Array, from: number, to: number): number {
  let countedTokens = 0;
  let countedChars = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] >= 0) { countedTokens += counts[i]; countedChars += pieces[i].length; }
  }
  const perChar = countedChars > 0 ? countedTokens / countedChars : 0.25;
  let tokens = 0;
  for (let i = from; i < to; i++) tokens += counts[i] >= 0 ? counts[i] : pieces[i].length * perChar;
  return tokens;
}
