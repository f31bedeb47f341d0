// Decides from the first characters of an answer whether it is turning into a tool call,
// so that plain text can stream out at once: an answer is a call only if it opens like one
// of Meta's call formats *naming an offered tool*. `maybe` holds the answer back a few
// characters more; `no` lets it stream as text.

export type Verdict = 'yes' | 'maybe' | 'no';

/** A marker the model may write before a call: Llama 3's `<|python_tag|>`, Llama 4's `<|python_start|>`. */
export const CALL_TAGS = ['<|python_tag|>', '<|python_start|>'];

type Token = { lit: string; tight?: boolean } | { name: true; tight?: boolean };

const lit = (text: string, tight = false): Token => ({ lit: text, tight });
const NAME: Token = { name: true };
const TIGHT_NAME: Token = { name: true, tight: true };
const JSON_NAME = [lit('"name"'), lit(':'), lit('"'), TIGHT_NAME, lit('"', true)];

// `tight`: no white space before the token. The call formats: pythonic `[name(`
// (models/llama3_2/text_prompt_format.md, models/llama4/prompt_format.md), JSON
// `{"type": "function", "name": "…"` (models/llama3_1/prompt_format.md) or `{"name": "…"`,
// and the `<function=name>` tag (the custom format of the same files).
const OPENERS: Token[][] = [
  [lit('['), NAME, lit('(')],
  [lit('{'), ...JSON_NAME],
  [lit('{'), lit('"type"'), lit(':'), lit('"function"'), lit(','), ...JSON_NAME],
  [lit('{'), lit('"function"'), lit(':'), lit('{'), ...JSON_NAME],
  [lit('<function='), TIGHT_NAME, lit('>', true)],
];

const NAME_CHARS = /[\w.-]*/y;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
}

/** Where the call syntax starts: after leading white space and one call tag. `undefined`: still inside a partial tag. */
export function callStart(s: string): { at: number; tagged: boolean } | undefined {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  for (const tag of CALL_TAGS) {
    if (s.startsWith(tag, i)) {
      i += tag.length;
      while (i < s.length && isSpace(s[i])) i++;
      return { at: i, tagged: true };
    }
    if (i < s.length && tag.startsWith(s.slice(i, i + tag.length))) return undefined;
  }
  return { at: i, tagged: false };
}

function openerVerdict(s: string, from: number, tokens: Token[], names: ReadonlySet<string>): Verdict {
  let i = from;
  for (const tok of tokens) {
    if (!tok.tight) while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) return 'maybe';
    if ('lit' in tok) {
      const seen = s.slice(i, i + tok.lit.length);
      if (!tok.lit.startsWith(seen)) return 'no';
      if (seen.length < tok.lit.length) return 'maybe';
      i += tok.lit.length;
    } else {
      NAME_CHARS.lastIndex = i;
      const name = NAME_CHARS.exec(s)?.[0] ?? '';
      i += name.length;
      if (i >= s.length) return [...names].some((n) => n.startsWith(name)) ? 'maybe' : 'no';
      if (!names.has(name)) return 'no';
    }
  }
  return 'yes';
}

/** Whether `s`, the start of an answer, opens a call to one of `names`. */
export function verdict(s: string, names: ReadonlySet<string>): Verdict {
  const start = callStart(s);
  if (!start) return 'maybe';
  if (start.at >= s.length) return 'maybe';
  let result: Verdict = 'no';
  for (const tokens of OPENERS) {
    const v = openerVerdict(s, start.at, tokens, names);
    if (v === 'yes') return 'yes';
    if (v === 'maybe') result = 'maybe';
  }
  return result;
}
