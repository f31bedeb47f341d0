// Writes package.json `contributes.configuration` from SETTINGS_SCHEMA, the one source of
// truth for settings. test/unit/manifest.test.ts fails when the two drift apart.
//   npx tsx scripts/sync-settings.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS_SCHEMA } from '../src/core/settingsSchema';

export function configurationContribution() {
  return { title: 'Llama on Bedrock', properties: JSON.parse(JSON.stringify(SETTINGS_SCHEMA)) as Record<string, unknown> };
}

if (require.main === module) {
  const path = join(__dirname, '..', 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.contributes.configuration = configurationContribution();
  writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${Object.keys(SETTINGS_SCHEMA).length} settings to package.json`);
}
