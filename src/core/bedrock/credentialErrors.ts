// Messages for failures to find or use an identity: no credentials anywhere, an unknown
// profile, an expired SSO login, a failing credential_process, a rejected API key.
// Each says what was tried and the command that fixes it.
import { BEARER_TOKEN_ENV } from './authSource';
import type { BedrockLlamaError, Described } from './errors';

const SSO = /sso.*(expired|refresh|login|invalid|not found)|token is expired|aws sso login/i;
const KEY_PROBLEM = /api.?key|bearer|authenticat|token/i;
const SAFE_PROFILE = /^[A-Za-z0-9_.@+=,-]+$/;

export function isCredentialError(d: Described): boolean {
  return d.name === 'CredentialsProviderError' || d.name === 'TokenProviderError' || /could not load credentials/i.test(d.rawMessage);
}

/** The command that signs in to IAM Identity Center for `profile`. */
export function ssoLoginCommand(profile: string | undefined): string {
  if (!profile) return 'aws sso login';
  return SAFE_PROFILE.test(profile) ? `aws sso login --profile ${profile}` : `aws sso login --profile "${profile.replace(/["\\$`]/g, '')}"`;
}

/** Whether `profile` can be put on a command line as is (Sign In is only offered then). */
export function isSafeProfileName(profile: string): boolean {
  return SAFE_PROFILE.test(profile);
}

export function credentialError(d: Described): BedrockLlamaError {
  const { ctx, rawMessage, make } = d;
  const profile = ctx.profile;
  if (SSO.test(rawMessage)) {
    const whose = profile ? ` for profile "${profile}"` : '';
    return make('ssoExpired', false, `Your AWS SSO session${whose} has expired or you are not signed in. Run \`${ssoLoginCommand(profile)}\` in a terminal, then try again.`);
  }
  if (/credential_process|^Command failed:/i.test(rawMessage)) {
    const whose = profile ? ` of AWS profile "${profile}"` : '';
    return make('noCredentials', false, `The credential_process${whose} failed or printed no valid credentials. Run it in a terminal to see why, then try again.`);
  }
  // fromIni reads nothing but the named profile, so that is all there is to say.
  if (profile && ctx.auth?.kind === 'profile') {
    return make('noCredentials', false,
      `The AWS profile "${profile}" gave no credentials: it is not in ${configFiles(ctx.env)}, or it has no keys, SSO settings, role or credential_process. ` +
      `Check bedrockLlama.profile, or set the profile up with \`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`.`);
  }
  const which = profile ? `the profile "${profile}" (from AWS_PROFILE)` : 'the default profile';
  return make('noCredentials', false,
    `No AWS credentials were found. Tried: a Bedrock API key (none stored in VS Code, ${BEARER_TOKEN_ENV} not set), ` +
    `environment variables (AWS_ACCESS_KEY_ID), ${which} in ${configFiles(ctx.env)} (keys, SSO, credential_process, role), ` +
    'web identity, and container and EC2 instance roles. Set up credentials with `aws configure` or `aws configure sso` ' +
    '(a named profile goes in bedrockLlama.profile), or run "Llama: Set Bedrock API Key".');
}

/** Bedrock turned the API key away (as opposed to a model the key may not use). */
export function rejectedApiKey(d: Described): BedrockLlamaError | undefined {
  const auth = d.ctx.auth?.kind;
  if (auth !== 'apiKey' && auth !== 'apiKeyEnv') return undefined;
  const rejected =
    ['UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignature', 'ExpiredTokenException'].includes(d.name) ||
    d.status === 401 ||
    (d.status === 403 && KEY_PROBLEM.test(d.rawMessage) && !/access to the model/i.test(d.rawMessage));
  if (!rejected) return undefined;
  return auth === 'apiKey'
    ? d.make('apiKeyRejected', false, 'Bedrock rejected the API key stored in VS Code: it may have expired or been revoked. Run "Llama: Set Bedrock API Key" with a new key, or "Llama: Clear Bedrock API Key" to use your AWS credentials.')
    : d.make('apiKeyRejected', false, `Bedrock rejected the API key in ${BEARER_TOKEN_ENV}: it may have expired or been revoked. Put a new key in that variable and restart VS Code, or run "Llama: Set Bedrock API Key".`);
}

function configFiles(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return `${env.AWS_CONFIG_FILE || '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials'}`;
}
