// Persists the usage ledger in globalState so totals survive reloads, and adds this
// window's increments to whatever other windows saved (see UsageLedger.beginSave).
import * as vscode from 'vscode';
import { UsageLedger, type UsageRecord, type UsageTotals } from '../core/usage';

const STORAGE_KEY = 'bedrockLlama.usage';
const SAVE_DELAY_MS = 500;

export class UsageStore implements vscode.Disposable {
  readonly ledger: UsageLedger;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly state: vscode.Memento) {
    this.ledger = UsageLedger.fromJSON(state.get(STORAGE_KEY));
  }

  record(entry: UsageRecord): void {
    this.ledger.record(entry);
    this.changed.fire();
    this.saveTimer ??= setTimeout(() => { this.saveTimer = undefined; void this.save(); }, SAVE_DELAY_MS);
  }

  /**
   * Today's and this month's totals over every window: what the others saved (read now from the
   * shared storage) plus this window's increments not yet saved. Budgets are checked against these.
   */
  sharedTotals(at: Date): { day: UsageTotals; month: UsageTotals } {
    return this.ledger.sharedTotals(this.state.get(STORAGE_KEY), at);
  }

  /** The shared storage, for a second store over it as another window has (tests). */
  get memento(): vscode.Memento {
    return this.state;
  }

  resetSession(): void {
    this.ledger.resetSession();
    this.changed.fire();
  }

  /** Writes unsaved increments; saves never overlap. */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (!this.ledger.hasUnsaved()) return;
      const pending = this.ledger.beginSave(this.state.get(STORAGE_KEY));
      try {
        await this.state.update(STORAGE_KEY, pending.data);
        pending.commit();
      } catch {
        pending.abort();
      }
    });
    return this.saving;
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    void this.save();
    this.changed.dispose();
  }
}
