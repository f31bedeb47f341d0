// What one model request ended as, complete and typed: the caller (editor, chat, and the
// surfaces to come) decides what to show for each kind; the runner shows nothing.
import type { BedrockLlamaErrorKind } from '../bedrock/errors';
import type { SettingError } from '../settingsSchema';
import type { LatencyFigures, StopReason, TokenUsage } from '../types';

/** Why the caller stopped a request; passed as the abort reason of its AbortController. */
export type StopCause = 'user' | 'documentClosed' | 'editRefused' | 'replaced';

/** What goes on the meter for a request Bedrock bills. */
export interface Metered {
  usage: TokenUsage;
  /** undefined: the model has no price. */
  costUsd: number | undefined;
  /** Counted locally (a stopped or failed request), not by Bedrock. */
  estimated: boolean;
  /** Replayed from the response cache: `costUsd` is 0 and this is what Bedrock charged the first time. */
  savedUsd?: number;
}

/** A failure as a surface needs it: no SDK objects, the message already redacted. */
export interface Failure {
  kind: BedrockLlamaErrorKind;
  message: string;
  retryable: boolean;
  requestId?: string;
  /** The AWS profile involved, for Sign In. */
  profile?: string;
}

/** A request routing sent to another model than the selected one (the outcome's `configModelId` answered). */
export interface Routed {
  reason: 'taskModel' | 'smallTask';
  selectedModelId: string;
}

export type RequestOutcome =
  | { kind: 'ok'; text: string; stopReason: StopReason | undefined; meter: Metered; latency: LatencyFigures; modelId: string; configModelId: string; cached?: boolean; routed?: Routed }
  /** Not sent: a budget blocked it, or the user declined the cost (`reason`); `message` says which and what to do. */
  | { kind: 'notSent'; reason: 'budget' | 'declined'; message: string; configModelId: string; routed?: Routed }
  /** A guardrail intervened: `message` is the guardrail's own, never to be shown as an answer; `text` what streamed before it. */
  | { kind: 'blocked'; guardrail: string; message: string; text: string; meter: Metered; modelId: string; configModelId: string; routed?: Routed }
  | { kind: 'invalidSettings'; errors: SettingError[] }
  | { kind: 'promptTooLong'; message: string }
  /** `meter` is set when Bedrock had accepted the request (it bills what it generated). */
  | { kind: 'stopped'; cause: StopCause; text: string; meter?: Metered; modelId: string; configModelId: string; routed?: Routed }
  | { kind: 'failed'; failure: Failure; text: string; meter?: Metered; modelId: string; configModelId: string; routed?: Routed };

/** An Error to abort with, so the runner can tell who stopped the request and why. */
export class StopRequest extends Error {
  constructor(readonly stopCause: StopCause) {
    super(`stopped: ${stopCause}`);
    this.name = 'AbortError';
  }
}

/** The cause behind an aborted signal; a plain abort() is the user's Stop. */
export function stopCauseOf(signal: AbortSignal | undefined): StopCause {
  const reason: unknown = signal?.reason;
  return reason instanceof StopRequest ? reason.stopCause : 'user';
}
