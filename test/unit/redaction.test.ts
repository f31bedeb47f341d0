// Every kind of secret through every exit this layer owns, as a table: redact() itself,
// the BedrockLlamaError built from an SDK failure, the proxy messages (also end to end:
// the real client against a refused port, a refusing proxy and an invalid setting), Show
// Connection Info and the log channel. Ordinary text must come out as it went in.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { BedrockLlamaError, toBedrockLlamaError, type ErrorContext } from '../../src/core/bedrock/errors';
import { redact } from '../../src/core/bedrock/redact';
import { connectionInfoLines } from '../../src/core/connectionInfo';
import { displayProxyUrl, InvalidProxyError, proxyForUrl } from '../../src/core/proxyConfig';
import type { Conversation } from '../../src/core/chat/conversation';
import { conversationToMarkdown } from '../../src/core/chat/markdownExport';
import { readConversation } from '../../src/core/chat/serialization';
import { redactingLog } from '../../src/log';
import type { LogOutputChannel } from 'vscode';
import { BedrockTestServer, httpError } from '../server/bedrockServer';
import { TestProxy } from '../server/testProxy';
import { collect, localClients, sandboxEnv, type Sandbox } from './awsSupport';

interface Secret {
  name: string;
  /** How it shows up in a message or setting. */
  text: string;
  /** What must never come out (the secret and its distinctive pieces). */
  parts: string[];
  /** A value someone could put in http.proxy. */
  proxy?: boolean;
}

const STS_TOKEN = `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD${'Zk9vYmFyQmF6+/Qux'.repeat(20)}==`;
const SECRETS: Secret[] = [
  { name: 'proxy URL', text: 'http://alice:S3cretPw@proxy.corp:3128', parts: ['S3cretPw'], proxy: true },
  { name: 'proxy URL, password with a space and @', text: 'http://alice:p@ss w0rd@proxy:8080', parts: ['p@ss', 'w0rd'], proxy: true },
  { name: 'proxy URL, password with / and :', text: 'http://alice:pa/ss:w0rd@proxy.corp:8080', parts: ['pa/ss', 'ss:w0rd'], proxy: true },
  { name: 'proxy URL, password with # and ?', text: 'https://alice:h#sh?q@proxy.corp:8443', parts: ['h#sh?q'], proxy: true },
  { name: 'proxy URL, percent-encoded password', text: 'http://alice:p%40ss%2Fw0rd%3A@proxy.corp:3128/', parts: ['p%40ss', 'w0rd'], proxy: true },
  { name: 'proxy without a scheme', text: 'alice:Secret99@proxy:3128', parts: ['Secret99'], proxy: true },
  { name: 'proxy in PAC form', text: 'PROXY alice:Hunter2pw@host:port', parts: ['Hunter2pw'] },
  { name: 'endpoint URL with user info', text: 'https://deploy:Tok3nValue@bedrock.internal.example:8443/', parts: ['Tok3nValue'] },
  { name: 'token as the URL user name', text: 'https://ghp_R4nd0mT0kenValue1234@git.example.com/x', parts: ['ghp_R4nd0mT0kenValue1234'] },
  { name: 'Bedrock API key', text: 'ABSKQmVkcm9ja0FQSUtleS1hYmNkZWZnaGlqa2xtbm9wcXJzdHV2', parts: ['QmVkcm9ja0FQSUtleS1'] },
  { name: 'short-term Bedrock API key', text: 'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg==&Version=1', parts: ['YmVkcm9jay5hbWF6b25h'] },
  {
    name: 'SigV4 Authorization header',
    text: 'Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250601/us-west-2/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024',
    parts: ['AKIAIOSFODNN7EXAMPLE', 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024'],
  },
  { name: 'Bearer header', text: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', parts: ['eyJhbGciOiJIUzI1NiJ9', 'c2lnbmF0dXJl'] },
  { name: 'Proxy-Authorization header', text: 'Proxy-Authorization: Basic YWxpY2U6c2VjcmV0', parts: ['YWxpY2U6c2VjcmV0'] },
  { name: 'secret access key', text: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', parts: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'bPxRfiCY'] },
  { name: 'aws_secret_access_key=', text: 'aws_secret_access_key=Zq9/shortButSecret+', parts: ['Zq9/shortButSecret+'] },
  { name: 'X-Amz-Security-Token header', text: 'X-Amz-Security-Token: AgoJb3JpZ2luX2VjEPT7/wEaCXVz', parts: ['AgoJb3JpZ2luX2VjEPT7'] },
  { name: 'presigned URL', text: `https://bedrock-runtime.us-west-2.amazonaws.com/x?X-Amz-Credential=ASIAXYZXYZXYZXYZXYZ1%2F20250601&X-Amz-Security-Token=${encodeURIComponent(STS_TOKEN)}&X-Amz-Signature=0a1b2c3d4e5f`, parts: ['ASIAXYZXYZXYZXYZXYZ1', 'Zk9vYmFy', '0a1b2c3d4e5f'] },
  { name: 'aws_session_token=', text: 'aws_session_token=FwoGZXIvYXdzEBYaDHn1/k2+abc=', parts: ['FwoGZXIvYXdzEBYaDHn1'] },
  { name: 'sessionToken in JSON', text: '{"accessKeyId":"ASIAEXAMPLEKEY123456","secretAccessKey":"kP9+q/Secret","sessionToken":"tok/En+val="}', parts: ['kP9+q/Secret', 'tok/En+val'] },
  { name: 'bare STS session token', text: STS_TOKEN, parts: ['IQoJb3JpZ2luX2VjEJr', 'Zk9vYmFy'] },
];

const named = (name: string): Secret => SECRETS.find((s) => s.name === name)!;

const HINT_407 = 'The proxy http://127.0.0.1:54321 asks for credentials (HTTP 407). Put them in http.proxy (http://user:password@host:port) or set http.proxyAuthorization, then try again.';
const ORDINARY = [
  'meta.llama3-1-8b-instruct-v1:0 and us.meta.llama3-3-70b-instruct-v1:0',
  'arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123',
  'arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-1-8b-instruct-v1:0',
  'User: arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com is not authorized to perform: bedrock:InvokeModel',
  'Regions us-west-2, eu-central-1 and ap-northeast-1.',
  'Run `aws sso login --profile dev` in a terminal, then try again.',
  'https://bedrock-runtime.us-west-2.amazonaws.com/model/meta.llama3-1-8b-instruct-v1%3A0/invoke-with-response-stream',
  HINT_407,
  'http://proxy.corp:3128 refused the connection; write to ops@example.com',
  'http://[::1]:8080/path, https://host.example.com: refused by bob@example.com',
  'The security token included in the request is expired. Bearer token authentication failed.',
  'sent as Authorization: Bearer',
  'Bedrock rejected the API key in AWS_BEARER_TOKEN_BEDROCK: it may have expired or been revoked.',
  'request 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 at file:///home/dev/node_modules/@smithy/node-http-handler/dist-cjs/index.js:12:34',
  'No AWS credentials were found. Tried: environment variables (AWS_ACCESS_KEY_ID), the default profile in ~/.aws/config or ~/.aws/credentials.',
];

const CTX: ErrorContext = { modelId: 'meta.llama3-1-8b-instruct-v1:0', region: 'us-west-2', partialText: '', proxy: 'http://proxy.corp:3128' };

/** SDK-shaped failures whose message carries `text`, one per path through toBedrockLlamaError. */
function sdkErrors(text: string): unknown[] {
  const err = (message: string, extra: object) => Object.assign(new Error(message), extra);
  return [
    err(`Something odd: ${text}`, { name: 'OddException' }),
    err(`Malformed input: ${text}`, { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
    err(`Failed to establish a socket connection to proxies: ${text}`, { code: 'ECONNREFUSED' }),
    err(`Could not load credentials: ${text}`, { name: 'CredentialsProviderError' }),
    err(`The proxy address "${text}" from http.proxy is not a valid URL.`, { name: 'InvalidProxyError' }),
    new BedrockLlamaError({ kind: 'unknown', retryable: false, userMessage: `Failed: ${text}`, detail: text }),
  ];
}

function assertClean(outputs: readonly string[], secret: Secret, exit: string): void {
  for (const out of outputs) {
    for (const part of secret.parts) assert.ok(!out.includes(part), `${exit} shows "${part}" of ${secret.name}: ${out}`);
  }
}

/** A stand-in LogOutputChannel that records every string it is given. */
function recordingChannel(): { channel: LogOutputChannel; written: string[] } {
  const written: string[] = [];
  const record = (...args: unknown[]) => void written.push(...args.map(String));
  const channel = { trace: record, debug: record, info: record, warn: record, error: record, append: record, appendLine: record, replace: record };
  return { channel: channel as unknown as LogOutputChannel, written };
}

describe('redaction', () => {
  for (const secret of SECRETS) {
    describe(secret.name, () => {
      it('redact() removes it from a longer message, and a second pass changes nothing', () => {
        const out = redact(`Request failed (${secret.text}); see the log.`);
        assertClean([out], secret, 'redact()');
        assert.match(out, /^Request failed \(.*\); see the log\.$/);
        assert.equal(redact(out), out);
      });

      it('BedrockLlamaError: userMessage, detail, message and String(err)', () => {
        for (const failure of sdkErrors(secret.text)) {
          const e = toBedrockLlamaError(failure, CTX);
          assertClean([e.userMessage, e.detail ?? '', e.message, String(e)], secret, `${e.kind} error`);
        }
      });

      it('the chat: a stored error from an older build is redacted as it loads, and in the Markdown export', () => {
        const turn = {
          id: 't1', text: 'q', task: { kind: 'chat', message: 'q' }, images: 0, answer: 'partial', status: 'error', roundStart: 0,
          error: { message: `The request failed: ${secret.text}`, actions: ['showLog'] }, createdAt: 1,
        };
        const stored = { id: 'c1', title: 'T', turns: [turn], createdAt: 1, updatedAt: 1 };
        const loaded = readConversation(stored, 'c1').conversation;
        assert.ok(loaded, 'the conversation loads');
        assertClean([loaded.turns[0].error?.message ?? ''], secret, 'loaded history');
        assertClean([conversationToMarkdown(stored as Conversation)], secret, 'Markdown export');
      });

      it('proxy messages: an invalid setting, the proxy shown', () => {
        const outputs = [new InvalidProxyError(secret.text, 'HTTPS_PROXY').message, displayProxyUrl(secret.text)];
        if (secret.proxy) {
          try {
            const resolved = proxyForUrl('https://bedrock-runtime.us-west-2.amazonaws.com', { proxy: secret.text }, {});
            outputs.push(displayProxyUrl(resolved!.url));
          } catch (err) {
            outputs.push(String(err), toBedrockLlamaError(err, CTX).userMessage);
          }
        }
        assertClean(outputs, secret, 'proxy message');
      });

      it('Show Connection Info', () => {
        const lines = connectionInfoLines({
          details: {
            region: 'us-west-2',
            endpoint: secret.text,
            auth: { kind: 'profile', profile: 'dev' },
            proxy: { url: secret.text, source: 'http.proxy' },
            credentialError: new BedrockLlamaError({ kind: 'noCredentials', retryable: false, userMessage: `No credentials: ${secret.text}` }),
          },
          configuredRegion: 'us-west-2',
          configuredEndpoint: secret.text,
          modelId: 'meta.llama3-1-8b-instruct-v1:0',
          invokeId: 'us.meta.llama3-1-8b-instruct-v1:0',
          remembered: false,
        });
        assertClean(lines.flatMap((l) => [l.value, l.detail]), secret, 'Show Connection Info');
        assert.equal(lines.find((l) => l.label === 'Model')?.value, 'us.meta.llama3-1-8b-instruct-v1:0');
      });

      it('the log', () => {
        const { channel, written } = recordingChannel();
        const log = redactingLog(channel);
        log.info(`Connection: proxy=${secret.text}`);
        log.warn('Request failed:', secret.text, { detail: secret.text });
        log.error(new Error(`boom ${secret.text}`));
        log.error(`failed ${secret.text}`, new Error(secret.text));
        log.debug(secret.text);
        log.trace(secret.text);
        log.appendLine(secret.text);
        log.append(secret.text);
        log.replace(secret.text);
        assert.equal(written.length, 9);
        assert.match(written[1], /^Request failed: /);
        assertClean(written, secret, 'log');
      });
    });
  }

  it('ordinary text comes through unchanged: model ids, ARNs, regions, commands, URLs without credentials', () => {
    for (const text of ORDINARY) assert.equal(redact(text), text);
    const { channel, written } = recordingChannel();
    redactingLog(channel).info(ORDINARY[1], 'in', 'us-west-2');
    assert.deepEqual(written, [`${ORDINARY[1]} in us-west-2`]);
  });

  it('a sentence with a git sha stays readable', () => {
    const out = redact('Fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8, see the changelog.');
    assert.match(out, /^Fixed in commit \S+, see the changelog\.$/);
  });

  it('takes little time on 100 KB, however the input is shaped', () => {
    const fill = (unit: string) => unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
    for (const unit of ['a', 'Ab3/+x', 'http://a:', 'http://a:b @x.y ', ' a:b@c@', 'a:', '@', 'Bearer x', 'password=', 'AKIA', `${HINT_407} ${SECRETS[1].text} `]) {
      const started = performance.now();
      redact(fill(unit));
      assert.ok(performance.now() - started < 500, `${JSON.stringify(unit)} took ${(performance.now() - started).toFixed(0)} ms`);
    }
  });

  describe('end to end through the real client', () => {
    const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
    const REQUEST = { modelId: MODEL, body: { prompt: 'Hi', temperature: 0.5, top_p: 0.9, max_gen_len: 64 } };
    const ENDPOINT = 'http://bedrock.test:8080'; // plain http: goes through the proxy, no certificate needed
    let env: Sandbox;
    let server: BedrockTestServer;
    let url: string;
    let proxy: TestProxy;
    let proxyPort: number;
    const { client, disposeAll } = localClients(() => url);

    before(async () => {
      env = sandboxEnv();
      server = new BedrockTestServer();
      const started = await server.start();
      url = started.url;
      proxy = new TestProxy({ forwardTo: started.port });
      ({ port: proxyPort } = await proxy.start());
    });
    afterEach(() => {
      disposeAll();
      server.reset();
      proxy.reset();
    });
    after(async () => {
      await proxy.stop();
      await server.stop();
      env.restore();
    });

    /** Every text of the error a request ends with. */
    async function failureTexts(options: Parameters<typeof client>[0]): Promise<string[]> {
      const { error } = await collect(client(options).stream(REQUEST));
      assert.ok(error);
      return [error.userMessage, error.detail ?? '', error.message, String(error)];
    }

    it('a proxy that refuses the connection', async () => {
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as net.AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      for (const password of ['S3cretPw', 'p%40ss%2Fw0rd']) {
        const texts = await failureTexts({ endpoint: ENDPOINT, proxy: { proxy: `http://alice:${password}@127.0.0.1:${port}` } });
        assertClean(texts, { name: 'proxy password', text: password, parts: [password, 'w0rd'] }, 'refused proxy');
        assert.match(texts[0], new RegExp(`through the proxy http://127\\.0\\.0\\.1:${port} failed`));
      }
    });

    it('a proxy that rejects the password (407)', async () => {
      proxy.requiredAuthorization = 'Basic somebody-else';
      const texts = await failureTexts({ endpoint: ENDPOINT, proxy: { proxy: `http://alice:S3cretPw@127.0.0.1:${proxyPort}` } });
      assertClean(texts, named('proxy URL'), '407');
      assert.match(texts[0], /asks for credentials \(HTTP 407\)/);
    });

    it('a proxy setting that is not a URL', async () => {
      const invalid = named('proxy URL, password with / and :');
      const texts = await failureTexts({ endpoint: ENDPOINT, proxy: { proxy: invalid.text } });
      assertClean(texts, invalid, 'invalid proxy');
      assert.equal(texts[0], 'The proxy address "http://proxy.corp:8080" from http.proxy is not a valid URL (user name and password not shown; percent-encode characters such as / # ? @ in them). Use the form http://proxy.example.com:8080.');
    });

    it('a Bedrock error message that quotes a secret', async () => {
      const quoted = [named('aws_secret_access_key='), named('aws_session_token='), named('Bedrock API key')];
      server.enqueue(httpError('ValidationException', `Malformed input: ${quoted.map((s) => s.text).join(' ')}`));
      const texts = await failureTexts({});
      for (const s of quoted) assertClean(texts, s, 'Bedrock error');
      assert.match(texts[0], /^Bedrock rejected the request for us\.meta\.llama3-3-70b-instruct-v1:0\. Bedrock said: Malformed input: /);
    });
  });
});
