// Select Model…: the catalog with context window, prices and vision, plus a custom id/ARN.
import * as vscode from 'vscode';
import { CATALOG, resolveModel, type ModelInfo } from '../core/catalog';
import { priceFor } from '../core/pricing';
import type { CommandContext } from './context';
import { updateSetting } from '../settings';

interface ModelItem extends vscode.QuickPickItem {
  modelId?: string;
  custom?: boolean;
}

/** @param modelId given by callers that already know it (tests); else picked from the list. */
export function selectModel({ services }: CommandContext) {
  return async (modelId?: unknown): Promise<void> => {
    if (typeof modelId === 'string') return write(modelId);
    const snapshot = services.settings.current;
    const currentId = snapshot.ok ? snapshot.config.modelId : undefined;
    const pricing = snapshot.ok ? snapshot.config.pricing : {};
    const items: ModelItem[] = [
      { label: 'Llama models on Bedrock', kind: vscode.QuickPickItemKind.Separator },
      ...CATALOG.filter((m) => !m.legacy).map((m) => item(m, currentId, pricing)),
      { label: 'Legacy', kind: vscode.QuickPickItemKind.Separator },
      ...CATALOG.filter((m) => m.legacy).map((m) => item(m, currentId, pricing)),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(edit) Custom model id or ARN…', detail: 'An inference profile, provisioned throughput or imported model', custom: true },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Llama: Select Model',
      placeHolder: currentId ? `Current: ${currentId}` : 'Pick a Llama model',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return;
    if (pick.modelId) return write(pick.modelId);
    const custom = await vscode.window.showInputBox({
      title: 'Llama: Custom Model',
      prompt: 'Bedrock model id, inference-profile id or ARN',
      value: currentId,
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          resolveModel(v, { family: 'llama3' });
          return undefined;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    if (custom?.trim()) await write(custom.trim());
  };
}

function item(m: ModelInfo, currentId: string | undefined, pricing: Parameters<typeof priceFor>[1]): ModelItem {
  const price = priceFor(m.id, pricing) ?? m.price;
  const ctx = m.contextWindow >= 1000 ? `${Math.round(m.contextWindow / 1000)}K` : String(m.contextWindow);
  const current = currentId === m.id || currentId?.endsWith(`.${m.id}`);
  return {
    label: `${current ? '$(check) ' : ''}${m.label}`,
    description: m.id,
    detail: `${ctx} context · $${price.input} in / $${price.output} out per 1M tokens${m.vision ? ' · images' : ''}${m.needsProfile ? ' · via inference profile' : ''}`,
    modelId: m.id,
  };
}

async function write(modelId: string): Promise<void> {
  if (await updateSetting('modelId', modelId)) vscode.window.setStatusBarMessage(`Llama model: ${modelId}`, 3000);
}
