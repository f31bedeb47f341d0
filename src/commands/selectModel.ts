// Select Model…: what this account can use, grouped by route (in region, geography and
// global profiles, application profiles, custom and provisioned models, legacy), each with context window, price,
// images, streaming and latency-optimized availability; then a custom id or ARN. Opens at
// once with what is known (the built-in catalog until discovery has answered) and updates
// in place when discovery finishes.
import * as vscode from 'vscode';
import { resolveModel } from '../core/catalog';
import { pickerRows, type PickerRow } from '../core/discovery/modelDirectory';
import type { ModelDirectoryService } from '../models/modelDirectoryService';
import type { SettingsSnapshot } from '../settings';
import { updateSetting } from '../settings';
import type { CommandContext } from './context';

interface ModelItem extends vscode.QuickPickItem {
  modelId?: string;
  action?: 'custom' | 'refresh';
}

/** @param modelId given by callers that already know it (tests); else picked from the list. */
export function selectModel(context: CommandContext) {
  const run = async (modelId?: unknown): Promise<void> => {
    if (typeof modelId === 'string') return write(modelId);
    const { settings, models } = context.services;
    models.ensureStarted();
    const pick = await showPicker(models, settings);
    if (!pick) return;
    if (pick.modelId) return write(pick.modelId);
    if (pick.action === 'refresh') {
      await models.refresh();
      return run();
    }
    const currentId = currentModelId(settings.current);
    const custom = await vscode.window.showInputBox({
      title: 'Llama: Custom Model',
      prompt: 'Bedrock model id, inference-profile id or ARN',
      value: currentId,
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          resolveModel(v, { family: 'llama3', underlying: models.underlying });
          return undefined;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    if (custom?.trim()) await write(custom.trim());
  };
  return run;
}

function showPicker(models: ModelDirectoryService, settings: { current: SettingsSnapshot }): Promise<ModelItem | undefined> {
  const qp = vscode.window.createQuickPick<ModelItem>();
  qp.title = 'Llama: Select Model';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const render = (): void => {
    const snapshot = settings.current;
    const currentId = currentModelId(snapshot);
    const state = models.state;
    const items = pickerRows({
      discovery: state.discovery,
      fallback: state.failure,
      region: state.region,
      pricing: snapshot.ok ? snapshot.config.pricing : {},
      currentId,
    }).map(toItem);
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(edit) Custom model id or ARN…', detail: 'An inference profile, provisioned throughput, custom or imported model', action: 'custom' },
    );
    // New items move the focus to the top: keep it on the row the user was on.
    const active = qp.activeItems[0];
    qp.items = items;
    const same = active && items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && (active.modelId ? i.modelId === active.modelId : i.label === active.label));
    if (same) qp.activeItems = [same];
    qp.busy = state.running; // the progress bar says discovery is still asking Bedrock
    qp.placeholder = currentId ? `Current: ${currentId}` : 'Pick a Llama model';
  };
  render();
  const subscription = models.onDidChange(render);
  return new Promise<ModelItem | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0] ?? qp.activeItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      subscription.dispose();
      qp.dispose();
    });
    qp.show();
  });
}

function toItem(row: PickerRow): ModelItem {
  switch (row.kind) {
    case 'separator':
      return { label: row.label, kind: vscode.QuickPickItemKind.Separator };
    case 'note':
      return { label: row.label, detail: row.detail, action: 'refresh', alwaysShow: true };
    case 'model':
      return {
        label: `${row.current ? '$(check) ' : ''}${row.usable ? '' : '$(lock) '}${row.name}`,
        description: row.description,
        detail: row.detail,
        modelId: row.modelId,
      };
  }
}

function currentModelId(snapshot: SettingsSnapshot): string | undefined {
  return snapshot.ok ? snapshot.config.modelId : undefined;
}

async function write(modelId: string): Promise<void> {
  if (await updateSetting('modelId', modelId)) vscode.window.setStatusBarMessage(`Llama model: ${modelId}`, 3000);
}
