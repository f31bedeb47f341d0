// Reads the JSON-shaped calls Llama 3.1 answers with, as Meta's reference accepts them
// (meta-llama/llama-models models/llama3/tool_utils.py `maybe_extract_custom_tool_call`):
// `{"type": "function", "name": …, "parameters": {…}}` (models/llama3_1/prompt_format.md),
// `{"name": …, "parameters": {…}}`, and the `<function=name>{…}</function>` tag format of the
// same file. Several calls may follow each other, separated by white space, `;` or `,`.
// Anything else is not a call: undefined, never an exception.
import type { RawCall } from './pythonCalls';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Index just past the JSON object or array starting at `start`, skipping strings; -1 if it does not close. */
function closeOf(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

function parseObject(s: string, start: number): { value: Json; end: number } | undefined {
  if (s[start] !== '{') return undefined;
  const end = closeOf(s, start);
  if (end < 0) return undefined;
  try {
    const value: unknown = JSON.parse(s.slice(start, end));
    return isObject(value) ? { value, end } : undefined;
  } catch {
    return undefined;
  }
}

/** Arguments as an object: OpenAI-style models send them as a JSON string. */
function argumentsOf(v: unknown): Json | undefined {
  if (v === undefined) return {};
  if (typeof v !== 'string') return isObject(v) ? v : undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function callOf(o: Json): RawCall | undefined {
  if ('type' in o && o.type !== 'function') return undefined;
  const f = !('name' in o) && isObject(o.function) ? o.function : o;
  const input = argumentsOf(f.parameters ?? f.arguments);
  return typeof f.name === 'string' && f.name !== '' && input ? { name: f.name, input } : undefined;
}

const TAG_OPEN = /<function=([\w.-]+)>\s*/y;
const TAG_CLOSE = /\s*<\/function>/y;
const SEPARATOR = /\s*[;,]?\s*/y;

/** One or more calls filling `src` (already trimmed), or undefined. */
export function parseJsonCalls(src: string): RawCall[] | undefined {
  const calls: RawCall[] = [];
  let pos = 0;
  while (pos < src.length) {
    if (calls.length > 0) {
      SEPARATOR.lastIndex = pos;
      pos += SEPARATOR.exec(src)?.[0].length ?? 0;
      if (pos >= src.length) break;
    }
    TAG_OPEN.lastIndex = pos;
    const tag = TAG_OPEN.exec(src);
    const obj = parseObject(src, tag ? pos + tag[0].length : pos);
    if (!obj) return undefined;
    const call = tag ? { name: tag[1], input: obj.value } : callOf(obj.value);
    if (!call) return undefined;
    calls.push(call);
    pos = obj.end;
    if (tag) {
      TAG_CLOSE.lastIndex = pos;
      pos += TAG_CLOSE.exec(src)?.[0].length ?? 0;
    }
  }
  return calls.length > 0 ? calls : undefined;
}
