// AWS Signature Version 4 verification for the local Bedrock server (and the S3 server's front,
// s3Server.ts), as AWS checks it: the Authorization header's parts, the credential scope
// (date/region/bedrock or s3/aws4_request),
// the clock (5 minutes either way), the session token, the body hash, and finally the
// signature itself, recomputed with @smithy/signature-v4 from the secret of the access key.
// Every failure carries AWS's error type and message wording.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: requests must carry it as `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/** A refused request: HTTP status, `x-amzn-errortype` and the `{"message"}` body. */
export interface AuthFailure {
  errorType: string;
  status: number;
  message: string;
}

/** A request as it arrived, before anything is decoded. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent (percent-encoded): what the client signed. */
  url: string;
  /** Lower-cased names; HTTP/2 pseudo-headers (`:authority`) included. */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
}

export interface SigV4Policy {
  credentials: readonly AwsCredentials[];
  /** Regions a credential scope may name; undefined: any well-formed region id. */
  regions?: readonly string[];
  /** The signing name the scope must name (default `bedrock`; `s3` for test/server/s3Server.ts). */
  service?: string;
}

export const SIGNING_SERVICE = 'bedrock';
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_TOKEN = 'The security token included in the request is invalid.';

const MAX_SKEW_MS = 5 * 60_000;
const REGION_ID = /^[a-z]{2,4}(-[a-z]+)+-\d+$/; // us-west-2, us-gov-west-1, eusc-de-east-1
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const invalidSignature = (message: string): AuthFailure => ({ errorType: 'InvalidSignatureException', status: 403, message });
const incompleteSignature = (message: string): AuthFailure => ({ errorType: 'IncompleteSignatureException', status: 403, message });

/** Undefined when `req` is correctly signed by one of `policy.credentials`, else AWS's refusal. */
export async function verifySigV4(req: ReceivedRequest, policy: SigV4Policy, now = Date.now()): Promise<AuthFailure | undefined> {
  const authorization = req.headers.authorization ?? '';
  const algorithm = authorization.split(' ', 1)[0];
  if (algorithm !== 'AWS4-HMAC-SHA256') return incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now)`);
  const params = authorizationParams(authorization);
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !params[name]);
  if (missing.length > 0) {
    return incompleteSignature(`${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} Authorization=${authorization}`);
  }
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate) return incompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`);
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);

  const scope = params.Credential.split('/');
  if (scope.length !== 5) {
    return incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.Credential}'`);
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope;
  if (terminator !== 'aws4_request') return invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  const expectedService = policy.service ?? SIGNING_SERVICE;
  if (service !== expectedService) return invalidSignature(`Credential should be scoped to correct service: '${expectedService}'. `);
  if (!(policy.regions ? policy.regions.includes(region) : REGION_ID.test(region))) {
    return invalidSignature(`Credential should be scoped to a valid region, not '${region}'. `);
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  const signedHeaders = params.SignedHeaders.split(';');
  if (!signedHeaders.includes('host') && !signedHeaders.includes(':authority')) {
    return invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const skew = signedAt.getTime() - now;
  if (skew < -MAX_SKEW_MS) return invalidSignature(`Signature expired: ${amzDate} is now earlier than ${basicFormat(now - MAX_SKEW_MS)} (${basicFormat(now)} - 5 min.)`);
  if (skew > MAX_SKEW_MS) return invalidSignature(`Signature not yet current: ${amzDate} is still later than ${basicFormat(now + MAX_SKEW_MS)} (${basicFormat(now)} + 5 min.)`);

  const credentials = policy.credentials.find((c) => c.accessKeyId === accessKeyId);
  // An unknown key and a missing, extra or wrong session token all get the same answer.
  if (!credentials || credentials.sessionToken !== req.headers['x-amz-security-token']) {
    return { errorType: 'UnrecognizedClientException', status: 403, message: INVALID_TOKEN };
  }
  const declaredHash = req.headers['x-amz-content-sha256'];
  // S3 also takes an unsigned body (over TLS) or a streamed one whose chunks are signed on their own.
  const unsigned = declaredHash === 'UNSIGNED-PAYLOAD' || declaredHash?.startsWith('STREAMING-');
  if (declaredHash !== undefined && !unsigned && declaredHash !== createHash('sha256').update(req.body).digest('hex')) {
    return invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const expected = await recomputeSignature(req, signedHeaders, credentials, region, signedAt, expectedService);
  return expected === params.Signature ? undefined : invalidSignature(SIGNATURE_MISMATCH);
}

// Signs the received request again, with exactly the headers the client said it signed.
async function recomputeSignature(
  req: ReceivedRequest,
  signedHeaders: string[],
  credentials: AwsCredentials,
  region: string,
  signingDate: Date,
  service: string,
): Promise<string | undefined> {
  const queryAt = req.url.indexOf('?');
  const path = queryAt < 0 ? req.url : req.url.slice(0, queryAt);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(queryAt < 0 ? '' : req.url.slice(queryAt + 1))) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  // applyChecksum off: add no x-amz-content-sha256 the client did not send. S3 signs the path as
  // sent (encoded once); every other service encodes it again.
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, applyChecksum: false, uriEscapePath: service !== 's3' });
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: req.headers.host ?? req.headers[':authority'] ?? '', path, query, headers, body: req.body },
    { signingDate, signableHeaders: new Set(signedHeaders) }, // sign what the client signed, even headers the SDK never would
  );
  return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1];
}

function authorizationParams(authorization: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of authorization.replace(/^\S+\s*/, '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return params;
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** 20250101T120000Z */
function basicFormat(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** SHA-256, or HMAC-SHA-256 with a secret, in the shape SignatureV4 takes (node:crypto underneath). */
export class Sha256 {
  private readonly hash;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}
