// How a guardrail's intervention is worded everywhere: as a block, with the guardrail's own message.
import type { RequestOutcome } from './outcome';

export function blockedMessage(outcome: Extract<RequestOutcome, { kind: 'blocked' }>): string {
  const said = outcome.message.trim();
  return `Blocked by guardrail ${outcome.guardrail}${said ? `: ${said}` : '.'}`;
}
