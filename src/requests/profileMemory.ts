// Inference-profile ids that worked, by model and region: kept for the session and in
// globalState, so `auto` goes straight to the working id after a reload.
import type * as vscode from 'vscode';
import { MapProfileMemory, type ProfileMemory } from '../core/profileFallback';

export type MementoLike = Pick<vscode.Memento, 'get' | 'update'>;

const STATE_KEY = 'bedrockLlama.inferenceProfiles';

export class StoredProfileMemory implements ProfileMemory {
  private readonly session: MapProfileMemory;

  constructor(private readonly state?: MementoLike) {
    this.session = new MapProfileMemory(state?.get<Record<string, string>>(STATE_KEY) ?? {});
  }

  get(key: string): string | undefined {
    return this.session.get(key);
  }

  set(key: string, invokeId: string): void {
    this.session.set(key, invokeId);
    void this.state?.update(STATE_KEY, this.session.entries());
  }

  delete(key: string): void {
    this.session.delete(key);
    void this.state?.update(STATE_KEY, this.session.entries());
  }
}
