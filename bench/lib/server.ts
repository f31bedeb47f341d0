// Starts bench/lib/serverChild.ts and sets what it answers.
import type { ChildProcess } from 'node:child_process';
import type { Script } from '../../test/server/bedrockServer';
import type { ControlMessage, RequestReport, ServerMessage } from './serverChild';

export interface BenchServer {
  url: string;
  /** Every following request gets this script. */
  setScript(script: Script): Promise<void>;
  /** The next finished request (only from a child started with `--report`). */
  nextRequest(timeoutMs?: number): Promise<RequestReport>;
  stop(): Promise<void>;
}

/**
 * Talks to a started serverChild: the bench forks it under tsx (bench/run.ts), the
 * extension-host payload forks its bundled copy with `--report`.
 */
export async function startServer(child: ChildProcess, timeoutMs = 30_000): Promise<BenchServer> {
  const replies: ServerMessage[] = [];
  const reports: RequestReport[] = [];
  const wakers = new Set<() => void>();
  child.on('message', (m: ServerMessage) => {
    if (m.type === 'requestEnd') reports.push(m.request);
    else replies.push(m);
    for (const wake of wakers) wake();
  });
  const take = async <T>(queue: T[], what: string, ms = timeoutMs): Promise<T> => {
    const deadline = Date.now() + ms;
    while (queue.length === 0) {
      if (child.exitCode !== null) throw new Error(`the Bedrock test server exited (code ${child.exitCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} within ${ms / 1000} s`);
      await new Promise<void>((resolve) => {
        const wake = () => { clearTimeout(timer); wakers.delete(wake); resolve(); };
        const timer = setTimeout(wake, Math.min(left, 500));
        wakers.add(wake);
      });
    }
    return queue.shift() as T;
  };
  const ready = await take(replies, 'the Bedrock test server did not start');
  if (ready.type !== 'ready') throw new Error('the Bedrock test server did not start');
  const send = (m: ControlMessage) => child.send(m);
  return {
    url: ready.url,
    async setScript(script) {
      send({ type: 'script', script });
      await take(replies, 'the Bedrock test server did not take the script');
    },
    nextRequest: (ms) => take(reports, 'no request ended at the Bedrock test server', ms),
    async stop() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
