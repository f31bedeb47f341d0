// Keeps secrets out of anything shown or logged: AWS access keys, Bedrock API keys,
// bearer tokens, signatures and proxy passwords.

/** Removes anything that looks like an access key, a bearer token or a secret from a message. */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[access key]')
    .replace(/\bABSK[A-Za-z0-9+/=_-]{8,}/g, '[api key]')
    .replace(/\bbedrock-api-key-[A-Za-z0-9+/=_%&.-]+/g, '[api key]')
    .replace(/(Bearer\s+)\S+/gi, '$1[redacted]')
    .replace(/(Credential=)[^,\s]+/g, '$1[redacted]')
    .replace(/(Signature=)[0-9a-f]+/g, '$1[redacted]')
    .replace(/(\/\/[^/\s:@]+:)[^@/\s]+@/g, '$1[redacted]@') // user:password@ in URLs
    .replace(/\b[A-Za-z0-9+/]{40}\b/g, '[redacted]');
}

export function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
