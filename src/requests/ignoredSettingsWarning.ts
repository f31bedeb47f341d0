// Says once per key when a workspace tried to set a setting that only user settings may
// set (where requests and credentials go, what counts as spent), so a repository's
// .vscode/settings.json never silently changes them and the user knows why it had no effect.
import * as vscode from 'vscode';
import type { Settings, SettingsSnapshot } from '../settings';

export function warnAboutIgnoredWorkspaceSettings(settings: Settings, log: vscode.LogOutputChannel): vscode.Disposable {
  const warned = new Set<string>();
  const check = (snapshot: SettingsSnapshot) => {
    const fresh = snapshot.ignoredWorkspaceKeys.filter((k) => !warned.has(k));
    if (fresh.length === 0) return;
    for (const k of fresh) warned.add(k);
    const keys = fresh.join(', ');
    log.warn(`Ignored workspace value(s) for ${keys}: these are read from user settings only`);
    void vscode.window.showWarningMessage(
      `Llama on Bedrock ignores this workspace's value for ${keys}: where requests go and what counts as spent are taken from your user settings only.`,
      'Open User Settings',
    ).then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', fresh[0]);
    });
  };
  check(settings.current);
  return settings.onDidChange(check);
}
