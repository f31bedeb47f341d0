import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitPieces } from '../../src/core/prompt';
import { ESTIMATE_MARGIN, LLAMA2_RATIO, estimateMargin, estimateTokens, loadExactTokenizer, tokenEstimate } from '../../src/core/tokenCount';

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
  it('is not loaded by importing the core', () => {
    const script = "require('./src/core/prompt'); require('./src/core/tokenCount');" +
      "process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('llama3-tokenizer-js'))))";
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(out, 'false');
    // A dynamic import() does not show in require.cache: the source holds only the lazy one.
    for (const file of fs.readdirSync(path.join(ROOT, 'src/core')).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(ROOT, 'src/core', file), 'utf8');
      const uses = source.match(/.*llama3-tokenizer-js.*/g) ?? [];
      assert.deepEqual(uses.filter((line) => !line.trim().startsWith('//') && !line.includes("import('llama3-tokenizer-js')")), [], file);
    }
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
