// The exact text a user sees for each model, region and access failure (real client,
// local server answering with Bedrock's error shapes), plus the small pure pieces around
// them: Show Connection Info lines, API key checks, the SSO login command, redaction.
import { strict as assert } from 'node:assert';
import { apiKeyProblem, authSourceFor, normalizeApiKey } from '../../src/core/bedrock/authSource';
import { LlamaBedrockClient } from '../../src/core/bedrock/client';
import { isSafeProfileName, ssoLoginCommand } from '../../src/core/bedrock/credentialErrors';
import { BedrockLlamaError, redact, toBedrockLlamaError } from '../../src/core/bedrock/errors';
import { connectionInfoLines } from '../../src/core/connectionInfo';
import { BedrockTestServer, httpError, type HttpErrorScript } from '../server/bedrockServer';
import { collect } from './awsSupport';

const BASE = 'meta.llama3-1-8b-instruct-v1:0';
const PROFILE = `us.${BASE}`;
const BODY = { prompt: 'Hi', temperature: 0.5, top_p: 0.9, max_gen_len: 64 };

describe('AWS failure messages', () => {
  let server: BedrockTestServer;
  const clients: LlamaBedrockClient[] = [];

  /** The error for one scripted answer, from a client in `region`. */
  async function failure(script: HttpErrorScript, modelId: string, region = 'us-west-2'): Promise<BedrockLlamaError> {
    const client = new LlamaBedrockClient({ region, endpoint: server.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    clients.push(client);
    server.enqueue(script);
    const { error } = await collect(client.stream({ modelId, body: BODY }));
    assert.ok(error);
    return error;
  }

  before(async () => {
    server = new BedrockTestServer();
    await server.start();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.dispose();
    server.reset();
  });
  after(() => server.stop());

  it('names the guardrail settings for the guardrail errors, and only for those', async () => {
    const unknown = await failure(httpError('ValidationException', 'The guardrail identifier or version provided in the request does not exist.'), PROFILE);
    assert.equal(unknown.kind, 'guardrailInvalid');
    assert.match(unknown.userMessage, /bedrockLlama\.guardrailId and bedrockLlama\.guardrailVersion/);
    const denied = await failure(httpError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: bedrock:ApplyGuardrail on resource: arn:aws:bedrock:us-west-2:123456789012:guardrail/gr-1'), PROFILE);
    assert.equal(denied.kind, 'guardrailInvalid');
    assert.match(denied.userMessage, /bedrock:ApplyGuardrail/);
    const missing = await failure(httpError('ResourceNotFoundException', 'The guardrail gr-1 was not found.'), PROFILE);
    assert.equal(missing.kind, 'guardrailInvalid');
    // Another complaint that merely mentions guardrails stays a validation error with Bedrock's words.
    const other = await failure(httpError('ValidationException', 'Guardrails cannot evaluate image content for this model.'), PROFILE);
    assert.equal(other.kind, 'validation');
    assert.match(other.userMessage, /Guardrails cannot evaluate image content/);
  });

  it('says a model does not stream, and that a service tier is refused, naming the setting', async () => {
    const stream = await failure(httpError('ValidationException', 'The model meta.llama4-scout-17b-instruct-v1:0 does not support streaming. Use InvokeModel instead.'), PROFILE);
    assert.equal(stream.kind, 'streamingUnsupported');
    const tier = await failure(httpError('ValidationException', "The provided service tier 'priority' is not supported for model x."), PROFILE);
    assert.equal(tier.kind, 'serviceTierUnsupported');
    assert.match(tier.userMessage, /bedrockLlama\.serviceTier/);
  });

  it('model access not granted', async () => {
    const base = await failure(httpError('AccessDeniedException'), BASE);
    assert.equal(base.kind, 'accessDenied');
    assert.equal(base.userMessage, `Your AWS account has no access to ${BASE} in us-west-2. Request it under Amazon Bedrock > Model access in the AWS console (region us-west-2), then try again.`);
    const profile = await failure(httpError('AccessDeniedException'), PROFILE);
    assert.equal(profile.userMessage, `Your AWS account has no access to ${PROFILE} in us-west-2. Request it under Amazon Bedrock > Model access in the AWS console (region us-west-2), then try again. An inference profile needs model access in every region it routes to.`);
  });

  it('IAM does not allow the call', async () => {
    const error = await failure(httpError('AccessDeniedException',
      `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-west-2:123456789012:inference-profile/${PROFILE} because no identity-based policy allows the bedrock:InvokeModelWithResponseStream action`), PROFILE);
    assert.equal(error.kind, 'accessDenied');
    assert.equal(error.userMessage, `Your IAM identity may not call bedrock:InvokeModelWithResponseStream for ${PROFILE} in us-west-2. Ask your AWS administrator to allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on the inference profile and on the model in every region it routes to.`);
  });

  it('an organization policy (SCP) denies the region', async () => {
    const error = await failure(httpError('AccessDeniedException',
      `User: arn:aws:sts::123456789012:assumed-role/Dev/me is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:eu-west-3::foundation-model/${BASE} with an explicit deny in a service control policy`), BASE, 'eu-west-3');
    assert.equal(error.kind, 'accessDenied');
    assert.equal(error.userMessage, `Your organization's policy denies Bedrock access to ${BASE} in eu-west-3 (an explicit deny, often a region restriction in a service control policy). Use a region or model your organization allows, or ask your AWS administrator.`);
  });

  it('a country or territory restriction', async () => {
    const error = await failure(httpError('ValidationException', 'Access to this model is not available in your country, region, or territory.'), BASE);
    assert.equal(error.kind, 'accessDenied');
    assert.equal(error.userMessage, `Bedrock does not serve ${BASE} to your location in us-west-2 (a country or territory restriction). Use another Llama model or region, or ask your AWS administrator which models you may use.`);
  });

  it('the model is not offered in the region', async () => {
    const model = 'meta.llama3-1-405b-instruct-v1:0';
    const notFound = await failure(httpError('ResourceNotFoundException'), model, 'eu-west-1');
    assert.equal(notFound.kind, 'modelNotFound');
    assert.equal(notFound.userMessage, `Bedrock in eu-west-1 does not offer ${model}, or the id is mistyped. Check the model id and the region (newer Llama models need an inference profile id such as \`eu.${model}\`).`);
    const invalid = await failure(httpError('ValidationException', 'The provided model identifier is invalid.'), model, 'eu-west-1');
    assert.equal(invalid.kind, 'modelNotFound');
    assert.equal(invalid.userMessage, notFound.userMessage);
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123';
    assert.equal((await failure(httpError('ResourceNotFoundException'), arn)).userMessage,
      `Bedrock in us-west-2 does not offer ${arn}, or the id is mistyped. Check the model id and the region.`);
  });

  it('an inference profile called from outside its geography', async () => {
    const model = 'us.meta.llama3-2-3b-instruct-v1:0';
    const error = await failure(httpError('ValidationException', 'The provided model identifier is invalid.'), model, 'eu-central-1');
    assert.equal(error.kind, 'modelNotFound');
    assert.equal(error.userMessage, `The inference profile ${model} can only be called from US regions, not eu-central-1. Set bedrockLlama.region to one (e.g. us-west-2), or use the EU profile \`eu.meta.llama3-2-3b-instruct-v1:0\` if the model has one.`);
    const canada = await failure(httpError('ValidationException', 'The provided model identifier is invalid.'), model, 'ca-central-1');
    assert.equal(canada.userMessage, `The inference profile ${model} can only be called from US regions, not ca-central-1. Set bedrockLlama.region to one (e.g. us-west-2).`);
  });

  it('other validation errors quote Bedrock', async () => {
    const error = await failure(httpError('ValidationException', 'max_gen_len must be <= 2048'), BASE);
    assert.equal(error.kind, 'validation');
    assert.equal(error.userMessage, `Bedrock rejected the request for ${BASE}. Bedrock said: max_gen_len must be <= 2048 Check the model id and the generation settings.`);
  });

  it('role assumption refused and expired session credentials name the profile', () => {
    const ctx = { modelId: BASE, region: 'us-west-2', profile: 'dev', partialText: '' };
    const role = toBedrockLlamaError(Object.assign(new Error('User: arn:aws:iam::1:user/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/Bedrock'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), ctx);
    assert.equal(role.kind, 'accessDenied');
    assert.equal(role.userMessage, 'AWS refused to let you assume the IAM role of AWS profile "dev" (sts:AssumeRole). Check role_arn and source_profile in the profile, or ask your AWS administrator.');
    const expired = toBedrockLlamaError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException', $metadata: { httpStatusCode: 403 } }), ctx);
    assert.equal(expired.userMessage, 'Your AWS session credentials have expired. Refresh them (for SSO: `aws sso login --profile dev`) and try again.');
  });

  describe('pure pieces', () => {
    it('Show Connection Info lines', () => {
      const now = new Date('2025-06-01T12:00:00Z');
      const lines = connectionInfoLines({
        details: {
          region: 'us-west-2',
          endpoint: 'https://bedrock-runtime.us-west-2.amazonaws.com',
          auth: { kind: 'profile', profile: 'dev' },
          credentials: { sources: ['CREDENTIALS_PROFILE_SSO', 'CREDENTIALS_SSO'], expiration: new Date('2025-06-01T12:42:00Z') },
        },
        configuredRegion: 'us-west-2',
        configuredEndpoint: undefined,
        modelId: BASE,
        invokeId: PROFILE,
        remembered: true,
        now,
      });
      assert.deepEqual(lines.map((l) => [l.label, l.value, l.detail]), [
        ['Region', 'us-west-2', 'bedrockLlama.region'],
        ['Credentials', 'AWS profile "dev" (bedrockLlama.profile)', 'from IAM Identity Center (SSO); expire in 42 min'],
        ['Endpoint', 'https://bedrock-runtime.us-west-2.amazonaws.com', 'the regional Bedrock runtime endpoint'],
        ['Proxy', 'none (direct connection)', 'http.proxy, HTTPS_PROXY and NO_PROXY'],
        ['Model', PROFILE, `${BASE} through the inference profile that worked before in this region`],
      ]);
      const keyed = connectionInfoLines({
        details: { region: 'eu-west-1', endpoint: 'https://x', auth: authSourceFor({}, { AWS_BEARER_TOKEN_BEDROCK: 'k' }), proxy: { url: 'http://proxy:3128', source: 'HTTPS_PROXY' } },
        configuredRegion: undefined, configuredEndpoint: 'https://x', modelId: BASE, invokeId: BASE, remembered: false,
      });
      assert.deepEqual(keyed.map((l) => l.value), ['eu-west-1', 'Bedrock API key from AWS_BEARER_TOKEN_BEDROCK', 'https://x', 'http://proxy:3128', BASE]);
      assert.deepEqual(keyed.map((l) => l.detail), [
        "resolved by the AWS SDK (AWS_REGION or the profile's region)", 'sent as Authorization: Bearer', 'bedrockLlama.endpoint', 'from HTTPS_PROXY', 'sent as configured',
      ]);
      const withUserInfo = connectionInfoLines({
        details: { region: 'eu-west-1', endpoint: 'https://me:s3cret@vpce.example:8443', auth: { kind: 'defaultChain' }, proxy: { url: 'http://me:s3cret@proxy:3128', source: 'http.proxy' } },
        configuredRegion: undefined, configuredEndpoint: 'https://me:s3cret@vpce.example:8443', modelId: BASE, invokeId: BASE, remembered: false,
      });
      assert.deepEqual(withUserInfo.map((l) => l.value).slice(2, 4), ['https://[redacted]@vpce.example:8443', 'http://[redacted]@proxy:3128']);
    });

    it('API key checks', () => {
      assert.equal(normalizeApiKey('  Bearer ABSKabcdefghijklmnopqrstuvwxyz \n'), 'ABSKabcdefghijklmnopqrstuvwxyz');
      assert.equal(apiKeyProblem('ABSKabcdefghijklmnopqrstuvwxyz'), undefined);
      assert.equal(apiKeyProblem('bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t'), undefined);
      assert.equal(apiKeyProblem('  '), 'Paste a Bedrock API key (from the Amazon Bedrock console, API keys).');
      assert.equal(apiKeyProblem('ABSK abc defghijklmnopqrstuvwxyz'), 'A Bedrock API key has no spaces or line breaks.');
      assert.equal(apiKeyProblem('AKIAIOSFODNN7EXAMPLE'), 'That is an AWS access key id, not a Bedrock API key. Use a profile for access keys.');
      assert.equal(apiKeyProblem('short'), 'That is too short for a Bedrock API key.');
    });

    it('the SSO login command only carries safe profile names', () => {
      assert.equal(ssoLoginCommand('dev-admin'), 'aws sso login --profile dev-admin');
      assert.equal(ssoLoginCommand(undefined), 'aws sso login');
      assert.ok(!isSafeProfileName('dev; rm -rf ~'));
      assert.equal(ssoLoginCommand('my "odd" $profile'), 'aws sso login --profile "my odd profile"');
    });

    it('redacts Bedrock API keys and proxy user info', () => {
      const text = redact('key bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg== and ABSKQmVkcm9ja0FQSUtleS1 via http://me:s3cret@proxy:3128');
      assert.equal(text, 'key [api key] and [api key] via http://[redacted]@proxy:3128');
    });

    it('the redaction every error gets keeps commands, model ids and ARNs', () => {
      const arn = 'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123';
      const sso = toBedrockLlamaError(Object.assign(new Error('The SSO session associated with this profile has expired'), { name: 'CredentialsProviderError' }), { modelId: arn, region: 'us-west-2', profile: 'dev', partialText: '' });
      assert.equal(sso.userMessage, 'Your AWS SSO session for profile "dev" has expired or you are not signed in. Run `aws sso login --profile dev` in a terminal, then try again.');
      const notFound = toBedrockLlamaError(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }), { modelId: arn, region: 'us-west-2', partialText: '' });
      assert.equal(notFound.userMessage, `Bedrock in us-west-2 does not offer ${arn}, or the id is mistyped. Check the model id and the region.`);
      const quoted = toBedrockLlamaError(Object.assign(new Error(`${BASE} and ${PROFILE} reject top_k`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }), { modelId: BASE, partialText: '' });
      assert.equal(quoted.detail, `${BASE} and ${PROFILE} reject top_k`);
    });

    it('errors never carry a secret in userMessage or detail, however they are made', () => {
      const error = toBedrockLlamaError(Object.assign(new Error('Failed to establish a socket connection to proxies: PROXY alice:s3cret@proxy.corp:3128'), { code: 'ECONNREFUSED' }), { modelId: BASE, region: 'us-west-2', proxy: 'http://proxy.corp:3128', partialText: '' });
      assert.equal(error.userMessage, 'The connection to Bedrock in us-west-2 through the proxy http://proxy.corp:3128 failed or was interrupted. Check the proxy (http.proxy) and your network, then try again.');
      assert.equal(error.detail, 'Failed to establish a socket connection to proxies: PROXY [redacted]@proxy.corp:3128');
      const direct = new BedrockLlamaError({ kind: 'unknown', retryable: false, userMessage: 'via http://me:s3cret@proxy:3128', detail: 'Authorization: Bearer ABSKQmVkcm9ja0FQSUtleS1' });
      assert.deepEqual([direct.userMessage, direct.message, direct.detail], ['via http://[redacted]@proxy:3128', 'via http://[redacted]@proxy:3128', 'Authorization: Bearer [redacted]']);
    });
  });
});
