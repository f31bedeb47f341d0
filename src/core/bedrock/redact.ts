// Keeps secrets out of everything shown, stored or logged: passwords and user info in
// URLs (proxy URLs that do not parse included), Bedrock API keys, Authorization headers,
// AWS secret keys and session tokens. Every exit (BedrockLlamaError, Show Connection
// Info, the log) goes through `redact`.
//
// Every quantifier that can meet long input is bounded or anchored on a literal, so a
// 100 KB message is scanned in linear time; no pattern matches its own output, so
// redacting twice changes nothing. Erring towards redacting too much is fine: a message
// may lose a word, never a password.

const R = '[redacted]';

// `scheme://` and a user name: user info runs from there to the '@' before the host.
const SCHEME = String.raw`\b[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/(?!\[redacted\]@)`;
const URL_USER = String.raw`[^\s/?#:[\]]{0,128}`;
// Scheme-less `user:password@host` (`PROXY alice:secret@host:3128`): the user name starts
// a word and is no ARN or mailto (arn:aws:sts::1:assumed-role/R/alice@example.com).
const BARE_USER = String.raw`(?<![^\s"'=(<,;[])(?!arn:|mailto:)[\w.%~+\\-]{1,64}:(?![/\\])`;
// After `host:`, a port is not a password (http://proxy:8080 … bob@example.com).
const NOT_PORT = String.raw`(?!\d{1,5}(?:[\s/?#"'<>)\]},;:]|$))`;
// A host that ends user info: dotted, with a port, localhost or [IPv6], and no other '@'
// before the next delimiter. So `p@ss w0rd@proxy:8080` ends at the second '@' and
// `secret@proxy:8080/path@x` at the first.
const HOST = String.raw`(?:\[[0-9A-Fa-f:.]{2,45}\]|localhost|[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,10}(?::\d{1,5})?|[A-Za-z0-9-]{1,63}:\d{1,5})(?![^\s/?#"'<>()[\]{},;@]{0,256}@)`;
// Header, `name=value` and `"name":"value"` forms whose value is a secret.
const SECRET_NAME = String.raw`\b(?:aws_secret_access_key|secret_?access_?key|aws_session_token|session_?token|x-amz-security-token|security_?token|access_?token|refresh_?token|id_?token|client_?secret|aws_bearer_token_bedrock|x-api-key|api_?key|password|passwd)`;
const ASSIGN = String.raw`\\?["']?\s{0,3}[:=]\s{0,3}\\?["']?`;
const VALUE = String.raw`(?!\[)[^\s"'\\,;&<>{}()[\]]+`;
// An unquoted `name: word` may be prose ("… API key: it may have expired"): kept when the word is short and lowercase.
const PROSE = /^[a-z]{1,12}$/;
// Placeholders in our own hints (http://user:password@host:port) are no secret.
const PLACEHOLDER = /^(?:user(?:name)?:password)$/i;

type Rule = [RegExp, string | ((match: string, ...groups: string[]) => string)];

// In this order: user info first, while its '@' and ':' are still there to be read.
const RULES: readonly Rule[] = [
  // scheme://user:password@host, the password possibly holding spaces, '@', '/', ':'.
  [new RegExp(String.raw`(${SCHEME})${URL_USER}:(?=\S)${NOT_PORT}[^\n]{0,160}?@(?=${HOST})`, 'g'), `$1${R}@`],
  // The same when no such host follows: up to the last '@' of the word.
  [new RegExp(String.raw`(${SCHEME})(${URL_USER}:${NOT_PORT}\S{0,256})@`, 'g'), (_m, scheme, info) => `${scheme}${PLACEHOLDER.test(info) ? info : R}@`],
  // scheme://token@host: a user name alone can be a token.
  [new RegExp(String.raw`(${SCHEME})[^\s/?#:@[\]]{1,256}@`, 'g'), `$1${R}@`],
  // No scheme: across spaces only when the first word already holds an '@'.
  [new RegExp(String.raw`${BARE_USER}(?=\S{0,256}@)${NOT_PORT}[^\n]{0,160}?@(?=${HOST})`, 'g'), `${R}@`],
  [new RegExp(String.raw`${BARE_USER}${NOT_PORT}\S{1,256}@(?=[\w[])`, 'g'), `${R}@`],
  // Authorization / Proxy-Authorization: Basic|Bearer|… <credentials>.
  [new RegExp(String.raw`(\bauthorization${ASSIGN}(?:Basic|Bearer|Negotiate|NTLM)\s{1,8})${VALUE}`, 'gi'), `$1${R}`],
  // Bearer <token> anywhere, but not "Bearer token" or "Bearer authentication" in prose.
  [/(\bBearer\s{1,8})(?!\[)(?=[^\s"',;]{0,512}[^A-Za-z\s"',;])[^\s"',;]{8,}/gi, `$1${R}`],
  // SigV4 Credential=AKIA…/date/region/service/aws4_request and Signature=… (headers, presigned URLs).
  [/(\b(?:X-Amz-)?(?:Credential|Signature)=)[\w+/=%-]+/gi, `$1${R}`],
  [new RegExp(String.raw`(${SECRET_NAME}${ASSIGN})(${VALUE})`, 'gi'), (m, name: string, value) => (/:\s+$/.test(name) && PROSE.test(value) ? m : `${name}${R}`)],
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[access key]'],
  [/\bABSK[A-Za-z0-9+/=_-]{8,}/g, '[api key]'],
  [/\bbedrock-api-key-[A-Za-z0-9+/=_%&.-]*[A-Za-z0-9+/=_%&-]/g, '[api key]'],
  // STS session tokens, raw or percent-encoded.
  [/(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9+/=%]*/g, '[session token]'],
  // Any other long base64 run of mixed case and digits: a token of some other shape.
  [/(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]{100})(?=[A-Za-z0-9+/]{0,4096}[A-Z])(?=[A-Za-z0-9+/]{0,4096}[a-z])(?=[A-Za-z0-9+/]{0,4096}\d)[A-Za-z0-9+/]{100,}={0,2}/g, R],
  // A 40-character AWS secret access key; mixed case, so a hex git sha in prose stays.
  [/(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g, R],
];

/** `text` with every password, key, token and signature in it replaced by a marker. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

export function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
