// A small HTTP proxy for tests: CONNECT tunnels (for https targets) and absolute-URI
// forwarding (for plain http), both redirected to local ports so tests can point the
// client at real-looking hostnames. It can demand credentials, fail with 502, or stall.
//
//   const proxy = new TestProxy({ tunnelTo: tlsPort, forwardTo: serverPort });
//   const { url } = await proxy.start();   // http://127.0.0.1:<port>
//   ... client with http.proxy = url ...
//   proxy.connects   // ['bedrock-runtime.us-west-2.amazonaws.com:443']
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';

export interface TestProxyOptions {
  /** Local port every CONNECT tunnel goes to. */
  tunnelTo?: number;
  /** Local port every forwarded request goes to. */
  forwardTo?: number;
}

export type ProxyBehaviour = 'pass' | 'badGateway' | 'stall';

export class TestProxy {
  /** CONNECT targets in arrival order, e.g. `host:443`. */
  readonly connects: string[] = [];
  /** Absolute URLs of forwarded requests. */
  readonly forwards: string[] = [];
  /** Proxy-Authorization values received (CONNECT and forwarded). */
  readonly authorizations: Array<string | undefined> = [];
  behaviour: ProxyBehaviour = 'pass';
  /** When set, anything without exactly this Proxy-Authorization gets 407. */
  requiredAuthorization: string | undefined;

  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: TestProxyOptions) {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.tunnel(req, socket, head));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<{ url: string; port: number }> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as net.AddressInfo;
    return { url: `http://127.0.0.1:${port}`, port };
  }

  reset(): void {
    this.connects.length = 0;
    this.forwards.length = 0;
    this.authorizations.length = 0;
    this.behaviour = 'pass';
    this.requiredAuthorization = undefined;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refused(req: http.IncomingMessage): boolean {
    const auth = req.headers['proxy-authorization'];
    this.authorizations.push(auth);
    return this.requiredAuthorization !== undefined && auth !== this.requiredAuthorization;
  }

  private tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer): void {
    this.connects.push(req.url ?? '');
    client.on('error', () => undefined);
    this.sockets.add(client);
    if (this.behaviour === 'stall') return; // never answer the CONNECT
    if (this.refused(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.behaviour === 'badGateway' || !this.options.tunnelTo) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nbad gateway');
      return;
    }
    const upstream = net.connect(this.options.tunnelTo, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.forwards.push(req.url ?? '');
    if (this.behaviour === 'stall') return;
    if (this.refused(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-length': '0' }).end();
      return;
    }
    if (this.behaviour === 'badGateway' || !this.options.forwardTo || !req.url?.startsWith('http://')) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      return;
    }
    const target = new URL(req.url);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: '127.0.0.1', port: this.options.forwardTo, method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
