// Who may call the local Bedrock server, and what AWS answers everyone else: no
// Authorization header, a Bedrock API key (`Authorization: Bearer <key>`), or SigV4.
import { verifySigV4, type AuthFailure, type AwsCredentials, type ReceivedRequest, type SigV4Policy } from './sigv4Check';

/**
 * The throwaway access keys that tests, scripts and benches sign with; the server accepts
 * these unless told otherwise. Each names who uses it: keep them in step.
 */
export const TEST_CREDENTIALS: readonly AwsCredentials[] = [
  // test/unit/awsSupport.ts localClients(), most unit tests, and scripts/vscode/codeServer.ts
  // throwawayAwsEnv() (AWS_ACCESS_KEY_ID for code-server: run-dev, run-integration, run-ui, run-electron, bench/vscode).
  { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  // bench/lib/workload.ts CREDENTIALS
  { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' },
  // test/unit/awsCredentials.test.ts: environment, profile files and credential_process.
  { accessKeyId: 'AKIDFROMENV', secretAccessKey: 'env-secret' },
  { accessKeyId: 'AKIDPROFILEDEV', secretAccessKey: 'dev-secret' },
  { accessKeyId: 'AKIDDEFAULT', secretAccessKey: 'x' },
  { accessKeyId: 'AKIDLATE', secretAccessKey: 'late-secret' },
  { accessKeyId: 'AKIDPROCESS', secretAccessKey: 'process-secret', sessionToken: 'process-token' },
];

/** The Bedrock API keys the tests send and expect to work (keys they expect refused are left out). */
export const TEST_API_KEYS: readonly string[] = [
  'test-api-key', // test/unit/bedrockClient.test.ts
  'ABSKstoredkey0123456789', // test/unit/awsCredentials.test.ts
  'ABSKfromenvironment0123',
  'ABSKearlierkey012345678',
  'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWZvci10ZXN0cy1vbmx5LTAxMjM0NTY3ODk=', // test/integration/awsAccess.test.ts
];

export interface AuthPolicy extends SigV4Policy {
  apiKeys: readonly string[];
}

/** Undefined when `req` may pass, else the refusal AWS would send. */
export async function checkAuth(req: ReceivedRequest, policy: AuthPolicy): Promise<AuthFailure | undefined> {
  const authorization = req.headers.authorization;
  if (!authorization) return { errorType: 'MissingAuthenticationTokenException', status: 403, message: 'Missing Authentication Token' };
  const bearer = /^Bearer\s+(.*)$/i.exec(authorization);
  return bearer ? checkApiKey(bearer[1].trim(), policy.apiKeys) : verifySigV4(req, policy);
}

// Bedrock answers a bad key with 403 AccessDeniedException; the text tells a key of the
// wrong shape (long-term keys start ABSK, short-term ones bedrock-api-key-) from an unknown one.
function checkApiKey(key: string, accepted: readonly string[]): AuthFailure | undefined {
  if (accepted.includes(key)) return undefined;
  const message = /^(ABSK|bedrock-api-key-)/.test(key)
    ? 'Authentication failed: Please make sure your API Key is valid.'
    : 'Invalid API Key format: Must start with pre-defined prefix';
  return { errorType: 'AccessDeniedException', status: 403, message };
}
