// The lines of Show Connection Info: region, identity, endpoint, proxy and the id the
// model is invoked with, each with where it comes from and the setting that changes it.
import { describeAuthSource } from './bedrock/authSource';
import type { ConnectionDetails } from './bedrock/client';
import { redact } from './bedrock/redact';

export interface ConnectionInfoInput {
  details: ConnectionDetails;
  /** `bedrockLlama.region` as set (undefined: the SDK resolved it). */
  configuredRegion: string | undefined;
  configuredEndpoint: string | undefined;
  /** `bedrockLlama.modelId`. */
  modelId: string;
  /** What the next request sends. */
  invokeId: string;
  /** True when `invokeId` is a remembered inference profile. */
  remembered: boolean;
  now?: Date;
}

export interface InfoLine {
  label: string;
  value: string;
  detail: string;
  /** The setting that changes it, opened when the line is picked. */
  setting?: string;
}

// AWS SDK credential feature names ($source) in words.
const SOURCE_WORDS: Record<string, string> = {
  CREDENTIALS_CODE: 'given in code',
  CREDENTIALS_ENV_VARS: 'environment variables',
  CREDENTIALS_PROFILE: 'keys in the profile',
  CREDENTIALS_PROFILE_SSO: 'IAM Identity Center (SSO)',
  CREDENTIALS_PROFILE_SSO_LEGACY: 'IAM Identity Center (SSO)',
  CREDENTIALS_SSO: 'IAM Identity Center (SSO)',
  CREDENTIALS_SSO_LEGACY: 'IAM Identity Center (SSO)',
  CREDENTIALS_PROFILE_PROCESS: 'credential_process',
  CREDENTIALS_PROCESS: 'credential_process',
  CREDENTIALS_PROFILE_SOURCE_PROFILE: 'an assumed role',
  CREDENTIALS_STS_ASSUME_ROLE: 'an assumed role',
  CREDENTIALS_PROFILE_NAMED_PROVIDER: 'credential_source',
  CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN: 'a web identity token',
  CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'a web identity token',
  CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'a web identity token',
  CREDENTIALS_HTTP: 'container credentials',
  CREDENTIALS_IMDS: 'the EC2 instance role',
  CREDENTIALS_PROFILE_LOGIN: 'an aws login session',
  CREDENTIALS_LOGIN: 'an aws login session',
};

/** The lines, shown in a quick pick and logged: an endpoint's user info and any other secret redacted. */
export function connectionInfoLines(input: ConnectionInfoInput): InfoLine[] {
  return lines(input).map((line) => ({ ...line, value: redact(line.value), detail: redact(line.detail) }));
}

function lines(input: ConnectionInfoInput): InfoLine[] {
  const { details } = input;
  const now = input.now ?? new Date();
  return [
    {
      label: 'Region',
      value: details.region ?? 'not set',
      detail: input.configuredRegion ? 'bedrockLlama.region' : 'resolved by the AWS SDK (AWS_REGION or the profile\'s region)',
      setting: 'bedrockLlama.region',
    },
    { label: 'Credentials', value: describeAuthSource(details.auth), detail: credentialDetail(details, now), setting: 'bedrockLlama.profile' },
    {
      label: 'Endpoint',
      value: details.endpoint ?? 'the regional Bedrock endpoint',
      detail: input.configuredEndpoint ? 'bedrockLlama.endpoint' : 'the regional Bedrock runtime endpoint',
      setting: 'bedrockLlama.endpoint',
    },
    {
      label: 'Proxy',
      value: details.proxy?.url ?? 'none (direct connection)',
      detail: details.proxy ? `from ${details.proxy.source}` : 'http.proxy, HTTPS_PROXY and NO_PROXY',
      setting: 'http.proxy',
    },
    {
      label: 'Model',
      value: input.invokeId,
      detail: input.invokeId === input.modelId
        ? 'sent as configured'
        : `${input.modelId} through ${input.remembered ? 'the inference profile that worked before in this region' : 'an inference profile'}`,
      setting: 'bedrockLlama.inferenceProfile',
    },
  ];
}

function credentialDetail(details: ConnectionDetails, now: Date): string {
  if (details.auth.kind === 'apiKey' || details.auth.kind === 'apiKeyEnv') return 'sent as Authorization: Bearer';
  if (details.credentialError) return details.credentialError.userMessage;
  const creds = details.credentials;
  if (!creds) return 'not resolved yet';
  const words = [...new Set(creds.sources.map((s) => SOURCE_WORDS[s]).filter(Boolean))];
  const from = words.length ? `from ${words.join(', ')}` : 'resolved';
  return creds.expiration ? `${from}; ${expiry(creds.expiration, now)}` : from;
}

function expiry(at: Date, now: Date): string {
  const minutes = Math.round((at.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'expired';
  if (minutes < 120) return `expire in ${minutes} min`;
  return `expire in ${Math.round(minutes / 60)} h`;
}
