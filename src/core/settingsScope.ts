// Which settings a workspace may set. A repository's .vscode/settings.json must not decide
// where requests and credentials go, or what the meter counts as spent: those settings
// (scope `machine` or `application` in SETTINGS_SCHEMA) are read from user settings
// only. VS Code's own filtering of such workspace values depends on its version and on
// whether the window is remote, so they are picked here from `inspect()` instead of `get()`.
import { SECTION, SETTINGS_SCHEMA, type SettingSchema } from './settingsSchema';

/** The part of `WorkspaceConfiguration.inspect(key)` used here. */
export interface InspectedSetting {
  defaultValue?: unknown;
  /** User settings (local and, in a remote window, the remote machine's). */
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** `getConfiguration('bedrockLlama')`, or a stand-in in tests; keys are short (`endpoint`). */
export interface SettingsSource {
  get(key: string): unknown;
  inspect(key: string): InspectedSetting | undefined;
}

/** Full keys of the settings never taken from a workspace or workspace folder. */
export const USER_ONLY_KEYS: readonly string[] = Object.entries(SETTINGS_SCHEMA as Record<string, SettingSchema>)
  .filter(([, s]) => s.scope === 'machine' || s.scope === 'application')
  .map(([key]) => key);

export interface RawSettings {
  /** Raw values by full key, for validateSettings. */
  raw: Record<string, unknown>;
  /** Full keys of user-only settings that have a workspace (or folder) value, which was ignored. */
  ignoredWorkspaceKeys: string[];
}

/** Reads every setting: user-only ones from user settings or the default, the rest as VS Code resolves them. */
export function readRawSettings(source: SettingsSource): RawSettings {
  const raw: Record<string, unknown> = {};
  const ignoredWorkspaceKeys: string[] = [];
  for (const key of Object.keys(SETTINGS_SCHEMA)) {
    const short = key.slice(SECTION.length + 1);
    if (!USER_ONLY_KEYS.includes(key)) {
      raw[key] = source.get(short);
      continue;
    }
    const inspected = source.inspect(short);
    raw[key] = inspected?.globalValue ?? inspected?.defaultValue;
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) ignoredWorkspaceKeys.push(key);
  }
  return { raw, ignoredWorkspaceKeys };
}
