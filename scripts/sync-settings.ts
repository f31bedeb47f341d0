// Writes package.json `contributes.configuration` from SETTINGS_SCHEMA (the rules) and
// SETTINGS_DOCS (the texts), the one source of truth for settings.
// test/unit/manifest.test.ts fails when package.json drifts from them.
//   npx tsx scripts/sync-settings.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS_DOCS } from '../src/core/settingsDocs';
import { SETTINGS_SCHEMA, type SettingKey } from '../src/core/settingsSchema';

export function configurationContribution() {
  const properties = Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([key, rules]) => [key, { ...rules, ...SETTINGS_DOCS[key as SettingKey] }]));
  return { title: 'Llama on Bedrock', properties: JSON.parse(JSON.stringify(properties)) as Record<string, unknown> };
}

if (require.main === module) {
  const path = join(__dirname, '..', 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  manifest.contributes.configuration = configurationContribution();
  writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${Object.keys(SETTINGS_SCHEMA).length} settings to package.json`);
}
