// The only reader of `bedrockLlama.*` settings: a typed, validated snapshot and a change event.
import * as vscode from 'vscode';
import { SETTINGS_SCHEMA, validateSettings, type LlamaConfig, type SettingError } from './core/settingsSchema';

const SECTION = 'bedrockLlama';
const KEYS = Object.keys(SETTINGS_SCHEMA).map((full) => full.slice(SECTION.length + 1));

export type SettingsSnapshot = { ok: true; config: LlamaConfig } | { ok: false; errors: SettingError[] };

export class Settings implements vscode.Disposable {
  private snapshot: SettingsSnapshot;
  private readonly changed = new vscode.EventEmitter<SettingsSnapshot>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor() {
    this.snapshot = read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.snapshot = read();
      this.changed.fire(this.snapshot);
    });
  }

  /** The current settings, validated; read once per change, not per request. */
  get current(): SettingsSnapshot {
    return this.snapshot;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function read(): SettingsSnapshot {
  const section = vscode.workspace.getConfiguration(SECTION);
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) raw[`${SECTION}.${key}`] = section.get(key);
  return validateSettings(raw);
}

/** Writes one setting in the user's global settings (e.g. the model picked in Select Model…). */
export function updateSetting(key: string, value: unknown): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}
