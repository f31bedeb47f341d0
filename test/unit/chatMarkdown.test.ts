import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { IncrementalMarkdown } from '../../src/webview/incremental';
import { createMarkdownRenderer } from '../../src/webview/markdown';

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
const render = createMarkdownRenderer(window as unknown as Parameters<typeof createMarkdownRenderer>[0]);

/** The rendered HTML as a DOM, to ask what actually survived. */
function dom(html: string): HTMLElement {
  const div = window.document.createElement('div');
  div.innerHTML = html;
  return div;
}

function assertInert(html: string): void {
  const root = dom(html);
  assert.equal(root.querySelectorAll('script, iframe, img, object, embed, style, form').length, 0, html);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      assert.ok(!attr.startsWith('on'), `event handler attribute ${attr} in ${html}`);
      assert.ok(!/^\s*(javascript|vbscript|data):/i.test(el.getAttribute(attr) ?? ''), `${attr}=${el.getAttribute(attr)} in ${html}`);
    }
  }
}

describe('chat markdown rendering', () => {
  const hostile: Array<[string, string]> = [
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['[x](javascript:alert(1))', '[x](javascript:alert(1))'],
    ['<iframe src="https://evil.example"></iframe>', '<iframe src="https://evil.example"></iframe>'],
    ['<a href="javascript:alert(document.cookie)">click</a>', '<a href="javascript:alert(document.cookie)">click</a>'],
    ['Text <b onmouseover="alert(1)">bold</b> and <style>body{display:none}</style>', '<b onmouseover="alert(1)">bold</b>'],
    ['[x](JaVaScRiPt:alert(1)) and [y](vbscript:msgbox) and [z](data:text/html;base64,PHNjcmlwdD4=)', '[x](JaVaScRiPt:alert(1))'],
    ['![pic](javascript:alert(1)) ![pixel](https://tracker.example/p.png)', 'pixel'],
    ['```html\n<script>alert(1)</script>\n```', '<script>alert(1)</script>'],
    ['<svg><script>alert(1)</script></svg> <math><mi xlink:href="javascript:alert(1)">x</mi></math>', '<svg>'],
  ];

  for (const [answer, visible] of hostile) {
    it(`keeps ${JSON.stringify(answer.slice(0, 40))} inert and visible as text`, () => {
      const html = render(answer);
      assertInert(html);
      assert.ok(dom(html).textContent?.includes(visible), `"${visible}" not visible in ${html}`);
    });
  }

  it('keeps ordinary links, and turns images into links', () => {
    const root = dom(render('See [the docs](https://example.com/a?b=1) and ![diagram](https://example.com/d.png)'));
    const hrefs = [...root.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(hrefs, ['https://example.com/a?b=1', 'https://example.com/d.png']);
    assert.equal(root.querySelectorAll('img').length, 0);
  });

  it('highlights fenced code and gives each block Copy, Insert at Cursor and Replace Selection', () => {
    const root = dom(render('```ts\nconst x: number = 1;\n```\n\n```unknownlang\nplain <b>\n```'));
    const blocks = root.querySelectorAll('.code-block');
    assert.equal(blocks.length, 2);
    assert.ok(blocks[0].querySelector('code .hljs-keyword'), 'TypeScript is highlighted');
    assert.equal(blocks[1].querySelector('code')?.textContent, 'plain <b>\n');
    const actions = [...blocks[0].querySelectorAll('button')].map((b) => [b.dataset.codeAction, b.getAttribute('aria-label')]);
    assert.deepEqual(actions, [['copy', 'Copy'], ['insert', 'Insert at Cursor'], ['replace', 'Replace Selection']]);
  });
});

describe('incremental markdown', () => {
  /** What the DOM shows: the kept pieces, then the tail. */
  function streamed(answer: string, chunkSizes: number[], renderer = render): { html: string; rendered: number } {
    let rendered = 0;
    const inc = new IncrementalMarkdown((md) => { rendered += md.length; return renderer(md); });
    let kept = '';
    let tail = '';
    let at = 0;
    for (let i = 0; at < answer.length; i++) {
      at = Math.min(answer.length, at + chunkSizes[i % chunkSizes.length]);
      const u = inc.update(answer.slice(0, at));
      if (u.reset) kept = '';
      kept += u.finished;
      tail = u.tail;
    }
    return { html: kept + tail, rendered };
  }

  const section = (i: number) => [
    `## Step ${i}`,
    '',
    `Some *text* with \`code\`, a link to https://example.com/${i} and a long sentence that goes on for a while.`,
    '',
    '1. first item',
    '2. second item',
    '',
    '3. third item after a blank line (one loose list)',
    '',
    '   continued paragraph of item 3',
    '',
    '- bullet',
    '  - nested',
    '',
    '```ts',
    `function f${i}(x: number): number {`,
    '',
    '  // a blank line inside the fence is not a block end',
    '  return x * 2;',
    '}',
    '```',
    '',
    '> a quote',
    '',
    '> another quote',
    '',
    '| a | b |',
    '|---|---|',
    `| ${i} | <script>x</script> |`,
    '',
    '    indented code',
    '',
    '    more indented code',
    '',
    '~~~',
    '```',
    '',
    'not a fence end',
    '~~~',
    '',
    'Setext heading',
    '---',
    '',
  ].join('\n');
  // DOMPurify on jsdom is far slower than in a browser: the fine-grained runs use a shorter answer.
  const short = section(0);
  const long = Array.from({ length: 6 }, (_, i) => section(i)).join('\n');

  it('gives the same HTML as rendering the whole answer (one character at a time)', function () {
    this.timeout(30_000);
    assert.equal(streamed(short, [1]).html, render(short));
  });

  for (const sizes of [[3, 7, 1, 12], [17], [64, 5], [long.length]]) {
    it(`gives the same HTML as rendering the whole answer (chunks of ${sizes.join(', ')})`, function () {
      this.timeout(30_000);
      assert.equal(streamed(long, sizes).html, render(long));
    });
  }

  it('renders each finished block once: work stays proportional to the tail', () => {
    const huge = Array.from({ length: 200 }, (_, i) => section(i)).join('\n');
    const { rendered } = streamed(huge, [16], (md) => md);
    const updates = Math.ceil(huge.length / 16);
    // Re-rendering the whole answer each time would cost about updates * huge.length / 2.
    assert.ok(rendered < (updates * huge.length) / 100, `rendered ${rendered} chars for ${updates} updates of ${huge.length}`);
  });

  it('falls back to one piece when a reference definition appears, and still matches', () => {
    const answer = 'See [the docs][d].\n\nMore text.\n\nEven more.\n\n[d]: https://example.com/docs\n\nEnd.\n';
    assert.equal(streamed(answer, [5]).html, render(answer));
    assert.ok(dom(render(answer)).querySelector('a[href="https://example.com/docs"]'));
  });

  it('splits CRLF text the same way', function () {
    this.timeout(30_000);
    const crlf = section(1).replace(/\n/g, '\r\n');
    assert.equal(streamed(crlf, [9]).html, render(crlf));
    assert.ok(streamed(crlf, [9], (md) => md).rendered < crlf.length * 20, 'blocks are still finished one by one');
  });

  it('handles an answer cut off inside a code block', () => {
    const answer = 'Intro\n\n```python\ndef f():\n\n    return 1\n';
    assert.equal(streamed(answer, [4]).html, render(answer));
  });
});
