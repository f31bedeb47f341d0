// A real VS Code for the bench: code-server (scripts/vscode/codeServer.ts, installed by
// setup.sh on first use) with the production build of the extension loaded from this
// repo, opened in headless Chromium. `runPayload` loads bench/vscode/payload.ts into the
// extension host as `extensionTestsPath` and waits for the JSON it writes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import {
  createSandbox, ensureCodeServer, launchBrowser, remoteUri, run, startCodeServer, stopAll, workbenchUrl, writeMachineSettings,
  type BrowserHandle, type CodeServer, type Sandbox,
} from '../../scripts/vscode/codeServer';
import type { PayloadPlan, PayloadResult } from '../vscode/protocol';
import { ROOT } from './child';

const OUT = path.join(ROOT, 'out', 'bench');
const PAYLOAD_LIMIT_MS = Number(process.env.BEDROCK_LLAMA_BENCH_PAYLOAD_LIMIT_MS ?? 300_000);

export interface VscodeHost {
  /** e.g. '1.100.3 (code-server 4.100.3)'. */
  vscodeVersion: string;
  sandbox: Sandbox;
  browser: BrowserHandle;
  server(): CodeServer;
  /** Stops code-server (and with it every extension host) and starts it again. */
  restart(): Promise<void>;
  /** A workbench page on the sandbox's folder, with the extension loaded from this repo. */
  openWorkbench(extraPayload?: Array<[string, string]>): Promise<Page>;
  /**
   * Opens a fresh workbench whose extension host runs the payload; resolves with what it
   * measured and what `inspect` read from the page afterwards (before the page closes).
   */
  runPayload<T = undefined>(plan: Omit<PayloadPlan, 'resultsFile'>, inspect?: (page: Page) => Promise<T>): Promise<{ result: PayloadResult; inspected: T | undefined }>;
  stop(): Promise<void>;
}

/** The production extension (as shipped in the .vsix) and the bundled payload. */
async function build(): Promise<void> {
  run('node', ['scripts/build.mjs', '--production']);
  await esbuild.build({
    entryPoints: { payload: 'bench/vscode/payload.ts', serverChild: 'bench/lib/serverChild.ts' },
    absWorkingDir: ROOT, outdir: OUT, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], logLevel: 'warning',
  });
}

/** @param machineSettings written before code-server starts (machine-scoped ones such as the endpoint only hold from there). */
export async function startVscodeHost(label: string, log: (line: string) => void, machineSettings?: Record<string, unknown>): Promise<VscodeHost> {
  const bin = ensureCodeServer();
  await build();
  const sandbox = createSandbox(`bench-${label}`);
  if (machineSettings) writeMachineSettings(sandbox, machineSettings);
  const planFile = path.join(sandbox.root, 'plan.json');
  const env = { BEDROCK_LLAMA_BENCH_PLAN: planFile };
  let server = await startCodeServer(bin, sandbox, env);
  const browser = await launchBrowser();
  let runs = 0;

  const openWorkbench = async (extraPayload: Array<[string, string]> = []): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(workbenchUrl(server, sandbox, [['extensionDevelopmentPath', remoteUri(server, ROOT)], ...extraPayload]));
    return page;
  };

  // "4.100.3 <commit> with Code 1.100.3"
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
  const [, serverVersion = '?', code = '?'] = /^(\S+) .*with Code (\S+)/.exec(version) ?? [];
  return {
    vscodeVersion: `${code} (code-server ${serverVersion})`,
    sandbox,
    browser,
    server: () => server,
    async restart() {
      await server.stop();
      server = await startCodeServer(bin, sandbox, env);
    },
    openWorkbench,
    async runPayload(plan, inspect) {
      const resultsFile = path.join(sandbox.root, `result-${++runs}.json`);
      fs.writeFileSync(planFile, JSON.stringify({ ...plan, resultsFile } satisfies PayloadPlan));
      const page = await openWorkbench([['extensionTestsPath', remoteUri(server, path.join(OUT, 'payload.js'))]]);
      try {
        const deadline = Date.now() + PAYLOAD_LIMIT_MS;
        while (!fs.existsSync(resultsFile)) {
          if (Date.now() > deadline) {
            await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', 'bench-payload-timeout.png') }).catch(() => undefined);
            const progress = fs.existsSync(`${resultsFile}.log`) ? fs.readFileSync(`${resultsFile}.log`, 'utf8').trim().split('\n').slice(-10).join('\n') : '(no progress lines)';
            throw new Error(`the extension-host payload wrote nothing within ${PAYLOAD_LIMIT_MS / 1000} s; its last steps:\n${progress}`);
          }
          await sleep(100);
        }
        const result = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as PayloadResult;
        if (result.error) throw new Error(`in the extension host: ${result.error}`);
        log(`  payload ${runs} done (VS Code ${result.vscodeVersion})`);
        return { result, inspected: await inspect?.(page) };
      } finally {
        fs.writeFileSync(`${resultsFile}.release`, '');
        await page.context().close();
      }
    },
    async stop() {
      await stopAll();
      sandbox.remove();
    },
  };
}
