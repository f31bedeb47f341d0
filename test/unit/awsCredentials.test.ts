// Every credential path that runs offline, with the real SDK client against the local
// Bedrock server: environment keys, a profile from temporary AWS config files,
// credential_process, Bedrock API keys (option and AWS_BEARER_TOKEN_BEDROCK), an
// expired SSO login, and no credentials at all. Each test gets a clean environment and
// fresh clients (credential providers cache).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaBedrockClient, type BedrockClientOptions, type InvokeRequest } from '../../src/core/bedrock/client';
import { ClientProvider } from '../../src/requests/clientProvider';
import { validateSettings, type LlamaConfig } from '../../src/core/settingsSchema';
import { BedrockTestServer, textResponse } from '../server/bedrockServer';
import { collect, sandboxEnv, signingKeyId, type Sandbox } from './awsSupport';

const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
const REQUEST: InvokeRequest = { modelId: MODEL, body: { prompt: 'Hi', temperature: 0.5, top_p: 0.9, max_gen_len: 64 } };
const START_URL = 'https://example.awsapps.com/start';
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

describe('AWS credentials (real SDK, local server)', () => {
  let server: BedrockTestServer;
  let url: string;
  let env: Sandbox;
  const clients: LlamaBedrockClient[] = [];

  /** A fresh client on the local server with no credentials of its own: the SDK finds them. */
  function client(options: Partial<BedrockClientOptions> = {}): LlamaBedrockClient {
    const c = new LlamaBedrockClient({ region: 'us-west-2', endpoint: url, maxAttempts: 1, ...options });
    clients.push(c);
    return c;
  }

  /** A credential_process script printing JSON credentials and counting its runs in `<name>.count`. */
  function credentialProcess(name: string, expiresInMs: number | null, exitCode = 0): string {
    const script = env.write(`${name}.js`, `
      const fs = require('node:fs');
      fs.appendFileSync(${JSON.stringify(join(env.dir, `${name}.count`))}, 'x');
      if (${exitCode} !== 0) { console.error('no credentials today'); process.exit(${exitCode}); }
      const out = { Version: 1, AccessKeyId: 'AKIDPROCESS', SecretAccessKey: 'process-secret', SessionToken: 'process-token' };
      if (${expiresInMs} !== null) out.Expiration = new Date(Date.now() + ${expiresInMs}).toISOString();
      console.log(JSON.stringify(out));
    `);
    return `"${process.execPath}" "${script}"`;
  }

  function runs(name: string): number {
    try {
      return readFileSync(join(env.dir, `${name}.count`), 'utf8').length;
    } catch {
      return 0;
    }
  }

  /** An SSO token cache file like `aws sso login` leaves, already expired. */
  function expiredSsoToken(cacheId: string): void {
    mkdirSync(join(env.dir, '.aws', 'sso', 'cache'), { recursive: true });
    writeFileSync(join(env.dir, '.aws', 'sso', 'cache', `${sha1(cacheId)}.json`), JSON.stringify({
      accessToken: 'expired-token',
      expiresAt: new Date(Date.now() - 3600_000).toISOString(),
      region: 'us-east-1',
      startUrl: START_URL,
    }));
  }

  before(async () => {
    server = new BedrockTestServer();
    ({ url } = await server.start());
  });
  beforeEach(() => {
    env = sandboxEnv();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose();
    server.reset();
    env.restore();
  });
  after(() => server.stop());

  it('signs with keys from the environment (default chain)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    server.enqueue(textResponse('from env'));
    const { texts, error } = await collect(client().stream(REQUEST));
    assert.equal(error, undefined);
    assert.equal(texts.join(''), 'from env');
    assert.equal(server.requests[0].authScheme, 'AWS4-HMAC-SHA256');
    assert.equal(signingKeyId(server.requests[0].headers.authorization), 'AKIDFROMENV');
  });

  it('signs with a named profile from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (setting and AWS_PROFILE)', async () => {
    writeFileSync(env.configFile, '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(env.credentialsFile, '[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = dev-secret\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n');
    server.enqueue(textResponse('a'), textResponse('b'), textResponse('c'));
    await collect(client({ profile: 'dev' }).stream(REQUEST));
    await collect(client().stream(REQUEST));
    process.env.AWS_PROFILE = 'dev';
    await collect(client().stream(REQUEST));
    assert.deepEqual(server.requests.map((r) => signingKeyId(r.headers.authorization)), ['AKIDPROFILEDEV', 'AKIDDEFAULT', 'AKIDPROFILEDEV']);
  });

  it('takes the region from the profile when none is set', async () => {
    writeFileSync(env.configFile, '[profile dev]\nregion = eu-west-1\n');
    writeFileSync(env.credentialsFile, '[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = dev-secret\n');
    const c = client({ profile: 'dev', region: undefined });
    assert.equal(await c.region(), 'eu-west-1');
    server.enqueue(textResponse('ok'));
    await collect(c.stream(REQUEST));
    assert.match(server.requests[0].headers.authorization, /\/eu-west-1\/bedrock\/aws4_request/);
  });

  it('runs credential_process once and reuses the credentials until they near expiry', async () => {
    writeFileSync(env.configFile, `[profile proc]\ncredential_process = ${credentialProcess('proc', 3600_000)}\n`);
    server.enqueue(textResponse('one'), textResponse('two'));
    const c = client({ profile: 'proc' });
    await collect(c.stream(REQUEST));
    await collect(c.stream(REQUEST));
    assert.equal(runs('proc'), 1, 'cached between requests');
    assert.deepEqual(server.requests.map((r) => signingKeyId(r.headers.authorization)), ['AKIDPROCESS', 'AKIDPROCESS']);
    assert.equal(server.requests[0].headers['x-amz-security-token'], 'process-token');

    // Credentials inside the SDK's five-minute refresh window are fetched again (even several times per request).
    writeFileSync(env.configFile, `[profile soon]\ncredential_process = ${credentialProcess('soon', 60_000)}\n`);
    server.enqueue(textResponse('three'), textResponse('four'));
    const d = client({ profile: 'soon' });
    await collect(d.stream(REQUEST));
    await collect(d.stream(REQUEST));
    assert.ok(runs('soon') >= 2, `ran ${runs('soon')} times`);
  });

  it('reports a failing credential_process', async () => {
    writeFileSync(env.configFile, `[profile broken]\ncredential_process = ${credentialProcess('broken', null, 3)}\n`);
    writeFileSync(env.credentialsFile, '');
    const { error } = await collect(client({ profile: 'broken' }).stream(REQUEST));
    assert.equal(error?.kind, 'noCredentials');
    assert.equal(runs('broken'), 1);
    assert.equal(error?.userMessage, 'The credential_process of AWS profile "broken" failed or printed no valid credentials. Run it in a terminal to see why, then try again.');
    assert.equal(server.requests.length, 0);
  });

  it('sends a Bedrock API key given as an option as a bearer token, even with a profile set', async () => {
    writeFileSync(env.credentialsFile, '[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = dev-secret\n');
    server.enqueue(textResponse('ok'));
    const c = client({ bearerToken: 'ABSKstoredkey0123456789', profile: 'dev' });
    assert.equal(c.auth.kind, 'apiKey');
    const { error } = await collect(c.stream(REQUEST));
    assert.equal(error, undefined);
    assert.equal(server.requests[0].headers.authorization, 'Bearer ABSKstoredkey0123456789');
  });

  it('uses AWS_BEARER_TOKEN_BEDROCK by itself (the SDK honours it) unless a profile is set', async () => {
    process.env.AWS_BEARER_TOKEN_BEDROCK = 'ABSKfromenvironment0123';
    writeFileSync(env.credentialsFile, '[dev]\naws_access_key_id = AKIDPROFILEDEV\naws_secret_access_key = dev-secret\n');
    server.enqueue(textResponse('env key'), textResponse('profile'));
    const byEnv = client();
    assert.equal(byEnv.auth.kind, 'apiKeyEnv');
    const { error } = await collect(byEnv.stream(REQUEST));
    assert.equal(error, undefined);
    assert.equal(server.requests[0].headers.authorization, 'Bearer ABSKfromenvironment0123');
    // The profile setting is the more specific choice.
    await collect(client({ profile: 'dev' }).stream(REQUEST));
    assert.equal(signingKeyId(server.requests[1].headers.authorization), 'AKIDPROFILEDEV');
  });

  it('maps a rejected API key to a message that names where the key came from', async () => {
    server.enqueue({ type: 'httpError', errorType: 'UnrecognizedClientException', status: 403, message: 'The security token included in the request is invalid.' });
    const stored = await collect(client({ bearerToken: 'ABSKexpiredkey0123456789' }).stream(REQUEST));
    assert.equal(stored.error?.kind, 'apiKeyRejected');
    assert.equal(stored.error?.userMessage, 'Bedrock rejected the API key stored in VS Code: it may have expired or been revoked. Run "Llama: Set Bedrock API Key" with a new key, or "Llama: Clear Bedrock API Key" to use your AWS credentials.');
    assert.doesNotMatch(`${stored.error?.userMessage} ${stored.error?.detail}`, /ABSKexpired/);

    process.env.AWS_BEARER_TOKEN_BEDROCK = 'ABSKexpiredenvkey012345';
    server.enqueue({ type: 'httpError', errorType: 'AccessDeniedException', status: 403, message: 'Authentication failed: Please make sure your API Key is valid.' });
    const fromEnv = await collect(client().stream(REQUEST));
    assert.equal(fromEnv.error?.userMessage, 'Bedrock rejected the API key in AWS_BEARER_TOKEN_BEDROCK: it may have expired or been revoked. Put a new key in that variable and restart VS Code, or run "Llama: Set Bedrock API Key".');
  });

  for (const [format, config, cacheId] of [
    ['legacy sso_start_url', `[profile corp]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n`, START_URL],
    ['sso-session', `[profile corp]\nsso_session = work\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session work]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`, 'work'],
  ] as const) {
    it(`recognises an expired SSO login (${format} profile) and names the login command`, async () => {
      writeFileSync(env.configFile, config);
      expiredSsoToken(cacheId);
      const { error } = await collect(client({ profile: 'corp' }).stream(REQUEST));
      assert.equal(error?.kind, 'ssoExpired');
      assert.equal(error?.profile, 'corp');
      assert.equal(error?.userMessage, 'Your AWS SSO session for profile "corp" has expired or you are not signed in. Run `aws sso login --profile corp` in a terminal, then try again.');
      assert.equal(server.requests.length, 0, 'nothing reached Bedrock');
    });
  }

  it('names the AWS_PROFILE profile in the SSO hint when no profile is set', async () => {
    writeFileSync(env.configFile, `[profile envcorp]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n`);
    expiredSsoToken(START_URL);
    process.env.AWS_PROFILE = 'envcorp';
    const { error } = await collect(client().stream(REQUEST));
    assert.equal(error?.kind, 'ssoExpired');
    assert.match(error!.userMessage, /`aws sso login --profile envcorp`/);
  });

  it('says which sources were tried when there are no credentials at all', async () => {
    const { error } = await collect(client().stream(REQUEST));
    assert.equal(error?.kind, 'noCredentials');
    assert.equal(error?.userMessage,
      'No AWS credentials were found. Tried: a Bedrock API key (none stored in VS Code, AWS_BEARER_TOKEN_BEDROCK not set), ' +
      `environment variables (AWS_ACCESS_KEY_ID), the default profile in ${env.configFile} or ${env.credentialsFile} (keys, SSO, credential_process, role), ` +
      'web identity, and container and EC2 instance roles. Set up credentials with `aws configure` or `aws configure sso` ' +
      '(a named profile goes in bedrockLlama.profile), or run "Llama: Set Bedrock API Key".');
    assert.equal(server.requests.length, 0);
  });

  it('says when the named profile gives no credentials', async () => {
    writeFileSync(env.configFile, '[profile other]\nregion = us-west-2\n');
    const { error } = await collect(client({ profile: 'missing' }).stream(REQUEST));
    assert.equal(error?.kind, 'noCredentials');
    assert.equal(error?.userMessage,
      `The AWS profile "missing" gave no credentials: it is not in ${env.configFile} or ${env.credentialsFile}, or it has no keys, SSO settings, role or credential_process. ` +
      'Check bedrockLlama.profile, or set the profile up with `aws configure --profile missing` or `aws configure sso --profile missing`.');
  });

  it('sees credentials written after a failure on the next request (no reload)', async () => {
    const c = client({ profile: 'late' });
    assert.equal((await collect(c.stream(REQUEST))).error?.kind, 'noCredentials');
    writeFileSync(env.credentialsFile, '[late]\naws_access_key_id = AKIDLATE\naws_secret_access_key = late-secret\n');
    server.enqueue(textResponse('now it works'));
    const { texts, error } = await collect(c.stream(REQUEST));
    assert.equal(error, undefined);
    assert.equal(texts.join(''), 'now it works');
    assert.equal(signingKeyId(server.requests[0].headers.authorization), 'AKIDLATE');
  });

  it('reports no region when neither the setting, AWS_REGION nor the profile has one', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    const { error } = await collect(client({ region: undefined }).stream(REQUEST));
    assert.equal(error?.kind, 'configuration');
    assert.equal(error?.userMessage, 'No AWS region is set. Set bedrockLlama.region (e.g. us-west-2), or AWS_REGION, or a region in your AWS profile.');
  });

  it('describes the connection: region, identity with its source and expiry, endpoint', async () => {
    writeFileSync(env.configFile, `[profile proc]\ncredential_process = ${credentialProcess('info', 3 * 3600_000)}\n`);
    const details = await client({ profile: 'proc' }).connectionDetails();
    assert.equal(details.region, 'us-west-2');
    assert.equal(details.endpoint, url);
    assert.deepEqual(details.auth, { kind: 'profile', profile: 'proc' });
    assert.ok(details.credentials?.sources.includes('CREDENTIALS_PROFILE_PROCESS'), JSON.stringify(details.credentials));
    assert.ok(details.credentials?.expiration instanceof Date);
    const none = await client({ profile: 'nothing-here', endpoint: undefined }).connectionDetails();
    assert.equal(none.endpoint, 'https://bedrock-runtime.us-west-2.amazonaws.com');
    assert.equal(none.credentialError?.kind, 'noCredentials');
  });

  describe('ClientProvider', () => {
    const config = (over: Record<string, unknown> = {}): LlamaConfig => {
      const result = validateSettings({ endpoint: url, region: 'us-west-2', ...over });
      assert.ok(result.ok);
      return result.config;
    };

    it('builds a new client when the stored API key, profile, region or proxy settings change', async () => {
      let proxy: string | undefined;
      const stored = new Map<string, string>();
      const secrets = {
        get: async (k: string) => stored.get(k),
        store: async (k: string, v: string) => void stored.set(k, v),
        delete: async (k: string) => void stored.delete(k),
        onDidChange: () => ({ dispose: () => undefined }),
      };
      const provider = new ClientProvider({ secrets, network: () => ({ proxy }) });
      try {
        const first = await provider.get(config());
        assert.equal(await provider.get(config()), first, 'same settings, same client');
        await provider.apiKey.set('ABSKnewkey0123456789abc');
        const withKey = await provider.get(config());
        assert.notEqual(withKey, first);
        assert.equal(withKey.auth.kind, 'apiKey');
        assert.equal(stored.get('bedrockLlama.apiKey'), 'ABSKnewkey0123456789abc');
        await provider.apiKey.clear();
        const withoutKey = await provider.get(config());
        assert.notEqual(withoutKey, withKey);
        assert.equal(withoutKey.auth.kind, 'defaultChain');
        assert.notEqual(await provider.get(config({ profile: 'dev' })), withoutKey);
        const dev = await provider.get(config({ profile: 'dev' }));
        assert.notEqual(await provider.get(config({ profile: 'dev', region: 'eu-west-1' })), dev);
        const before = await provider.get(config());
        proxy = 'http://proxy.example:3128';
        assert.notEqual(await provider.get(config()), before);
      } finally {
        provider.dispose();
      }
    });

    it('reads a key stored earlier before the first request', async () => {
      const secrets = {
        get: (k: string) => new Promise<string | undefined>((resolve) => setTimeout(() => resolve(k === 'bedrockLlama.apiKey' ? 'ABSKearlierkey012345678' : undefined), 30)),
        store: async () => undefined,
        delete: async () => undefined,
        onDidChange: () => ({ dispose: () => undefined }),
      };
      const provider = new ClientProvider({ secrets });
      try {
        server.enqueue(textResponse('with the stored key'));
        const { error } = await collect((await provider.get(config())).stream(REQUEST));
        assert.equal(error, undefined);
        assert.equal(server.requests[0].headers.authorization, 'Bearer ABSKearlierkey012345678');
      } finally {
        provider.dispose();
      }
    });
  });
});
