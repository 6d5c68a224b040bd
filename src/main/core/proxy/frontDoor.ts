import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ExchangeErrorKind, HttpHeaders, ResponseRecord } from '../../../shared/exchange';
import type { BreakpointEdits, Rule } from '../../../shared/rules';
import { SIMULATION_HEADER } from '../../../shared/simulator';
import type { ExchangeRecording, Recorder } from '../recorder/recorder';
import { hostRefusal, publicHostnames, refusalBody, type HostRefusal } from '../server/hostGuard';
import { closeNow, listenForStreams } from '../streamingServer';
import { bodyRecord, DEFAULT_BODY_CAP, hasBody, readPrefix, type BodyPrefix } from '../wire/body';
import { lowerKeys } from '../wire/headers';
import { isJsonDocument } from '../wire/json';
import { requestPath } from '../wire/paths';
import { AsIntercept, type AsInterceptOptions } from './asIntercept';
import { Breakpoints, DEFAULT_BREAKPOINT_TIMEOUT_MS, recordEdits } from './breakpoints';
import type { Door, ProxyContext } from './context';
import { forwardedHeaders, Forwarder, type ForwardEvents } from './forwarding';
import { JsonRpcEdits } from './jsonPatch';
import type { MatchInput } from './matchers';
import { belowBase, clientOrigin, rewriteOrigin, upstreamOrigins, URL_HEADERS, type OriginPair } from './originRewrite';
import { refuseConnect, refuseMalformedRequest } from './refusedRequests';
import { Replays, type ReplayRequest } from './replay';
import { streamRequestBody } from './requestBody';
import { applyRequestEdits, rewriteRequest } from './requestEdits';
import { bufferBody, REWRITE_LIMIT, streamBody } from './responseBody';
import { RuleRunner } from './ruleRunner';
import { sseTransform, type SseTransform } from './sseTransform';
import type { RequestStepContext, ResponseStepContext } from './steps/step';
import { brokeOff, sendProxyError, upstreamError, type UpstreamLimits } from './upstreamErrors';

export type { ReplayRequest } from './replay';

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
  rules?: () => readonly Rule[];
  /** The public origin (a tunnel), when known: what the upstream's origin is rewritten to. */
  publicUrl?: () => string | undefined;
  /**
   * Recognises the inspector's own checks through the tunnel (by a secret marker): they are
   * recorded as simulated, or answered here without going upstream when `respond` is set.
   */
  selfCheck?: (req: IncomingMessage) => { respond?: (res: ServerResponse) => void } | undefined;
  /** --intercept-as: also front the upstream's authorization server(s) under /_as/<n>/ (asIntercept.ts). Needs origin rewriting. */
  interceptAs?: AsInterceptOptions;
}

/** Request bodies up to this size are read before forwarding, so rules can see them. */
const REQUEST_BUFFER_LIMIT = 1024 * 1024;
/** Encodings a rewritten body can be read from; others go on untouched. */
const REWRITABLE_ENCODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br']);
const DEFAULT_UPSTREAM_TIMEOUT_MS = 120_000;
/** What an exchange no rule acts on shares (never written to: no step runs). */
const NO_RULES: Rule[] = [];
const NO_EDITS: ResponseStepContext['jsonRpcEdits'] = [];
const NO_STREAM_STEPS: Array<() => void> = [];
const NO_SSE: SseTransform = sseTransform();

/**
 * The front door: every request passes here, is recorded, may be changed by rules, and goes
 * on to the upstream. It orchestrates the phases (request → upstream → response head → body
 * or SSE events); steps (steps/), breakpoints, replay, request edits, body handling and error
 * mapping live in their own files. Streams stay streams: SSE and chunked bodies are forwarded
 * chunk by chunk while a tee feeds the recorder.
 */
export class FrontDoor implements Door {
  private readonly upstream: URL;
  /** Every spelling of the upstream's origin (see upstreamOrigins). */
  private readonly upstreamOriginList: string[];
  private readonly forwarder: Forwarder<ProxyContext>;
  private readonly rules = new RuleRunner();
  private readonly breakpoints = new Breakpoints();
  private readonly replays = new Replays();
  private readonly limits: UpstreamLimits;
  private readonly rewriteOrigins: boolean;
  private readonly asIntercept?: AsIntercept;
  private server?: Server;
  /** How the upstream names itself in its responses, once seen (e.g. http://localhost:3951). */
  private upstreamSelfOrigin?: string;
  private publicUrlSeen?: string;
  private publicOriginSeen?: string;
  readonly bodyCap: number;
  readonly clientCutGraceMs?: number;

  constructor(
    private readonly recorder: Recorder,
    private readonly options: FrontDoorOptions,
  ) {
    this.upstream = new URL(options.upstream);
    this.upstreamOriginList = upstreamOrigins(this.upstream);
    this.bodyCap = options.bodyCap ?? DEFAULT_BODY_CAP;
    this.clientCutGraceMs = options.clientCutGraceMs;
    this.rewriteOrigins = options.rewriteOrigins ?? true;
    const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.limits = { target: this.upstream.origin, upstreamTimeoutMs, clientCutGraceMs: options.clientCutGraceMs };
    const events: ForwardEvents<ProxyContext> = {
      response: (proxyRes, res, ctx) => void this.onResponseHead(proxyRes, res, ctx).catch((err: Error) => this.failed(res, ctx, 'proxy-error', err.message)),
      error: (err, res, ctx) => upstreamError(err, res, ctx, this.limits),
    };
    this.forwarder = new Forwarder<ProxyContext>(this.upstream, { timeoutMs: upstreamTimeoutMs, rewriteHost: options.rewriteHost ?? false }, events);
    // The AS legs go through the same phases (rules, recording, rewriting) to their own targets.
    if (options.interceptAs && this.rewriteOrigins) this.asIntercept = new AsIntercept(this, events.response, this.upstream, this.limits, options.interceptAs);
  }

  get upstreamUrl(): string {
    return this.upstream.toString();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    let recording: ExchangeRecording | undefined;
    try {
      const check = this.options.selfCheck?.(req);
      if (check?.respond) return check.respond(res);
      const replay = this.replays.take(req);
      const simulationRun = takeSimulationMarker(req);
      recording = this.recorder.start({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        httpVersion: req.httpVersion,
        headers: { ...req.headers },
        address: req.socket.remoteAddress,
        replayOf: replay?.replayOf,
        // The inspector's own checks (tunnel self-test) and simulator runs are marked simulated.
        ...(simulationRun ? { simulated: true, simulationRun } : check ? { simulated: true } : {}),
      });
      this.replays.started(replay?.nonce, recording.exchange.id);
    } catch (err) {
      return this.crashed(res, recording, err as Error);
    }
    this.onRequest(req, res, recording).catch((err: Error) => this.crashed(res, recording, err));
  };

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    const { server, address } = await listenForStreams(this.handle, port, host);
    // What Node refuses before our handler runs is still an exchange the client saw.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => refuseMalformedRequest(this.recorder, err, socket));
    server.on('connect', (req: IncomingMessage, socket: Duplex) => refuseConnect(this.recorder, req, socket));
    this.server = server;
    await this.asIntercept?.discover();
    return address;
  }

  async close(): Promise<void> {
    this.forwarder.close();
    this.asIntercept?.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeNow(server);
  }

  /** The request phase: read its body (rules may need it), run request steps, send it upstream. */
  private async onRequest(req: IncomingMessage, res: ServerResponse, recording: ExchangeRecording): Promise<void> {
    let requestBody: BodyPrefix;
    try {
      requestBody = await readPrefix(req, REQUEST_BUFFER_LIMIT);
    } catch (err) {
      recording.fail('client-aborted', `The client closed the connection while sending the request body (${(err as Error).message})`);
      res.destroy();
      return;
    }
    // Node answered a 100-continue expectation when the body was read: the upstream gets the
    // body without one (with an Expect header, http-proxy never hands us the upstream request).
    delete req.headers.expect;
    if (requestBody.complete) recording.requestComplete(this.keep(requestBody.prefix));
    // --rewrite-host hands the upstream its own Host, which blinds its DNS-rebinding check: the
    // front door checks Host and Origin instead, as the SDKs do (loopback, public URL and tunnel hosts pass).
    const refusal = this.options.checkHost ? hostRefusal(req, 'allowed-hosts', publicHostnames(this.publicOrigin())) : undefined;
    if (refusal) return this.refuseHost(res, recording, refusal);

    const match: MatchInput = { method: req.method ?? 'GET', path: requestPath(req.url ?? '/'), headers: req.headers, classification: recording.exchange.classification };
    const rules = this.options.rules?.();
    const selected = rules?.length ? this.rules.select(rules, match, 'request', recording) : NO_RULES;
    const origins: OriginPair = { upstream: this.upstreamOriginList, client: this.publicOrigin() ?? clientOrigin(req) };
    const ctx: ProxyContext = { recording, match, rules: selected, origins: this.asIntercept ? this.asIntercept.origins(origins) : origins };
    res.on('close', () => {
      if (res.writableFinished) return;
      this.breakpoints.resume(recording.exchange.id); // a breakpoint holding it lets go: nobody waits any more
      ctx.proxyReq?.destroy();
      recording.fail('client-aborted', 'The client closed the connection before the response finished');
    });

    let edits: BreakpointEdits | undefined;
    if (selected.length) {
      const steps: RequestStepContext = { req, res, recording, pause: (stage, ms) => this.pause(recording, stage, ms), endResponse: (body, record) => this.endResponse(res, body, record) };
      await this.rules.runRequest(selected, steps);
      if (steps.ended) return;
      edits = steps.edits;
    }
    if (res.destroyed) return; // the client left while the exchange was paused

    let body = requestBody.prefix;
    if (edits) {
      body = applyRequestEdits(req, edits, body, requestBody.complete);
      recordEdits(recording, edits, 'the upstream', requestBody.complete); // the exchange keeps what the client sent
    }
    const intercepted = this.asIntercept?.route(req, res, ctx, body, requestBody.complete);
    if (intercepted?.answered) return;
    if (intercepted) {
      // A request to a fronted AS: the AS gets what a direct client would send it (no X-Forwarded-*).
      return intercepted.forwarder.send(req, res, ctx, requestBody.complete ? intercepted.body : streamRequestBody(req, requestBody.prefix, ctx, this.bodyCap), {});
    }
    if (this.rewriteOrigins && this.upstreamSelfOrigin) {
      // The other direction: a `resource` the client built from our origin must name the
      // upstream's, once we have seen the upstream name itself that way.
      const rewritten = rewriteRequest(req, body, requestBody.complete, { upstream: [ctx.origins.client], client: this.upstreamSelfOrigin });
      if (rewritten.changed) {
        recording.ruleApplied({ ruleId: 'origin-rewrite', explanation: `Rewrote ${ctx.origins.client} to the upstream's ${this.upstreamSelfOrigin} in the request` });
        body = rewritten.body;
      }
    }
    this.forwarder.send(req, res, ctx, requestBody.complete ? body : streamRequestBody(req, requestBody.prefix, ctx, this.bodyCap), forwardedHeaders(req));
  }

  /** The response head phase: response steps, origin rewriting of URL headers, then the body as a stream or read whole. */
  private async onResponseHead(proxyRes: IncomingMessage, res: ServerResponse, ctx: ProxyContext): Promise<void> {
    const { recording } = ctx;
    const upstream: ResponseRecord = { status: proxyRes.statusCode ?? 502, statusMessage: proxyRes.statusMessage, headers: proxyRes.headers };
    const rules = ctx.rules.length ? this.rules.select(ctx.rules, { ...ctx.match, classification: recording.exchange.classification, status: upstream.status }, 'response', recording) : NO_RULES;
    const headers = this.rewriteOrigins ? this.rewriteUrlHeaders(proxyRes.headers, ctx.origins) : proxyRes.headers;
    const head: ResponseStepContext = rules.length
      ? { status: upstream.status, headers: headers === proxyRes.headers ? { ...headers } : headers, jsonRpcEdits: [], sse: sseTransform(), onStream: [] }
      : { status: upstream.status, headers, jsonRpcEdits: NO_EDITS, sse: NO_SSE, onStream: NO_STREAM_STEPS };
    if (rules.length) await this.rules.runResponse(rules, head, recording);

    const contentType = String(head.headers['content-type'] ?? '').toLowerCase();
    const isStream = contentType.includes('text/event-stream');
    if (isStream) for (const act of head.onStream) act();
    const method = ctx.match.method;
    const patchable = isStream || (isJsonDocument(contentType) && hasBody(method, upstream.status));
    const patches = patchable && head.jsonRpcEdits.length ? new JsonRpcEdits(head.jsonRpcEdits) : undefined;
    if (isStream && patches) head.sse.patches = patches;
    // Only metadata bodies (discovery, registration, token…) name origins clients check;
    // JSON-RPC answers stream through untouched, which keeps the MCP hot path unbuffered.
    const rewriteBody =
      this.rewriteOrigins &&
      !isStream &&
      recording.exchange.classification.phase !== 'jsonrpc' &&
      isJsonDocument(contentType) &&
      hasBody(method, upstream.status) &&
      REWRITABLE_ENCODINGS.has(String(head.headers['content-encoding'] ?? '').trim().toLowerCase()) &&
      Number(head.headers['content-length'] ?? 0) <= REWRITE_LIMIT;
    const { breakpoint, replacement } = head;
    const pauseBody = breakpoint !== undefined && !isStream;
    if (replacement || rewriteBody || (patches && !isStream) || pauseBody) {
      const own = head.headers === proxyRes.headers ? { ...head.headers } : head.headers; // changed in place from here
      // Held only to patch JSON-RPC: origins in it stay as the upstream wrote them (the hot path's rule).
      const rewriteOrigins = !!replacement || rewriteBody || pauseBody;
      // (A replaced stream is read as a body too: its breakpoint pauses here.)
      const breakpointTimeoutMs = breakpoint ? (breakpoint.timeoutMs ?? DEFAULT_BREAKPOINT_TIMEOUT_MS) : undefined;
      return bufferBody(this, proxyRes, res, ctx, { upstream, status: head.status, headers: own, method }, { replacement, rewriteOrigins, patches, breakpointTimeoutMs });
    }
    let { status, headers: sent } = head;
    if (breakpoint) {
      // A stream pauses before its headers: status and headers can be edited, events flow after.
      const edits = await this.pause(recording, 'response', breakpoint.timeoutMs);
      recordEdits(recording, { ...edits, body: undefined }, 'the client');
      if (edits.status) status = edits.status;
      if (edits.headers) sent = Object.assign(sent === proxyRes.headers ? { ...sent } : sent, lowerKeys(edits.headers));
      if (res.destroyed) return void proxyRes.destroy();
    }
    streamBody(this, proxyRes, res, ctx, { upstream, status, headers: sent, method }, isStream, rules.length ? head.sse : undefined);
  }

  /** The upstream's origin swapped for the client's in URL headers; the same object when none changed. */
  private rewriteUrlHeaders(headers: HttpHeaders, origins: OriginPair): HttpHeaders {
    let out = headers;
    for (const name of URL_HEADERS) {
      const value = headers[name];
      if (value === undefined) continue;
      this.noticeSelfOrigin(value, origins);
      const rewrite = (v: string) => (name.endsWith('location') ? belowBase(rewriteOrigin(v, origins), this.forwarder.basePath) : rewriteOrigin(v, origins));
      const rewritten = Array.isArray(value) ? value.map(rewrite) : rewrite(value);
      if (String(rewritten) === String(value)) continue;
      if (out === headers) out = { ...headers };
      out[name] = rewritten;
    }
    return out;
  }

  /** Replays a recorded request through the front door, as-is or edited (replay.ts). */
  async replay(request: ReplayRequest): Promise<{ status: number; exchangeId?: string }> {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('The front door is not listening');
    return this.replays.send(address.port, request);
  }

  /** Lets a paused exchange go on, with the user's edits. False when it is not paused. */
  resume(exchangeId: string, edits: BreakpointEdits = {}): boolean {
    return this.breakpoints.resume(exchangeId, edits);
  }

  /** Counts these rules' uses afresh: a toggle chosen again re-arms its limited rules. */
  resetRuleUses(ruleIds: string[]): void {
    this.rules.resetUses(ruleIds);
  }

  pause(recording: ExchangeRecording, stage: 'request' | 'response', timeoutMs?: number): Promise<BreakpointEdits> {
    return this.breakpoints.pause(recording, stage, timeoutMs);
  }

  noticeSelfOrigin(text: string | string[] | undefined, pair: OriginPair): void {
    if (text === undefined) return;
    const joined = Array.isArray(text) ? text.join(' ') : text;
    this.asIntercept?.notice(joined);
    const named = pair.upstream.find((origin) => origin !== pair.client && joined.includes(origin));
    if (named) this.upstreamSelfOrigin = named;
  }

  /**
   * Ends a response write-ahead: the exchange's end is recorded first and the last bytes go out
   * once the capture holds it (Recorder.durable, at the end of this event-loop turn, batched with
   * every exchange that ended in it). A crash then never loses an exchange its client saw whole.
   */
  endResponse(res: ServerResponse, last: Buffer | undefined, record: () => void): void {
    record();
    void this.recorder.durable().then(() => res.end(last));
  }

  keep(body: Buffer): ResponseRecord['body'] {
    return body.length ? bodyRecord(body.subarray(0, this.bodyCap), body.length) : undefined;
  }

  brokeOff(res: ServerResponse, ctx: ProxyContext, err?: NodeJS.ErrnoException): void {
    brokeOff(res, ctx, this.limits, err);
  }

  /** The public URL's origin, parsed once per URL (it is asked for on every request). */
  private publicOrigin(): string | undefined {
    const url = this.options.publicUrl?.();
    if (url === this.publicUrlSeen) return this.publicOriginSeen;
    this.publicOriginSeen = url ? new URL(url).origin : undefined;
    this.publicUrlSeen = url;
    return this.publicOriginSeen;
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

  /** The front door itself failed on this request: a 500 where it still can, else the cut. */
  private crashed(res: ServerResponse, recording: ExchangeRecording | undefined, err: Error): void {
    const message = `The inspector's proxy failed: ${err.message}`;
    if (res.headersSent) {
      recording?.fail('proxy-error', message);
      return void res.destroy();
    }
    const body = sendProxyError(res, 500, 'proxy_error', message);
    recording?.responseStarted({ status: 500, headers: { 'content-type': 'application/json' } });
    recording?.fail('proxy-error', message, bodyRecord(body));
  }

  private failed(res: ServerResponse, ctx: ProxyContext, kind: ExchangeErrorKind, message: string): void {
    ctx.recording.fail(kind, message);
    if (!res.writableEnded) res.destroy();
  }
}

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
