// Which models stream: a refusal Bedrock gave (remembered across windows), else what
// discovery reported (`responseStreamingSupported`), else the catalog decides.
import type * as vscode from 'vscode';
import type { ResolvedModel } from '../core/catalog';
import type { StreamingKnowledge } from '../core/request/runRequest';

const KEY = 'bedrockLlama.noStreaming';
const MAX_REMEMBERED = 200;

export class StreamingMemory implements StreamingKnowledge {
  private discovered: ((baseId: string) => boolean | undefined) | undefined;

  constructor(private readonly state: vscode.Memento) {}

  /** Discovery's answer per base model id, once discovery has run. */
  setDiscovery(lookup: ((baseId: string) => boolean | undefined) | undefined): void {
    this.discovered = lookup;
  }

  supported(model: ResolvedModel): boolean | undefined {
    if (this.refusals().includes(keyOf(model))) return false;
    return model.baseId ? this.discovered?.(model.baseId) : undefined;
  }

  refused(model: ResolvedModel): void {
    const key = keyOf(model);
    const list = this.refusals().filter((k) => k !== key);
    void this.state.update(KEY, [...list, key].slice(-MAX_REMEMBERED));
  }

  /** Forgets the refusals (Refresh Model List: Bedrock's list is asked again, and believed). */
  clear(): Thenable<void> {
    return this.state.update(KEY, undefined);
  }

  private refusals(): string[] {
    const v = this.state.get<unknown>(KEY);
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
  }
}

function keyOf(model: ResolvedModel): string {
  return model.baseId ?? model.invokeId;
}
