// Reads and prints the integration suite's JSON report (written by test/integration/index.ts
// inside the extension host); shared by the code-server and @vscode/test-electron launchers.
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SuiteResults } from '../../test/integration/index';
import { seconds } from './codeServer';

export type { SuiteResults };

/** Polls for the report until `deadline`; undefined means the suite hung or never started. */
export async function waitForResults(file: string, deadline: number): Promise<SuiteResults | undefined> {
  while (Date.now() < deadline) {
    const results = readResults(file);
    if (results) return results;
    await sleep(250);
  }
  return undefined;
}

export function readResults(file: string): SuiteResults | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults) : undefined;
}

/** One line per test, failures with their (source-mapped) stacks, then the summary line. */
export function printResults(results: SuiteResults): void {
  console.log(`integration: ran in VS Code ${results.vscodeVersion}`);
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip';
    console.log(`  ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(indent(t.error.stack ?? t.error.message, 8));
  }
  if (results.timedOut) console.log('integration: the suite hit its own time limit');
  console.log(`integration: suite took ${seconds(results.durationMs)}${results.pending ? `, ${results.pending} pending` : ''}`);
  console.log(`integration: ${results.passed} passed, ${results.failed} failed`);
}

/** The extension host's console during the suite (index.ts tees it to `<results>.console.log`). */
export function printConsole(resultsFile: string): void {
  const file = `${resultsFile}.console.log`;
  if (!fs.existsSync(file)) return;
  console.log('\n--- extension host console ---');
  process.stdout.write(fs.readFileSync(file, 'utf8'));
  console.log('--- end of extension host console ---');
}

export function passed(results: SuiteResults | undefined): boolean {
  return !!results && results.failed === 0 && results.passed > 0;
}

function indent(text: string, n: number): string {
  return text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}
