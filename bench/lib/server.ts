// Starts bench/lib/serverChild.ts and sets what it answers.
import type { Script } from '../../test/server/bedrockServer';
import { forkTs } from './child';
import type { ControlMessage, ServerMessage } from './serverChild';

export interface BenchServer {
  url: string;
  /** Every following request gets this script. */
  setScript(script: Script): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(timeoutMs = 30_000): Promise<BenchServer> {
  const child = forkTs(require.resolve('./serverChild'), []);
  const next = (): Promise<ServerMessage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Bedrock test server did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
      const onMessage = (m: ServerMessage) => { cleanup(); resolve(m); };
      const onExit = (code: number | null) => { cleanup(); reject(new Error(`the Bedrock test server exited (code ${code})`)); };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('the Bedrock test server did not start');
  const send = (m: ControlMessage) => child.send(m);
  return {
    url: ready.url,
    async setScript(script) {
      send({ type: 'script', script });
      await next();
    },
    async stop() {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
