import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { parse as parseUrl, type UrlWithStringQuery } from 'node:url';
import httpProxy from 'http-proxy';
import type { BodyCapture } from '../wire/body';
import { isSendableTarget, originForm } from '../wire/paths';

// http-proxy is the forwarding engine: this file is the one place that knows its quirks. Each
// workaround says why it exists; everything else uses its options and events as designed
// (selfHandleResponse with its proxyRes event, a keep-alive agent, changeOrigin, headers, the
// per-call error callback).

/** What the forwarding keeps per request, read and set by its events. */
export interface Forwarded {
  /** The request to the upstream, once http-proxy made it. */
  proxyReq?: ClientRequest;
  /** The response body as it passes, once the upstream's answer began (then no timeout applies). */
  capture?: BodyCapture;
  /** The upstream went quiet for longer than the timeout. */
  timedOut?: boolean;
}

export interface ForwardEvents<C extends Forwarded> {
  /** The upstream's status and headers came (its body is still to be read). */
  response(proxyRes: IncomingMessage, res: ServerResponse, ctx: C): void;
  /** Forwarding failed: connecting, sending, or the upstream's answer broke off. */
  error(err: NodeJS.ErrnoException, res: ServerResponse, ctx: C): void;
}

/**
 * Each request carries its state to http-proxy's events in a symbol-keyed property: its
 * proxyRes event passes only (proxyRes, req, res). (A WeakMap keyed by the request made the
 * young-generation GC keep every request's objects alive until they were promoted: ephemeron
 * entries cost the proxy more CPU than the recording itself.)
 */
const STATE = Symbol('front door state');
type Carrying<C> = IncomingMessage & { [STATE]?: C };

export class Forwarder<C extends Forwarded> {
  private readonly proxy: httpProxy;
  private readonly agent: HttpAgent;
  /**
   * The upstream as http-proxy parses a target string (url.parse), parsed once: given the
   * string, http-proxy would parse it again on every request.
   */
  private readonly target: UrlWithStringQuery;
  /** The upstream URL's path, without a trailing slash: requests go below it. */
  readonly basePath: string;

  constructor(
    upstream: URL,
    private readonly options: { timeoutMs: number; rewriteHost: boolean; /** CAs trusted instead of Node's (--intercept-as adds one to them). */ ca?: string[] },
    private readonly events: ForwardEvents<C>,
  ) {
    this.target = parseUrl(upstream.toString());
    this.basePath = upstream.pathname.replace(/\/+$/, '');
    this.agent = upstream.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 256, ca: options.ca }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
    this.proxy = httpProxy.createProxyServer({ selfHandleResponse: true, agent: this.agent, secure: true });
    const { timeoutMs } = options;
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const ctx = (req as Carrying<C>)[STATE];
      if (!ctx) return;
      ctx.proxyReq = proxyReq;
      // Our own timer, not http-proxy's proxyTimeout: that one aborts, which reads as a reset.
      // It starts when the upstream has the whole request: a slow upload is the client's pace.
      const arm = () => {
        if (ctx.capture) return; // already answering (a stream has no timeout)
        proxyReq.setTimeout(timeoutMs, () => {
          ctx.timedOut = true;
          proxyReq.destroy(Object.assign(new Error(`no answer for ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
        });
      };
      if (proxyReq.writableFinished) arm();
      else proxyReq.once('finish', arm);
    });
    this.proxy.on('proxyRes', (proxyRes, req, res) => {
      const ctx = (req as Carrying<C>)[STATE];
      if (ctx) events.response(proxyRes, res as ServerResponse, ctx);
    });
  }

  /**
   * Forwards the request with `body` (read in full) or `stream` (the rest streaming on).
   * An Expect header must be gone: with one, http-proxy never emits proxyReq.
   */
  send(req: IncomingMessage, res: ServerResponse, ctx: C, body: Buffer | Readable, headers: Record<string, string>): void {
    (req as Carrying<C>)[STATE] = ctx;
    const source = Buffer.isBuffer(body) ? bufferedBody(body) : body;
    const target = originForm(req.url ?? '/');
    this.proxy.web(
      req,
      res,
      {
        target: this.target,
        // OPTIONS * keeps http-proxy's own path.
        buffer: (target === '*' ? source : exactPath(source, this.basePath + target)) as Readable,
        changeOrigin: this.options.rewriteHost,
        headers,
      },
      (err) => this.events.error(err as NodeJS.ErrnoException, res, ctx),
    );
  }

  close(): void {
    this.proxy.close();
    this.agent.destroy();
  }
}

/**
 * Sends the request line with the client's own path. http-proxy joins paths with a function that
 * squeezes `//` and turns `\` into `/` (url.parse), so `/a//b` reached the upstream as `/a/b`.
 * `pipe` is the last moment before the request head is written, and the first to see it.
 */
function exactPath(body: Pick<Readable, 'pipe'>, path: string): Pick<Readable, 'pipe'> {
  return {
    pipe<T extends NodeJS.WritableStream>(destination: T): T {
      // Only a path http.request itself would take (no header injection).
      if (isSendableTarget(path)) (destination as unknown as ClientRequest).path = path;
      return body.pipe(destination);
    },
  };
}

/**
 * A body read in full, in the one shape http-proxy uses its `buffer` option: it calls
 * `buffer.pipe(proxyReq)`. Writing it with `end` costs one call, where a Readable.from()
 * stream costs an async iterator and several ticks per request on the MCP hot path.
 */
function bufferedBody(body: Buffer): Pick<Readable, 'pipe'> {
  return {
    pipe<T extends NodeJS.WritableStream>(destination: T): T {
      if (body.length) destination.end(body);
      else destination.end();
      return destination;
    },
  };
}

/** X-Forwarded-* so the upstream can build public URLs; a tunnel's values are kept. */
export function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const existingFor = req.headers['x-forwarded-for'];
  const address = req.socket.remoteAddress ?? '';
  return {
    'x-forwarded-host': String(req.headers['x-forwarded-host'] ?? req.headers.host ?? ''),
    'x-forwarded-proto': String(req.headers['x-forwarded-proto'] ?? 'http'),
    'x-forwarded-for': existingFor ? `${existingFor}, ${address}` : address,
  };
}
