// The S3 client that batch jobs use for their input and output, a file of its own
// (dist/batchSdk.js, see scripts/build.mjs): loaded only when a batch job is submitted or
// followed, never at activation nor on an on-demand request's path.
export { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
