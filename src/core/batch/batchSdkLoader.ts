// Loads the S3 client lazily, once (see batchSdk.ts and scripts/build.mjs), the same way
// sdkLoader.ts and controlSdkLoader.ts load theirs.
export type BatchSdk = typeof import('./batchSdk');

let pending: Promise<BatchSdk> | undefined;

export function loadBatchSdk(): Promise<BatchSdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pending ??= Promise.resolve().then(() => require('./batchSdk') as BatchSdk);
  return pending;
}

/** True once the S3 client has been requested (for the activation-cost check). */
export function isBatchSdkRequested(): boolean {
  return pending !== undefined;
}
