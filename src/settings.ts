// The only reader of `bedrockLlama.*` settings: a typed, validated snapshot and a change event.
import * as vscode from 'vscode';
import type { ResolveOptions } from './core/catalog';
import { SECTION, validateSettings, type ValidationResult } from './core/settingsSchema';
import { readRawSettings } from './core/settingsScope';

/**
 * `ignoredWorkspaceKeys`: full keys of user-only settings (endpoint, profile, region, pricing,
 * budgetUsd) that a workspace or workspace folder sets; those values were not used.
 */
export type SettingsSnapshot = ValidationResult & { ignoredWorkspaceKeys: string[] };

export class Settings implements vscode.Disposable {
  private snapshot: SettingsSnapshot;
  private readonly changed = new vscode.EventEmitter<SettingsSnapshot>();
  private readonly subscription: vscode.Disposable;
  private underlying: ResolveOptions['underlying'];
  readonly onDidChange = this.changed.event;

  /** @param underlying what is known at start about application profile ARNs (remembered from earlier discoveries). */
  constructor(underlying?: ResolveOptions['underlying']) {
    this.underlying = underlying;
    this.snapshot = read(underlying);
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      this.snapshot = read(this.underlying);
      this.changed.fire(this.snapshot);
    });
  }

  /**
   * What discovery knows about application inference profiles (the model behind each ARN):
   * the snapshot is read again with it, so such a profile gets its model's template and price.
   */
  setModelLookup(underlying: ResolveOptions['underlying']): void {
    this.underlying = underlying;
    const next = read(underlying);
    // Only a model that resolves differently is a change (an application profile ARN).
    if (JSON.stringify(next) === JSON.stringify(this.snapshot)) return;
    this.snapshot = next;
    this.changed.fire(this.snapshot);
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

function read(underlying: ResolveOptions['underlying']): SettingsSnapshot {
  const { raw, ignoredWorkspaceKeys } = readRawSettings(vscode.workspace.getConfiguration(SECTION));
  return { ...validateSettings(raw, { underlying }), ignoredWorkspaceKeys };
}

/**
 * Writes one setting in the user's global settings (e.g. the model picked in Select Model…).
 * Resolves false, after telling the user why and what to do, when VS Code cannot write it
 * (for example a settings.json that does not parse): never a raw "command resulted in an error".
 */
export async function updateSetting(key: string, value: unknown): Promise<boolean> {
  try {
    await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
    return true;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Llama could not save ${SECTION}.${key}: ${reason}`, 'Open User Settings (JSON)').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
    });
    return false;
  }
}
