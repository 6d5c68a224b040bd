import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable, type Duplex, type Transform } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { parse as parseUrl, type UrlWithStringQuery } from 'node:url';
import { promisify } from 'node:util';
import { brotliDecompress, constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate, gunzip, inflate } from 'node:zlib';
import httpProxy from 'http-proxy';
import { randomUUID } from 'node:crypto';
import type { ExchangeErrorKind, HttpHeaders, ResponseRecord } from '../../../shared/exchange';
import type { BreakpointEdits, Rule, Step } from '../../../shared/rules';
import { SIMULATION_HEADER } from '../../../shared/simulator';
import { BodyCapture, bodyRecord, DEFAULT_BODY_CAP } from '../wire/body';
import { originForm, requestPath } from '../wire/paths';
import type { ExchangeRecording, Recorder } from '../recorder/recorder';
import { SseParser, type ParsedSse } from '../wire/sse';
import { HOP_BY_HOP } from '../wire/headers';
import { closeNow, listenForStreams } from '../streamingServer';
import { refuseConnect, refuseMalformedRequest } from './refusedRequests';
import { hostRefusal, publicHostnames, refusalBody, type HostRefusal } from '../server/hostGuard';
import { clientOrigin, rewriteOrigin, upstreamOrigins, URL_HEADERS, type OriginPair } from './originRewrite';
import { patchJsonText, type JsonPatchStep } from './jsonPatch';
import { explainStep, isRequestStep, needsResponse, ruleMatches, type MatchInput } from './rules';

export interface FrontDoorOptions {
  /** Where requests go: the built-in reference server or the developer's own server. */
  upstream: string;
  /** Swap the upstream origin for the client's in URL headers and JSON bodies (default on). */
  rewriteOrigins?: boolean;
  /** Send the upstream's own Host instead of the client's (for DNS-rebinding protection). */
  rewriteHost?: boolean;
  /**
   * Refuse (403, as the MCP SDKs do) a Host or Origin that is not loopback or the public URL's:
   * the DNS-rebinding check an upstream can no longer make when it sees its own Host (--rewrite-host).
   */
  checkHost?: boolean;
  /** Body bytes kept per exchange in memory (default 1 MiB). */
  bodyCap?: number;
  /** Idle time allowed before the upstream answers (default 120 s); streams have none. */
  upstreamTimeoutMs?: number;
  /** How long a client that stops reading may hold a connection the upstream cut (ms, default 5 s). */
  clientCutGraceMs?: number;
  /** The rules in force, read per request so edits apply at once. */
  rules?: () => Rule[];
  /** The public origin (a tunnel), when known: what the upstream's origin is rewritten to. */
  publicUrl?: () => string | undefined;
  /**
   * Recognises the inspector's own checks through the tunnel (by a secret marker): they are
   * recorded as simulated, or answered here without going upstream when `respond` is set.
   */
  selfCheck?: (req: IncomingMessage) => { respond?: (res: ServerResponse) => void } | undefined;
}

/** A recorded request to send again (see FrontDoor.replay). */
export interface ReplayRequest {
  replayOf: string;
  method: string;
  url: string;
  headers: HttpHeaders;
  body?: Buffer;
}

const REPLAY_HEADER = 'x-mcp-inspector-replay';

const DEFAULT_BREAKPOINT_TIMEOUT_MS = 30_000;

/** Request bodies up to this size are read before forwarding, so rules can see them. */
const REQUEST_BUFFER_LIMIT = 1024 * 1024;
/** JSON responses up to this size are buffered for origin rewriting; larger ones stream as-is. */
const REWRITE_LIMIT = 4 * 1024 * 1024;
/** JSON documents (application/json, application/…+json), not NDJSON and other streams of JSON. */
const JSON_TYPE = /^application\/(?:[\w.-]*\+)?json\s*(?:;|$)/;
/** Encodings a rewritten body can be read from; others go on untouched. */
const REWRITABLE_ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br']);
const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;

const decompress: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Per-request state shared between the request handler and http-proxy's events. */
interface ProxyContext {
  recording: ExchangeRecording;
  match: MatchInput;
  rules: Rule[];
  proxyReq?: ClientRequest;
  origins: OriginPair;
  /** For a request body still streaming: stop forwarding it (the upstream already answered). */
  detachRequestBody?: () => void;
  /** The response body as it passes, once the upstream's answer began. */
  capture?: BodyCapture;
  /** The upstream went quiet for longer than upstreamTimeoutMs. */
  timedOut?: boolean;
  /** While a response body is being buffered: hands the client what came so far (true when it did). */
  sendPartial?: () => boolean;
  /** The upstream's answer broke off and that was dealt with. */
  brokenOff?: boolean;
  /** We closed the upstream's answer ourselves (a replaced body): its end is no failure. */
  upstreamDropped?: boolean;
}

/**
 * Each request carries its context in a symbol-keyed property. (A WeakMap keyed by the request
 * made the young-generation GC keep every request's objects alive until they were promoted:
 * ephemeron entries cost the proxy more CPU than the recording itself.)
 */
const CONTEXT = Symbol('front door context');
/** The request's recording, from its start (the context comes later). */
const RECORDING = Symbol('front door recording');
type ProxiedRequest = IncomingMessage & { [CONTEXT]?: ProxyContext; [RECORDING]?: ExchangeRecording };

/**
 * The front door: every request passes here, is recorded, may be changed by rules, and goes
 * on to the upstream. Streams stay streams: SSE and chunked bodies are forwarded chunk by
 * chunk while a tee feeds the recorder.
 */
export class FrontDoor {
  private readonly proxy: httpProxy;
  private readonly upstream: URL;
  /**
   * The upstream as http-proxy parses a target string (url.parse), parsed once: given the
   * string, http-proxy would parse it again on every request.
   */
  private readonly target: UrlWithStringQuery;
  /** The upstream URL's path, without a trailing slash: requests go below it. */
  private readonly basePath: string;
  /** Every spelling of the upstream's origin (see upstreamOrigins). */
  private readonly upstreamOriginList: string[];
  private server?: Server;
  private readonly agent: HttpAgent;
  private readonly replaySecret = randomUUID();
  /** Replays under way, by their marker's nonce: each learns the id of the exchange it became. */
  private readonly replays = new Map<string, (exchangeId: string) => void>();
  /** Exchanges held at a breakpoint, by id, with the function that lets each go. */
  private readonly paused = new Map<string, (edits: BreakpointEdits) => void>();
  /** How many exchanges each rule changed, for rules with a `limit`. */
  private readonly ruleUses = new Map<string, number>();
  /** How the upstream names itself in its responses, once seen (e.g. http://localhost:3951). */
  private upstreamSelfOrigin?: string;

  constructor(
    private readonly recorder: Recorder,
    private readonly options: FrontDoorOptions,
  ) {
    this.upstream = new URL(options.upstream);
    this.target = parseUrl(this.upstream.toString());
    this.upstreamOriginList = upstreamOrigins(this.upstream);
    this.basePath = this.upstream.pathname.replace(/\/+$/, '');
    this.agent = this.upstream.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 256 }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
    this.proxy = httpProxy.createProxyServer({ selfHandleResponse: true, agent: this.agent, secure: true });
    const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const ctx = (req as ProxiedRequest)[CONTEXT];
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
      const ctx = (req as ProxiedRequest)[CONTEXT];
      if (ctx) void this.onUpstreamResponse(proxyRes, res, ctx).catch((err) => this.failed(res, ctx, 'proxy-error', (err as Error).message));
    });
  }

  private publicOrigin(): string | undefined {
    const url = this.options.publicUrl?.();
    return url ? new URL(url).origin : undefined;
  }

  get upstreamUrl(): string {
    return this.upstream.toString();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.forward(req, res).catch((err: unknown) => {
      const message = `The inspector's proxy failed: ${(err as Error).message}`;
      const recording = (req as ProxiedRequest)[RECORDING];
      if (!res.headersSent) {
        const body = sendProxyError(res, 500, 'proxy_error', message);
        recording?.responseStarted({ status: 500, headers: { 'content-type': 'application/json' } });
        recording?.fail('proxy-error', message, bodyRecord(body));
      } else {
        recording?.fail('proxy-error', message);
        res.destroy();
      }
    });
  };

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    const { server, address } = await listenForStreams(this.handle, port, host);
    // What Node refuses before our handler runs is still an exchange the client saw.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => refuseMalformedRequest(this.recorder, err, socket));
    server.on('connect', (req: IncomingMessage, socket: Duplex) => refuseConnect(this.recorder, req, socket));
    this.server = server;
    return address;
  }

  async close(): Promise<void> {
    this.proxy.close();
    this.agent.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeNow(server);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const check = this.options.selfCheck?.(req);
    if (check?.respond) return check.respond(res);
    const replay = this.takeReplayMarker(req);
    const simulationRun = takeSimulationMarker(req);
    const recording = this.recorder.start({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      httpVersion: req.httpVersion,
      headers: { ...req.headers },
      address: req.socket.remoteAddress,
      replayOf: replay?.replayOf,
      // The inspector's own checks (tunnel self-test) and simulator runs are marked simulated.
      ...(simulationRun ? { simulated: true, simulationRun } : check ? { simulated: true } : {}),
    });
    (req as ProxiedRequest)[RECORDING] = recording;
    if (replay?.nonce) this.replays.get(replay.nonce)?.(recording.exchange.id);
    let requestBody: BodyPrefix;
    try {
      requestBody = await readPrefix(req, REQUEST_BUFFER_LIMIT);
    } catch (err) {
      recording.fail('client-aborted', `The client closed the connection while sending the request body (${(err as Error).message})`);
      res.destroy();
      return;
    }
    // Node answered a 100-continue expectation when the body was read: the upstream gets the
    // body without one. (With an Expect header, http-proxy never hands us the upstream request,
    // and a stream could not be closed or exempted from the timeout.)
    delete req.headers.expect;
    if (requestBody.complete) recording.requestComplete(this.keep(requestBody.prefix));
    // --rewrite-host hands the upstream its own Host, which blinds its DNS-rebinding check: the
    // front door checks Host and Origin instead, as the SDKs do (loopback, public URL and tunnel hosts pass).
    const refusal = this.options.checkHost ? hostRefusal(req, 'allowed-hosts', publicHostnames(this.publicOrigin())) : undefined;
    if (refusal) return this.refuseHost(res, recording, refusal);

    const path = requestPath(req.url ?? '/');
    const match: MatchInput = { method: req.method ?? 'GET', path, headers: req.headers, classification: recording.exchange.classification };
    const rules = (this.options.rules?.() ?? []).filter(
      (rule) => (ruleMatches(rule, match) || needsResponse(rule)) && this.withinLimit(rule, recording),
    );
    const ctx: ProxyContext = { recording, match, rules, origins: { upstream: this.upstreamOriginList, client: this.publicOrigin() ?? clientOrigin(req) } };

    res.on('close', () => {
      if (!res.writableFinished) {
        this.resume(recording.exchange.id); // a breakpoint holding it lets go: nobody waits any more
        ctx.proxyReq?.destroy();
        recording.fail('client-aborted', 'The client closed the connection before the response finished');
      }
    });

    // Request-side steps of rules that match without the upstream's answer.
    let requestEdits: BreakpointEdits | undefined;
    for (const rule of rules.filter((r) => !needsResponse(r))) {
      for (const step of rule.steps.filter(isRequestStep)) {
        this.applied(rule, step, recording);
        if (step.type === 'delay') await sleep(step.ms);
        else if (step.type === 'breakpoint') requestEdits = { ...requestEdits, ...(await this.pause(recording, 'request', step.timeoutMs)) };
        else return this.finalStep(step, req, res, recording);
      }
    }
    if (res.destroyed) return; // the client left while the exchange was paused

    let forwardedBody = requestBody.prefix;
    if (requestEdits) {
      forwardedBody = applyRequestEdits(req, requestEdits, forwardedBody, requestBody.complete);
      const edited = describeEdits(requestEdits, requestBody.complete);
      // The exchange keeps what the client sent; what went upstream instead is said here.
      if (edited) recording.ruleApplied({ ruleId: 'breakpoint-edit', explanation: `Edited at the breakpoint before the upstream: ${edited}` });
    }
    if ((this.options.rewriteOrigins ?? true) && this.upstreamSelfOrigin) {
      // The other direction: a `resource` the client built from our origin must name the
      // upstream's, once we have seen the upstream name itself that way.
      const toUpstream: OriginPair = { upstream: [ctx.origins.client], client: this.upstreamSelfOrigin };
      const rewritten = rewriteRequest(req, forwardedBody, requestBody.complete, toUpstream);
      if (rewritten.changed) {
        recording.ruleApplied({ ruleId: 'origin-rewrite', explanation: `Rewrote ${ctx.origins.client} to the upstream's ${this.upstreamSelfOrigin} in the request` });
        forwardedBody = rewritten.body;
      }
    }
    let body: Pick<Readable, 'pipe'>;
    if (requestBody.complete) body = bufferedBody(forwardedBody);
    else {
      const streaming = continueStream(req, requestBody.prefix, recording, this.options.bodyCap ?? DEFAULT_BODY_CAP);
      body = streaming.stream;
      ctx.detachRequestBody = () => {
        if (req.readableEnded) return;
        streaming.detach();
        // The upstream connection is mid-body now: never hand it back to the keep-alive pool.
        ctx.proxyReq?.destroy();
      };
    }
    (req as ProxiedRequest)[CONTEXT] = ctx;
    const target = originForm(req.url ?? '/');
    this.proxy.web(
      req,
      res,
      {
        target: this.target,
        // OPTIONS * keeps http-proxy's own path.
        buffer: (target === '*' ? body : exactPath(body, this.basePath + target)) as Readable,
        changeOrigin: this.options.rewriteHost ?? false,
        headers: forwardedHeaders(req),
      },
      (err) => this.upstreamError(err as NodeJS.ErrnoException, res, ctx),
    );
  }

  /** Executes a final step of a request-side rule: answer, close, reset or never answer. */
  private finalStep(step: Step, req: IncomingMessage, res: ServerResponse, recording: ExchangeRecording): void {
    switch (step.type) {
      case 'reply': {
        const headers = { 'content-type': 'application/json', ...lowerKeys(step.headers ?? {}) };
        const body = Buffer.from(step.body ?? '');
        recording.responseStarted({ status: step.status, headers });
        res.writeHead(step.status, { ...headers, 'content-length': body.length });
        this.endResponse(res, body, () => recording.complete(body.length ? bodyRecord(body) : undefined));
        return;
      }
      case 'close':
        recording.fail('proxy-error', 'A rule closed the connection without an answer');
        req.socket.end();
        return;
      case 'reset':
        recording.fail('proxy-error', 'A rule reset the connection');
        req.socket.resetAndDestroy();
        return;
      case 'timeout':
        return; // the client gives up; res 'close' records it
      default:
        throw new Error(`step ${step.type} is not final`);
    }
  }

  private async onUpstreamResponse(proxyRes: IncomingMessage, res: ServerResponse, ctx: ProxyContext): Promise<void> {
    const { recording } = ctx;
    const upstream: ResponseRecord = { status: proxyRes.statusCode ?? 502, statusMessage: proxyRes.statusMessage, headers: proxyRes.headers };
    const responseMatch: MatchInput | undefined = ctx.rules.length ? { ...ctx.match, classification: recording.exchange.classification, status: upstream.status } : undefined;
    const responseRules = responseMatch ? ctx.rules.filter((rule) => ruleMatches(rule, responseMatch) && this.withinLimit(rule, recording)) : [];

    let status = upstream.status;
    const headers: HttpHeaders = { ...proxyRes.headers };
    let replacement: Buffer | undefined;
    const rewrite = this.options.rewriteOrigins ?? true;
    if (rewrite) {
      for (const name of URL_HEADERS) this.noticeSelfOrigin(headers[name], ctx.origins);
      const rewriteUrl = (name: string, value: string) => {
        const rewritten = rewriteOrigin(value, ctx.origins);
        return name.endsWith('location') ? belowBase(rewritten, this.basePath) : rewritten;
      };
      for (const name of URL_HEADERS) {
        const value = headers[name];
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.map((v) => rewriteUrl(name, v)) : rewriteUrl(name, value);
      }
    }
    const sse: SseTransform = { drop: new Set(), delays: new Map() };
    // JSON-RPC edits act (and are recorded as applied) once the body is known to be JSON or SSE.
    const patchSteps: Array<{ rule: Rule; step: JsonPatchStep }> = [];
    // SSE steps act (and are recorded as applied) only once the response is known to be a stream.
    const sseSteps: Array<{ rule: Rule; step: Step }> = [];
    let breakpoint: Extract<Step, { type: 'breakpoint' }> | undefined;
    for (const rule of responseRules) {
      for (const step of rule.steps) {
        // A delay of a rule judged before the upstream was already waited for.
        if (isRequestStep(step) && (step.type !== 'delay' || !needsResponse(rule))) continue;
        if (step.type === 'sse-drop-event' || step.type === 'sse-delay-event' || step.type === 'sse-close-after') {
          sseSteps.push({ rule, step });
          continue;
        }
        if (step.type === 'patch-json') {
          patchSteps.push({ rule, step });
          continue;
        }
        this.applied(rule, step, recording);
        if (step.type === 'delay') await sleep(step.ms);
        else if (step.type === 'breakpoint') breakpoint = step; // request breakpoints were skipped above
        else if (step.type === 'set-status') status = step.status;
        else if (step.type === 'set-headers') {
          for (const [name, value] of Object.entries(step.set ?? {})) headers[name.toLowerCase()] = value;
          for (const name of step.remove ?? []) delete headers[name.toLowerCase()];
        } else if (step.type === 'replace-body') {
          replacement = Buffer.from(step.body);
          if (step.contentType) headers['content-type'] = step.contentType;
        }
      }
    }

    const contentType = String(headers['content-type'] ?? '').toLowerCase();
    const isStream = contentType.includes('text/event-stream');
    for (const { rule, step } of isStream ? sseSteps : []) {
      this.applied(rule, step, recording);
      if (step.type === 'sse-drop-event') sse.drop.add(step.index);
      else if (step.type === 'sse-delay-event') sse.delays.set(step.index, step.ms);
      else if (step.type === 'sse-close-after') sse.closeAfter = step.count;
    }
    const patchable = isStream || (JSON_TYPE.test(contentType) && hasBody(ctx.match.method, upstream.status));
    const patches = new JsonRpcEdits(patchable ? patchSteps : [], (rule, step) => this.applied(rule, step, recording));
    if (isStream && patches.active) sse.patches = patches;
    const patchBody = !isStream && patches.active;
    // Only metadata bodies (discovery, registration, token…) name origins clients check;
    // JSON-RPC answers stream through untouched, which keeps the MCP hot path unbuffered.
    const rewriteBody =
      rewrite &&
      !isStream &&
      recording.exchange.classification.phase !== 'jsonrpc' &&
      JSON_TYPE.test(contentType) &&
      hasBody(ctx.match.method, upstream.status) &&
      REWRITABLE_ENCODINGS.has(String(headers['content-encoding'] ?? '').trim().toLowerCase()) &&
      Number(headers['content-length'] ?? 0) <= REWRITE_LIMIT;
    if (replacement || rewriteBody || patchBody || (breakpoint && !isStream)) {
      // Held only to patch JSON-RPC: origins in it stay as the upstream wrote them (the hot path's rule).
      const onlyToPatch = !replacement && !rewriteBody && !(breakpoint && !isStream);
      const edits = { rewriteOrigins: !onlyToPatch, patches };
      return this.respondBuffered(proxyRes, res, ctx, upstream, status, headers, replacement, edits, breakpoint?.timeoutMs ?? (breakpoint ? DEFAULT_BREAKPOINT_TIMEOUT_MS : undefined));
    }
    if (breakpoint) {
      // A stream pauses before its headers: status and headers can be edited, events flow after.
      const edits = await this.pause(recording, 'response', breakpoint.timeoutMs);
      const edited = describeEdits({ ...edits, body: undefined }, true);
      if (edited) recording.ruleApplied({ ruleId: 'breakpoint-edit', explanation: `Edited at the breakpoint before the client: ${edited}` });
      if (edits.status) status = edits.status;
      Object.assign(headers, lowerKeys(edits.headers ?? {}));
      if (res.destroyed) return void proxyRes.destroy();
    }

    const transforming = isStream && (sse.drop.size > 0 || sse.delays.size > 0 || sse.closeAfter !== undefined || sse.patches !== undefined);
    // A compressed stream is parsed from its decoded bytes; the client gets the bytes as they
    // came, unless SSE transforms re-serialise the events (then uncompressed).
    const decoder = isStream ? streamDecoder(String(headers['content-encoding'] ?? '')) : undefined;
    if (transforming) {
      // Events are re-serialised: neither the upstream's length nor its compression applies.
      delete headers['content-length'];
      if (decoder) delete headers['content-encoding'];
    }
    const changed = status !== upstream.status || !sameHeaders(headers, upstream.headers);
    recording.responseStarted({ status, statusMessage: status === upstream.status ? upstream.statusMessage : undefined, headers }, changed ? upstream : undefined);
    res.writeHead(status, status === upstream.status ? upstream.statusMessage : undefined, headers as OutgoingHttpHeaders);
    if (isStream) {
      res.flushHeaders(); // the client's stream-open must not wait for the first event
      ctx.proxyReq?.setTimeout(0); // an idle stream is not a slow upstream
      res.socket?.setTimeout(0);
    }
    const capture = (ctx.capture = new BodyCapture(this.options.bodyCap ?? DEFAULT_BODY_CAP));
    // Without SSE transforms the raw bytes are forwarded as they come; with them, parsed
    // events are re-serialised one by one, in order, each delayed or dropped as asked.
    let closedByRule = false;
    const writer = transforming
      ? new SseEventWriter(res, sse, () => {
          closedByRule = true; // an end state the rule asked for, not an upstream failure
          proxyRes.destroy();
          ctx.detachRequestBody?.();
          recording.complete(capture.toRecord());
        })
      : undefined;
    const parser = isStream
      ? new SseParser((item) => {
          recording.sseEvent(item);
          writer?.write(item);
        })
      : undefined;
    let decoderFailed = false;
    decoder?.on('data', (bytes: Buffer) => parser!.push(bytes));
    decoder?.on('error', () => (decoderFailed = true)); // not what its header says: forwarded, not parsed
    const forward = writer ? undefined : new CompletionHold(res, isStream ? undefined : headers['content-length']);
    proxyRes.on('data', (chunk: Buffer) => {
      recording.firstByte();
      forward?.write(chunk);
      capture.push(chunk);
      if (decoder) decoderFailed || decoder.write(chunk);
      else parser?.push(chunk);
    });
    proxyRes.on('end', () => {
      const finish = () => {
        parser?.end();
        const done = () => {
          ctx.detachRequestBody?.();
          this.endResponse(res, forward?.held(), () => recording.complete(capture.toRecord()));
        };
        if (writer) void writer.drained().then(done);
        else done();
      };
      if (!decoder || decoderFailed) return finish();
      decoder.once('end', finish);
      decoder.once('error', finish);
      decoder.end();
    });
    proxyRes.on('aborted', () => closedByRule || this.brokeOff(res, ctx));
    proxyRes.on('error', (err: NodeJS.ErrnoException) => closedByRule || this.brokeOff(res, ctx, err));
  }

  /**
   * Replays a recorded request through the front door, as-is or edited. The new exchange is
   * recorded like any other and linked to the original with `replayOf`.
   */
  async replay(request: ReplayRequest): Promise<{ status: number; exchangeId?: string }> {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The front door is not listening');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Each replay gets its own marker, so two replays of one exchange learn their own new ids.
    const nonce = randomUUID();
    headers[REPLAY_HEADER] = `${this.replaySecret}:${request.replayOf}:${nonce}`;
    const started = new Promise<string>((resolve) => this.replays.set(nonce, resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${address.port}${originForm(request.url)}`, {
        method: request.method,
        headers,
        body: request.body && !['GET', 'HEAD'].includes(request.method) ? new Uint8Array(request.body) : undefined,
        redirect: 'manual',
      });
      const exchangeId = await started;
      // The caller gets the status now; the body is read to its end in the background, so the new
      // exchange records all of it (a stream runs until the upstream ends it or the front door stops).
      void drain(response);
      return { status: response.status, exchangeId };
    } finally {
      this.replays.delete(nonce);
    }
  }

  /** A replay marker is honoured only with this process's secret, so clients can't forge one. */
  private takeReplayMarker(req: IncomingMessage): { replayOf: string; nonce?: string } | undefined {
    const marker = req.headers[REPLAY_HEADER];
    if (typeof marker !== 'string') return undefined;
    delete req.headers[REPLAY_HEADER];
    const [secret, replayOf, nonce] = marker.split(':');
    return secret === this.replaySecret && replayOf ? { replayOf, nonce } : undefined;
  }

  /**
   * Holds an exchange at a breakpoint until `resume` (maybe with edits) or the timeout, which
   * lets it go unchanged so a forgotten breakpoint never hangs a real client.
   */
  private pause(recording: ExchangeRecording, stage: 'request' | 'response', timeoutMs = DEFAULT_BREAKPOINT_TIMEOUT_MS): Promise<BreakpointEdits> {
    const id = recording.exchange.id;
    return new Promise((resolve) => {
      const finish = (edits: BreakpointEdits) => {
        clearTimeout(timer);
        this.paused.delete(id);
        recording.setPaused(undefined);
        resolve(edits);
      };
      const timer = setTimeout(() => finish({}), timeoutMs);
      this.paused.set(id, finish);
      recording.setPaused({ stage, resumesAt: Date.now() + timeoutMs });
    });
  }

  /** Lets a paused exchange go on, with the user's edits. False when it is not paused. */
  resume(exchangeId: string, edits: BreakpointEdits = {}): boolean {
    const finish = this.paused.get(exchangeId);
    finish?.(edits);
    return finish !== undefined;
  }

  /** Counts these rules' uses afresh: a toggle chosen again re-arms its limited rules. */
  resetRuleUses(ruleIds: string[]): void {
    for (const id of ruleIds) this.ruleUses.delete(id);
  }

  /**
   * Whether a rule with a `limit` may still act on this exchange: checked when the request
   * arrives and again when the answer does, so overlapping requests cannot all take the last use.
   */
  private withinLimit(rule: Rule, recording: ExchangeRecording): boolean {
    if (rule.limit === undefined || recording.exchange.appliedRules.some((r) => r.ruleId === rule.id)) return true;
    return (this.ruleUses.get(rule.id) ?? 0) < rule.limit;
  }

  /** Records that a rule's step acted on this exchange (and counts the rule's first step). */
  private applied(rule: Rule, step: Step, recording: ExchangeRecording): void {
    if (!recording.exchange.appliedRules.some((r) => r.ruleId === rule.id)) this.ruleUses.set(rule.id, (this.ruleUses.get(rule.id) ?? 0) + 1);
    const setStatus = step.type === 'reply' || step.type === 'set-status' ? { setStatus: step.status } : {};
    recording.ruleApplied({ ruleId: rule.id, explanation: `${rule.description}: ${explainStep(step)}`, ...setStatus });
  }

  private noticeSelfOrigin(text: string | string[] | undefined, pair: OriginPair): void {
    if (text === undefined) return;
    const joined = Array.isArray(text) ? text.join(' ') : text;
    const named = pair.upstream.find((origin) => origin !== pair.client && joined.includes(origin));
    if (named) this.upstreamSelfOrigin = named;
  }

  /**
   * Reads the whole upstream body (up to REWRITE_LIMIT), rewrites or replaces it, then answers
   * with a fresh length. Bytes nothing changed go out exactly as the upstream sent them.
   */
  private async respondBuffered(
    proxyRes: IncomingMessage,
    res: ServerResponse,
    ctx: ProxyContext,
    upstream: ResponseRecord,
    status: number,
    headers: HttpHeaders,
    replacement: Buffer | undefined,
    /** Origin rewriting (metadata bodies) and JSON-RPC edits (patch-json steps) of the upstream's body. */
    edits: { rewriteOrigins: boolean; patches: JsonRpcEdits },
    breakpointTimeoutMs?: number,
  ): Promise<void> {
    const { recording } = ctx;
    const capture = (ctx.capture = new BodyCapture(this.options.bodyCap ?? DEFAULT_BODY_CAP));
    const changedFromUpstream = (visible: ResponseRecord) => (status !== upstream.status || !sameHeaders(visible.headers, upstream.headers) ? { ...upstream } : undefined);
    const chunks: Buffer[] = [];
    // Broken off before its end: the client gets what came, as a direct client would, then the cut.
    ctx.sendPartial = () => {
      if (res.headersSent || res.destroyed) return false;
      recording.responseStarted({ status, headers }, changedFromUpstream({ status, headers }));
      res.writeHead(status, headers as OutgoingHttpHeaders);
      res.write(Buffer.concat(chunks));
      cutAfterFlush(res, this.options.clientCutGraceMs);
      return true;
    };
    let read: BodyPrefix;
    try {
      // A stream being replaced is not waited for: it might never end.
      const isStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
      read = replacement && isStream ? { prefix: Buffer.alloc(0), complete: false } : await readPrefix(proxyRes, REWRITE_LIMIT, chunks, capture);
    } catch (err) {
      return this.brokeOff(res, ctx, err as NodeJS.ErrnoException);
    } finally {
      ctx.sendPartial = undefined;
    }
    recording.firstByte();
    if (!read.complete && !replacement) {
      // Too big to hold: it streams on unchanged (headers already rewritten).
      recording.responseStarted({ status, headers }, changedFromUpstream({ status, headers }));
      res.writeHead(status, headers as OutgoingHttpHeaders);
      const forward = new CompletionHold(res, headers['content-length']);
      forward.write(read.prefix);
      proxyRes.on('data', (chunk: Buffer) => {
        forward.write(chunk);
        capture.push(chunk);
      });
      proxyRes.on('end', () => {
        ctx.detachRequestBody?.();
        this.endResponse(res, forward.held(), () => recording.complete(capture.toRecord()));
      });
      proxyRes.on('aborted', () => this.brokeOff(res, ctx));
      proxyRes.on('error', (err: NodeJS.ErrnoException) => this.brokeOff(res, ctx, err));
      proxyRes.resume();
      return;
    }
    if (!read.complete) {
      ctx.upstreamDropped = true; // replaced: the rest of the upstream's body is not needed
      proxyRes.destroy();
    }
    const raw = read.prefix;
    let body = replacement ?? raw;
    if (!replacement) {
      const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
      const text = await decodeText(raw, encoding);
      if (text !== undefined) {
        let edited = text;
        if (edits.rewriteOrigins) {
          this.noticeSelfOrigin(text, ctx.origins);
          edited = rewriteOrigin(text, ctx.origins);
        }
        edited = edits.patches.apply(edited) ?? edited;
        if (edited !== text) {
          body = Buffer.from(edited);
          delete headers['content-encoding'];
        }
      }
    } else delete headers['content-encoding'];
    if (breakpointTimeoutMs !== undefined) {
      const edits = await this.pause(recording, 'response', breakpointTimeoutMs);
      const edited = describeEdits(edits, true);
      if (edited) recording.ruleApplied({ ruleId: 'breakpoint-edit', explanation: `Edited at the breakpoint before the client: ${edited}` });
      if (edits.status) status = edits.status;
      Object.assign(headers, lowerKeys(edits.headers ?? {}));
      if (edits.body !== undefined) {
        body = Buffer.from(edits.body);
        delete headers['content-encoding'];
      }
      if (res.destroyed) return;
    }
    const bodyChanged = body !== raw && !body.equals(raw);
    if (hasBody(ctx.match.method, status) && (bodyChanged || headers['content-length'] !== undefined)) {
      headers['content-length'] = String(body.length);
      delete headers['transfer-encoding'];
    }
    const visible: ResponseRecord = { status, headers };
    recording.responseStarted(visible, bodyChanged ? { ...upstream } : changedFromUpstream(visible));
    res.writeHead(status, headers as OutgoingHttpHeaders);
    ctx.detachRequestBody?.();
    this.endResponse(res, body, () => recording.complete(this.keep(body), bodyChanged ? capture.toRecord() : undefined));
  }

  /** The SDKs' 403 for a Host or Origin that is not ours, answered by the front door itself. */
  private refuseHost(res: ServerResponse, recording: ExchangeRecording, refusal: HostRefusal): void {
    const body = Buffer.from(JSON.stringify(refusalBody(refusal)));
    const headers = { 'content-type': 'application/json' };
    recording.ruleApplied({ ruleId: 'front-door-host-check', explanation: `The front door refused it in the upstream's place (--rewrite-host hides the client's Host from the upstream): ${refusal.message}` });
    recording.responseStarted({ status: 403, headers });
    res.writeHead(403, { ...headers, 'content-length': body.length, connection: 'close' });
    this.endResponse(res, body, () => recording.complete(bodyRecord(body)));
  }

  /**
   * Ends a response write-ahead: the exchange's end is recorded first and the last bytes go out
   * once the capture holds it (Recorder.durable, at the end of this event-loop turn, batched with
   * every exchange that ended in it). A crash then never loses an exchange its client saw whole.
   */
  private endResponse(res: ServerResponse, last: Buffer | undefined, record: () => void): void {
    record();
    void this.recorder.durable().then(() => res.end(last));
  }

  /** A body as recorded: at most bodyCap bytes of it. */
  private keep(body: Buffer): ResponseRecord['body'] {
    return body.length ? bodyRecord(body.subarray(0, this.options.bodyCap ?? DEFAULT_BODY_CAP), body.length) : undefined;
  }

  private upstreamError(err: NodeJS.ErrnoException, res: ServerResponse, ctx: ProxyContext): void {
    if (res.writableEnded) return; // answered in full (an early 413): a late error of the upload changes nothing
    if (ctx.capture) return this.brokeOff(res, ctx, err); // the answer had begun: the client got part of it
    const target = this.upstream.origin;
    const { kind, status, message } = describeUpstreamError(ctx.timedOut ? Object.assign(err, { code: 'ETIMEDOUT' }) : err, target);
    if (res.headersSent || res.destroyed) {
      this.failed(res, ctx, kind, message);
      return;
    }
    const body = sendProxyError(res, status, kind.replace(/-/g, '_'), message);
    ctx.recording.responseStarted({ status, headers: { 'content-type': 'application/json' } });
    ctx.recording.fail(kind, message, bodyRecord(body));
  }

  /**
   * The upstream's answer stopped before its end: the client's is cut the same way. A body that
   * is malformed HTTP (a bad chunk: `err` is the parser's HPE_ error) is said to be so; where
   * the client has no headers yet, it gets the proxy's 502 instead of a 200 that breaks off.
   */
  private brokeOff(res: ServerResponse, ctx: ProxyContext, err?: NodeJS.ErrnoException): void {
    if (ctx.brokenOff || ctx.upstreamDropped) return; // reported twice (http-proxy and the response), or our own doing
    ctx.brokenOff = true;
    const malformed = err?.code?.startsWith('HPE_') ? `The upstream sent a malformed body (${err.code}: ${err.message})` : undefined;
    if (malformed && ctx.sendPartial && !res.headersSent) {
      ctx.sendPartial = undefined;
      const message = `${malformed}: answered 502 instead of passing on an answer that breaks off.`;
      const body = sendProxyError(res, 502, 'upstream_malformed', message);
      ctx.recording.responseStarted({ status: 502, headers: { 'content-type': 'application/json' } });
      ctx.recording.fail('upstream-malformed', message, bodyRecord(body));
      return;
    }
    const flushing = ctx.sendPartial?.() ?? false;
    const seconds = (this.options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS) / 1000;
    if (malformed) ctx.recording.fail('upstream-malformed', `${malformed} in the middle of the response: the client's answer is cut there`, ctx.capture?.toRecord());
    else if (ctx.timedOut) ctx.recording.fail('upstream-timeout', `The upstream sent nothing for ${seconds} s in the middle of the response`, ctx.capture?.toRecord());
    else ctx.recording.fail('upstream-reset', 'The upstream closed the connection in the middle of the response', ctx.capture?.toRecord());
    if (!flushing && !res.writableEnded) cutAfterFlush(res, this.options.clientCutGraceMs);
  }

  private failed(res: ServerResponse, ctx: ProxyContext, kind: ExchangeErrorKind, message: string, capture?: BodyCapture): void {
    ctx.recording.fail(kind, message, capture?.toRecord());
    if (!res.writableEnded) res.destroy();
  }
}

interface SseTransform {
  drop: Set<number>;
  delays: Map<number, number>;
  closeAfter?: number;
  /** patch-json steps, applied to each event's JSON data. */
  patches?: JsonRpcEdits;
}

/**
 * The patch-json steps of the rules that matched, applied to JSON-RPC text message by message.
 * A step is recorded as applied the first time it changes something: a rule that found nothing
 * to edit did not change the exchange.
 */
class JsonRpcEdits {
  private readonly recorded = new Set<JsonPatchStep>();

  constructor(
    private readonly steps: ReadonlyArray<{ rule: Rule; step: JsonPatchStep }>,
    private readonly applied: (rule: Rule, step: JsonPatchStep) => void,
  ) {}

  get active(): boolean {
    return this.steps.length > 0;
  }

  /** The text with every step applied, or undefined when nothing changed. */
  apply(text: string): string | undefined {
    let current: string | undefined;
    for (const { rule, step } of this.steps) {
      const patched = patchJsonText(current ?? text, [step]);
      if (patched === undefined) continue;
      current = patched;
      if (this.recorded.has(step)) continue;
      this.recorded.add(step);
      this.applied(rule, step);
    }
    return current;
  }
}

/** Writes parsed SSE items to the client in order, applying drop / delay / close-after. */
class SseEventWriter {
  private chain: Promise<void> = Promise.resolve();
  private eventIndex = 0;
  private sent = 0;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly transform: SseTransform,
    private readonly stopUpstream: () => void,
  ) {}

  write(parsed: ParsedSse): void {
    const patched = parsed.kind === 'event' && parsed.data !== undefined ? this.transform.patches?.apply(parsed.data) : undefined;
    const item = patched === undefined ? parsed : { ...parsed, data: patched };
    const index = item.kind === 'event' ? this.eventIndex++ : -1;
    if (index >= 0 && this.transform.drop.has(index)) return;
    const delay = index >= 0 ? this.transform.delays.get(index) : undefined;
    this.chain = this.chain.then(async () => {
      if (delay) await sleep(delay);
      if (this.closed) return;
      this.res.write(serializeSse(item));
      if (index >= 0 && ++this.sent === this.transform.closeAfter) {
        this.closed = true;
        this.res.end();
        this.stopUpstream();
      }
    });
  }

  drained(): Promise<void> {
    return this.chain;
  }
}

export function serializeSse(item: ParsedSse): string {
  if (item.kind === 'comment') return `: ${item.comment ?? ''}\n\n`;
  let frame = '';
  if (item.id !== undefined) frame += `id: ${item.id}\n`;
  if (item.event !== undefined) frame += `event: ${item.event}\n`;
  if (item.retry !== undefined) frame += `retry: ${item.retry}\n`;
  if (item.data !== undefined) for (const line of item.data.split('\n')) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Maps a socket error talking to the upstream to what the user should read. */
export function describeUpstreamError(err: NodeJS.ErrnoException, target: string): { kind: ExchangeErrorKind; status: number; message: string } {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { kind: 'upstream-refused', status: 502, message: `The upstream ${target} refused the connection (ECONNREFUSED). Is the server running on that port?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'upstream-refused', status: 502, message: `The upstream host of ${target} could not be resolved (${err.code}).` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'upstream-reset', status: 502, message: `The upstream ${target} reset the connection (${err.code}) before answering.` };
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return { kind: 'upstream-timeout', status: 504, message: `The upstream ${target} did not answer in time.` };
    default:
      if (err.code?.startsWith('HPE_')) return { kind: 'upstream-malformed', status: 502, message: `The upstream ${target} sent malformed HTTP (${err.code}: ${err.message}).` };
      return { kind: 'proxy-error', status: 502, message: `Forwarding to ${target} failed: ${err.message}` };
  }
}

function sendProxyError(res: ServerResponse, status: number, error: string, message: string): Buffer {
  const body = Buffer.from(JSON.stringify({ error, message, from: 'mcp-handshake-inspector proxy' }));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
  return body;
}

/** X-Forwarded-* so the upstream can build public URLs; a tunnel's values are kept. */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const existingFor = req.headers['x-forwarded-for'];
  const address = req.socket.remoteAddress ?? '';
  return {
    'x-forwarded-host': String(req.headers['x-forwarded-host'] ?? req.headers.host ?? ''),
    'x-forwarded-proto': String(req.headers['x-forwarded-proto'] ?? 'http'),
    'x-forwarded-for': existingFor ? `${existingFor}, ${address}` : address,
  };
}

/** A relative redirect below the upstream's base path, as the client reaches it: /base/x → /x. */
function belowBase(url: string, base: string): string {
  if (!base || !url.startsWith(base)) return url;
  const rest = url.slice(base.length);
  if (rest === '') return '/';
  if (rest.startsWith('/')) return rest;
  return rest.startsWith('?') || rest.startsWith('#') ? `/${rest}` : url; // /basement is not below /base
}

/** Reads a response body to its end, discarding it. */
async function drain(response: Response): Promise<void> {
  try {
    const reader = response.body?.getReader();
    while (reader && !(await reader.read()).done);
  } catch {
    // The front door closed the stream: nothing more to read.
  }
}

/**
 * Cuts the client's connection once what was written to it has gone out, as the upstream's was
 * cut (destroying at once would drop what is still buffered). A client that stops reading is cut
 * after a few seconds anyway.
 */
function cutAfterFlush(res: ServerResponse, graceMs = 5000): void {
  const socket = res.socket;
  if (!res.writableLength || !socket) return void res.destroy();
  // Half-close after what is buffered: the client gets every byte that came, then the cut, at
  // once ('drain' would only come if a write had filled the buffer). A client that never reads
  // keeps the socket open: it is dropped after a while.
  socket.end();
  setTimeout(() => res.destroy(), graceMs).unref();
}

/** Incremental decoders for compressed SSE, flushing per chunk so events are parsed as they pass. */
const STREAM_DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip({ flush: zlibConstants.Z_SYNC_FLUSH }),
  'x-gzip': () => createGunzip({ flush: zlibConstants.Z_SYNC_FLUSH }),
  deflate: () => createInflate({ flush: zlibConstants.Z_SYNC_FLUSH }),
  br: () => createBrotliDecompress({ flush: zlibConstants.BROTLI_OPERATION_FLUSH }),
};

function streamDecoder(encoding: string): Transform | undefined {
  return STREAM_DECODERS[encoding.trim().toLowerCase()]?.();
}

/**
 * Sends the request line with the client's own path. http-proxy joins paths with a function that
 * squeezes `//` and turns `\` into `/` (url.parse), so `/a//b` reached the upstream as `/a/b`.
 * `pipe` is the last moment before the request head is written, and the first to see it.
 */
function exactPath(body: Pick<Readable, 'pipe'>, path: string): Pick<Readable, 'pipe'> {
  return {
    pipe<T extends NodeJS.WritableStream>(destination: T): T {
      // Only a path http.request itself would take (no spaces or control characters: no header injection).
      if (VALID_PATH.test(path)) (destination as unknown as ClientRequest).path = path;
      return body.pipe(destination);
    },
  };
}

/** What Node's http.request accepts in a request target (it refuses anything else). */
const VALID_PATH = /^[\u0021-\u00ff]+$/;


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

interface BodyPrefix {
  prefix: Buffer;
  complete: boolean;
}

/**
 * Reads a body while it stays within `limit` bytes: `complete` with all of it, or the stream is
 * paused just past the limit with what came so far. Every chunk also lands in `chunks` (what
 * came before a failure) and `capture`. Rejects when the stream breaks off.
 */
function readPrefix(stream: Readable, limit: number, chunks: Buffer[] = [], capture?: BodyCapture): Promise<BodyPrefix> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      capture?.push(chunk);
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        resolve({ prefix: Buffer.concat(chunks), complete: false });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ prefix: Buffer.concat(chunks), complete: true });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('aborted'));
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
  });
}

/** A body's text, decoded per its content-encoding; undefined when it is not UTF-8 we can read. */
async function decodeText(raw: Buffer, encoding: string): Promise<string | undefined> {
  let bytes = raw;
  if (encoding && encoding !== 'identity') {
    const decode = decompress[encoding];
    if (!decode) return undefined;
    try {
      bytes = await decode(raw);
    } catch {
      return undefined; // not what its header says: it goes on as it came
    }
  }
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/** Whether a response to this request carries a body at all (RFC 9110 §6.4.1). */
function hasBody(method: string, status: number): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304 && (status < 100 || status >= 200);
}

/**
 * Streams a large request on: the prefix already read, then the rest, teed into the recorder.
 * `detach` stops forwarding when the upstream answered early (e.g. 413) but keeps reading the
 * client's body, so the recording ends and the connection stays usable.
 */
function continueStream(req: IncomingMessage, prefix: Buffer, recording: ExchangeRecording, bodyCap: number): { stream: Readable; detach: () => void } {
  const capture = new BodyCapture(bodyCap);
  capture.push(prefix);
  const out = new PassThrough();
  out.write(prefix);
  req.on('data', (chunk: Buffer) => capture.push(chunk));
  req.on('end', () => recording.requestComplete(capture.toRecord()));
  req.pipe(out);
  req.resume();
  const detach = () => {
    if (req.readableEnded) return;
    req.unpipe(out);
    out.end();
    req.resume();
  };
  return { stream: out, detach };
}

/**
 * Rewrites the client's origin to the upstream's in the query string and in a form body
 * (`resource` at /authorize and /token). Changes req.url in place; returns the body to send.
 */
function rewriteRequest(req: IncomingMessage, body: Buffer, bodyComplete: boolean, pair: OriginPair): { changed: boolean; body: Buffer } {
  let changed = false;
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  if (queryStart !== -1) {
    const query = rewriteParams(url.slice(queryStart + 1), pair);
    if (query !== undefined) {
      req.url = `${url.slice(0, queryStart)}?${query}`;
      changed = true;
    }
  }
  const contentType = String(req.headers['content-type'] ?? '');
  if (bodyComplete && contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = rewriteParams(body.toString('utf8'), pair);
    if (form !== undefined) {
      body = Buffer.from(form);
      req.headers['content-length'] = String(body.length);
      delete req.headers['transfer-encoding']; // one framing: a length and chunked together is a smuggling vector
      changed = true;
    }
  }
  return { changed, body };
}

/** Rewrites URL-encoded parameter values; undefined when nothing changed. */
function rewriteParams(encoded: string, pair: OriginPair): string | undefined {
  const params = new URLSearchParams(encoded);
  let changed = false;
  for (const [key, value] of [...params]) {
    const rewritten = rewriteOrigin(value, pair);
    if (rewritten !== value) {
      params.set(key, rewritten);
      changed = true;
    }
  }
  return changed ? params.toString() : undefined;
}

/** What breakpoint edits changed, in words (empty when nothing). */
function describeEdits(edits: BreakpointEdits, bodyComplete: boolean): string {
  const parts: string[] = [];
  if (edits.method) parts.push(`method ${edits.method}`);
  if (edits.url) parts.push(`URL ${edits.url}`);
  if (edits.status) parts.push(`status ${edits.status}`);
  const headers = Object.keys(edits.headers ?? {});
  if (headers.length) parts.push(`headers ${headers.join(', ')}`);
  if (edits.body !== undefined) {
    parts.push(bodyComplete ? `body (${Buffer.byteLength(edits.body)} bytes)` : 'not the body: it is over 1 MiB and was already streaming on');
  }
  return parts.join('; ');
}

/** Applies breakpoint edits to a request about to go upstream; returns the body to send. */
function applyRequestEdits(req: IncomingMessage, edits: BreakpointEdits, body: Buffer, bodyComplete: boolean): Buffer {
  if (edits.method) req.method = edits.method;
  if (edits.url && !VALID_PATH.test(edits.url)) throw new Error(`The edited URL ${JSON.stringify(edits.url)} has characters a request line cannot carry (spaces, control characters)`);
  if (edits.url) req.url = edits.url;
  Object.assign(req.headers, lowerKeys(edits.headers ?? {}));
  if (edits.body === undefined || !bodyComplete) return body;
  const edited = Buffer.from(edits.body);
  req.headers['content-length'] = String(edited.length);
  delete req.headers['transfer-encoding'];
  return edited;
}

function sameHeaders(a: HttpHeaders, b: HttpHeaders): boolean {
  for (const key in a) if (a[key] !== b[key] && String(a[key]) !== String(b[key])) return false;
  for (const key in b) if (!Object.hasOwn(a, key) && String(b[key]) !== 'undefined') return false;
  return true;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The simulator names its run in a header; the exchange is marked simulated and the header is
 * not forwarded (the upstream sees what the real client would send). Anyone can set it: it
 * only labels traffic, it grants nothing.
 */
function takeSimulationMarker(req: IncomingMessage): string | undefined {
  const marker = req.headers[SIMULATION_HEADER];
  delete req.headers[SIMULATION_HEADER];
  return typeof marker === 'string' && marker ? marker.slice(0, 100) : undefined;
}

/**
 * Forwards a body as it comes, except the bytes that complete a body of known length: those
 * wait for endResponse, so the client cannot have the whole answer before the capture holds its
 * end (write-ahead). Streams and chunked bodies are complete only at their end anyway.
 */
class CompletionHold {
  private readonly length: number | undefined;
  private sent = 0;
  private readonly last: Buffer[] = [];

  constructor(
    private readonly res: ServerResponse,
    contentLength: string | string[] | number | undefined,
  ) {
    const length = Number(contentLength);
    this.length = contentLength !== undefined && Number.isFinite(length) ? length : undefined;
  }

  write(chunk: Buffer): void {
    this.sent += chunk.length;
    if (this.length !== undefined && this.sent >= this.length) this.last.push(chunk);
    else this.res.write(chunk);
  }

  /** The held bytes, for the response's end. */
  held(): Buffer | undefined {
    return this.last.length ? Buffer.concat(this.last) : undefined;
  }
}
