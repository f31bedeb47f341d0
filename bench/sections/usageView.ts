// The usage view's render time with a year of data, in headless Chromium (no VS Code): a
// standalone page loads the view's bundle (src/webview/usage/main.ts, built as the production
// build builds dist/webview/usage.js) with VS Code's theme variables, says `ready`, and is sent
// the real protocol message: the report of a synthetic year-long ledger (every day of 2025, 6
// models by 5 tasks, some estimated, some cached) as of Dec 31. bench/webview/usageDriver.ts
// times each report inside the page. Extension side, in Node: building that report, and the
// year's CSV export.
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../scripts/vscode/codeServer';
import { toCsv } from '../../src/core/usageExport';
import { buildUsageReport, type UsageReport } from '../../src/core/usageReport';
import { parseToWebview } from '../../src/shared/usageProtocol';
import { yearOfUsage } from '../../test/support/usageYear';
import { ROOT } from '../lib/child';
import type { SectionResult } from '../lib/report';
import { median, p95 } from '../lib/stats';
import type { UsageBenchDriver } from '../webview/usageDriver';
import type { BenchContext, Section } from './types';

const PAGES = 7;
const UPDATES = 20;
const NODE_RUNS = 30;
const ORIGIN = 'http://127.0.0.1:9'; // answered by page.route, never on the network

/** VS Code's Dark Modern values of the variables the view reads. */
const THEME = `body {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d; --vscode-editorWidget-background: #202020; --vscode-editorWidget-border: #313131;
  --vscode-widget-border: #313131; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc; --vscode-focusBorder: #0078d4;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7; --vscode-charts-red: #f14c4c; --vscode-charts-yellow: #cca700;
  background: #1f1f1f;
}`;

/** Records what the page posts, and when (ms since the page's time origin). */
const VSCODE_STUB = `window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push({ m, at: performance.now() }), getState: () => undefined, setState: () => undefined });`;

async function bundles(): Promise<{ js: string; css: string; driver: string }> {
  const out = await esbuild.build({
    entryPoints: { usage: path.join(ROOT, 'src/webview/usage/main.ts') }, outdir: path.join(ROOT, 'out/bench-usage'), write: false,
    bundle: true, minify: true, platform: 'browser', format: 'iife', target: 'es2022', legalComments: 'none', logLevel: 'warning',
  });
  const driver = await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench/webview/usageDriver.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning',
  });
  const file = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))!.text;
  return { js: file('.js'), css: file('.css'), driver: driver.outputFiles[0].text };
}

async function preparePage(page: Page, files: { js: string; css: string }): Promise<void> {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><style>${THEME}</style>` +
    `<link rel="stylesheet" href="${ORIGIN}/usage.css"></head><body class="vscode-dark"><div id="app"></div>` +
    `<script src="${ORIGIN}/usage.js"></script></body></html>`;
  await page.route(`${ORIGIN}/**`, (route) => {
    const name = new URL(route.request().url()).pathname;
    const body = name === '/usage.js' ? files.js : name === '/usage.css' ? files.css : html;
    const contentType = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : 'text/html';
    return route.fulfill({ status: 200, contentType, body });
  });
  await page.addInitScript(VSCODE_STUB);
}

/** Time from the page's start to `ready` (the bundle loaded, parsed and run: the view built, Chart.js set up). */
async function readyAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { __posted: Array<{ m: { type: string }; at: number }> }).__posted.find((p) => p.m.type === 'ready')?.at, undefined, { timeout: 20_000 });
  return (await handle.jsonValue()) as number;
}

function nodeTimes(run: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < NODE_RUNS; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return times;
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const ledger = yearOfUsage();
  const now = new Date(2025, 11, 31, 18);
  const report: UsageReport = buildUsageReport(ledger, now);
  if (!parseToWebview({ type: 'report', report })) throw new Error('the report does not pass the protocol check');
  const build = nodeTimes(() => buildUsageReport(ledger, now));
  const exportCsv = nodeTimes(() => toCsv(buildUsageReport(ledger, now, 'all')));
  const messageKb = JSON.stringify({ type: 'report', report }).length / 1024;

  const files = await bundles();
  const browser = await launchBrowser();
  const ready: number[] = [];
  const first: number[] = [];
  const updates: number[] = [];
  try {
    for (let i = 0; i < PAGES; i++) {
      const page = await browser.newPage();
      await preparePage(page, files);
      await page.goto(`${ORIGIN}/index.html`);
      ready.push(await readyAt(page));
      await page.evaluate(files.driver);
      const times = await page.evaluate(([r, n]) => (window as unknown as { bedrockLlamaUsageBench: UsageBenchDriver }).bedrockLlamaUsageBench.render(r, n), [report, 1 + UPDATES] as const);
      first.push(times[0]);
      updates.push(...times.slice(1));
      const rows = await page.locator('#daily-spend tbody tr').count();
      if (rows !== 30) throw new Error(`the view shows ${rows} days, not 30`);
      if (i === 0) await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', 'bench-usage-view.png'), fullPage: true });
      ctx.log(`usageView: page ${i + 1}/${PAGES}: ready at ${ready.at(-1)!.toFixed(0)} ms, first report ${first.at(-1)!.toFixed(1)} ms`);
      await page.context().close();
    }
  } finally {
    await browser.stop();
  }

  return {
    figures: [
      { key: 'usage_view_ready_median', label: 'page start → `ready` (bundle loaded and run, charts set up), median', unit: 'ms', value: median(ready), runs: ready.length },
      { key: 'usage_view_first_report_median', label: 'first report → rendered (handler + frame, layout), median', unit: 'ms', value: median(first), runs: first.length },
      { key: 'usage_view_first_report_p95', label: 'first report → rendered, p95', unit: 'ms', value: p95(first), runs: first.length },
      { key: 'usage_view_update_median', label: 'a new report while open (live update), median', unit: 'ms', value: median(updates), runs: updates.length },
      { key: 'usage_view_update_p95', label: 'a new report while open, p95', unit: 'ms', value: p95(updates), runs: updates.length },
      { key: 'usage_report_build_median', label: 'building the report from the year-long ledger (extension host), median', unit: 'ms', value: median(build), runs: build.length },
      { key: 'usage_report_build_p95', label: 'building the report, p95', unit: 'ms', value: p95(build), runs: build.length },
      { key: 'usage_export_csv_median', label: 'CSV export of the whole year (report + CSV text), median', unit: 'ms', value: median(exportCsv), runs: exportCsv.length },
      { key: 'usage_report_message', label: 'the report message, as JSON', unit: 'KB', value: messageKb },
    ],
    notes: [
      'data: a synthetic ledger with every day of 2025, 6 model ids (5 models: one by two routes) × 5 tasks a day, some requests estimated, some cached; the view shows its last 30 days',
      `render = the view's message handler (protocol check, two Chart.js bar charts updated and drawn, five tables rebuilt) + the next animation frame up to a forced layout, paint excluded; ${PAGES} fresh pages × (1 first + ${UPDATES} updates)`,
      'the page is standalone (not inside VS Code\'s webview host): the production-minified bundle, Dark Modern theme variables, a stub acquireVsCodeApi',
    ],
  };
}

export const usageView: Section = {
  name: 'usageView',
  host: 'node',
  description: 'usage view render time with a year of data, in headless Chromium (standalone page); building the report and the CSV in Node',
  run,
};
