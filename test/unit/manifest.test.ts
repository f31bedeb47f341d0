import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationContribution } from '../../scripts/sync-settings';
import { validateSettings } from '../../src/core/settingsSchema';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

describe('package.json', () => {
  it('declares exactly the settings the settings module reads (run scripts/sync-settings.ts after changing them)', () => {
    assert.deepEqual(manifest.contributes.configuration, configurationContribution());
  });

  it('has defaults that validate', () => {
    const raw: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) raw[key] = (schema as { default: unknown }).default;
    const result = validateSettings(raw);
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('puts every command in the Llama category with an id under bedrockLlama.', () => {
    for (const c of manifest.contributes.commands) {
      assert.match(c.command, /^bedrockLlama\.[a-zA-Z]+$/);
      assert.equal(c.category, 'Llama');
    }
  });

  it('keeps the public names of product.md', () => {
    assert.equal(manifest.name, 'bedrock-llama');
    assert.equal(manifest.displayName, 'Llama on Bedrock');
    assert.equal(manifest.engines.vscode, '^1.100.0');
  });
});
