// A real S3-compatible server for tests: s3rver (the npm package: buckets and objects on disk,
// S3's REST API and XML errors), started on 127.0.0.1 with a free port and a temporary
// directory, behind a small front on its own free port that checks every request's SigV4
// signature for the `s3` signing name as AWS does (test/server/sigv4Check.ts) before s3rver
// sees it: s3rver itself only looks up the access key id. Nothing here imitates S3's behaviour;
// the front only authenticates and forwards.
//
//   const s3 = new S3TestServer({ buckets: ['llama-batch-test'] });
//   const { url } = await s3.start();           // point the S3 client's endpoint at it (path-style)
//   await s3.putText('llama-batch-test', 'a/b.txt', 'hello');
//   await s3.stop();                             // closes both and deletes the directory
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, GetObjectCommand, CreateBucketCommand, DeleteBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { TEST_CREDENTIALS } from './authCheck';
import { BEDROCK_ROLE_CREDENTIALS } from './batchJobs';
import { verifySigV4, type AwsCredentials } from './sigv4Check';

// s3rver's account registry: an access key it does not know is refused as InvalidAccessKeyId.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3rverAccounts = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

export interface S3TestServerOptions {
  /** Buckets that exist from the start and after `reset()` (default: none). */
  buckets?: readonly string[];
  /** Access keys accepted (default TEST_CREDENTIALS and the local Bedrock's BEDROCK_ROLE_CREDENTIALS). */
  credentials?: readonly AwsCredentials[];
  /** One line per request (e.g. console.log). */
  log?: (line: string) => void;
}

/** One request as the front saw it. */
export interface S3Request {
  method: string;
  /** Path and query as sent. */
  url: string;
  accessKeyId: string | undefined;
  /** The status sent back (the front's refusal or s3rver's answer). */
  status: number;
}

/** S3's error codes for the refusals sigv4Check answers with Bedrock's names. */
const S3_CODES: Record<string, string> = {
  UnrecognizedClientException: 'InvalidAccessKeyId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  IncompleteSignatureException: 'AuthorizationHeaderMalformed',
  MissingAuthenticationTokenException: 'AccessDenied',
};

export class S3TestServer {
  readonly requests: S3Request[] = [];
  private readonly credentials: readonly AwsCredentials[];
  private readonly buckets: readonly string[];
  private readonly log: ((line: string) => void) | undefined;
  private dir: string | undefined;
  private s3rver: S3rver | undefined;
  private backendPort = 0;
  private front: http.Server | undefined;
  private address: { url: string; port: number } | undefined;
  private admin: S3Client | undefined;

  constructor(options: S3TestServerOptions = {}) {
    this.credentials = options.credentials ?? [...TEST_CREDENTIALS, BEDROCK_ROLE_CREDENTIALS];
    this.buckets = options.buckets ?? [];
    this.log = options.log;
    for (const c of this.credentials) s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(c.accessKeyId, c.secretAccessKey);
  }

  /** Starts s3rver and its front on free loopback ports; the URL is the front's. */
  async start(): Promise<{ url: string; port: number }> {
    if (this.address) return this.address;
    this.dir = mkdtempSync(join(tmpdir(), 'llama-s3-'));
    this.s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: this.dir, configureBuckets: this.buckets.map((name) => ({ name, configs: [] })) });
    const backend = await this.s3rver.run();
    this.backendPort = backend.port;
    this.front = http.createServer((req, res) => void this.handle(req, res));
    this.front.keepAliveTimeout = 5_000;
    this.front.listen(0, '127.0.0.1');
    await once(this.front, 'listening');
    const port = (this.front.address() as AddressInfo).port;
    this.address = { url: `http://127.0.0.1:${port}`, port };
    return this.address;
  }

  get url(): string {
    if (!this.address) throw new Error('S3TestServer is not started');
    return this.address.url;
  }

  /** Stops both servers and deletes the data directory. */
  async stop(): Promise<void> {
    this.admin?.destroy();
    this.admin = undefined;
    if (this.front) {
      this.front.closeAllConnections();
      await new Promise<void>((resolve) => this.front?.close(() => resolve()));
      this.front = undefined;
    }
    await this.s3rver?.close();
    this.s3rver = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.address = undefined;
  }

  /** Every bucket emptied and removed, the configured ones made again; the request log cleared. */
  async reset(): Promise<void> {
    const s3 = this.client();
    const listed = await s3.send(new ListBucketsCommand({}));
    for (const bucket of listed.Buckets ?? []) if (bucket.Name) await this.deleteBucket(bucket.Name);
    for (const name of this.buckets) await s3.send(new CreateBucketCommand({ Bucket: name }));
    this.requests.length = 0;
  }

  /** Empties a bucket and removes it. */
  async deleteBucket(bucket: string): Promise<void> {
    const s3 = this.client();
    for (const key of await this.keys(bucket)) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }] } }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  }

  /** A client signed with the first accepted key, for tests to look at or change what is stored. */
  client(): S3Client {
    const c = this.credentials[0];
    this.admin ??= new S3Client({
      region: 'us-west-2',
      endpoint: this.url,
      forcePathStyle: true,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    });
    return this.admin;
  }

  async putText(bucket: string, key: string, text: string): Promise<void> {
    await this.client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
  }

  async getText(bucket: string, key: string): Promise<string> {
    const got = await this.client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await got.Body?.transformToString('utf8')) ?? '';
  }

  /** Every key of a bucket under `prefix`, sorted. */
  async keys(bucket: string, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const item of page.Contents ?? []) if (item.Key) out.push(item.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  // Authenticates, then forwards the request as it came to s3rver and its answer as it came back.
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    try {
      for await (const part of req as AsyncIterable<Buffer>) parts.push(part);
    } catch {
      return; // the client went away
    }
    const body = Buffer.concat(parts);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const accessKeyId = /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1];
    const record: S3Request = { method: req.method ?? '', url: req.url ?? '', accessKeyId, status: 0 };
    this.requests.push(record);
    const refusal = headers.authorization
      ? await verifySigV4({ method: record.method, url: record.url, headers, body }, { credentials: this.credentials, service: 's3' })
      : { errorType: 'MissingAuthenticationTokenException', status: 403, message: 'Access Denied' };
    if (refusal) {
      record.status = 403;
      this.log?.(`s3 ✗ ${record.method} ${record.url}: ${refusal.errorType}`);
      const code = S3_CODES[refusal.errorType] ?? 'AccessDenied';
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(refusal.message)}</Message><RequestId>front</RequestId></Error>`;
      res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
      return;
    }
    // Authenticated: s3rver gets its own address as the host (it would read another host name as a bucket).
    const forward = http.request({ host: '127.0.0.1', port: this.backendPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${this.backendPort}` } }, (answer) => {
      record.status = answer.statusCode ?? 0;
      this.log?.(`s3 → ${record.method} ${record.url} ${record.status}`);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    forward.end(body);
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
