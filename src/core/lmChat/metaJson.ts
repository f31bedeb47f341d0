// JSON laid out as Meta's prompt generators print tool lists: JSON.stringify's four-space
// layout, except the arrays Meta writes with Jinja's `tojson` on one line (`["city"]`, Python
// json.dumps separators), as models/llama4/prompt_format.md and models/llama3_1/prompt_format.md
// show "required". models/llama3_2/text_prompt_format.md lays "required" out over lines,
// which is plain JSON.stringify: pass no inline arrays for it.

/**
 * `inline`: arrays to write on one line. Plain JSON data only (what a JSON schema holds);
 * undefined members are left out and non-finite numbers written as null, as JSON.stringify does.
 */
export function metaJson(value: unknown, inline: ReadonlySet<unknown> = new Set(), indent = ''): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? 'null' : JSON.stringify(value) ?? 'null';
  }
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (inline.has(value)) return `[${value.map((v) => metaJson(v, inline, indent)).join(', ')}]`;
    return `[\n${value.map((v) => inner + metaJson(v, inline, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${metaJson(v, inline, inner)}`).join(',\n')}\n${indent}}`;
}
