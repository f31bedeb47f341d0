// Show Connection Info: region, identity, endpoint, proxy and the id the model is invoked
// with, in a quick pick whose lines open the setting that changes them. Resolving the
// credentials may take a moment (SSO, credential_process), so it runs under progress.
import * as vscode from 'vscode';
import { connectionInfoLines, type InfoLine } from '../core/connectionInfo';
import { memoryKey, plannedInvokeId } from '../core/profileFallback';
import { notifySettingsErrors } from '../requests/errorMessages';
import type { CommandContext } from './context';

const ICONS: Record<string, string> = { Region: 'globe', Credentials: 'key', Endpoint: 'server', Proxy: 'plug', Model: 'hubot' };

/** Resolves with the lines shown (for tests); the quick pick itself is not awaited. */
export function showConnection({ services }: CommandContext) {
  return async (): Promise<InfoLine[] | undefined> => {
    const snapshot = services.settings.current;
    if (!snapshot.ok) {
      notifySettingsErrors(snapshot.errors, services.log);
      return undefined;
    }
    const config = snapshot.config;
    const profiles = services.clients.profiles;
    const lines = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Llama: reading the AWS connection…' },
      async () => {
        const client = await services.clients.get(config);
        const details = await client.connectionDetails();
        const invokeId = plannedInvokeId(config.model, config.inferenceProfile, details.region, profiles);
        const key = memoryKey(config.model, details.region);
        return connectionInfoLines({
          details,
          configuredRegion: config.region,
          configuredEndpoint: config.endpoint,
          modelId: config.modelId,
          invokeId,
          remembered: key !== undefined && profiles.get(key) === invokeId,
        });
      },
    );
    services.log.info(`Connection: ${lines.map((l) => `${l.label.toLowerCase()}=${l.value}`).join(' · ')}`);
    const items = lines.map((l) => ({ label: `$(${ICONS[l.label] ?? 'info'}) ${l.label}`, description: l.value, detail: l.detail, setting: l.setting }));
    void vscode.window.showQuickPick(items, { title: 'Llama: Connection Info', placeHolder: 'Pick a line to open its setting' }).then((pick) => {
      if (pick?.setting) void vscode.commands.executeCommand('workbench.action.openSettings', pick.setting);
    });
    return lines;
  };
}
