// One Bedrock client per connection settings, reused across requests (its connection
// pool and its cached credentials are what make the next request fast); replaced when
// anything it was built from changes: region, profile, endpoint, timeouts, the stored
// API key, or VS Code's proxy settings. A replaced client lives on until the requests
// that hold it have ended, so changing a setting never kills an answer mid-stream. It
// also holds what the connection remembers: the API key store and the inference-profile
// ids that worked.
import type { BedrockClientOptions } from '../core/bedrock/client';
import { LlamaBedrockClient } from '../core/bedrock/client';
import type { ProfileMemory } from '../core/profileFallback';
import type { ProxySettings } from '../core/proxyConfig';
import type { ClientLease } from '../core/request/runRequest';
import type { LlamaConfig } from '../core/settingsSchema';
import { ApiKeyStore, type SecretStorageLike } from './apiKeyStore';
import { StoredProfileMemory, type MementoLike } from './profileMemory';

export interface ClientProviderInputs {
  /** context.secrets: where the Bedrock API key is kept. Without it: no stored key. */
  secrets?: SecretStorageLike;
  /** context.globalState: where working inference-profile ids are kept. Without it: this session only. */
  globalState?: MementoLike;
  /** VS Code's `http.*` proxy settings, read per request. Without it: only HTTPS_PROXY/NO_PROXY. */
  network?: () => ProxySettings;
  /** The key store, when it was created (and its read started) earlier; else one over `secrets`. */
  apiKey?: ApiKeyStore;
}

/** Connect timeout per attempt: a connection that does not open in this time is retried. */
const CONNECT_TIMEOUT_MS = 10_000;

export class ClientProvider {
  readonly apiKey: ApiKeyStore;
  readonly profiles: ProfileMemory;
  private key = '';
  private client: LlamaBedrockClient | undefined;
  /** Requests holding each client; a replaced client is closed when its count drops to 0. */
  private readonly leases = new Map<LlamaBedrockClient, number>();

  constructor(private readonly inputs: ClientProviderInputs = {}) {
    this.apiKey = inputs.apiKey ?? new ApiKeyStore(inputs.secrets);
    this.profiles = new StoredProfileMemory(inputs.globalState);
  }

  /** The client for these settings; waits (once) for the stored API key to be read. */
  async get(config: LlamaConfig): Promise<LlamaBedrockClient> {
    await this.apiKey.ready;
    return this.current(config);
  }

  /** The client for one request: kept open until `release()`, even if the settings change meanwhile. */
  async lease(config: LlamaConfig): Promise<ClientLease> {
    await this.apiKey.ready;
    // Counted in the same tick the client is picked: a settings change in between must not close it.
    const client = this.current(config);
    this.leases.set(client, (this.leases.get(client) ?? 0) + 1);
    let released = false;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.leases.get(client) ?? 1) - 1;
        if (left > 0) this.leases.set(client, left);
        else {
          this.leases.delete(client);
          if (client !== this.client) client.dispose();
        }
      },
    };
  }

  /** Same as `get` once the key has been read (tests, and after the first request). */
  current(config: LlamaConfig): LlamaBedrockClient {
    const options: BedrockClientOptions = {
      region: config.region,
      endpoint: config.endpoint,
      profile: config.profile,
      bearerToken: this.apiKey.current,
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      proxy: this.inputs.network?.(),
    };
    // The key string stays in memory, like the key itself; it is never logged.
    const key = JSON.stringify(options);
    if (!this.client || key !== this.key) {
      if (this.client && !this.leases.has(this.client)) this.client.dispose();
      this.client = new LlamaBedrockClient(options);
      this.key = key;
    }
    return this.client;
  }

  dispose(): void {
    for (const leased of this.leases.keys()) leased.dispose();
    this.leases.clear();
    this.client?.dispose();
    this.client = undefined;
    this.apiKey.dispose();
  }
}
