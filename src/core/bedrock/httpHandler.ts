// The HTTP/1.1 handler every client uses: HTTP/1.1 because HTTP/2 breaks behind many
// corporate proxies; a connect timeout per attempt (the SDK retries a connection that
// never opens); and, when any proxy is configured, agents that route each connection
// through it or around it (NO_PROXY).
import type { NodeHttpHandler, NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { hasProxy, proxyForUrl, type ProxyEnv, type ProxySettings } from '../proxyConfig';
import type { Sdk } from './sdkLoader';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface NetworkOptions {
  /** VS Code's `http.proxy`, `http.proxyStrictSSL`, `http.noProxy`, `http.proxyAuthorization`. */
  proxy?: ProxySettings;
  /** Where HTTPS_PROXY/NO_PROXY are read (default process.env). */
  env?: ProxyEnv;
  /** TCP connect (and, through a proxy, the CONNECT handshake) per attempt; 0: none. */
  connectTimeoutMs?: number;
}

export function createHttpHandler(sdk: Sdk, o: NetworkOptions): NodeHttpHandler {
  const options: NodeHttpHandlerOptions = {
    connectionTimeout: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Without this an exceeded requestTimeout (time to the response headers) only logs a warning.
    throwOnRequestTimeout: true,
  };
  const settings = o.proxy ?? {};
  const env = o.env ?? process.env;
  if (hasProxy(settings, env)) {
    const route = (target: string) => proxyForUrl(target, settings, env);
    options.httpsAgent = new sdk.ProxyRoutingAgent(true, route);
    options.httpAgent = new sdk.ProxyRoutingAgent(false, route);
  }
  return new sdk.NodeHttpHandler(options);
}
