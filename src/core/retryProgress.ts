// What the progress notification says while the SDK retries a request.
import type { RetryReason } from './bedrock/requestGuard';

export function retryProgressMessage(attempt: number, reason: RetryReason): string {
  const count = `(${attempt} of ${reason.maxAttempts})`;
  switch (reason.kind) {
    case 'throttled':
    case 'modelNotReady':
      return `Bedrock is busy; retrying ${count}…`;
    case 'network':
      return `The connection to Bedrock failed; retrying ${count}…`;
    default:
      return `Bedrock had a temporary error; retrying ${count}…`;
  }
}
