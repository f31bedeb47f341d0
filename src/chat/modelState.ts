// The header's model picker: the same catalog as Select Model…, and the model in use.
import { CATALOG } from '../core/catalog';
import type { SettingsSnapshot } from '../settings';
import type { ModelOption, ModelState } from '../shared/chatProtocol';

const OPTIONS: ModelOption[] = CATALOG.map((m) => ({ id: m.id, label: m.label, vision: m.vision, legacy: m.legacy }));

export function modelState(snapshot: SettingsSnapshot): ModelState {
  if (!snapshot.ok) {
    const first = snapshot.errors[0];
    return { id: '', label: 'Invalid settings', vision: false, options: OPTIONS, problem: `${first.message}. Nothing is sent until it is fixed.` };
  }
  const { modelId, model } = snapshot.config;
  return { id: modelId, label: model.info?.label ?? modelId, vision: model.vision, options: OPTIONS };
}
