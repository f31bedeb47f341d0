// Cold start in a real VS Code (code-server): each run is a freshly started code-server and
// extension host with the production build. VS Code's own activation time is read from
// Developer: Show Running Extensions; the extension-host payload (bench/vscode/coldStart.ts)
// checks the AWS SDK was not loaded and times command → request on the wire for the first
// request after activation and a warm one.
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { Workbench } from '../../test/ui/support/workbench';
import { ROOT } from '../lib/child';
import type { Figure, SectionResult } from '../lib/report';
import { median, p95 } from '../lib/stats';
import { startVscodeHost } from '../lib/vscodeHost';
import type { ColdStartResult } from '../vscode/protocol';
import type { BenchContext, Section } from './types';

const RUNS = 5;
const TARGET_ACTIVATION_MS = 10;
const TARGET_FIRST_REQUEST_MS = 150;
/** The row shows the display name, or the id for an extension loaded from a development path. */
const ROW_TEXT = /Llama on Bedrock|bedrock-llama\.bedrock-llama/;

interface Run extends ColdStartResult { vscodeActivationMs: number }

/** "Activation: 12ms" on the extension's row of Running Extensions (VS Code's code loading + activate call). */
async function vscodeActivationMs(page: Page): Promise<number> {
  const wb = new Workbench(page, path.join(ROOT, 'test-results', 'screenshots'));
  await wb.runCommand('Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: ROW_TEXT });
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(250)) {
    const text = (await row.innerText({ timeout: 5_000 }).catch(() => '')).replace(/\s+/g, ' ');
    const m = /Activation: (\d+)ms/.exec(text);
    if (m) return Number(m[1]);
  }
  await wb.screenshot('bench-running-extensions');
  throw new Error(`Running Extensions shows no activation time for the extension (see test-results/screenshots/bench-running-extensions.png)`);
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const host = await startVscodeHost('coldstart', ctx.log);
  const runs: Run[] = [];
  try {
    // One unmeasured start first: the OS file cache then holds code-server and the extension for every run.
    for (let i = 0; i <= RUNS; i++) {
      if (i > 0) await host.restart();
      ctx.log(`coldstart: run ${i}/${RUNS}${i === 0 ? ' (warm-up, not counted)' : ''}`);
      const { result, inspected } = await host.runPayload({ tasks: ['coldStart'], editor: { tokens: 0, rates: [], runs: 0, baselineRuns: 0 } }, vscodeActivationMs);
      ctx.vscodeVersion = host.vscodeVersion;
      if (!result.coldStart || inspected === undefined) throw new Error('a cold-start run returned nothing');
      if (i > 0) runs.push({ ...result.coldStart, vscodeActivationMs: inspected });
    }
  } finally {
    await host.stop();
  }
  return figures(runs);
}

function figures(runs: Run[]): SectionResult {
  const vscodeMs = runs.map((r) => r.vscodeActivationMs);
  const body = runs.map((r) => r.activateBodyMs);
  const own = runs.map((r) => r.loadMs + r.activateBodyMs);
  const cold = runs.filter((r) => r.firstRequestCold);
  const first = cold.map((r) => r.firstRequestMs);
  const warm = cold.map((r) => r.warmRequestMs);
  const overhead = median(first) - median(warm);
  const sdkLoaded = runs.filter((r) => r.sdkLoadedAtActivation).length;
  const featuresLoaded = runs.filter((r) => r.featuresLoadedAtActivation).length;
  const files = [...new Set(runs.flatMap((r) => r.extensionFilesLoaded))].sort();
  const result: Figure[] = [
    { key: 'coldstart_activation_vscode_median', label: 'activation as VS Code reports it (Running Extensions), median', unit: 'ms', value: median(vscodeMs), runs: vscodeMs.length,
      target: { text: `< ${TARGET_ACTIVATION_MS} ms`, met: median(vscodeMs) < TARGET_ACTIVATION_MS } },
    { key: 'coldstart_activation_vscode_p95', label: 'activation as VS Code reports it, p95', unit: 'ms', value: p95(vscodeMs), runs: vscodeMs.length },
    { key: 'coldstart_activation_own_median', label: 'activation, own share: bundle evaluation + activate() body, median', unit: 'ms', value: median(own), runs: own.length,
      target: { text: `< ${TARGET_ACTIVATION_MS} ms`, met: median(own) < TARGET_ACTIVATION_MS } },
    { key: 'coldstart_activation_own_p95', label: 'activation, own share, p95', unit: 'ms', value: p95(own), runs: own.length },
    { key: 'coldstart_bundle_load_median', label: 'evaluating dist/extension.js, median', unit: 'ms', value: median(runs.map((r) => r.loadMs)), runs: runs.length },
    { key: 'coldstart_activate_body_median', label: "activate()'s own body, median", unit: 'ms', value: median(body), runs: body.length },
    { key: 'coldstart_sdk_loaded_at_activation', label: 'runs where the AWS SDK was loaded at activation', unit: 'count', value: sdkLoaded, runs: runs.length,
      target: { text: '0', met: sdkLoaded === 0 } },
    { key: 'coldstart_features_loaded_at_activation', label: 'runs where dist/features.js was loaded at activation', unit: 'count', value: featuresLoaded, runs: runs.length,
      target: { text: '0', met: featuresLoaded === 0 } },
    { key: 'coldstart_first_request_median', label: 'command → request on the wire, first after activation, median', unit: 'ms', value: median(first), runs: first.length },
    { key: 'coldstart_first_request_p95', label: 'command → request on the wire, first after activation, p95', unit: 'ms', value: p95(first), runs: first.length },
    { key: 'coldstart_warm_request_median', label: 'command → request on the wire, warm, median', unit: 'ms', value: median(warm), runs: warm.length },
    { key: 'coldstart_first_request_overhead_median', label: 'first-request overhead over warm (median − median)', unit: 'ms', value: overhead, runs: first.length,
      target: { text: `< ${TARGET_FIRST_REQUEST_MS} ms`, met: overhead < TARGET_FIRST_REQUEST_MS } },
  ];
  return {
    figures: result,
    notes: [
      `each run: a new code-server and extension host with the production build loaded from this repo (one more start before them, not counted); ${cold.length} of ${runs.length} runs sent their first request before the SDK warm-up`,
      `the extension's files in the module cache after activation: ${files.join(', ')}`,
      'first/warm request: Summarize Selection Inline on a one-line plain-text document, from executeCommand to the request body at the local server (server clock, epoch ms); the first one loads dist/features.js and dist/sdk.js',
    ],
  };
}

export const coldStart: Section = {
  name: 'coldstart',
  host: 'vscode',
  description: 'activation and first request in a real VS Code (code-server)',
  run,
};
