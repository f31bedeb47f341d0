// What a failed turn offers beside its own Retry button: the fixes of the request action
// table (src/core/request/actions.ts), the same as the error notifications offer.
import { actionsForFailure } from '../request/actions';
import type { Failure } from '../request/outcome';
import type { ErrorAction } from './conversation';

export function chatErrorActions(failure: Pick<Failure, 'kind' | 'retryable' | 'profile'>): ErrorAction[] {
  return actionsForFailure(failure).filter((a): a is ErrorAction => a !== 'retry' && a !== 'continue');
}
