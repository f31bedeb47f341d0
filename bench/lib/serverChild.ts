// The local Bedrock-compatible server in its own process, so serving the stream never
// competes with the measured client for the event loop. Controlled over IPC by
// bench/lib/server.ts: every request gets the script last sent. With `--report` it also
// reports each finished request, its times as epoch ms (performance.timeOrigin + now),
// which another process can compare with its own clock. With `--rate-limit PER_SECOND[:BURST]`
// runtime requests over that rate are answered 429 ThrottlingException (test/server/rateLimit.ts).
import { BedrockTestServer, type RecordedRequest, type Script } from '../../test/server/bedrockServer';
import { parseRateLimit } from '../../test/server/rateLimit';

/** A finished request as reported over IPC; times are epoch ms with sub-ms precision. */
export interface RequestReport {
  outcome: RecordedRequest['outcome'];
  chunksSent: number;
  receivedAt: number;
  firstChunkAt: number | null;
  lastChunkAt: number | null;
  endedAt: number | null;
}

export type ServerMessage = { type: 'ready'; url: string } | { type: 'ok' } | { type: 'requestEnd'; request: RequestReport };
export type ControlMessage = { type: 'script'; script: Script } | { type: 'stop' };

const epoch = (t: number | undefined): number | null => (t === undefined ? null : performance.timeOrigin + t);

async function main(): Promise<void> {
  const report = process.argv.includes('--report');
  const limit = process.argv.indexOf('--rate-limit');
  const server = new BedrockTestServer({ rateLimit: limit < 0 ? undefined : parseRateLimit(process.argv[limit + 1] ?? '') });
  let script: Script | undefined;
  server.setHandler(() => {
    if (!script) throw new Error('no script set');
    return script;
  });
  server.on('requestEnd', (r) => {
    // Keep the request log from growing over thousands of requests.
    if (server.requests.length > 100) server.requests.splice(0, 50);
    if (server.controlPlaneRequests.length > 100) server.controlPlaneRequests.splice(0, 50);
    // Model discovery's control-plane calls run beside the requests measured: not reported.
    if (!report || (r.operation !== 'invoke' && r.operation !== 'invoke-with-response-stream')) return;
    const request: RequestReport = {
      outcome: r.outcome, chunksSent: r.chunksSent, receivedAt: performance.timeOrigin + r.receivedAt,
      firstChunkAt: epoch(r.firstChunkAt), lastChunkAt: epoch(r.lastChunkAt), endedAt: epoch(r.endedAt),
    };
    process.send?.({ type: 'requestEnd', request } satisfies ServerMessage);
  });
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
