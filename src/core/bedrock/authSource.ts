// Where a client's identity comes from, decided the way the client configures the SDK:
// a key stored in VS Code, then explicit credentials, then the profile setting, then a
// Bedrock API key in the environment (the SDK prefers it by itself), then the SDK's
// default chain. Settings win over the environment because they are the more specific choice.

export const BEARER_TOKEN_ENV = 'AWS_BEARER_TOKEN_BEDROCK';

export type AuthSource =
  /** The `bearerToken` option: a Bedrock API key from VS Code secret storage. */
  | { kind: 'apiKey' }
  /** AWS_BEARER_TOKEN_BEDROCK, which the SDK reads itself. */
  | { kind: 'apiKeyEnv' }
  /** Explicit credentials or provider (tests, embedding). */
  | { kind: 'credentials' }
  /** `bedrockLlama.profile`. */
  | { kind: 'profile'; profile: string }
  /** The SDK's node provider chain; `envProfile` when AWS_PROFILE names one. */
  | { kind: 'defaultChain'; envProfile?: string };

export interface AuthOptions {
  bearerToken?: string;
  profile?: string;
  credentials?: unknown;
}

export function authSourceFor(o: AuthOptions, env: Readonly<Record<string, string | undefined>>): AuthSource {
  if (o.bearerToken) return { kind: 'apiKey' };
  if (o.credentials) return { kind: 'credentials' };
  if (o.profile) return { kind: 'profile', profile: o.profile };
  // The SDK tests `key in env`: an empty value still switches it to bearer auth.
  if (env[BEARER_TOKEN_ENV] !== undefined) return { kind: 'apiKeyEnv' };
  return { kind: 'defaultChain', envProfile: env.AWS_PROFILE || undefined };
}

/** The profile a login hint should name: the setting, else AWS_PROFILE. */
export function profileName(source: AuthSource): string | undefined {
  if (source.kind === 'profile') return source.profile;
  if (source.kind === 'defaultChain') return source.envProfile;
  return undefined;
}

export function describeAuthSource(source: AuthSource): string {
  switch (source.kind) {
    case 'apiKey': return 'Bedrock API key stored in VS Code';
    case 'apiKeyEnv': return `Bedrock API key from ${BEARER_TOKEN_ENV}`;
    case 'credentials': return 'credentials given to the client';
    case 'profile': return `AWS profile "${source.profile}" (bedrockLlama.profile)`;
    case 'defaultChain':
      return source.envProfile
        ? `AWS default credential chain, profile "${source.envProfile}" from AWS_PROFILE`
        : 'AWS default credential chain (environment, default profile, SSO, container or instance role)';
  }
}

/** A pasted key, cleaned: surrounding space and a leading `Bearer ` removed. */
export function normalizeApiKey(text: string): string {
  return text.trim().replace(/^Bearer\s+/i, '');
}

/** Why `text` cannot be a Bedrock API key, or undefined when it can. */
export function apiKeyProblem(text: string): string | undefined {
  const key = normalizeApiKey(text);
  if (!key) return 'Paste a Bedrock API key (from the Amazon Bedrock console, API keys).';
  if (/\s/.test(key)) return 'A Bedrock API key has no spaces or line breaks.';
  if (/^(AKIA|ASIA)[A-Z0-9]{12,}$/.test(key)) return 'That is an AWS access key id, not a Bedrock API key. Use a profile for access keys.';
  if (key.length < 20) return 'That is too short for a Bedrock API key.';
  return undefined;
}
