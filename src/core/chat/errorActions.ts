// What a failed turn offers beside Retry, by error kind: the same fixes as the error
// notifications (src/requests/errorMessages.ts), as buttons in the chat.
import type { BedrockLlamaErrorKind } from '../bedrock/errors';
import type { ErrorAction } from './conversation';

const SELECT_MODEL: ReadonlySet<BedrockLlamaErrorKind> = new Set(['modelNotFound', 'accessDenied', 'needsInferenceProfile', 'validation']);
const OPEN_SETTINGS: ReadonlySet<BedrockLlamaErrorKind> = new Set(['noCredentials', 'expiredCredentials', 'ssoExpired', 'network', 'configuration']);

export function errorActions(kind: BedrockLlamaErrorKind): ErrorAction[] {
  const actions: ErrorAction[] = [];
  if (SELECT_MODEL.has(kind)) actions.push('selectModel');
  if (OPEN_SETTINGS.has(kind)) actions.push('openSettings');
  actions.push('showLog');
  return actions;
}
