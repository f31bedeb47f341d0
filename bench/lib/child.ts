// Child processes: TypeScript ones through tsx's require hook (as the unit tests run),
// and JSON results read from a child's last stdout line.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Forks a .ts module with an IPC channel; `nodeArgs` go before it (e.g. --expose-gc). */
export function forkTs(file: string, args: string[], nodeArgs: string[] = [], silent = false): ChildProcess {
  return fork(file, args, { cwd: ROOT, execArgv: [...nodeArgs, '--require', require.resolve('tsx/cjs')], silent, env: benchEnv() });
}

/** Runs a .ts module to its end and parses the last line it printed as JSON. */
export async function runTsForJson<T>(file: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const child = forkTs(file, args, nodeArgs, true);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`${path.basename(file)} exited with ${code}: ${stderr.trim().slice(-2000)}`);
  return JSON.parse(last) as T;
}

/**
 * The environment for every measured process: no AWS or proxy variables of this machine,
 * so both clients sign with the bench's static credentials and talk to the local server directly.
 */
export function benchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(AWS_|HTTPS?_PROXY$|NO_PROXY$|ALL_PROXY$)/i.test(k)) env[k] = v;
  }
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // a once-per-process notice about Node 20
  return env;
}
