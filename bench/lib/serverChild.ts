// The local Bedrock-compatible server in its own process, so serving the stream never
// competes with the measured client for the event loop. Controlled over IPC by
// bench/lib/server.ts: every request gets the script last sent.
import { BedrockTestServer, type Script } from '../../test/server/bedrockServer';

export type ServerMessage = { type: 'ready'; url: string } | { type: 'ok' };
export type ControlMessage = { type: 'script'; script: Script } | { type: 'stop' };

async function main(): Promise<void> {
  const server = new BedrockTestServer();
  let script: Script | undefined;
  server.setHandler(() => {
    if (!script) throw new Error('no script set');
    return script;
  });
  // Keep the request log from growing over thousands of requests.
  server.on('requestEnd', () => { if (server.requests.length > 100) server.requests.splice(0, 50); });
  const { url } = await server.start();
  process.on('message', (msg: ControlMessage) => {
    if (msg.type === 'script') {
      script = msg.script;
      process.send?.({ type: 'ok' } satisfies ServerMessage);
    } else {
      void server.stop().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0)); // the bench went away
  process.send?.({ type: 'ready', url } satisfies ServerMessage);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
