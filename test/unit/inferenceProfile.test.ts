import { strict as assert } from 'node:assert';
import { resolveModel } from '../../src/core/catalog';
import { invokeIdFor } from '../../src/core/inferenceProfile';

describe('inference profile choice', () => {
  const llama33 = resolveModel('meta.llama3-3-70b-instruct-v1:0');
  const llama31 = resolveModel('meta.llama3-1-8b-instruct-v1:0');

  it('auto: prefixes models that need a profile with the geography of the region', () => {
    assert.equal(invokeIdFor(llama33, 'auto', 'us-west-2'), 'us.meta.llama3-3-70b-instruct-v1:0');
    assert.equal(invokeIdFor(resolveModel('meta.llama3-2-3b-instruct-v1:0'), 'auto', 'eu-central-1'), 'eu.meta.llama3-2-3b-instruct-v1:0');
    // No EU profile for 3.3: the base id goes out as given.
    assert.equal(invokeIdFor(llama33, 'auto', 'eu-central-1'), 'meta.llama3-3-70b-instruct-v1:0');
  });

  it('auto: leaves on-demand models and unknown regions alone', () => {
    assert.equal(invokeIdFor(llama31, 'auto', 'us-west-2'), 'meta.llama3-1-8b-instruct-v1:0');
    assert.equal(invokeIdFor(llama33, 'auto', undefined), 'meta.llama3-3-70b-instruct-v1:0');
  });

  it('an explicit geography always prefixes; off never does', () => {
    assert.equal(invokeIdFor(llama31, 'global', 'us-west-2'), 'global.meta.llama3-1-8b-instruct-v1:0');
    assert.equal(invokeIdFor(llama33, 'off', 'us-west-2'), 'meta.llama3-3-70b-instruct-v1:0');
  });

  it('sends profile ids and ARNs as given', () => {
    assert.equal(invokeIdFor(resolveModel('eu.meta.llama3-2-3b-instruct-v1:0'), 'us', 'us-west-2'), 'eu.meta.llama3-2-3b-instruct-v1:0');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123';
    assert.equal(invokeIdFor(resolveModel(arn, { family: 'llama3' }), 'auto', 'us-east-1'), arn);
  });
});
