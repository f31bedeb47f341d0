// Reads the pythonic call list Llama 3.2, 3.3 and 4 answer with, `[f(a=1, b="x"), g()]`, as
// Meta's reference does with Python's ast (meta-llama/llama-models models/llama3/tool_utils.py
// `is_valid_python_list`, `parse_python_list_for_function_calls`): one list of calls with
// keyword arguments only, each value a literal (`ast.literal_eval`). Lenient where the model
// is known to differ from Python (JSON's true/false/null, raw line breaks inside strings).
// Anything else is not a call list: undefined, never an exception.

export interface RawCall {
  name: string;
  input: Record<string, unknown>;
}

class Malformed extends Error {}

// Deep enough for real arguments, shallow enough that hostile nesting cannot exhaust the stack.
const MAX_DEPTH = 64;
const NAME = /[\w.-]+/y;
const KEYWORD = /[A-Za-z_][\w-]*/y;
const NUMBER = /[+-]?(?:0[xX][\da-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/y;
const WORD = /[A-Za-z]+/y;
const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

export function parsePythonCalls(src: string): RawCall[] | undefined {
  try {
    return new Reader(src).callList();
  } catch (err) {
    if (err instanceof Malformed) return undefined;
    throw err;
  }
}

class Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly s: string) {}

  callList(): RawCall[] {
    this.ws();
    this.expect('[');
    const calls = this.sequence(']', () => this.call());
    this.ws();
    if (this.pos !== this.s.length || calls.length === 0) throw new Malformed();
    return calls;
  }

  private call(): RawCall {
    const name = this.match(NAME);
    this.ws();
    this.expect('(');
    const keys = new Set<string>();
    const args = this.sequence(')', () => {
      const key = this.match(KEYWORD);
      this.ws();
      this.expect('=');
      this.ws();
      if (keys.has(key)) throw new Malformed(); // Python: "keyword argument repeated"
      keys.add(key);
      return [key, this.value()] as const;
    });
    // fromEntries defines own properties: a `__proto__` argument stays data.
    return { name, input: Object.fromEntries(args) };
  }

  /** Items up to `close`, comma-separated, a trailing comma allowed, as Python does. */
  private sequence<T>(close: string, item: () => T): T[] {
    if (++this.depth > MAX_DEPTH) throw new Malformed();
    const items: T[] = [];
    this.ws();
    while (!this.eat(close)) {
      items.push(item());
      this.ws();
      if (this.eat(close)) break;
      this.expect(',');
      this.ws();
    }
    this.depth--;
    return items;
  }

  private value(): unknown {
    const c = this.s[this.pos];
    if (c === '[') {
      this.pos++;
      return this.sequence(']', () => this.value());
    }
    if (c === '(') {
      // A tuple reads as an array; `(x)` without a comma is just x.
      this.pos++;
      const items = this.sequence(')', () => this.value());
      return items.length === 1 && !this.commaBeforeClose() ? items[0] : items;
    }
    if (c === '{') {
      this.pos++;
      return Object.fromEntries(this.sequence('}', () => {
        const key = this.value();
        if (typeof key !== 'string' && typeof key !== 'number') throw new Malformed();
        this.ws();
        this.expect(':');
        this.ws();
        return [String(key), this.value()] as const;
      }));
    }
    if (c === '"' || c === "'" || /^[rRuU]["']/.test(this.s.slice(this.pos, this.pos + 2))) return this.string();
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.s)?.[0];
    if (word !== undefined) {
      if (!(word in CONSTANTS)) throw new Malformed();
      this.pos += word.length;
      return CONSTANTS[word];
    }
    const n = Number(this.match(NUMBER).replace(/_/g, ''));
    if (!Number.isFinite(n)) throw new Malformed();
    return n;
  }

  private string(): string {
    let raw = false;
    if (/[rRuU]/.test(this.s[this.pos])) raw = /[rR]/.test(this.s[this.pos++]);
    const q = this.s[this.pos];
    const quote = this.s.startsWith(q.repeat(3), this.pos) ? q.repeat(3) : q;
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) throw new Malformed();
      if (this.s.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.s[this.pos++];
      if (ch !== '\\') out += ch;
      else if (raw) out += ch + (this.s[this.pos++] ?? '');
      else out += this.escape();
    }
  }

  private escape(): string {
    const e = this.s[this.pos++];
    if (e === undefined) throw new Malformed();
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e];
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex) {
      const digits = this.s.slice(this.pos, this.pos + hex);
      const code = /^[\da-fA-F]+$/.test(digits) && digits.length === hex ? parseInt(digits, 16) : NaN;
      if (!(code <= 0x10ffff)) throw new Malformed();
      this.pos += hex;
      return String.fromCodePoint(code);
    }
    const octal = /^[0-7]{1,3}/.exec(this.s.slice(this.pos - 1, this.pos + 2));
    if (octal) {
      this.pos += octal[0].length - 1;
      return String.fromCharCode(parseInt(octal[0], 8));
    }
    return `\\${e}`; // Python keeps an unknown escape as written
  }

  /** Whether the bracket just read closed a trailing comma: `(x,)` is a tuple. */
  private commaBeforeClose(): boolean {
    let i = this.pos - 2;
    while (i >= 0 && /\s/.test(this.s[i])) i--;
    return this.s[i] === ',';
  }

  private match(re: RegExp): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (!m) throw new Malformed();
    this.pos += m[0].length;
    return m[0];
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw new Malformed();
  }
}
