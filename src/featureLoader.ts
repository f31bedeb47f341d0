// Loads src/features.ts lazily, once. The build makes `./features` the separate
// dist/features.js (scripts/build.mjs), so activation only evaluates the small
// dist/extension.js: the status bar meter and stubs for the commands and chat views.
export type FeaturesModule = typeof import('./features');

let loaded: FeaturesModule | undefined;

export function loadFeaturesModule(): FeaturesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./features') as FeaturesModule;
  return loaded;
}
