// The one table from a failure's kind to its actions, which notifications and the chat share.
import { strict as assert } from 'node:assert';
import type { BedrockLlamaErrorKind } from '../../src/core/bedrock/errors';
import { chatErrorActions } from '../../src/core/chat/errorActions';
import { ACTION_LABELS, actionsForFailure } from '../../src/core/request/actions';

describe('request actions', () => {
  it('offers Sign In first for an expired SSO login, then Retry', () => {
    assert.deepEqual(actionsForFailure({ kind: 'ssoExpired', retryable: false, profile: 'dev' }), ['signIn', 'openSettings', 'retry', 'showLog']);
    assert.deepEqual(actionsForFailure({ kind: 'ssoExpired', retryable: true }), ['signIn', 'openSettings', 'retry', 'showLog']);
  });

  it('never offers Sign In for a profile name that is unsafe on a command line', () => {
    assert.deepEqual(actionsForFailure({ kind: 'ssoExpired', retryable: false, profile: 'dev; rm -rf ~' }), ['openSettings', 'retry', 'showLog']);
  });

  it('offers Set API Key for a rejected key (its own kind, not a match on the message)', () => {
    assert.deepEqual(actionsForFailure({ kind: 'apiKeyRejected', retryable: false }), ['setApiKey', 'retry', 'showLog']);
    assert.deepEqual(actionsForFailure({ kind: 'noCredentials', retryable: false }), ['setApiKey', 'openSettings', 'retry', 'showLog']);
  });

  it('offers Retry first for what trying again can fix, and after the fix otherwise', () => {
    for (const kind of ['throttled', 'idleTimeout', 'streamError', 'serverError', 'network'] as BedrockLlamaErrorKind[]) {
      assert.equal(actionsForFailure({ kind, retryable: true })[0], 'retry', kind);
      assert.equal(actionsForFailure({ kind, retryable: true }).at(-1), 'showLog', kind);
    }
    assert.deepEqual(actionsForFailure({ kind: 'accessDenied', retryable: false }), ['selectModel', 'retry', 'showLog']);
    assert.deepEqual(actionsForFailure({ kind: 'aborted', retryable: false }), ['showLog']);
  });

  it('gives the chat the same fixes without the Retry and Continue it shows itself', () => {
    const kinds: BedrockLlamaErrorKind[] = ['throttled', 'accessDenied', 'ssoExpired', 'apiKeyRejected', 'noCredentials', 'network', 'configuration', 'unknown'];
    for (const kind of kinds) {
      const failure = { kind, retryable: true, profile: 'dev' };
      assert.deepEqual(chatErrorActions(failure), actionsForFailure(failure).filter((a) => a !== 'retry'), kind);
    }
  });

  it('labels every action', () => {
    for (const label of Object.values(ACTION_LABELS)) assert.ok(label.length > 0);
  });
});
