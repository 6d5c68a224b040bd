import type { SimulatedRequest } from '../../../shared/simulator';
import { SIMULATION_HEADER } from '../../../shared/simulator';
import { SseParser, type ParsedSse } from '../wire/sse';

// The simulator's side of the wire: one fetch per request, every exchange noted for the
// verdict, the run id on every request, and for browser profiles the browser's CORS rules
// (a response the browser would hide is an error here too).

/** No HTTP answer: refused, reset, timed out, or hidden by CORS. */
export class WireError extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'cors',
    message: string,
  ) {
    super(message);
  }
}

export interface WireRequest {
  method: string;
  url: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  /** Keep the body open (SSE): the caller reads `stream` and cancels it. */
  stream?: boolean;
  /** A top-level browser navigation (the authorization endpoint): no CORS applies. */
  navigation?: boolean;
}

export interface WireResponse {
  status: number;
  /** The headers the client can read (for a browser: what CORS exposes). */
  headers: Headers;
  /** The body as text (empty for streams). */
  text: string;
  /** For `stream` requests answered with text/event-stream: parsed events as they arrive. */
  events?: AsyncIterable<ParsedSse>;
  /** Stops reading a kept-open body. */
  close(): void;
}

export interface WireOptions {
  runId: string;
  /** Per-request budget (Claude.ai allows about 10 s for discovery, registration and token). */
  timeoutMs: number;
  /** The page origin of a browser client (MCP Inspector): CORS applies to other origins. */
  browserOrigin?: string;
  fetch?: typeof fetch;
}

/** Headers a page may send without a preflight (Fetch standard, CORS-safelisted request headers). */
const SAFELISTED_REQUEST = new Set(['accept', 'accept-language', 'content-language']);
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Headers the browser controls itself: a page cannot set them. */
const BROWSER_CONTROLLED = new Set(['user-agent', 'origin', 'host', 'content-length']);
/** Response headers a page can always read (CORS-safelisted response headers). */
const SAFELISTED_RESPONSE = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma']);

export class Wire {
  /** Every request of the run, in order. */
  readonly log: SimulatedRequest[] = [];
  private readonly open = new Set<AbortController>();

  constructor(private readonly options: WireOptions) {}

  /** Sends one request; throws WireError when no answer the client could read came back. */
  async send(request: WireRequest, record: SimulatedRequest[]): Promise<WireResponse> {
    return this.logged(request.method, request.url, record, async (entry) => {
      const browser = this.options.browserOrigin;
      const crossOrigin = !!browser && !request.navigation && new URL(request.url).origin !== browser;
      if (crossOrigin) await this.preflight(request, browser!, record);
      const response = await this.fetch(request, browser);
      entry.status = response.status;
      if (crossOrigin) {
        const problem = corsResponseProblem(response.headers, browser!);
        if (problem) {
          response.close();
          throw new WireError('cors', `the browser hides the ${response.status} answer: ${problem}`);
        }
        return { ...response, headers: exposedHeaders(response.headers) };
      }
      return response;
    });
  }

  /** Runs one request of the run as an entry of `record` and the log: its time, and its error as the client would read it. */
  private async logged<T>(method: string, url: string, record: SimulatedRequest[], send: (entry: SimulatedRequest) => Promise<T>): Promise<T> {
    const started = performance.now();
    const entry: SimulatedRequest = { method, url, ms: 0 };
    record.push(entry);
    this.log.push(entry);
    try {
      return await send(entry);
    } catch (err) {
      const error = err instanceof WireError ? err : toWireError(err, url, this.options.timeoutMs);
      entry.error = error.message;
      throw error;
    } finally {
      entry.ms = Math.round(performance.now() - started);
    }
  }

  /** Closes every stream still open (GET streams, legacy SSE) at the end of the run. */
  closeAll(): void {
    for (const controller of this.open) controller.abort();
    this.open.clear();
  }

  private async fetch(request: WireRequest, browserOrigin: string | undefined): Promise<WireResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new WireError('timeout', `no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    const headers: Record<string, string> = { [SIMULATION_HEADER]: this.options.runId };
    for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== undefined) headers[name] = value;
    if (browserOrigin && !request.navigation) headers.Origin = browserOrigin;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(request.url, { method: request.method, headers, body: request.body, redirect: 'manual', signal: controller.signal });
    } catch (err) {
      clearTimeout(timer);
      throw controller.signal.aborted && controller.signal.reason instanceof WireError ? controller.signal.reason : err;
    }
    const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    if (request.stream && isSse && response.body) {
      // A stream is open for as long as the caller reads it: no timeout on the body.
      clearTimeout(timer);
      this.open.add(controller);
      const body = response.body;
      return {
        status: response.status,
        headers: response.headers,
        text: '',
        events: sseEvents(body, () => this.open.delete(controller)),
        close: () => {
          controller.abort();
          this.open.delete(controller);
        },
      };
    }
    try {
      const text = request.method === 'HEAD' ? '' : await response.text();
      return { status: response.status, headers: response.headers, text, close: () => undefined };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The CORS preflight a browser sends before a non-simple cross-origin request. */
  private async preflight(request: WireRequest, origin: string, record: SimulatedRequest[]): Promise<void> {
    const names = Object.entries(request.headers ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([n]) => n.toLowerCase())
      .filter((n) => !BROWSER_CONTROLLED.has(n));
    const contentType = (request.headers?.['Content-Type'] ?? request.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const unsafe = names.filter((n) => !SAFELISTED_REQUEST.has(n) && !(n === 'content-type' && SIMPLE_CONTENT_TYPES.has(contentType)));
    const simpleMethod = ['GET', 'HEAD', 'POST'].includes(request.method);
    if (simpleMethod && unsafe.length === 0) return;
    await this.logged('OPTIONS', request.url, record, async (entry) => {
      const response = await this.fetch(
        {
          method: 'OPTIONS',
          url: request.url,
          headers: { 'Access-Control-Request-Method': request.method, ...(unsafe.length ? { 'Access-Control-Request-Headers': unsafe.sort().join(',') } : {}) },
        },
        origin,
      );
      entry.status = response.status;
      const problem = preflightProblem(response, origin, request.method, unsafe);
      if (problem) throw new WireError('cors', `the CORS preflight (OPTIONS ${new URL(request.url).pathname}) fails: ${problem}`);
    });
  }
}

function listHas(header: string | null, value: string): boolean {
  if (!header) return false;
  const items = header.split(',').map((s) => s.trim().toLowerCase());
  return items.includes('*') || items.includes(value.toLowerCase());
}

function allowsOrigin(headers: Headers, origin: string): boolean {
  const allowed = headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
}

function preflightProblem(response: WireResponse, origin: string, method: string, headers: string[]): string | undefined {
  if (response.status < 200 || response.status > 299) return `it answered ${response.status}, not 2xx`;
  if (!allowsOrigin(response.headers, origin)) return `no Access-Control-Allow-Origin for ${origin}`;
  if (!['GET', 'HEAD', 'POST'].includes(method) && !listHas(response.headers.get('access-control-allow-methods'), method)) {
    return `Access-Control-Allow-Methods does not list ${method}`;
  }
  const allowHeaders = response.headers.get('access-control-allow-headers');
  // `*` never covers Authorization (Fetch standard): it must be named.
  const missing = headers.filter((h) => (h === 'authorization' ? !(allowHeaders ?? '').toLowerCase().split(',').map((s) => s.trim()).includes('authorization') : !listHas(allowHeaders, h)));
  if (missing.length) return `Access-Control-Allow-Headers does not list ${missing.join(', ')}`;
  return undefined;
}

function corsResponseProblem(headers: Headers, origin: string): string | undefined {
  return allowsOrigin(headers, origin) ? undefined : `no Access-Control-Allow-Origin for ${origin}`;
}

/** What a page can read of a cross-origin response: safelisted headers and the exposed ones. */
function exposedHeaders(headers: Headers): Headers {
  const exposed = new Set((headers.get('access-control-expose-headers') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const visible = new Headers();
  headers.forEach((value, name) => {
    if (SAFELISTED_RESPONSE.has(name) || exposed.has(name) || exposed.has('*')) visible.set(name, value);
  });
  return visible;
}

function toWireError(err: unknown, url: string, timeoutMs: number): WireError {
  const cause = (err as { cause?: NodeJS.ErrnoException })?.cause;
  const code = cause?.code ?? (err as NodeJS.ErrnoException)?.code;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  if ((err as Error)?.name === 'TimeoutError') return new WireError('timeout', `no answer from ${host} within ${timeoutMs} ms`);
  switch (code) {
    case 'ECONNREFUSED':
      return new WireError('network', `nothing is listening at ${host} (connection refused)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new WireError('network', `the host ${new URL(url).hostname} could not be resolved`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new WireError('network', `${host} closed the connection`);
    default:
      return new WireError('network', `the request to ${host} failed: ${cause?.message ?? (err as Error)?.message ?? String(err)}`);
  }
}

/** Parses an SSE body into events as they arrive. */
async function* sseEvents(body: ReadableStream<Uint8Array>, onEnd: () => void): AsyncGenerator<ParsedSse> {
  const queue: ParsedSse[] = [];
  const parser = new SseParser((item) => queue.push(item));
  const reader = body.getReader();
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return; // aborted: the caller closed the stream
      }
      if (chunk.done) return;
      parser.push(Buffer.from(chunk.value));
    }
  } finally {
    onEnd();
    reader.releaseLock();
  }
}
