// The response cache at the VS Code edge: the file store under the extension's global
// storage (shared by every window, kept across reloads), created on first use, and handed to
// a request only while `bedrockLlama.cacheTtlMinutes` is above 0.
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { FileResponseStore } from '../core/cache/responseStore';
import type { ResponseCache } from '../core/request/runRequest';
import type { ValidationResult } from '../core/settingsSchema';

export class ResponseCacheService {
  private file: FileResponseStore | undefined;
  private wasOn = false;

  constructor(private readonly storage: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  get store(): FileResponseStore {
    this.file ??= new FileResponseStore(
      // The extension host runs in Node: global storage is a local folder.
      join(this.storage.fsPath, 'response-cache'),
      undefined,
      (err) => this.log.warn(`Response cache: eviction failed: ${String(err)}`),
    );
    return this.file;
  }

  /** Turning the cache off (0 minutes) also removes what it kept: answers are not left on disk unasked. */
  settingsChanged(settings: ValidationResult): void {
    const on = settings.ok && settings.config.cacheTtlMinutes > 0;
    if (this.wasOn && !on) {
      void this.store.clear().then(
        (r) => { if (r.entries) this.log.info(`Response cache turned off: removed ${r.entries} answer(s)`); },
        (err: unknown) => this.log.warn(`Response cache: could not empty it: ${String(err)}`),
      );
    }
    if (settings.ok) this.wasOn = on;
  }

  /** The cache for a request under these settings; undefined when the cache is off (or the settings are invalid). */
  forRequest(settings: ValidationResult): { store: ResponseCache; ttlMs: number } | undefined {
    if (!settings.ok || settings.config.cacheTtlMinutes <= 0) return undefined;
    return { store: this.store, ttlMs: settings.config.cacheTtlMinutes * 60_000 };
  }
}
