// The benchmark's extension-host side: loaded by VS Code web as `extensionTestsPath` (the
// same `run()` contract as the integration suite) inside a real extension host started by
// bench/lib/vscodeHost.ts. It reads its plan from BEDROCK_LLAMA_BENCH_PLAN, measures, and
// writes one JSON result the bench process turns into figures. The Bedrock-compatible
// server runs in a child process it forks, so serving chunks never shares this event loop.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extension } from '../../test/integration/support/extension';
import { startServer, type BenchServer } from '../lib/server';
import { measureCacheTtft } from './cacheTtft';
import { measureColdStart } from './coldStart';
import { measureEditorStreaming } from './editorStreaming';
import type { PayloadPlan, PayloadResult } from './protocol';

export async function run(): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(process.env.BEDROCK_LLAMA_BENCH_PLAN ?? '', 'utf8')) as PayloadPlan;
  const result: PayloadResult = { vscodeVersion: `${vscode.version} (${vscode.env.appName})` };
  let server: BenchServer | undefined;
  const progress = (line: string) => fs.appendFileSync(`${plan.resultsFile}.log`, `${new Date().toISOString()} ${line}\n`);
  try {
    const cold = plan.tasks.includes('coldStart') ? await measureColdStart.activation(extension()) : undefined;
    const api = await extension().activate();
    progress('activated');
    server = await startServer(fork(path.join(__dirname, 'serverChild.js'), ['--report'], { stdio: 'ignore' }));
    await vscode.workspace.getConfiguration('bedrockLlama').update('endpoint', server.url, vscode.ConfigurationTarget.Global);
    if (cold) result.coldStart = { ...cold, ...(await measureColdStart.firstRequest(api, server)) };
    if (plan.tasks.includes('editor')) result.editor = await measureEditorStreaming(api, server, plan.editor, progress);
    if (plan.tasks.includes('cache') && plan.cache) result.cache = await measureCacheTtft(api, server, plan.cache, progress);
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    await server?.stop();
    fs.writeFileSync(`${plan.resultsFile}.tmp`, JSON.stringify(result, null, 2));
    fs.renameSync(`${plan.resultsFile}.tmp`, plan.resultsFile);
  }
  // The extension host ends when run() returns; the bench may still read the workbench (Running Extensions).
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !fs.existsSync(`${plan.resultsFile}.release`); ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
