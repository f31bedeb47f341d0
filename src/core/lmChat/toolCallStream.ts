// Splits a streamed answer into text and tool calls. Plain text streams out as soon as its
// first characters rule out a call (callOpeners.ts); an answer that opens like a call to an
// offered tool is held and parsed once complete, as Meta's reference parses a whole answer
// (models/llama3/chat_format.py `decode_assistant_message_from_content`). A call that turns
// out malformed, names an unknown tool or grows past the limit comes out as text instead.
// Memory stays bounded: text is never kept, a held call at most `maxCallChars`.
import { callStart, verdict } from './callOpeners';
import { parseJsonCalls } from './jsonCalls';
import { parsePythonCalls, type RawCall } from './pythonCalls';
import type { ParsedToolCall } from './types';

export interface ToolCallStreamOptions {
  /** Longest call held back, in characters; a longer one is given up and shown as text. Default 256 Ki. */
  maxCallChars?: number;
  /** Makes the ids of found calls; default `call_` + a random UUID. */
  newCallId?: () => string;
}

export interface StreamEnd {
  /** Text not yet returned by `push` (a held answer that was no call). */
  text: string;
  toolCalls: ParsedToolCall[];
}

/** Longest answer start kept undecided (white space, a tag, a long tool name). */
const MAX_UNDECIDED = 512;
// End markers a call may carry if the service passes control tokens through as text.
const END_MARKERS = ['<|eom_id|>', '<|eot_id|>', '<|eom|>', '<|eot|>', '<|python_end|>'];

/** The call text without surrounding white space and trailing end markers (a loop, not a regex: linear on long white space). */
function callBody(s: string): string {
  let body = s.trim();
  for (let m = END_MARKERS.find((e) => body.endsWith(e)); m; m = END_MARKERS.find((e) => body.endsWith(e))) {
    body = body.slice(0, -m.length).trimEnd();
  }
  return body;
}

function defaultCallId(): string {
  return `call_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
}

export class ToolCallStream {
  private mode: 'undecided' | 'text' | 'call';
  private pending = '';
  private held: string[] = [];
  private heldChars = 0;
  private readonly names: ReadonlySet<string>;
  private readonly maxCallChars: number;
  private readonly newCallId: () => string;

  /** `tools`: the offered tools (or their names); none: every answer is text. */
  constructor(tools: Iterable<string | { name: string }>, options: ToolCallStreamOptions = {}) {
    this.names = new Set([...tools].map((t) => (typeof t === 'string' ? t : t.name)));
    this.mode = this.names.size > 0 ? 'undecided' : 'text';
    this.maxCallChars = options.maxCallChars ?? 256 * 1024;
    this.newCallId = options.newCallId ?? defaultCallId;
  }

  /** Feeds the next piece of the answer; returns the text that can be shown now ('' while undecided or in a call). */
  push(chunk: string): string {
    if (this.mode === 'text') return chunk;
    if (this.mode === 'call') return this.hold(chunk);
    this.pending += chunk;
    const v = verdict(this.pending, this.names);
    if (v === 'no' || (v === 'maybe' && this.pending.length > MAX_UNDECIDED)) return this.toText(this.pending);
    if (v === 'maybe') return '';
    this.mode = 'call';
    const start = this.pending;
    this.pending = '';
    return this.hold(start);
  }

  /** The answer is complete: the rest of its text and the calls it made. */
  end(): StreamEnd {
    if (this.mode === 'text') return { text: '', toolCalls: [] };
    const whole = this.mode === 'call' ? this.held.join('') : this.pending;
    this.held = [];
    this.pending = '';
    const calls = this.mode === 'call' ? this.parse(whole) : undefined;
    if (calls) {
      this.mode = 'text';
      return { text: '', toolCalls: calls.map((c) => ({ callId: this.newCallId(), name: c.name, input: c.input })) };
    }
    return { text: this.toText(whole), toolCalls: [] };
  }

  private hold(chunk: string): string {
    this.held.push(chunk);
    this.heldChars += chunk.length;
    if (this.heldChars <= this.maxCallChars) return '';
    const whole = this.held.join('');
    this.held = [];
    return this.toText(whole);
  }

  /** From now on everything is text; a leading call tag is a control marker, not text to show. */
  private toText(start: string): string {
    this.mode = 'text';
    this.pending = '';
    const s = callStart(start);
    return s?.tagged ? start.slice(s.at) : start;
  }

  private parse(whole: string): RawCall[] | undefined {
    const start = callStart(whole);
    if (!start) return undefined;
    const body = callBody(whole.slice(start.at));
    const calls = body.startsWith('[') ? parsePythonCalls(body) : parseJsonCalls(body);
    return calls?.every((c) => this.names.has(c.name)) ? calls : undefined;
  }
}

/** The whole answer at once: its text and calls. */
export function parseToolCalls(answer: string, tools: Iterable<string | { name: string }>, options?: ToolCallStreamOptions): { text: string; toolCalls: ParsedToolCall[] } {
  const stream = new ToolCallStream(tools, options);
  const first = stream.push(answer);
  const rest = stream.end();
  return { text: first + rest.text, toolCalls: rest.toolCalls };
}
