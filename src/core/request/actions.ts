// The one table from what went wrong to what the user can do about it. Notifications and
// the chat both read it, so the same failure offers the same buttons everywhere.
import { isSafeProfileName } from '../bedrock/credentialErrors';
import type { BedrockLlamaErrorKind } from '../bedrock/errors';
import type { Failure } from './outcome';

export type RequestAction = 'retry' | 'continue' | 'signIn' | 'setApiKey' | 'selectModel' | 'openSettings' | 'showLog';

/** Button labels, the same in notifications and in the chat. */
export const ACTION_LABELS: Record<RequestAction, string> = {
  retry: 'Retry',
  continue: 'Continue',
  signIn: 'Sign In',
  setApiKey: 'Set API Key',
  selectModel: 'Select Model…',
  openSettings: 'Open Settings',
  showLog: 'Show Log',
};

/** The fixes each kind needs beside Retry, in the order they are offered. */
const FIXES: Record<BedrockLlamaErrorKind, RequestAction[]> = {
  aborted: [],
  throttled: [],
  accessDenied: ['selectModel'],
  expiredCredentials: ['openSettings'],
  apiKeyRejected: ['setApiKey'],
  noCredentials: ['setApiKey', 'openSettings'],
  ssoExpired: ['signIn', 'openSettings'],
  modelNotFound: ['selectModel'],
  needsInferenceProfile: ['selectModel', 'openSettings'],
  streamingUnsupported: [],
  guardrailInvalid: ['openSettings'],
  serviceTierUnsupported: ['openSettings'],
  validation: ['selectModel'],
  quota: ['selectModel'],
  modelTimeout: [],
  modelNotReady: [],
  modelError: [],
  serverError: [],
  unavailable: [],
  streamError: [],
  idleTimeout: ['openSettings'],
  network: ['openSettings'],
  configuration: ['openSettings'],
  unknown: [],
};

/**
 * What a failure offers. Retry is always there, since the request is kept and nothing has to
 * be typed again: first when trying again can help by itself, after the fixes when one of
 * them comes first (pick another model, sign in, set a key, then Retry). Sign In only for a
 * profile name that is safe on a command line.
 */
export function actionsForFailure(failure: Pick<Failure, 'kind' | 'retryable' | 'profile'>): RequestAction[] {
  const fixes = FIXES[failure.kind].filter((a) => a !== 'signIn' || !failure.profile || isSafeProfileName(failure.profile));
  if (failure.kind === 'aborted') return ['showLog'];
  return failure.retryable && failure.kind !== 'ssoExpired' ? ['retry', ...fixes, 'showLog'] : [...fixes, 'retry', 'showLog'];
}

/** The actions for invalid settings and for a prompt that does not fit. */
export const SETTINGS_ACTIONS: RequestAction[] = ['openSettings'];
export const PROMPT_TOO_LONG_ACTIONS: RequestAction[] = ['selectModel', 'openSettings'];
