import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { basename, dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP_API, type ControlEvent } from '../../../shared/controlApi';
import type { ControlService } from './service';
import { closeNow, listenForStreams } from '../streamingServer';
import { formatSse } from '../wire/sse';

// The headless UI: the built renderer and the control API over HTTP + SSE, on 127.0.0.1 only
// and on its own port (never the front door's, so nothing reaching the proxy or a tunnel can
// reach this). Commands are POSTs of JSON; events are one SSE stream of batches.
//
// Why SSE rather than WebSocket: the events only flow one way (commands are ordinary
// request/response POSTs), SSE is plain HTTP that Node serves without a dependency, and it is
// the very thing this tool inspects, so it is easy to debug with the tool's own eyes.
//
// Access: a random token, printed in the URL. The page takes it from the address bar, drops
// it from there and sends it as `Authorization: Bearer` on every call. No cookie on purpose:
// cookies ignore ports, so a cookie for 127.0.0.1 would also travel to the front door and be
// recorded and forwarded upstream. Static files are public (nothing secret is in the bundle);
// every API call needs the token. Host and Origin must name this loopback port, which stops
// DNS rebinding (evil.example resolving to 127.0.0.1) and cross-site pages.

export const DEFAULT_UI_PORT = 7421;

/** Raised when the UI port is taken, with the flags that change it. */
export class UiPortInUseError extends Error {
  constructor(readonly port: number) {
    super(`UI port ${port} is already in use. Choose another with --ui-port <number>, or run without the UI with --no-ui.`);
  }
}

export interface ControlHttpServerOptions {
  /** Port for the UI and API (default 7421; 0 picks a free one). Always bound on 127.0.0.1. */
  port?: number;
  /** The built renderer (out/renderer); found next to the app when absent. */
  rendererDir?: string;
  /** The access token; a fresh random one when absent. */
  token?: string;
  /** Largest command body, bytes (HAR imports are the big ones). */
  maxBodyBytes?: number;
  /** Interval of `: ping` comments on the event stream, ms. */
  pingMs?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token is in the first URL: never send it anywhere as a Referer.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Finds out/renderer whether the core runs from src/ (tsx, tests) or from the bundle in out/main. */
export function findRendererDir(): string | undefined {
  if (process.env.MCP_INSPECTOR_RENDERER_DIR) return process.env.MCP_INSPECTOR_RENDERER_DIR;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 7; i++) {
    // (src/renderer holds the unbuilt index.html: only a built one counts)
    const candidates = [join(dir, 'out', 'renderer'), ...(basename(dir) === 'out' ? [join(dir, 'renderer')] : [])];
    for (const candidate of candidates) if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

function sameToken(given: string | undefined, token: Buffer): boolean {
  if (!given) return false;
  const candidate = Buffer.from(given);
  return candidate.length === token.length && timingSafeEqual(candidate, token);
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

export class ControlHttpServer {
  readonly token: string;
  private readonly tokenBytes: Buffer;
  private server?: Server;
  private port = 0;
  private readonly rendererDir: string | undefined;
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly service: ControlService,
    private readonly options: ControlHttpServerOptions = {},
  ) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.tokenBytes = Buffer.from(this.token);
    this.rendererDir = options.rendererDir ?? findRendererDir();
  }

  /** Whether the built renderer was found (else the page says how to build it). */
  get hasRenderer(): boolean {
    return this.rendererDir !== undefined;
  }

  /** The URL to open: it carries the token. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  async listen(): Promise<string> {
    const requested = this.options.port ?? DEFAULT_UI_PORT;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'failed', message: `The control API failed: ${(err as Error).message}` } });
        else res.destroy();
      });
    };
    // Loopback only, whatever the front door binds: this port controls the inspector. The
    // event stream lives as long as the page, so no request timeout.
    try {
      const { server, address } = await listenForStreams(handler, requested, '127.0.0.1');
      this.server = server;
      this.port = address.port;
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new UiPortInUseError(requested) : err;
    }
    return this.url;
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.end();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeNow(server);
  }

  /** Host and Origin must name this loopback port: DNS rebinding and other sites are turned away. */
  private allowedOrigin(req: IncomingMessage): string | undefined {
    const hosts = [`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`];
    if (!hosts.includes(req.headers.host ?? '')) return `Host ${JSON.stringify(req.headers.host ?? '')} is not this inspector's address (http://127.0.0.1:${this.port})`;
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((host) => origin === `http://${host}`)) return `Origin ${JSON.stringify(origin)} may not use the inspector's control API`;
    return undefined;
  }

  private authorized(req: IncomingMessage): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return sameToken(bearer, this.tokenBytes);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const refused = this.allowedOrigin(req);
    if (refused) {
      const message = `${refused}. Open the URL the inspector printed.`;
      return path.startsWith('/api/') ? sendJson(res, 403, { ok: false, error: { code: 'failed', message } }) : send(res, 403, `${message}\n`);
    }

    if (path.startsWith('/api/')) {
      if (!this.authorized(req)) {
        return sendJson(res, 401, { ok: false, error: { code: 'failed', message: 'The control API needs the access token: open the URL the inspector printed when it started (it ends in ?token=…).' } });
      }
      if (path === HTTP_API.events && req.method === 'GET') return this.events(req, res);
      if (path.startsWith(HTTP_API.commandPrefix) && req.method === 'POST') {
        const name = decodedPath(path.slice(HTTP_API.commandPrefix.length));
        if (name === undefined) return sendJson(res, 400, { ok: false, error: { code: 'invalid-params', message: `Malformed percent-encoding in ${path}` } });
        return this.command(req, res, name);
      }
      return sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `No ${req.method} ${path} in the control API` } });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method Not Allowed\n', undefined, { Allow: 'GET, HEAD' });
    return this.staticFile(res, path);
  }

  private async command(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    // JSON only: a cross-site form can't send it without a preflight this server never grants.
    if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'invalid-params', message: 'Commands are sent as application/json' } });
    }
    const max = this.options.maxBodyBytes ?? 64 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) return sendJson(res, 413, { ok: false, error: { code: 'invalid-params', message: `A command body may be at most ${max} bytes` } });
      chunks.push(chunk);
    }
    let params: unknown;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      params = text.trim() ? JSON.parse(text) : undefined;
    } catch (err) {
      return sendJson(res, 400, { ok: false, error: { code: 'invalid-params', message: `The command body is not JSON: ${(err as Error).message}` } });
    }
    const envelope = await this.service.invoke(name, params);
    const status = envelope.ok ? 200 : envelope.error.code === 'invalid-params' ? 400 : envelope.error.code === 'not-found' ? 404 : 422;
    sendJson(res, status, envelope);
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write(formatSse({ kind: 'comment', comment: 'connected' }));
    req.socket.setTimeout(0);
    const write = (events: ControlEvent[]) => res.write(formatSse({ kind: 'event', data: JSON.stringify(events) }));
    const unsubscribe = this.service.subscribe(write);
    const ping = setInterval(() => res.write(formatSse({ kind: 'comment', comment: 'ping' })), this.options.pingMs ?? 15_000);
    this.streams.add(res);
    res.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      this.streams.delete(res);
    });
  }

  private async staticFile(res: ServerResponse, path: string): Promise<void> {
    const root = this.rendererDir;
    if (!root) {
      return send(
        res,
        503,
        '<!doctype html><meta charset="utf-8"><title>MCP Handshake Inspector</title><p>The inspector is running, but its UI is not built yet. Run <code>npm run build</code> and reload this page.</p>',
        'text/html; charset=utf-8',
      );
    }
    const decoded = decodedPath(path);
    if (decoded === undefined) return send(res, 400, 'Bad Request: malformed percent-encoding in the path\n');
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(root, relative);
    if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'Not Found\n');
    const found = await stat(file).then((s) => s.isFile(), () => false);
    // Unknown paths get the app (it has one page); unknown assets stay 404.
    if (!found) {
      if (relative.startsWith('assets')) return send(res, 404, 'Not Found\n');
      file = join(root, 'index.html');
    }
    const body = await readFile(file);
    const hashed = relative.startsWith('assets');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-store',
      'Content-Length': body.length,
    });
    res.end(body);
  }
}

/** A percent-decoded path, or undefined when its encoding is malformed (a client error, not ours). */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
