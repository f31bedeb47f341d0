// The Bedrock API key in VS Code secret storage (never in settings): read once at start,
// re-read when another window changes it, and handed to the client provider, which
// builds a new client whenever the key changes.
import type * as vscode from 'vscode';

export type SecretStorageLike = Pick<vscode.SecretStorage, 'get' | 'store' | 'delete' | 'onDidChange'>;

export const API_KEY_SECRET = 'bedrockLlama.apiKey';

export class ApiKeyStore {
  private value: string | undefined;
  private readonly subscription: vscode.Disposable | undefined;
  /** Settles once the stored key has been read; requests wait for it. */
  readonly ready: Promise<void>;

  /** Without secret storage the key lives for the session only. */
  constructor(private readonly secrets?: SecretStorageLike) {
    this.ready = this.reload();
    this.subscription = secrets?.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) void this.reload();
    });
  }

  get current(): string | undefined {
    return this.value;
  }

  async set(key: string): Promise<void> {
    await this.secrets?.store(API_KEY_SECRET, key);
    this.value = key;
  }

  async clear(): Promise<void> {
    await this.secrets?.delete(API_KEY_SECRET);
    this.value = undefined;
  }

  dispose(): void {
    this.subscription?.dispose();
  }

  private async reload(): Promise<void> {
    try {
      this.value = (await this.secrets?.get(API_KEY_SECRET)) || undefined;
    } catch {
      this.value = undefined; // an unreadable keyring means no key, not a failed activation
    }
  }
}
