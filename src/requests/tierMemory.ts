// Service tiers a model refused in this window: not asked for again (each refusal costs a
// round trip); a new window asks once more, in case the model now offers the tier.
import type { TierMemory } from '../core/request/runRequest';

export class SessionTierMemory implements TierMemory {
  private readonly refusals = new Set<string>();

  refused(modelId: string, tier: string): boolean {
    return this.refusals.has(`${modelId}|${tier}`);
  }

  remember(modelId: string, tier: string): void {
    this.refusals.add(`${modelId}|${tier}`);
  }
}
