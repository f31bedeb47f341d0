// Loads the control plane's SDK lazily, once (see controlSdk.ts and scripts/build.mjs), the
// same way sdkLoader.ts loads the runtime's.
export type ControlSdk = typeof import('./controlSdk');

let pending: Promise<ControlSdk> | undefined;

export function loadControlSdk(): Promise<ControlSdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pending ??= Promise.resolve().then(() => require('./controlSdk') as ControlSdk);
  return pending;
}
