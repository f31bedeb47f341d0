// The network path with the real SDK client: a real HTTP proxy started here (CONNECT
// tunnels to a local TLS front of the Bedrock server, and plain-http forwarding), proxy
// credentials, gateway errors and a stalled CONNECT; http.proxyStrictSSL; NO_PROXY rules;
// connect, first-byte and idle timeouts; and retries that are visible and never repeat text.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { InvokeRequest } from '../../src/core/bedrock/client';
import type { RetryReason } from '../../src/core/bedrock/requestGuard';
import { bypasses, displayProxyUrl, proxyForUrl } from '../../src/core/proxyConfig';
import { retryProgressMessage } from '../../src/core/retryProgress';
import { BedrockTestServer, httpError, textResponse } from '../server/bedrockServer';
import { TestProxy } from '../server/testProxy';
import { collect, localClients, sandboxEnv, type Sandbox } from './awsSupport';

const MODEL = 'us.meta.llama3-3-70b-instruct-v1:0';
const REQUEST: InvokeRequest = { modelId: MODEL, body: { prompt: 'Hi', temperature: 0.5, top_p: 0.9, max_gen_len: 64 } };
const BEDROCK_HOST = 'bedrock-runtime.us-west-2.amazonaws.com';

/** A throwaway self-signed certificate for the real Bedrock host name (needs the openssl CLI). */
function selfSignedCertificate(dir: string): { key: string; cert: string } | undefined {
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', `/CN=${BEDROCK_HOST}`, '-addext', `subjectAltName=DNS:${BEDROCK_HOST}`,
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  }
}

describe('AWS network path (real SDK, local server, local proxy)', () => {
  let server: BedrockTestServer;
  let serverPort: number;
  let url: string;
  let env: Sandbox;
  let tlsFront: tls.Server | undefined;
  let proxy: TestProxy;
  let proxyUrl: string;
  let proxyPort: number;
  const { client, disposeAll } = localClients(() => url);

  before(async () => {
    env = sandboxEnv();
    server = new BedrockTestServer();
    ({ url, port: serverPort } = await server.start());
    // TLS in front of the local server, as if it were bedrock-runtime.us-west-2.amazonaws.com.
    const certificate = selfSignedCertificate(env.dir);
    if (certificate) {
      tlsFront = tls.createServer(certificate, (socket) => {
        const upstream = net.connect(serverPort, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      tlsFront.listen(0, '127.0.0.1');
      await once(tlsFront, 'listening');
    }
    const tunnelTo = tlsFront ? (tlsFront.address() as net.AddressInfo).port : undefined;
    proxy = new TestProxy({ tunnelTo, forwardTo: serverPort });
    ({ url: proxyUrl, port: proxyPort } = await proxy.start());
  });
  afterEach(() => {
    disposeAll();
    server.reset();
    proxy.reset();
    for (const key of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete process.env[key];
  });
  after(async () => {
    await proxy.stop();
    tlsFront?.close();
    await server.stop();
    env.restore();
  });

  describe('through a proxy', () => {
    function needsTls(this: Mocha.Context): void {
      if (!tlsFront) this.skip(); // no openssl CLI to make a certificate
    }

    it('tunnels https to the regional endpoint with CONNECT (http.proxy, strictSSL off) and reuses the tunnel', async function () {
      needsTls.call(this);
      server.enqueue(textResponse('through the tunnel', { chunks: 3 }), textResponse('again'));
      const c = client({ endpoint: undefined, proxy: { proxy: proxyUrl, strictSSL: false } });
      const first = await collect(c.stream(REQUEST));
      assert.equal(first.error, undefined, first.error?.userMessage);
      assert.equal(first.texts.join(''), 'through the tunnel');
      await collect(c.stream(REQUEST));
      assert.deepEqual(proxy.connects, [`${BEDROCK_HOST}:443`], 'one CONNECT for two requests');
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0].headers.host, BEDROCK_HOST);
      assert.equal(server.requests[0].authScheme, 'AWS4-HMAC-SHA256');
    });

    it('refuses an untrusted certificate when http.proxyStrictSSL is on (the default)', async function () {
      needsTls.call(this);
      const { error } = await collect(client({ endpoint: undefined, proxy: { proxy: proxyUrl } }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
      assert.equal(error?.retryable, false);
      assert.equal(error?.userMessage,
        `The TLS certificate presented for Bedrock through the proxy ${proxyUrl} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT). ` +
        "If your network inspects TLS traffic, add its root certificate to your system's trusted certificates, or turn off http.proxyStrictSSL if you trust the proxy.");
      assert.equal(server.requests.length, 0);
    });

    it('takes HTTPS_PROXY from the environment when http.proxy is empty', async function () {
      needsTls.call(this);
      process.env.HTTPS_PROXY = `127.0.0.1:${proxyPort}`; // no scheme: http:// is meant
      server.enqueue(textResponse('via HTTPS_PROXY'));
      const { texts, error } = await collect(client({ endpoint: undefined, proxy: { strictSSL: false } }).stream(REQUEST));
      assert.equal(error, undefined, error?.userMessage);
      assert.equal(texts.join(''), 'via HTTPS_PROXY');
      assert.deepEqual(proxy.connects, [`${BEDROCK_HOST}:443`]);
    });

    it('forwards plain http through the proxy (a host only the proxy knows)', async () => {
      server.enqueue(textResponse('forwarded', { chunks: 2 }));
      const c = client({ endpoint: 'http://bedrock.test:8080', proxy: { proxy: proxyUrl } });
      const { texts, error } = await collect(c.stream(REQUEST));
      assert.equal(error, undefined, error?.userMessage);
      assert.equal(texts.join(''), 'forwarded');
      assert.equal(proxy.forwards.length, 1);
      assert.match(proxy.forwards[0], /^http:\/\/bedrock\.test:8080\/model\/us\.meta\.llama3-3-70b-instruct-v1%3A0\/invoke-with-response-stream$/);
      assert.equal(server.requests[0].headers.host, 'bedrock.test:8080');
    });

    it('uses HTTP_PROXY for http endpoints', async () => {
      process.env.HTTP_PROXY = proxyUrl;
      server.enqueue(textResponse('ok'));
      const { error } = await collect(client({ endpoint: 'http://bedrock.test:8080' }).stream(REQUEST));
      assert.equal(error, undefined, error?.userMessage);
      assert.equal(proxy.forwards.length, 1);
    });

    it('connects to loopback directly even with a proxy set', async () => {
      server.enqueue(textResponse('direct'));
      const { texts } = await collect(client({ proxy: { proxy: proxyUrl } }).stream(REQUEST));
      assert.equal(texts.join(''), 'direct');
      assert.deepEqual([proxy.connects, proxy.forwards], [[], []]);
    });

    it('sends proxy credentials from the URL or http.proxyAuthorization, and says when they are missing', async () => {
      proxy.requiredAuthorization = `Basic ${Buffer.from('me:s3cret').toString('base64')}`;
      const endpoint = 'http://bedrock.test:8080';
      const refused = await collect(client({ endpoint, proxy: { proxy: proxyUrl } }).stream(REQUEST));
      assert.equal(refused.error?.kind, 'network');
      assert.equal(refused.error?.userMessage,
        `The proxy ${proxyUrl} asks for credentials (HTTP 407). Put them in http.proxy (http://user:password@host:port) or set http.proxyAuthorization, then try again.`);

      server.enqueue(textResponse('with credentials'), textResponse('with the header'));
      const withUser = await collect(client({ endpoint, proxy: { proxy: `http://me:s3cret@127.0.0.1:${proxyPort}` } }).stream(REQUEST));
      assert.equal(withUser.error, undefined, withUser.error?.userMessage);
      const withHeader = await collect(client({ endpoint, proxy: { proxy: proxyUrl, authorization: proxy.requiredAuthorization } }).stream(REQUEST));
      assert.equal(withHeader.error, undefined, withHeader.error?.userMessage);
    });

    it('keeps proxy passwords out of messages', async () => {
      proxy.requiredAuthorization = 'Basic something-else';
      const { error } = await collect(client({ endpoint: 'http://bedrock.test:8080', proxy: { proxy: `http://me:s3cret@127.0.0.1:${proxyPort}` } }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
      assert.doesNotMatch(`${error?.userMessage} ${error?.detail ?? ''}`, /s3cret/);
      assert.match(error!.userMessage, new RegExp(`The proxy http://127\\.0\\.0\\.1:${proxyPort} asks for credentials`));
    });

    it('tells a CONNECT refusal (tunnel)', async function () {
      needsTls.call(this);
      proxy.requiredAuthorization = 'Basic nobody';
      const { error } = await collect(client({ endpoint: undefined, proxy: { proxy: proxyUrl, strictSSL: false } }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
      assert.match(error!.userMessage, /asks for credentials \(HTTP 407\)/);
    });

    it('tells a proxy that cannot reach Bedrock from a Bedrock error', async () => {
      proxy.behaviour = 'badGateway';
      const { error } = await collect(client({ endpoint: 'http://bedrock.test:8080', proxy: { proxy: proxyUrl } }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
      assert.equal(error?.userMessage,
        `The proxy ${proxyUrl} could not reach Bedrock (HTTP 502). Check the proxy, NO_PROXY (http.noProxy) and bedrockLlama.endpoint, then try again.`);
    });

    it('times out a CONNECT the proxy never answers, and retries it', async () => {
      proxy.behaviour = 'stall';
      const retries: Array<[number, RetryReason]> = [];
      const started = Date.now();
      const { error } = await collect(client({ endpoint: undefined, maxAttempts: 2, connectTimeoutMs: 200, proxy: { proxy: proxyUrl } })
        .stream({ ...REQUEST, onRetry: (attempt, reason) => retries.push([attempt, reason]) }));
      assert.equal(error?.kind, 'network');
      assert.equal(error?.userMessage,
        `Could not connect to Bedrock in us-west-2 through the proxy ${proxyUrl} within 0.2 s. Check your network, proxy (http.proxy) and endpoint settings, then try again.`);
      assert.deepEqual(retries, [[2, { kind: 'network', maxAttempts: 2 }]]);
      assert.equal(proxy.connects.length, 2);
      assert.ok(Date.now() - started < 3000);
    });

    it('reports a proxy setting that is not a URL', async () => {
      const { error } = await collect(client({ endpoint: 'http://bedrock.test:8080', proxy: { proxy: 'http://' } }).stream(REQUEST));
      assert.equal(error?.kind, 'configuration');
      assert.equal(error?.userMessage, 'The proxy address "http://" from http.proxy is not a valid URL. Use the form http://proxy.example.com:8080.');
    });

    it('reports an unparsable proxy URL without its password', async () => {
      // An unencoded '/' in the password: the URL parser takes `me` for the host and `s3/cret` for the port.
      const { error } = await collect(client({ endpoint: 'http://bedrock.test:8080', proxy: { proxy: 'http://me:s3/cret@proxy.corp:3128' } }).stream(REQUEST));
      assert.equal(error?.kind, 'configuration');
      assert.equal(error?.userMessage, 'The proxy address "http://proxy.corp:3128" from http.proxy is not a valid URL (user name and password not shown; percent-encode characters such as / # ? @ in them). Use the form http://proxy.example.com:8080.');
      assert.doesNotMatch(`${error?.detail} ${String(error)}`, /s3|cret/);
    });

    it('lists the proxy in the connection details without its password', async () => {
      const details = await client({ endpoint: undefined, proxy: { proxy: `http://me:s3cret@proxy.corp:3128` } }).connectionDetails();
      assert.deepEqual(details.proxy, { url: 'http://proxy.corp:3128', source: 'http.proxy' });
      assert.equal(details.endpoint, `https://${BEDROCK_HOST}`);
    });
  });

  describe('proxy rules (pure)', () => {
    const noEnv = {};
    it('prefers http.proxy, then https_proxy/HTTPS_PROXY for https and http_proxy/HTTP_PROXY for http', () => {
      assert.equal(proxyForUrl('https://a.example', { proxy: 'http://set:1' }, { HTTPS_PROXY: 'http://env:2' })?.url, 'http://set:1/');
      assert.equal(proxyForUrl('https://a.example', {}, { HTTPS_PROXY: 'http://env:2', HTTP_PROXY: 'http://plain:3' })?.source, 'HTTPS_PROXY');
      assert.equal(proxyForUrl('https://a.example', {}, { https_proxy: 'http://lower:2', HTTPS_PROXY: 'http://upper:2' })?.source, 'https_proxy');
      assert.equal(proxyForUrl('http://a.example', {}, { HTTPS_PROXY: 'http://env:2', HTTP_PROXY: 'http://plain:3' })?.url, 'http://plain:3/');
      assert.equal(proxyForUrl('https://a.example', {}, noEnv), undefined);
      assert.equal(proxyForUrl('https://a.example', { proxy: 'proxy:8080' }, noEnv)?.url, 'http://proxy:8080/');
      assert.equal(proxyForUrl('https://a.example', { proxy: 'http://p:1' }, noEnv)?.strictSSL, true);
    });

    it('never proxies loopback', () => {
      for (const host of ['http://localhost:1', 'http://127.0.0.1:2', 'http://[::1]:3', 'http://api.localhost']) {
        assert.equal(proxyForUrl(host, { proxy: 'http://p:1' }, noEnv), undefined, host);
      }
    });

    it('reads NO_PROXY and http.noProxy like curl', () => {
      assert.equal(proxyForUrl(`https://${BEDROCK_HOST}`, { proxy: 'http://p:1' }, { NO_PROXY: '.amazonaws.com' }), undefined);
      assert.equal(proxyForUrl(`https://${BEDROCK_HOST}`, { proxy: 'http://p:1', noProxy: ['amazonaws.com'] }, noEnv), undefined);
      assert.ok(proxyForUrl(`https://${BEDROCK_HOST}`, { proxy: 'http://p:1' }, { NO_PROXY: 'example.com,notamazonaws.com' }));
      assert.ok(bypasses('bedrock.vpce.example', 443, ['*']));
      assert.ok(bypasses('vpce-1.bedrock.internal', 443, ['*.bedrock.internal']));
      assert.ok(!bypasses('bedrock.internal.evil', 443, ['.bedrock.internal']));
      assert.ok(bypasses('host.corp', 8443, ['host.corp:8443']));
      assert.ok(!bypasses('host.corp', 443, ['host.corp:8443']));
      assert.ok(bypasses('10.1.2.3', 443, ['10.0.0.0/8']));
      assert.ok(!bypasses('11.1.2.3', 443, ['10.0.0.0/8']));
      assert.ok(bypasses('fd00::5', 443, ['fd00::/8']));
    });

    it('shows proxies without credentials, even when they do not parse', () => {
      assert.equal(displayProxyUrl('http://me:s3cret@proxy.corp:3128/'), 'http://proxy.corp:3128');
      assert.equal(displayProxyUrl('http://me:p@ss w0rd@proxy.corp:3128'), 'http://proxy.corp:3128');
      assert.equal(displayProxyUrl('http://me:pa/ss#x@proxy.corp:3128'), 'http://proxy.corp:3128');
      assert.equal(displayProxyUrl('me:s3cret@proxy.corp:3128'), 'proxy.corp:3128');
      assert.equal(displayProxyUrl('http://pro xy:3128'), 'http://pro xy:3128');
      assert.throws(() => proxyForUrl('https://a.example', { proxy: 'http://me:s3/cret@proxy.corp:3128' }, noEnv), (err: Error) =>
        err.name === 'InvalidProxyError' && !/s3|cret/.test(err.message) && !JSON.stringify(err).includes('cret'));
    });
  });

  describe('timeouts', () => {
    it('retries an attempt whose headers do not come within the first-byte timeout, without repeating text', async () => {
      server.enqueue(textResponse('too late', { headersDelayMs: 3000 }), textResponse('second attempt answers', { chunks: 3 }));
      const retries: Array<[number, RetryReason]> = [];
      const { texts, error } = await collect(client({ maxAttempts: 2, firstByteTimeoutMs: 200 })
        .stream({ ...REQUEST, onRetry: (attempt, reason) => retries.push([attempt, reason]) }));
      assert.equal(error, undefined, error?.userMessage);
      assert.equal(texts.join(''), 'second attempt answers');
      assert.deepEqual(retries, [[2, { kind: 'network', maxAttempts: 2 }]]);
      assert.equal((await server.ended(server.requests[0])).outcome, 'clientDisconnected');
    });

    it('reports a first-byte timeout once attempts are used up', async () => {
      server.enqueue(textResponse('too late', { headersDelayMs: 3000 }));
      const { error } = await collect(client({ firstByteTimeoutMs: 200 }).stream(REQUEST));
      assert.equal(error?.kind, 'network');
      assert.equal(error?.retryable, true);
      assert.equal(error?.userMessage, 'Bedrock did not start answering in us-west-2 within 0.2 s. Try again; if it keeps happening, check your network or proxy.');
    });

    it('stops a stream that stalls between chunks (idle timeout) and keeps the text', async () => {
      server.enqueue(textResponse('one two three', { fault: { type: 'stall', afterChunks: 2 } }));
      const { texts, error } = await collect(client({ idleTimeoutMs: 200, firstByteTimeoutMs: 5000 }).stream(REQUEST));
      assert.deepEqual(texts, ['one ', 'two ']);
      assert.equal(error?.kind, 'idleTimeout');
      assert.equal(error?.partialText, 'one two ');
      assert.equal(error?.userMessage, `Bedrock sent nothing for 0.2 s, so the request to ${MODEL} was stopped. Try again; if it keeps happening, check your network or raise the idle timeout.`);
    });
  });

  describe('retries', () => {
    it('tells the caller about each retry of a throttled request and streams the answer once', async () => {
      server.enqueue(httpError('ThrottlingException'), textResponse('after the throttle', { chunks: 3 }));
      const retries: Array<[number, RetryReason]> = [];
      const { texts, error } = await collect(client({ maxAttempts: 3 }).stream({ ...REQUEST, onRetry: (a, r) => retries.push([a, r]) }));
      assert.equal(error, undefined);
      assert.equal(texts.join(''), 'after the throttle');
      assert.deepEqual(retries, [[2, { kind: 'throttled', maxAttempts: 3 }]]);
      assert.equal(retryProgressMessage(...retries[0]), 'Bedrock is busy; retrying (2 of 3)…');
    });

    it('reports retries of server errors and the last error when they run out', async () => {
      server.enqueue(httpError('ServiceUnavailableException'), httpError('InternalServerException'));
      const retries: Array<[number, RetryReason]> = [];
      const { error } = await collect(client({ maxAttempts: 2 }).stream({ ...REQUEST, onRetry: (a, r) => retries.push([a, r]) }));
      assert.deepEqual(retries, [[2, { kind: 'unavailable', maxAttempts: 2 }]]);
      assert.equal(retryProgressMessage(...retries[0]), 'Bedrock had a temporary error; retrying (2 of 2)…');
      assert.equal(error?.kind, 'serverError');
    });

    for (const fault of [
      { type: 'exception', afterChunks: 2, exceptionType: 'throttlingException' },
      { type: 'exception', afterChunks: 2, exceptionType: 'serviceUnavailableException' },
      { type: 'drop', afterChunks: 2 },
    ] as const) {
      it(`never retries once text has streamed (${fault.type === 'drop' ? 'dropped connection' : fault.exceptionType})`, async () => {
        server.enqueue(textResponse('one two three four', { fault }));
        const retries: number[] = [];
        const { texts, error } = await collect(client({ maxAttempts: 3 }).stream({ ...REQUEST, onRetry: (a) => retries.push(a) }));
        assert.deepEqual(texts, ['one ', 'two ']);
        assert.equal(error?.partialText, 'one two ');
        assert.deepEqual(retries, []);
        assert.equal(server.requests.length, 1);
      });
    }

    it('says what a retry after a dropped connection means', () => {
      assert.equal(retryProgressMessage(3, { kind: 'network', maxAttempts: 3 }), 'The connection to Bedrock failed; retrying (3 of 3)…');
    });
  });
});
