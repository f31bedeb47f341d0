// The Llama models VS Code's chat may pick, as the provider describes them: what discovery found
// this account can use in the region (else the built-in catalog), one entry per model, named
// "Llama 3.3 70B Instruct (Bedrock)", with the window left for the prompt once the answer's room
// is kept, the answer's limit, images for vision models, and tool calling for the families whose
// template defines it.
import { maxGenLenFor, resolveModel, type ResolvedModel } from '../core/catalog';
import { pickerRows, type ModelRow } from '../core/discovery/modelDirectory';
import { toolCallingFamily } from '../core/lmChat/toolFamily';
import type { Services } from '../services';
import type { LanguageModelChatInformation } from './lmApi';

export interface LlamaChatModel extends LanguageModelChatInformation {
  /** Not in the stable typings, but read by VS Code: without it the chat view's picker leaves the model out. */
  readonly isUserSelectable: boolean;
  /** The model as resolved (family, window, price). */
  readonly resolved: ResolvedModel;
}

export function chatModels(services: Services): LlamaChatModel[] {
  const snapshot = services.settings.current;
  const config = snapshot.ok ? snapshot.config : undefined;
  const state = services.models.state;
  const rows = pickerRows({ discovery: state.discovery, fallback: state.failure, region: state.region, pricing: config?.pricing ?? {} })
    .filter((r): r is ModelRow => r.kind === 'model' && r.usable && r.group !== 'legacy');
  const seen = new Set<string>();
  const out: LlamaChatModel[] = [];
  for (const row of rows) {
    if (seen.has(row.name)) continue; // the first route listed (in region, then the region's profile) stands for the model
    let resolved: ResolvedModel;
    try {
      resolved = resolveModel(row.modelId, { underlying: services.models.underlying });
    } catch {
      continue;
    }
    seen.add(row.name);
    const maxOutput = maxGenLenFor(resolved, config?.maxGenLen ?? resolved.info?.maxGenLen ?? 2048);
    out.push({
      id: row.modelId,
      name: `${row.name} (Bedrock)`,
      family: familyName(resolved),
      version: resolved.info?.id ?? row.modelId,
      tooltip: `${row.description} · ${row.detail}`,
      detail: row.detail.split(' · ').slice(0, 2).join(' · '),
      maxInputTokens: Math.max(0, resolved.contextWindow - maxOutput),
      maxOutputTokens: maxOutput,
      capabilities: {
        imageInput: resolved.info?.vision === true,
        toolCalling: toolCallingFamily(row.modelId, resolved.family) !== undefined,
      },
      isUserSelectable: true,
      resolved,
    });
  }
  return out;
}

/** "llama-3.3-70b-instruct" from meta.llama3-3-70b-instruct-v1:0. */
function familyName(model: ResolvedModel): string {
  const base = model.info?.id;
  if (!base) return `llama-${model.family}`;
  return base.replace(/^meta\./, '').replace(/-v\d+:\d+$/, '').replace(/^llama(\d)-(\d)-/, 'llama-$1.$2-').replace(/^llama(\d)-/, 'llama-$1-');
}
