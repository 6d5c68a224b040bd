import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { HttpHeaders } from '../../../shared/exchange';
import type { ExchangeRecording } from '../recorder/recorder';
import { AS_PREFIX } from '../wire/paths';
import { AsOriginMap } from './asInterceptMap';
import { noticeDocument } from './asInterceptMetadata';
import { bodyKind, callbackLocation, CallbackRelay, rewriteAsParams, rewriteJsonBody, type RequestFaces, type RequestRewrite } from './asInterceptRelay';
import type { Door, ProxyContext } from './context';
import { Forwarder, type ForwardEvents } from './forwarding';
import { upstreamError, type UpstreamLimits } from './upstreamErrors';
import { rewriteOrigin, upstreamOrigins, type OriginPair } from './originRewrite';
import { withBody } from './requestEdits';

// --intercept-as: the front door also fronts the upstream's authorization server(s), so discovery,
// registration, the authorization request and the token requests pass it and are recorded like
// the built-in AS's. The mapping (asInterceptMap.ts), what documents teach it
// (asInterceptMetadata.ts) and the request's two faces and callback relay (asInterceptRelay.ts)
// live in their own files; this one decides per request and forwards over HTTPS with the real
// AS's name (SNI, Host, certificate checks on).

/** The id the notes on intercepted exchanges carry (what was rewritten on the way). */
export const AS_INTERCEPT_RULE = 'as-intercept';
/** The id of notes that say what the front door cannot see or rewrite for a client (lint reads them). */
export const AS_INTERCEPT_LIMIT_RULE = 'as-intercept-limit';

export interface AsInterceptOptions {
  /**
   * More CA certificates (PEM) trusted for the authorization servers, besides Node's own roots,
   * which already include NODE_EXTRA_CA_CERTS when the process started with it.
   */
  extraCa?: string;
}

/** Node's codes for a certificate it does not trust (node:tls, OpenSSL's verify errors). */
const CERTIFICATE_ERRORS = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** A certificate the front door refused says how to trust it: checks stay on. */
function withCertificateHint(err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (!err.code || !CERTIFICATE_ERRORS.has(err.code)) return err;
  err.message = `${err.message} (${err.code}): the authorization server's certificate is not trusted; if its CA is yours (a test or corporate CA), give it with --intercept-as-ca <file> or NODE_EXTRA_CA_CERTS`;
  return err;
}

/** What the front door does with a request under --intercept-as. */
export type AsDecision = { answered: true } | { answered: false; forwarder: Forwarder<ProxyContext>; body: Buffer };

export class AsIntercept {
  private readonly map = new AsOriginMap();
  private readonly relay = new CallbackRelay(this.map);
  /** The canonical resources PRMs named (before rewriting): what the AS must receive. */
  private readonly resources: string[] = [];
  /** Issuers as the AS metadata names them. */
  private readonly issuers: string[] = [];
  private readonly forwarders = new Map<string, Forwarder<ProxyContext>>();
  private readonly ca?: string[];
  private readonly upstreamOrigins: string[];

  constructor(
    private readonly door: Door,
    /** The front door's response phase: AS answers go through it like the upstream's. */
    private readonly response: ForwardEvents<ProxyContext>['response'],
    private readonly upstream: URL,
    private readonly limits: UpstreamLimits,
    options: AsInterceptOptions = {},
  ) {
    this.ca = options.extraCa ? [...rootCertificates, options.extraCa] : undefined;
    // An upstream that is its own AS (the built-in server) stays as it is: nothing to front.
    this.upstreamOrigins = upstreamOrigins(new URL(upstream.origin));
  }

  /** The origin pairs a response to this client is rewritten with: the upstream's and every fronted AS's. */
  origins(base: OriginPair): OriginPair {
    return { ...base, also: this.map.pairs(base.client) };
  }

  /** Learns from a metadata document about to be rewritten (called before the rewriting). */
  notice(text: string): void {
    const noticed = noticeDocument(text, this.map, (origin) => this.upstreamOrigins.includes(origin));
    if (noticed?.resource && !this.resources.includes(noticed.resource)) this.resources.push(noticed.resource);
    if (noticed?.issuer && !this.issuers.includes(noticed.issuer)) this.issuers.push(noticed.issuer);
  }

  /**
   * Reads the upstream's PRM once at start, so the authorization servers have their index
   * before any client asks (a client that skips the PRM still gets rewritten metadata).
   * Not recorded: no client sent it. Failures are left to the clients' own requests to show.
   */
  async discover(): Promise<void> {
    const base = this.upstream.pathname.replace(/\/+$/, '');
    for (const path of [`/.well-known/oauth-protected-resource${base}/mcp`, `/.well-known/oauth-protected-resource${base}`]) {
      const text = await this.get(new URL(path, this.upstream.origin)).catch(() => undefined);
      if (text === undefined) continue;
      this.notice(text);
      if (this.map.size) return;
    }
  }

  /** Decides for one request: not ours (undefined), answered here, or forwarded to a real AS. */
  route(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, body: Buffer, bodyComplete: boolean): AsDecision | undefined {
    const route = this.map.route(req.url ?? '/');
    if (!route) return undefined;
    const { recording } = ctx;
    if (route.kind === 'unknown') {
      return this.answerError(res, recording, `No authorization server is known as ${AS_PREFIX}${route.index} in this session: the front door numbers them as the upstream's metadata names them`);
    }
    if (route.kind === 'callback') {
      const relayed = this.relay.at(route.key);
      if (!relayed) return this.answerError(res, recording, `No redirect URI was relayed as ${req.url}: the front door numbers them as clients register`);
      // The issuer as the client saw it: a fronted AS's, or the upstream's own named under the relay's origin.
      const seen: OriginPair = { upstream: ctx.origins.upstream, client: relayed.client, also: this.map.pairs(relayed.client) };
      const { location, change } = callbackLocation(relayed.original, route.query, (iss) => rewriteOrigin(iss, seen));
      recording.ruleApplied({ ruleId: AS_INTERCEPT_RULE, explanation: `--intercept-as: the authorization response came to the callback relay; sent on to the client's ${relayed.original}${change ? `, ${change}` : ''}` });
      return this.answer(res, recording, 302, { location });
    }

    const faces: RequestFaces = {
      canonicalResource: (value) => this.canonicalResource(value, ctx.origins),
      relay: this.relay,
      client: ctx.origins.client,
      realIssuer: this.issuers.find((issuer) => new URL(issuer).origin === route.origin) ?? route.origin,
    };
    const report: RequestRewrite = { changes: [], limits: [] };
    let path = route.path;
    const queryStart = path.indexOf('?');
    const query = queryStart === -1 ? undefined : rewriteAsParams(path.slice(queryStart + 1), faces, report);
    if (query !== undefined) path = `${path.slice(0, queryStart)}?${query}`;
    let sent = body;
    const kind = bodyComplete && body.length ? bodyKind(req) : undefined;
    if (kind === 'form') {
      const form = rewriteAsParams(body.toString('utf8'), faces, report);
      if (form !== undefined) sent = withBody(req, Buffer.from(form));
    } else if (kind === 'json') {
      const json = rewriteJsonBody(body, recording.exchange.classification.phase === 'registration', faces, report);
      if (json) sent = withBody(req, json);
    }
    const target = `${route.origin}${path}`;
    const changes = report.changes.length ? `; ${report.changes.join('; ')}` : '';
    for (const limit of report.limits) recording.ruleApplied({ ruleId: AS_INTERCEPT_LIMIT_RULE, explanation: limit });
    if (req.method === 'GET' && recording.exchange.classification.phase === 'authorization') {
      // The browser's leg: sent on to the AS's own pages (no TLS interception), recorded here.
      recording.ruleApplied({ ruleId: AS_INTERCEPT_RULE, explanation: `--intercept-as: the authorization request, sent on to the real authorization endpoint ${route.origin}${route.path.split('?')[0]}${changes}` });
      return this.answer(res, recording, 302, { location: target });
    }
    recording.ruleApplied({ ruleId: AS_INTERCEPT_RULE, explanation: `--intercept-as: forwarded to ${route.origin}${path.split('?')[0]}${changes}` });
    req.url = path;
    return { answered: false, forwarder: this.forwarderFor(route.origin), body: sent };
  }

  close(): void {
    for (const forwarder of this.forwarders.values()) forwarder.close();
    this.forwarders.clear();
  }

  /** The upstream's canonical resource for what the client sent (the PRM's `resource` as the client saw it). */
  private canonicalResource(value: string, origins: OriginPair): string | undefined {
    const trimmed = value.replace(/\/+$/, '');
    for (const resource of this.resources) {
      const seen = rewriteOrigin(resource, { upstream: origins.upstream, client: origins.client });
      if (seen !== resource && seen.replace(/\/+$/, '') === trimmed) return resource;
    }
    return undefined;
  }

  private forwarderFor(origin: string): Forwarder<ProxyContext> {
    let forwarder = this.forwarders.get(origin);
    if (!forwarder) {
      // changeOrigin: the AS gets its own Host (and SNI), as it would from the client directly.
      const limits = { ...this.limits, target: origin };
      const error = (err: NodeJS.ErrnoException, res: ServerResponse, ctx: ProxyContext) => upstreamError(withCertificateHint(err), res, ctx, limits);
      forwarder = new Forwarder<ProxyContext>(new URL(origin), { timeoutMs: this.limits.upstreamTimeoutMs, rewriteHost: true, ca: this.ca }, { response: this.response, error });
      this.forwarders.set(origin, forwarder);
    }
    return forwarder;
  }

  private answer(res: ServerResponse, recording: ExchangeRecording, status: number, headers: HttpHeaders, body?: Buffer): AsDecision {
    recording.responseStarted({ status, headers });
    res.writeHead(status, { ...headers, 'content-length': String(body?.length ?? 0) });
    this.door.endResponse(res, body, () => recording.complete(body ? this.door.keep(body) : undefined));
    return { answered: true };
  }

  private answerError(res: ServerResponse, recording: ExchangeRecording, message: string): AsDecision {
    recording.ruleApplied({ ruleId: AS_INTERCEPT_RULE, explanation: `--intercept-as: ${message}` });
    return this.answer(res, recording, 404, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ error: 'not_found', error_description: message })));
  }

  private get(url: URL): Promise<string> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, timeout: 5000, ...(url.protocol === 'https:' && this.ca ? { ca: this.ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`status ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }
}
