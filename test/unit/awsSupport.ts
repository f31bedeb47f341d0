// Helpers for the AWS access tests: an isolated process environment (no AWS_* or proxy
// variables of the machine running the tests, a temporary HOME, no instance metadata),
// temporary files, and a stream collector.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaBedrockClient, type BedrockClientOptions } from '../../src/core/bedrock/client';
import { BedrockLlamaError } from '../../src/core/bedrock/errors';
import type { StreamEvent } from '../../src/core/types';
import { BedrockTestServer } from '../server/bedrockServer';

const ISOLATED = /^(AWS_|HTTPS?_PROXY$|NO_PROXY$|ALL_PROXY$)/i;

export interface Sandbox {
  dir: string;
  configFile: string;
  credentialsFile: string;
  /** Writes a file under `dir` and returns its path. */
  write(name: string, content: string): string;
  /** Puts the environment back as it was and deletes `dir`. */
  restore(): void;
}

/**
 * Replaces AWS and proxy variables with `vars` on top of a clean base: HOME and the AWS
 * config files point into a fresh temporary directory (files that do not exist yet), and
 * EC2 instance metadata is off so nothing leaves the machine. Always call `restore()`.
 */
export function sandboxEnv(vars: Record<string, string | undefined> = {}): Sandbox {
  const saved = { ...process.env };
  const dir = mkdtempSync(join(tmpdir(), 'llama-aws-'));
  for (const key of Object.keys(process.env)) if (ISOLATED.test(key)) delete process.env[key];
  const base: Record<string, string> = {
    HOME: dir,
    USERPROFILE: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries({ ...base, ...vars })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return {
    dir,
    configFile: join(dir, 'config'),
    credentialsFile: join(dir, 'credentials'),
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    restore() {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Collected {
  texts: string[];
  end?: Extract<StreamEvent, { type: 'end' }>;
  error?: BedrockLlamaError;
}

/** Runs a stream to its end or error. */
export async function collect(stream: AsyncIterable<StreamEvent>): Promise<Collected> {
  const out: Collected = { texts: [] };
  try {
    for await (const event of stream) {
      if (event.type === 'text') out.texts.push(event.text);
      else out.end = event;
    }
  } catch (err) {
    assert.ok(err instanceof BedrockLlamaError, `expected BedrockLlamaError, got ${String(err)}`);
    out.error = err;
  }
  return out;
}

/** The access key id a SigV4 Authorization header was signed with. */
export function signingKeyId(authorization: string | undefined): string | undefined {
  return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
}

/**
 * Makes clients on the local server with throwaway keys and no retries unless asked,
 * and disposes them all in `disposeAll()` (call it in afterEach).
 */
export function localClients(endpoint: () => string): {
  client(options?: Partial<BedrockClientOptions>): LlamaBedrockClient;
  disposeAll(): void;
} {
  const made: LlamaBedrockClient[] = [];
  return {
    client(options = {}) {
      const c = new LlamaBedrockClient({
        region: 'us-west-2',
        endpoint: endpoint(),
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
        maxAttempts: 1,
        retryMode: 'standard',
        ...options,
      });
      made.push(c);
      return c;
    },
    disposeAll() {
      for (const c of made.splice(0)) c.dispose();
    },
  };
}

/**
 * Mocha hooks for a `describe` that talks to one local Bedrock server: started before the block,
 * reset (and the clients made with `client` disposed) after each test, stopped after the block.
 */
export function useLocalServer(): { server(): BedrockTestServer; url(): string; client(options?: Partial<BedrockClientOptions>): LlamaBedrockClient } {
  let server: BedrockTestServer | undefined;
  let url = '';
  const { client, disposeAll } = localClients(() => url);
  before(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  afterEach(() => {
    disposeAll();
    server?.reset();
  });
  after(() => server?.stop());
  return {
    server: () => {
      if (!server) throw new Error('useLocalServer(): only inside tests of its describe block');
      return server;
    },
    url: () => url,
    client,
  };
}
