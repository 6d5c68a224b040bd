import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, createServer, request as httpRequest, type ClientRequestArgs, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';

// A localtunnel server for tests, written from the protocol the `localtunnel` client speaks
// (localtunnel/server's server.js, ClientManager.js, TunnelAgent.js; localtunnel/localtunnel's lib/):
//   control plane: GET /?new or GET /<subdomain> → {id, port, max_conn_count, url}
//   data plane:    the client opens plain TCP connections to `port`; each carries one proxied
//                  HTTP exchange at a time; a request waits when all of them are busy.
//   public side:   requests with Host `<id>.localhost:<port>` go to tunnel `id`.
// It listens on 127.0.0.1 only. Fault injection: refuse registrations, show loca.lt's
// reminder page to browsers, restart (every tunnel gone, as after a server crash).

const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;

export interface FakeLocaltunnelOptions {
  /** Concurrent exchanges per tunnel (sent as max_conn_count; default 10). */
  maxConnCount?: number;
  /** Show browsers loca.lt's reminder page (401) unless they send bypass-tunnel-reminder. */
  interstitial?: boolean;
  /** Answer registrations with this status instead of a tunnel. */
  refuseWith?: number;
}

/** One registered tunnel: its data port and the sockets the client opened to it. */
class TunnelEndpoint extends HttpAgent {
  readonly server: TcpServer;
  private readonly idle: Socket[] = [];
  private readonly waiting: Array<(err: Error | null, socket: Duplex) => void> = [];
  readonly tunnelSockets = new Set<Socket>();
  /** Requests that had to wait for a free connection. */
  queued = 0;

  constructor(readonly id: string) {
    // Like localtunnel/server's TunnelAgent: keep-alive over the client's sockets, one spare.
    super({ keepAlive: true, maxFreeSockets: 1 });
    this.server = createTcpServer((socket) => this.adopt(socket));
  }

  private adopt(socket: Socket): void {
    this.tunnelSockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.tunnelSockets.delete(socket);
      const at = this.idle.indexOf(socket);
      if (at !== -1) this.idle.splice(at, 1);
    });
    const next = this.waiting.shift();
    if (next) next(null, socket);
    else this.idle.push(socket);
  }

  // http.Agent asks for a connection per request it can't serve from its free pool.
  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, socket: Duplex) => void): undefined {
    if (!callback) throw new Error('the tunnel agent hands out connections through the callback only');
    const socket = this.idle.shift();
    if (socket) callback(null, socket);
    else {
      this.queued++;
      this.waiting.push(callback);
      this.emit('queued');
    }
    return undefined;
  }

  close(): void {
    this.server.close();
    for (const socket of this.tunnelSockets) socket.destroy();
    this.destroy();
  }
}

export class FakeLocaltunnelServer {
  readonly tunnels = new Map<string, TunnelEndpoint>();
  private http?: Server;
  port = 0;
  /** Registration requests, as paths (`/?new`, `/my-name`). */
  readonly registrations: string[] = [];
  private counter = 0;

  constructor(readonly options: FakeLocaltunnelOptions = {}) {}

  /** The value for the client's `host` option. */
  get origin(): string {
    return `http://localhost:${this.port}`;
  }

  async listen(port = 0): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('upgrade', (_req, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.http = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Stops everything, like a crash: the client's sockets break and its data ports refuse. */
  async close(): Promise<void> {
    for (const tunnel of this.tunnels.values()) tunnel.close();
    this.tunnels.clear();
    const server = this.http;
    this.http = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }

  /** A crash and a start on the same port: every tunnel is forgotten. */
  async restart(): Promise<void> {
    const port = this.port;
    await this.close();
    await this.listen(port);
  }

  /** Resolves once tunnel `id` has `count` connections from the client. */
  async connections(id: string, count: number): Promise<void> {
    const tunnel = this.tunnels.get(id);
    if (!tunnel) throw new Error(`no tunnel ${id}`);
    while (tunnel.tunnelSockets.size < count) await new Promise((resolve) => tunnel.server.once('connection', resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostname = (req.headers.host ?? '').split(':')[0]!;
    const sub = hostname.endsWith('.localhost') ? hostname.slice(0, -'.localhost'.length) : '';
    if (sub) return this.proxy(sub, req, res);
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    if (url.pathname === '/mytunnelpassword') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('127.0.0.1');
      return;
    }
    const wanted = url.pathname.slice(1);
    if (url.pathname !== '/' && url.pathname !== '') return this.register(req, res, wanted);
    if (url.searchParams.has('new')) return this.register(req, res, undefined);
    res.writeHead(302, { location: 'https://localtunnel.github.io/www/' }).end();
  }

  private async register(req: IncomingMessage, res: ServerResponse, wanted: string | undefined): Promise<void> {
    this.registrations.push(req.url ?? '/');
    if (this.options.refuseWith) return json(res, this.options.refuseWith, { message: `refused by the test (${this.options.refuseWith})` });
    if (wanted !== undefined && !SUBDOMAIN.test(wanted)) {
      return json(res, 403, { message: 'Invalid subdomain. Subdomains must be lowercase and between 4 and 63 alphanumeric characters.' });
    }
    // A taken name gets a random one, as upstream's ClientManager does.
    const id = wanted && !this.tunnels.has(wanted) ? wanted : `tunnel-${++this.counter}-${Math.random().toString(36).slice(2, 8)}`;
    const tunnel = new TunnelEndpoint(id);
    await new Promise<void>((resolve) => tunnel.server.listen(0, '127.0.0.1', resolve));
    this.tunnels.set(id, tunnel);
    json(res, 200, {
      id,
      port: (tunnel.server.address() as AddressInfo).port,
      max_conn_count: this.options.maxConnCount ?? 10,
      url: `http://${id}.${req.headers.host}`,
    });
  }

  private proxy(id: string, req: IncomingMessage, res: ServerResponse): void {
    const tunnel = this.tunnels.get(id);
    if (!tunnel) return json(res, 404, { message: `no active client for '${id}'` });
    const browser = /Mozilla|Chrome|Safari|Firefox/.test(req.headers['user-agent'] ?? '');
    if (this.options.interstitial && browser && !req.headers['bypass-tunnel-reminder']) {
      // What loca.lt's guard answers browsers (issue #598; "this page returns a 401").
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Friendly Reminder</h1><p>This website is served for free via a localtunnel. To access the website, please enter the tunnel password below.</p><form><input name="password" placeholder="Tunnel Password"></form></body></html>');
      return;
    }
    const upstream = httpRequest({ path: req.url, method: req.method, headers: req.headers, agent: tunnel }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/**
 * `fetch` that resolves `*.localhost` to 127.0.0.1, as browsers and curl do (RFC 6761);
 * libc here doesn't, so tunnel URLs need it.
 */
const localhostAgent = new UndiciAgent({
  connect: {
    lookup(hostname: string, options: { all?: boolean }, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
      if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
        return;
      }
      dnsLookup(hostname, options as never, callback as never);
    },
  },
});
export const tunnelFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  // A global Request comes from Node's bundled undici, which the undici package doesn't take as
  // its own: pass its parts instead.
  if (input instanceof Request) {
    const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : await input.arrayBuffer();
    init = { method: input.method, headers: input.headers, body, redirect: input.redirect, signal: input.signal, ...init };
    input = input.url;
  }
  return undiciFetch(input as never, { ...(init as object), dispatcher: localhostAgent } as never);
}) as unknown as typeof fetch;

/** What DNS would say for test tunnel names: loopback. */
export const localhostResolveIPv4 = async (hostname: string): Promise<string[]> => (hostname.endsWith('localhost') ? ['127.0.0.1'] : []);
