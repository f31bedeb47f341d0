// One Bedrock client per connection settings, reused across requests (its connection
// pool and its cached credentials are what make the next request fast); replaced when
// anything it was built from changes: region, profile, endpoint, timeouts, the stored
// API key, or VS Code's proxy settings. It also holds what the connection remembers:
// the API key store and the inference-profile ids that worked.
import type { BedrockClientOptions } from '../core/bedrock/client';
import { LlamaBedrockClient } from '../core/bedrock/client';
import type { ProfileMemory } from '../core/profileFallback';
import type { ProxySettings } from '../core/proxyConfig';
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

  constructor(private readonly inputs: ClientProviderInputs = {}) {
    this.apiKey = inputs.apiKey ?? new ApiKeyStore(inputs.secrets);
    this.profiles = new StoredProfileMemory(inputs.globalState);
  }

  /** The client for these settings; waits (once) for the stored API key to be read. */
  async get(config: LlamaConfig): Promise<LlamaBedrockClient> {
    await this.apiKey.ready;
    return this.current(config);
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
      this.client?.dispose();
      this.client = new LlamaBedrockClient(options);
      this.key = key;
    }
    return this.client;
  }

  dispose(): void {
    this.client?.dispose();
    this.client = undefined;
    this.apiKey.dispose();
  }
}
