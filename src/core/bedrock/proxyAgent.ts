// The Node agents NodeHttpHandler uses when a proxy is configured: each connection is
// routed on its own (NO_PROXY and loopback go direct), through an HTTP CONNECT tunnel for
// https targets or a forwarding proxy for plain http. Only src/core/bedrock/sdk.ts
// imports this module, so the proxy packages stay in the lazily loaded SDK bundle.
import * as http from 'node:http';
import * as https from 'node:https';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ResolvedProxy } from '../proxyConfig';

/** Picks the proxy for a target URL such as `https://host:443` (undefined: direct). */
export type ProxyRoute = (target: string) => ResolvedProxy | undefined;

const POOL = { keepAlive: true, maxSockets: 50 } as const;

export class ProxyRoutingAgent extends Agent {
  private direct: http.Agent | undefined;
  private readonly proxied = new Map<string, http.Agent>();

  constructor(
    private readonly secure: boolean,
    private readonly route: ProxyRoute,
  ) {
    super(POOL);
  }

  // Returning an agent hands the request to that agent's own pool, so keep-alive works
  // per route (one CONNECT tunnel is reused for consecutive requests).
  connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent {
    const host = opts.host?.includes(':') ? `[${opts.host}]` : opts.host;
    const proxy = this.route(`${this.secure ? 'https' : 'http'}://${host}:${opts.port}`);
    if (!proxy) return (this.direct ??= this.secure ? new https.Agent(POOL) : new http.Agent(POOL));
    // http.proxyStrictSSL also covers the tunnelled TLS, which a TLS-inspecting proxy
    // re-signs. HttpsProxyAgent takes that option from the request's options (these,
    // handed on to it unchanged), not from its own.
    if (!proxy.strictSSL) Object.assign(opts, { rejectUnauthorized: false });
    const key = `${proxy.url}|${proxy.strictSSL}|${proxy.authorization ?? ''}`;
    let agent = this.proxied.get(key);
    if (!agent) {
      const options = {
        ...POOL,
        rejectUnauthorized: proxy.strictSSL, // for an https:// proxy itself
        headers: proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : undefined,
      };
      // A forwarding proxy (plain http targets) gets a new connection per request: its agent
      // rewrites the request line to the absolute URL only when it connects, and this router
      // hands it requests whose headers are already written, so a reused socket sent a
      // relative path the proxy refused (the second request through it failed with 502).
      agent = this.secure ? new HttpsProxyAgent(proxy.url, options) : new HttpProxyAgent(proxy.url, { ...options, keepAlive: false });
      this.proxied.set(key, agent);
    }
    return agent;
  }

  override destroy(): void {
    this.direct?.destroy();
    for (const agent of this.proxied.values()) agent.destroy();
    this.proxied.clear();
    super.destroy();
  }
}
