// Writes an earlier answer's tool calls back into the prompt the way the model emits them,
// after meta-llama/llama-models models/llama3/tool_utils.py `ToolUtils.encode_tool_call`.
import type { ToolDialect } from './types';

export interface CallToEncode {
  name: string;
  input: Record<string, unknown>;
}

// Python's json.dumps defaults (separators ', ' and ': ', ensure_ascii): what
// encode_tool_call writes for ToolPromptFormat.json.
function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${asciiJson(k)}: ${pyJson(v)}`).join(', ')}}`;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return asciiJson(value);
  return JSON.stringify(value) ?? 'null';
}

function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A Python literal. Meta's `format_value` writes strings in double quotes without escaping
// and dicts as `{k=v}`, neither of which its own parser reads back; these are proper Python
// literals, which the model's format (and our parser) reads.
function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(', ')}}`;
  }
  return pyString(String(value));
}

const PY_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function pyString(s: string): string {
  const body = s.replace(/[\\"\n\r\t]|[\x00-\x1f\x7f]/g, (c) => PY_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${body}"`;
}

/**
 * The calls as the model writes them: `[f(a="x"), g()]` in the pythonic dialects (one list,
 * as the model answers several calls: models/llama3_2/text_prompt_format.md), and
 * `{"type": "function", "name": …, "parameters": …}` in the JSON dialect, `; `-separated when
 * there are several (Meta documents one call per answer; `; ` is the separator Llama 3.1 is
 * seen to use). The `<|python_tag|>` the JSON dialect starts with is the builder's to add.
 */
export function encodeCalls(dialect: ToolDialect, calls: readonly CallToEncode[]): string {
  if (dialect === 'llama3-json') {
    return calls.map((c) => pyJson({ type: 'function', name: c.name, parameters: c.input })).join('; ');
  }
  const one = (c: CallToEncode) => `${c.name}(${Object.entries(c.input).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${pyLiteral(v)}`).join(', ')})`;
  return `[${calls.map(one).join(', ')}]`;
}

/** A call as plain text, for models without a tool format (Llama 3, Llama 2) that see a conversation with calls. */
export function describeCall(call: CallToEncode): string {
  return JSON.stringify({ name: call.name, parameters: call.input });
}
