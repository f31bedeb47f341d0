// The streamed-answer parser: text streams out as soon as it cannot be a call, calls in
// Meta's formats (pythonic, JSON, <function=…>) come out as tool calls for offered tools
// only, anything malformed as text; chunk boundaries never matter; memory stays bounded.
import * as assert from 'node:assert/strict';
import { parseToolCalls, ToolCallStream, type ParsedToolCall, type ToolSpec } from '../../src/core/lmChat';
import { encodeCalls } from '../../src/core/lmChat/encodeCall';
import { parsePythonCalls } from '../../src/core/lmChat/pythonCalls';

const TOOLS: ToolSpec[] = [
  { name: 'get_weather', description: 'Weather', inputSchema: { type: 'object' } },
  { name: 'read_file', description: 'Read', inputSchema: { type: 'object' } },
];

function ids(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

/** Feeds the chunks; returns what came out while streaming, and the end. */
function run(chunks: string[], tools: readonly ToolSpec[] = TOOLS, maxCallChars?: number) {
  const stream = new ToolCallStream(tools, { newCallId: ids(), maxCallChars });
  const streamed = chunks.map((c) => stream.push(c));
  const end = stream.end();
  return { streamed, text: streamed.join('') + end.text, end, calls: end.toolCalls };
}

const calls = (...list: [string, Record<string, unknown>][]): ParsedToolCall[] =>
  list.map(([name, input], i) => ({ callId: `id${i + 1}`, name, input }));

/** Every way of cutting `answer` in two gives the same result as the whole. */
function assertSplitInvariant(answer: string): void {
  const whole = run([answer]);
  for (let i = 1; i < answer.length; i++) {
    const split = run([answer.slice(0, i), answer.slice(i)]);
    assert.equal(split.text, whole.text, `split at ${i}`);
    assert.deepEqual(split.calls, whole.calls, `split at ${i}`);
  }
  const chars = run([...answer]);
  assert.equal(chars.text, whole.text);
  assert.deepEqual(chars.calls, whole.calls);
}

describe('ToolCallStream: text', () => {
  it('streams plain text out chunk by chunk, from the first chunk on', () => {
    const r = run(['The weather', ' is fine', ' today.']);
    assert.deepEqual(r.streamed, ['The weather', ' is fine', ' today.']);
    assert.deepEqual(r.end, { text: '', toolCalls: [] });
  });

  it('decides on a few characters when an answer only looks like a call', () => {
    assert.deepEqual(run(['[1, 2', ', 3]']).streamed, ['[1, 2', ', 3]']);
    assert.deepEqual(run(['[get', '_', 'time(', 'zone="UTC")]']).streamed, ['', '', '[get_time(', 'zone="UTC")]']);
    assert.deepEqual(run(['{"name": "Bob", "age": 3}']).streamed, ['{"name": "Bob", "age": 3}']);
    assert.deepEqual(run(['{"type": "article"}']).streamed, ['{"type": "article"}']);
    assert.deepEqual(run(['<b>bold</b>']).streamed, ['<b>bold</b>']);
    assert.deepEqual(run(['\n\n', 'Hi']).streamed, ['', '\n\nHi']);
  });

  it('keeps an undecided start to the end when nothing more comes', () => {
    assert.deepEqual(run(['[']).end, { text: '[', toolCalls: [] });
    assert.deepEqual(run(['  \n']).end, { text: '  \n', toolCalls: [] });
    assert.deepEqual(run(['[get_wea']).end, { text: '[get_wea', toolCalls: [] });
  });

  it('passes everything as text when no tools were offered', () => {
    const r = run(['[get_weather(city="SF")]'], []);
    assert.deepEqual(r.streamed, ['[get_weather(city="SF")]']);
    assert.deepEqual(r.calls, []);
  });

  it('drops a leading <|python_tag|> from an answer that is no call (code interpreter output)', () => {
    const r = run(['<|python_', 'tag|>import math\n', 'print(1)']);
    assert.equal(r.text, 'import math\nprint(1)');
    assert.deepEqual(r.streamed, ['', 'import math\n', 'print(1)']);
  });
});

describe('ToolCallStream: calls', () => {
  it('finds one pythonic call (Llama 3.2/3.3/4) and shows no text', () => {
    const r = run(['[get_weather(city=', '"San Francisco", metric=\'celsius\')]']);
    assert.deepEqual(r.streamed, ['', '']);
    assert.deepEqual(r.end, { text: '', toolCalls: calls(['get_weather', { city: 'San Francisco', metric: 'celsius' }]) });
  });

  it('finds several pythonic calls, as models/llama3_2/text_prompt_format.md answers', () => {
    const r = run(["[get_weather(city='San Francisco', metric='celsius'), get_weather(city='Seattle', metric='celsius'), read_file(path='a.ts')]"]);
    assert.deepEqual(r.calls, calls(
      ['get_weather', { city: 'San Francisco', metric: 'celsius' }],
      ['get_weather', { city: 'Seattle', metric: 'celsius' }],
      ['read_file', { path: 'a.ts' }],
    ));
    assert.equal(r.text, '');
  });

  it('finds the JSON call of models/llama3_1/prompt_format.md, with <|python_tag|>, line breaks and a literal <|eom_id|>', () => {
    const answer = '<|python_tag|>{\n    "type": "function",\n    "name": "get_weather",\n    "parameters": {\n        "city": "SF",\n        "days": 3\n    }\n}<|eom_id|>';
    assert.deepEqual(run([answer]).calls, calls(['get_weather', { city: 'SF', days: 3 }]));
    assertSplitInvariant(answer);
  });

  it('finds the other JSON shapes and several JSON calls', () => {
    assert.deepEqual(run(['{"name": "get_weather", "parameters": {"city": "SF"}}']).calls, calls(['get_weather', { city: 'SF' }]));
    assert.deepEqual(run(['{"name": "get_weather", "arguments": "{\\"city\\": \\"SF\\"}"}']).calls, calls(['get_weather', { city: 'SF' }]));
    assert.deepEqual(run(['{"function": {"name": "read_file", "arguments": {"path": "x"}}}']).calls, calls(['read_file', { path: 'x' }]));
    assert.deepEqual(run(['{"name": "read_file"}']).calls, calls(['read_file', {}]));
    assert.deepEqual(
      run(['{"type": "function", "name": "get_weather", "parameters": {"city": "SF"}}; {"name": "read_file", "parameters": {"path": "}{"}}\n']).calls,
      calls(['get_weather', { city: 'SF' }], ['read_file', { path: '}{' }]),
    );
  });

  it('finds the <function=…> tag format of models/llama3_1/prompt_format.md', () => {
    assert.deepEqual(run(['<function=get_weather>{"city": "SF"}</function>']).calls, calls(['get_weather', { city: 'SF' }]));
    assert.deepEqual(run(['<function=read_file>{"path": "a"}']).calls, calls(['read_file', { path: 'a' }]));
  });

  it('reads Python literals: quotes, escapes, numbers, constants, lists, tuples, dicts, trailing commas', () => {
    const r = run([String.raw`[get_weather(a='it\'s', b="line\nnext \x41\u00e9\U0001F600 \q", c=r"C:\new", d='''tri"ple''', e=-1.5e3, f=0x1F, g=1_000, h=True, i=None, j=false, k=[1, (2, 3), (4,), (5)], l={"x": [1, 2], 'y': {'z': null}, 3: 4}, m=[],)]`]);
    assert.deepEqual(r.calls, calls(['get_weather', {
      a: "it's", b: 'line\nnext Aé😀 \\q', c: 'C:\\new', d: 'tri"ple', e: -1500, f: 31, g: 1000, h: true, i: null, j: false,
      k: [1, [2, 3], [4], 5], l: { x: [1, 2], y: { z: null }, 3: 4 }, m: [],
    }]));
  });

  it('reads back what the prompt builder writes, in both syntaxes', () => {
    const input = { s: 'Zürich "q" \\ \n\t\x01 <|eot|>', n: -2.25, b: [true, false, null], o: { 'k-1': { deep: ['x'] } } };
    for (const dialect of ['llama3-pythonic', 'llama3-json'] as const) {
      const text = encodeCalls(dialect, [{ name: 'read_file', input }, { name: 'get_weather', input: {} }]);
      assert.deepEqual(run([text]).calls, calls(['read_file', input], ['get_weather', {}]), dialect);
    }
  });

  it('keeps an argument called __proto__ as data', () => {
    const r = run(['[read_file(__proto__={"polluted": 1})]']);
    assert.deepEqual(Object.keys(r.calls[0].input), ['__proto__']);
    assert.equal(Object.getPrototypeOf(r.calls[0].input), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('gives every call a fresh id (by default call_ and a random UUID)', () => {
    const { toolCalls } = parseToolCalls('[read_file(path="a"), read_file(path="b")]', TOOLS);
    assert.equal(toolCalls.length, 2);
    assert.match(toolCalls[0].callId, /^call_[0-9a-f]{32}$/);
    assert.notEqual(toolCalls[0].callId, toolCalls[1].callId);
  });

  it('gives the same result however the answer is split into chunks', () => {
    assertSplitInvariant('  [get_weather(city="S,F)", metric=\'c]\'), read_file(path="a\\"b")]');
    assertSplitInvariant('<|python_tag|>{"type": "function", "name": "read_file", "parameters": {"path": "x"}}');
    assertSplitInvariant('<function=get_weather>{"city": "SF"}</function>');
    assertSplitInvariant('[get_weather(city="SF")] and some text');
    assertSplitInvariant('[get_weathers(city="SF")]');
    assertSplitInvariant('Plain text with [get_weather(city="SF")] inside');
  });
});

describe('ToolCallStream: malformed calls become text', () => {
  const asText = (answer: string) => {
    const r = run([answer]);
    assert.deepEqual(r.calls, [], answer);
    assert.equal(r.text, answer, answer);
  };

  it('an unterminated call, bad JSON, bad literals', () => {
    asText('[get_weather(city="SF"');
    asText('[get_weather(city="SF")');
    asText('{"type": "function", "name": "get_weather", "parameters": {"city": }}');
    asText('{"type": "function", "name": "get_weather", "parameters": [1]}');
    asText('{"type": "tool", "name": "get_weather"}');
    asText('[get_weather(city=San Francisco)]');
    asText('[get_weather(city=inf)]');
    asText('[get_weather(city="a", city="b")]');
    asText('[get_weather("SF")]');
    asText('[get_weather(city="SF") read_file(path="a")]');
    asText('[get_weather(city="SF\\x4")]');
    asText('<function=get_weather>{"city": "SF"</function>');
  });

  it('a call with text after it (Meta parses only a whole answer as a call)', () => {
    asText('[get_weather(city="SF")]\nLet me know!');
    asText('{"name": "get_weather", "parameters": {}} and more');
  });

  it('a call to a tool that was not offered, at the start (streamed at once) or later in the list', () => {
    const r = run(['[delete_all(', 'now=True)]']);
    assert.deepEqual(r.streamed, ['[delete_all(', 'now=True)]']);
    asText('[get_weather(city="SF"), delete_all(now=True)]');
    asText('{"name": "delete_all", "parameters": {}}');
  });

  it('hostile nesting, without blowing the stack', () => {
    asText(`[get_weather(a=${'['.repeat(100_000)}${']'.repeat(100_000)})]`);
    asText(`{"name": "get_weather", "parameters": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  });
});

describe('ToolCallStream: long answers', () => {
  it('streams a huge text answer through without holding it', () => {
    const stream = new ToolCallStream(TOOLS);
    const chunk = 'lorem ipsum '.repeat(100);
    let out = 0;
    for (let i = 0; i < 5000; i++) {
      const shown = stream.push(chunk);
      assert.equal(shown, chunk); // nothing held back: memory does not grow with the answer
      out += shown.length;
    }
    assert.equal(out, chunk.length * 5000);
    assert.deepEqual(stream.end(), { text: '', toolCalls: [] });
  });

  it('gives up a call that grows past the limit and lets it and the rest through as text', () => {
    const stream = new ToolCallStream(TOOLS, { maxCallChars: 1000 });
    assert.equal(stream.push('[read_file(path="'), '');
    const shown = [stream.push('x'.repeat(600)), stream.push('y'.repeat(600)), stream.push('")]')];
    assert.deepEqual(shown, ['', `[read_file(path="${'x'.repeat(600)}${'y'.repeat(600)}`, '")]']);
    assert.deepEqual(stream.end(), { text: '', toolCalls: [] });
  });

  it('parses a large call within the limit, in many chunks', () => {
    const content = 'line of code\n'.repeat(10_000);
    const answer = encodeCalls('llama4-pythonic', [{ name: 'read_file', input: { content } }]);
    const chunks = answer.match(/[\s\S]{1,7}/g) ?? [];
    assert.deepEqual(run(chunks).calls, calls(['read_file', { content }]));
  });

  it('gives a too long undecided start up as text', () => {
    const r = run([' '.repeat(600), '[get_weather(city="SF")]']);
    assert.deepEqual(r.calls, []);
    assert.equal(r.streamed[0], ' '.repeat(600));
  });
});

describe('parsePythonCalls', () => {
  it('accepts what Meta\'s is_valid_python_list accepts and refuses the rest (models/llama3/tests/api/test_tool_utils.py)', () => {
    assert.deepEqual(parsePythonCalls('[get_boiling_point(liquid_name="water", celcius=True)]'), [{ name: 'get_boiling_point', input: { liquid_name: 'water', celcius: true } }]);
    assert.equal(parsePythonCalls('[calculate_volume(radius=5.2, height=10)]')?.[0].input.radius, 5.2);
    for (const bad of ['[]', '[get_boiling_point(liquid_name="water"), 42]', '[get_boiling_point("water", True)]',
      '[[get_boiling_point(liquid_name="water")]]', '{"func": get_boiling_point(liquid_name="water")}',
      '[get_boiling_point(liquid_name="water", celcius=True', 'get_boiling_point(liquid_name="water")',
      '[(get_boiling_point(liquid_name="water"),)]']) {
      assert.equal(parsePythonCalls(bad), undefined, bad);
    }
  });
});
