// One Bedrock client per connection settings, reused across requests (its connection
// pool is what makes the second request fast); replaced when those settings change.
import type { BedrockClientOptions } from '../core/bedrock/client';
import { LlamaBedrockClient } from '../core/bedrock/client';
import type { LlamaConfig } from '../core/settingsSchema';

export class ClientProvider {
  private key = '';
  private client: LlamaBedrockClient | undefined;

  get(config: LlamaConfig): LlamaBedrockClient {
    const options: BedrockClientOptions = {
      region: config.region,
      endpoint: config.endpoint,
      profile: config.profile,
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
    };
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
  }
}
