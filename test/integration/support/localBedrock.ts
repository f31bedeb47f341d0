// The local Bedrock-compatible server (test/server/bedrockServer.ts), started inside the
// extension host process so tests can script responses and inspect requests directly.
// `bedrockLlama.endpoint` points the extension at it for the duration.
//
//   describe('explain', () => {
//     const bedrock = useLocalBedrock();
//     it('streams', async () => { bedrock().enqueue(textResponse('Hi', { chunks: 2 })); ... });
//   });
import * as vscode from 'vscode';
import { BedrockTestServer, type BedrockTestServerOptions } from '../../server/bedrockServer';

export * from '../../server/bedrockServer';

export interface LocalBedrock {
  server: BedrockTestServer;
  url: string;
  /** Stops the server and restores the previous global `bedrockLlama.endpoint`. */
  dispose(): Promise<void>;
}

export async function startLocalBedrock(options?: BedrockTestServerOptions): Promise<LocalBedrock> {
  const server = new BedrockTestServer(options);
  const { url } = await server.start();
  const config = vscode.workspace.getConfiguration('bedrockLlama');
  const previous = config.inspect<string>('endpoint')?.globalValue;
  try {
    await config.update('endpoint', url, vscode.ConfigurationTarget.Global);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    url,
    async dispose() {
      await vscode.workspace.getConfiguration('bedrockLlama').update('endpoint', previous, vscode.ConfigurationTarget.Global);
      await server.stop();
    },
  };
}

/** Mocha hooks for a `describe`: one server for the block, reset between tests. */
export function useLocalBedrock(options?: BedrockTestServerOptions): () => BedrockTestServer {
  let local: LocalBedrock | undefined;
  before(async () => {
    local = await startLocalBedrock(options);
  });
  afterEach(() => local?.server.reset());
  after(async () => {
    await local?.dispose();
    local = undefined;
  });
  return () => {
    if (!local) throw new Error('useLocalBedrock(): the server is only available inside tests of its describe block');
    return local.server;
  };
}
