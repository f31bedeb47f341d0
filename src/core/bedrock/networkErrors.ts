// Messages for failures on the way to Bedrock: refused or dropped connections, connect
// and first-byte timeouts, untrusted TLS certificates, a proxy that wants credentials or
// cannot reach Bedrock, and settings the connection cannot be made with.
import type { BedrockLlamaError, Described, ErrorShape } from './errors';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE',
  'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const NETWORK_MESSAGE = /socket hang up|\baborted\b|premature close|ERR_HTTP2|HTTP\/2 stream|session closed|network/i;
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function networkError(d: Described): BedrockLlamaError | undefined {
  const { ctx, make, where, status, name, rawMessage } = d;
  const proxy = ctx.proxy;
  const via = proxy ? ` through the proxy ${proxy}` : '';

  if (name === 'InvalidProxyError') return make('configuration', false, rawMessage);
  if (/region is missing/i.test(rawMessage)) {
    return make('configuration', false, 'No AWS region is set. Set bedrockLlama.region (e.g. us-west-2), or AWS_REGION, or a region in your AWS profile.');
  }
  const tls = findCode(d.e, (code) => TLS_CODES.has(code));
  if (tls) {
    const fix = proxy ? ', or turn off http.proxyStrictSSL if you trust the proxy' : '';
    return make('network', false, `The TLS certificate presented for Bedrock${via} is not trusted (${tls}). If your network inspects TLS traffic, add its root certificate to your system's trusted certificates${fix}.`);
  }
  if (name === 'TimeoutError' || findCode(d.e, (code) => code === 'ETIMEDOUT')) {
    if (/did not establish a connection/i.test(rawMessage)) {
      return make('network', true, `Could not connect to Bedrock${where}${via} within ${seconds(ctx.connectTimeoutMs)}. Check your network, proxy (http.proxy) and endpoint settings, then try again.`);
    }
    if (/requestTimeout/i.test(rawMessage)) {
      return make('network', true, `Bedrock did not start answering${where} within ${seconds(ctx.firstByteTimeoutMs)}. Try again; if it keeps happening, check your network or proxy.`);
    }
    return make('network', true, 'The connection to Bedrock timed out. Check your network or proxy and try again.');
  }
  if (status === 407) {
    return make('network', false, `The proxy${proxy ? ` ${proxy}` : ''} asks for credentials (HTTP 407). Put them in http.proxy (http://user:password@host:port) or set http.proxyAuthorization, then try again.`);
  }
  // A gateway error without Bedrock's request id came from the proxy, not from Bedrock.
  if (proxy && !d.requestId && (status === 502 || status === 503 || status === 504)) {
    return make('network', true, `The proxy ${proxy} could not reach Bedrock (HTTP ${status}). Check the proxy, NO_PROXY (http.noProxy) and bedrockLlama.endpoint, then try again.`);
  }
  if (isNetworkError(d.e)) {
    return proxy
      ? make('network', true, `The connection to Bedrock${where}${via} failed or was interrupted. Check the proxy (http.proxy) and your network, then try again.`)
      : make('network', true, `The connection to Bedrock${where} failed or was interrupted. Check your network, proxy and endpoint settings, then try again.`);
  }
  return undefined;
}

function isNetworkError(e: ErrorShape, depth = 0): boolean {
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || e.code.startsWith('ERR_HTTP2'))) return true;
  if (typeof e.message === 'string' && e.$metadata?.httpStatusCode === undefined && NETWORK_MESSAGE.test(e.message)) return true;
  const cause = e.cause;
  return depth < 5 && typeof cause === 'object' && cause !== null && isNetworkError(cause as ErrorShape, depth + 1);
}

/** The first `code` along the cause chain that passes `test`. */
function findCode(e: ErrorShape, test: (code: string) => boolean, depth = 0): string | undefined {
  if (typeof e.code === 'string' && test(e.code)) return e.code;
  const cause = e.cause;
  return depth < 5 && typeof cause === 'object' && cause !== null ? findCode(cause as ErrorShape, test, depth + 1) : undefined;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'the time allowed' : `${Number((ms / 1000).toFixed(1))} s`;
}
