// Which proxy, if any, a request to Bedrock goes through: VS Code's `http.proxy` first,
// then the usual environment variables (https_proxy/HTTPS_PROXY for https, http_proxy/
// HTTP_PROXY for http), minus NO_PROXY and `http.noProxy`. Loopback hosts never go
// through a proxy (VS Code does the same: a proxy cannot reach this machine's localhost).
import { BlockList, isIP } from 'node:net';
import { redact } from './bedrock/redact';

/** VS Code's `http.*` proxy settings, as plain values. */
export interface ProxySettings {
  /** `http.proxy`; empty or undefined: the environment decides. */
  proxy?: string;
  /** `http.proxyStrictSSL` (default true): verify certificates on proxied connections. */
  strictSSL?: boolean;
  /** `http.noProxy`: hosts that bypass the proxy, added to NO_PROXY. */
  noProxy?: readonly string[];
  /** `http.proxyAuthorization`: sent as the Proxy-Authorization header. */
  authorization?: string;
}

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

export interface ResolvedProxy {
  /** The proxy URL, credentials included (never show it; see `displayProxyUrl`). */
  url: string;
  /** Where it came from, for Show Connection Info and messages. */
  source: 'http.proxy' | 'https_proxy' | 'HTTPS_PROXY' | 'http_proxy' | 'HTTP_PROXY';
  strictSSL: boolean;
  authorization?: string;
}

/** A proxy setting that is not a URL: reported instead of silently going direct. Never holds the raw value (it may carry a password). */
export class InvalidProxyError extends Error {
  override readonly name = 'InvalidProxyError';
  constructor(
    value: string,
    readonly source: ResolvedProxy['source'],
  ) {
    // An unencoded '/', '#' or '?' in the password is the usual reason such a URL does not parse.
    const hidden = value.includes('@') ? ' (user name and password not shown; percent-encode characters such as / # ? @ in them)' : '';
    super(`The proxy address "${displayProxyUrl(value)}" from ${source} is not a valid URL${hidden}. Use the form http://proxy.example.com:8080.`);
  }
}

/** True when some proxy is configured at all (then requests are routed per host). */
export function hasProxy(settings: ProxySettings, env: ProxyEnv): boolean {
  return Boolean(settings.proxy?.trim() || env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

/** The proxy for `target` (an http or https URL), or undefined to connect directly. Throws InvalidProxyError. */
export function proxyForUrl(target: string | URL, settings: ProxySettings, env: ProxyEnv): ResolvedProxy | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const secure = url.protocol === 'https:';
  const picked = pickProxy(secure, settings, env);
  if (!picked) return undefined;
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopback(host)) return undefined;
  const patterns = [...splitList(env.no_proxy ?? env.NO_PROXY ?? ''), ...(settings.noProxy ?? []).flatMap(splitList)];
  if (bypasses(host, port, patterns)) return undefined;
  return {
    url: normalizeProxyUrl(picked.value, picked.source),
    source: picked.source,
    strictSSL: settings.strictSSL ?? true,
    authorization: settings.authorization?.trim() || undefined,
  };
}

/** The proxy URL without user name and password, for messages and logs, even when it does not parse. */
export function displayProxyUrl(url: string): string {
  // Everything before the last '@' is user info, whatever the password holds ('@', '/', ':', spaces).
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const at = url.lastIndexOf('@');
  const bare = at < 0 ? url : scheme + url.slice(at + 1);
  if (scheme) {
    try {
      const u = new URL(bare);
      if (u.host) return `${u.protocol}//${u.host}`;
    } catch {
      // shown as written, without the user info
    }
  }
  return redact(bare);
}

function pickProxy(secure: boolean, settings: ProxySettings, env: ProxyEnv): { value: string; source: ResolvedProxy['source'] } | undefined {
  const fromSetting = settings.proxy?.trim();
  if (fromSetting) return { value: fromSetting, source: 'http.proxy' };
  const names: ReadonlyArray<ResolvedProxy['source']> = secure ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, source: name };
  }
  return undefined;
}

// `proxy:8080` is common in HTTPS_PROXY; it means http://proxy:8080.
function normalizeProxyUrl(value: string, source: ResolvedProxy['source']): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const u = new URL(withScheme);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) throw new Error('unsupported');
    return u.toString();
  } catch {
    throw new InvalidProxyError(value, source);
  }
}

function splitList(value: string): string[] {
  return value.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * NO_PROXY as curl reads it: `*` for everything; `example.com` and `.example.com` for the
 * domain and its subdomains; an optional `:port`; IP addresses and IPv4/IPv6 CIDR blocks.
 */
export function bypasses(host: string, port: number, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  for (const raw of patterns) {
    if (raw === '*') return true;
    const { name, port: patternPort } = splitHostPort(raw);
    if (patternPort !== undefined && patternPort !== port) continue;
    if (name.includes('/')) {
      if (inCidr(h, name)) return true;
      continue;
    }
    const domain = name.replace(/^\*?\./, '');
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitHostPort(pattern: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed) return { name: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const m = /^([^:]+):(\d+)$/.exec(pattern); // one colon: host:port (IPv6 has several)
  return m ? { name: m[1], port: Number(m[2]) } : { name: pattern };
}

function inCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIP(network);
  if (!family || isIP(host) !== family) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4');
}
