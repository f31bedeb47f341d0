// The configuration every Bedrock SDK client shares, runtime and control plane alike:
// region, endpoint, retries, the HTTP/1.1 handler (proxy aware) and the identity. One
// function, so a request and a model listing reach the same endpoint with the same
// credentials through the same proxy.
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { displayProxyUrl, hasProxy, proxyForUrl } from '../proxyConfig';
import { profileName, type AuthSource } from './authSource';
import type { BedrockClientOptions } from './client';
import type { ErrorContext } from './errors';
import { createHttpHandler, DEFAULT_CONNECT_TIMEOUT_MS } from './httpHandler';
import type { Sdk } from './sdkLoader';

/** The fields both `BedrockRuntimeClientConfig` and the control plane's `BedrockClientConfig` take. */
export type SharedClientConfig = Pick<
  BedrockRuntimeClientConfig,
  'region' | 'endpoint' | 'profile' | 'maxAttempts' | 'retryMode' | 'requestHandler' | 'credentials' | 'token' | 'authSchemePreference'
>;

export function sharedClientConfig(sdk: Sdk, o: BedrockClientOptions, auth: AuthSource): SharedClientConfig {
  const config: SharedClientConfig = {
    region: o.region,
    endpoint: o.endpoint,
    profile: o.profile, // also where the SDK looks for the region
    maxAttempts: o.maxAttempts ?? 3,
    retryMode: o.retryMode ?? 'standard',
  };
  const http1 = (o.httpVersion ?? 'http1') === 'http1';
  if (http1) config.requestHandler = createHttpHandler(sdk, o);
  // Role assumption and SSO make their own AWS calls: through the same proxy.
  const providerInit = {
    ignoreCache: true, // re-read ~/.aws files when credentials are needed again (after `aws configure`, `aws sso login`)
    clientConfig: http1 && hasProxy(o.proxy ?? {}, o.env ?? process.env) ? { requestHandler: createHttpHandler(sdk, o) } : undefined,
  };
  switch (auth.kind) {
    case 'apiKey':
      config.token = { token: o.bearerToken ?? '' };
      config.authSchemePreference = ['httpBearerAuth'];
      break;
    case 'apiKeyEnv':
      break; // the SDK reads AWS_BEARER_TOKEN_BEDROCK and prefers bearer auth by itself
    case 'credentials':
      config.credentials = o.credentials;
      config.authSchemePreference = ['sigv4']; // not AWS_BEARER_TOKEN_BEDROCK
      break;
    case 'profile':
      config.credentials = sdk.fromIni({ profile: o.profile, ...providerInit });
      config.authSchemePreference = ['sigv4'];
      break;
    case 'defaultChain':
      config.credentials = sdk.fromNodeProviderChain(providerInit);
      break;
  }
  return config;
}

/**
 * What an error message of a call to `endpoint` (default: the control plane's in `region`)
 * may name: the region, the profile, the identity's source, the proxy without its credentials.
 */
export function errorContextFor(o: BedrockClientOptions, auth: AuthSource, region: string | undefined, modelId: string, endpoint?: string): ErrorContext {
  let proxy: string | undefined;
  try {
    const url = endpoint ?? o.endpoint ?? `https://bedrock.${region ?? 'us-east-1'}.amazonaws.com`;
    const found = proxyForUrl(url, o.proxy ?? {}, o.env ?? process.env);
    proxy = found ? displayProxyUrl(found.url) : undefined;
  } catch {
    proxy = undefined; // an invalid proxy setting is reported by the call itself
  }
  return {
    modelId,
    region,
    profile: profileName(auth),
    partialText: '',
    auth,
    proxy,
    connectTimeoutMs: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}
