// Loads the AWS SDK lazily, once. The build makes `./sdk` the separate dist/sdk.js file
// (see scripts/build.mjs); under plain Node it is the source module. A `require` (not
// `import()`) so both the bundle and ts-node-style test runs resolve it the same way.
export type Sdk = typeof import('./sdk');

let pending: Promise<Sdk> | undefined;

export function loadSdk(): Promise<Sdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pending ??= Promise.resolve().then(() => require('./sdk') as Sdk);
  return pending;
}

/** True once the SDK module has been requested (for the activation-cost check). */
export function isSdkRequested(): boolean {
  return pending !== undefined;
}
