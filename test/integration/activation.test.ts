import { strict as assert } from 'node:assert';
import { activate, extension } from './support/extension';

describe('activation', () => {
  it('activates without loading the AWS SDK or the commands and chat', async () => {
    const wasActive = extension().isActive;
    const api = await activate();
    // The SDK is warmed a few seconds after activation, so this only holds right after it.
    assert.equal(api.sdkRequested(), false, `the AWS SDK was requested during activation${wasActive ? ' (or the extension was already active before this test)' : ''}`);
    // Commands and the chat come from dist/features.js, loaded on first use (or warmed a few seconds later).
    assert.equal(api.featuresLoaded(), false, 'activation loaded dist/features.js');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs is ${api.activationMs}`);
    console.log(`activation took ${api.activationMs.toFixed(1)} ms (already active: ${wasActive})`);
  });
});
