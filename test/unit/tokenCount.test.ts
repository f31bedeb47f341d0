import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitPieces } from '../../src/core/prompt';
import { pretokenize } from '../../src/core/pretokenize';
import {
  DEFAULT_ESTIMATOR_PARAMS, ESTIMATE_MARGIN, LLAMA2_RATIO, PRETOKEN_PATTERN, estimateMargin, estimateTokens, tokenEstimate,
} from '../../src/core/tokenCount';
import { loadExactTokenizer } from '../support/exactTokenizer';
import { makeRegexEstimator } from './regexEstimator';

const ROOT = path.join(__dirname, '..', '..');
const NM = path.join(ROOT, 'node_modules');
const SAMPLE = 30_000;

/** Real text that `npm ci` always brings: code, Markdown, prose, and TypeScript's translated messages. */
function realTexts(): { category: string; name: string; text: string }[] {
  const files: [string, string][] = [
    ['code', 'mocha/lib/runner.js'], ['code', 'eslint/lib/linter/linter.js'], ['code', 'typescript/lib/lib.es5.d.ts'],
    ['code', '@types/node/fs.d.ts'], ['code', 'flatted/python/flatted.py'], ['code', 'llama3-tokenizer-js/src/data-conversion.py'],
    ['markdown', 'mocha/README.md'], ['markdown', 'typescript/README.md'], ['markdown', 'eslint/README.md'],
    ['prose', 'typescript/ThirdPartyNoticeText.txt'],
  ];
  const out = files.filter(([, f]) => fs.existsSync(path.join(NM, f)))
    .map(([category, f]) => ({ category, name: f, text: fs.readFileSync(path.join(NM, f), 'utf8').slice(0, SAMPLE) }));
  for (const lang of ['de', 'fr', 'pl', 'ru', 'ja', 'zh-cn', 'ko']) {
    const messages = JSON.parse(fs.readFileSync(path.join(NM, `typescript/lib/${lang}/diagnosticMessages.generated.json`), 'utf8')) as Record<string, string>;
    out.push({ category: 'translated', name: `typescript messages (${lang})`, text: Object.values(messages).join('\n').slice(0, SAMPLE) });
  }
  return out;
}

describe('estimateTokens', () => {
  it('is synchronous, deterministic and whole', () => {
    assert.equal(estimateTokens(''), 0);
    const text = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
    const n = estimateTokens(text);
    assert.ok(Number.isInteger(n) && n > 10 && n < 40, `${n}`);
    assert.equal(estimateTokens(text), n);
  });

  it('counts a written-out control token as one, and a neutralised one as text', () => {
    assert.equal(estimateTokens('<|eot_id|>'), 1);
    assert.equal(estimateTokens('<|begin_of_text|><|start_header_id|>user<|end_header_id|>'), 4 + 1);
    assert.ok(estimateTokens('<\u200B|eot_id|>') > 3);
  });

  it('adds up over pieces of a text, as the prompt builder needs', () => {
    const text = fs.readFileSync(path.join(NM, 'mocha/lib/runner.js'), 'utf8');
    const sum = splitPieces(text).reduce((n, p) => n + tokenEstimate(p), 0);
    assert.ok(Math.abs(sum - tokenEstimate(text)) < 1e-6 * sum, `${sum} vs ${tokenEstimate(text)}`);
  });

  it('scales Llama 3 estimates by a measured ratio for Llama 2, and fits those with a larger margin', () => {
    const text = 'The quick brown fox jumps over the lazy dog 1234567.';
    assert.equal(estimateTokens(text, 'llama2'), Math.ceil(tokenEstimate(text) * LLAMA2_RATIO));
    assert.equal(estimateMargin('llama3'), ESTIMATE_MARGIN);
    assert.ok(estimateMargin('llama2') > ESTIMATE_MARGIN);
  });
});

/** This repo's .ts and .md files under src, test and bench, and the prose fixtures (de, en, ja, ru). */
function repoTexts(): { name: string; text: string }[] {
  const keep = (rel: string) => /\.(ts|md)$/.test(rel) || /^bench\/fixtures\/.*\.txt$/.test(rel);
  return ['src', 'test', 'bench']
    .flatMap((dir) => (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]).map((f) => path.join(dir, f)))
    .filter(keep).sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(ROOT, name), 'utf8') }));
}

/** Strings at the pattern's corners: contractions, line breaks, space runs, digit groups, astral and combining characters. */
const EDGE_CASES = [
  '', ' ', '   ', '\t', '\n', '\r\n', ' \t \r\n ', '\u00a0', '\u3000\u3000', '\u2028', '\u0085', '\ufeff', '\v\f',
  "don't", "I'M", "'S", "we'Re they'LL you've I'd it'T", "'ll 'l 'lL 're 'r 've", "'", "''s", "x'sy", "'123", "rock'n'roll", "'\u00e9t\u00e9'",
  'a\r\nb', '\r\n\r\n  x', 'a\r\r\n b', 'line \r\n', 'a\rb', '\r\r\n\n\r', '{\r\n\treturn;\r\n}\r\n',
  '\tfoo', 'a\t\tb', '\t\t\n\t', '\t\tx', 'foo   \nbar', 'x \n', 'end   ', 'end \t ',
  'a    b', '    return x;', ' .', '  ...', ' ( x', '  (x)', 'x  \n  .y', '\u00a0foo', 'a\u00a0\u00a0b', '\u3000\u65e5\u672c', '\u2028x', '\u0085x',
  '1', '12', '123', '1234', '12345', '123456', '1234567', 'x1234567y', 'v1.2.3', '0x1F', '\u0663\u0664\u0665\u0666', '\u00b2\u00b3', '\u216b', '\ud835\udfd9\ud835\udfda\ud835\udfdb\ud835\udfdc',
  '\ud83d\ude00', 'a\ud83d\ude00b', '\ud83d\ude00\ud83d\ude00 \ud83d\ude00', '\ud835\udc9c\ud835\udc9e x', '\ud83d\udc4d\ud83c\udffd ok', '\ud800', '\udc00x', 'x\ud800', '\ud800\ud800\udc00',
  'e\u0301te', 'n\u0303o', '\u0301a', 'a\u0301\u0302', '\u01c5ungla \u02b0i',
  '// ------------------------------------------------------------', '=====\n\n', '  -->\n', '<!-- x -->', 'a.b?.c!', '"\'`',
  '<|eot_id|>', 'a  <|eot_id|>  b', '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>', '<|', 'x |> y',
];

/** Seeded random strings over the characters the pattern tells apart. */
function fuzzTexts(count: number): string[] {
  const chars = [...EDGE_CASES.join(''), ...'sStTmMdDrReEvVlL09', ' ', ' ', ' ', '\r\n', '<|eot_id|>'];
  let seed = 12345;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  return Array.from({ length: count }, () => Array.from({ length: next(24) }, () => chars[next(chars.length)]).join(''));
}

describe('the pre-tokenizer scanner', () => {
  const regexPieces = (text: string) => [...text.matchAll(PRETOKEN_PATTERN)].map((m) => m[0]);
  const regexEstimate = makeRegexEstimator(DEFAULT_ESTIMATOR_PARAMS);
  const texts = [...repoTexts(), ...EDGE_CASES.map((text) => ({ name: JSON.stringify(text), text }))];

  it('splits exactly like PRETOKEN_PATTERN', () => {
    assert.ok(texts.filter((t) => /prose-(de|en|ja|ru)\.txt$/.test(t.name)).length === 4);
    for (const t of texts) assert.deepEqual(pretokenize(t.text), regexPieces(t.text), t.name);
  });

  it('leaves every estimate as the regex-based estimator had it, to the last bit', () => {
    for (const t of texts) {
      for (const family of ['llama3', 'llama2'] as const) {
        const before = regexEstimate(t.text, family);
        assert.ok(Object.is(tokenEstimate(t.text, family), before), `${t.name} (${family})`);
        assert.equal(estimateTokens(t.text, family), Math.ceil(before), `${t.name} (${family})`);
      }
    }
  });

  it('agrees with the regex on random strings of its corner cases', () => {
    for (const text of fuzzTexts(5000)) {
      assert.deepEqual(pretokenize(text), regexPieces(text), JSON.stringify(text));
      assert.ok(Object.is(tokenEstimate(text), regexEstimate(text)), JSON.stringify(text));
    }
  });
});

describe('estimator accuracy against the real Llama 3 tokenizer', () => {
  let exact: (text: string) => number;
  const texts = realTexts();
  const rows: { category: string; name: string; estimate: number; exact: number; error: number }[] = [];
  before(async function () {
    this.timeout(30_000);
    exact = await loadExactTokenizer();
    for (const t of texts) {
      const e = estimateTokens(t.text);
      const x = exact(t.text);
      rows.push({ category: t.category, name: t.name, estimate: e, exact: x, error: e / x - 1 });
    }
  });
  const show = (r: (typeof rows)[number]) => `${r.name}: ${r.estimate} estimated, ${r.exact} exact (${(r.error * 100).toFixed(1)} %)`;

  it('is within 2 % in total over a mixed set of real files (measured: within 0.5 %)', () => {
    assert.ok(texts.length >= 15);
    const estimate = rows.reduce((n, r) => n + r.estimate, 0);
    const total = rows.reduce((n, r) => n + r.exact, 0);
    assert.ok(Math.abs(estimate / total - 1) <= 0.02, `${estimate} vs ${total}`);
  });

  it('is within 7 % on each code file (measured: −0 to +5 %)', () => {
    for (const r of rows.filter((x) => x.category === 'code')) assert.ok(Math.abs(r.error) <= 0.07, show(r));
  });

  it('is within 8 % on translated text in seven languages (measured: −5 to +4 %)', () => {
    for (const r of rows.filter((x) => x.category === 'translated')) assert.ok(Math.abs(r.error) <= 0.08, show(r));
  });

  it('stays within the fitting margin on code, prose and translations; never far off elsewhere', () => {
    for (const r of rows) {
      if (r.category !== 'markdown') assert.ok(r.estimate * (1 + ESTIMATE_MARGIN) >= r.exact, show(r));
      // Worst: a README made of badge links, −14 %.
      assert.ok(r.error >= -0.16 && r.error <= 0.1, show(r));
    }
  });
});

describe('loadExactTokenizer', () => {
  it('ships nowhere: nothing under src/ loads the tokenizer, and it is a devDependency', () => {
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(path.join(ROOT, 'src')).filter((f) => f.endsWith('.ts'))) {
      const uses = fs.readFileSync(file, 'utf8').match(/.*llama3-tokenizer-js.*/g) ?? [];
      assert.deepEqual(uses.filter((line) => !line.trim().startsWith('//')), [], file);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.equal(pkg.dependencies['llama3-tokenizer-js'], undefined);
    assert.ok(pkg.devDependencies['llama3-tokenizer-js']);
  });

  it('loads once, then counts content tokens exactly', async function () {
    this.timeout(30_000);
    const first = loadExactTokenizer();
    assert.equal(loadExactTokenizer(), first);
    const count = await first;
    assert.equal(count('Hello world'), 2);
    assert.equal(count('<|eot_id|>'), 1);
    assert.equal(count(''), 0);
  });
});
