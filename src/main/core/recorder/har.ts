import { exchangeOutcome } from '../../../shared/outcome';
import { randomUUID } from 'node:crypto';
import type { BodyRecord, Exchange, ExchangeTimings, HttpHeaders, ResponseRecord, SseEvent } from '../../../shared/exchange';
import { bodyText } from '../wire/body';
import { classifyRequest, classifyResponse } from './classify';
import { recognizeClient } from './clients';
import { createRedactor } from './redact';
import { originForm } from '../wire/paths';
import { SseParser } from '../wire/sse';

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) export and import. Standard fields
// carry what any HAR viewer shows; `_`-prefixed custom fields (allowed by the spec) carry the
// rest of an Exchange, so our own export imports back without loss.

export const HAR_CREATOR_NAME = 'MCP Handshake Inspector';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: Array<HarNameValue & { fileName?: string; contentType?: string }>;
  /** HAR postData has no encoding field; ours says when `text` is base64. */
  _encoding?: 'base64';
  _truncated?: boolean;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  _truncated?: boolean;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: HarNameValue[];
  queryString: HarNameValue[];
  cookies: unknown[];
  headersSize: number;
  bodySize: number;
  postData?: HarPostData;
  /** The URL as the client sent it, when it was not a path (absolute-form, `*`). */
  _url?: string;
  /** Header names whose value was recorded as a list, even of one (Set-Cookie). */
  _headerLists?: string[];
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HarNameValue[];
  cookies: unknown[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  _headerLists?: string[];
  /** Chrome writes a failure reason here. */
  _error?: string;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  ssl?: number;
  send: number;
  wait: number;
  receive: number;
}

/**
 * Every Exchange field except `request` and `response` (which map onto HAR's own) travels as a
 * `_`-prefixed copy: `_id`, `_startedAt`, `_timings`, `_state`, `_client`, `_classification`,
 * `_sseEvents`, `_appliedRules`, `_error`, `_upstreamResponse`, `_connectionId`,
 * `_correlations`, `_simulated`, `_replayOf`, ... Fields added to Exchange later travel too.
 * `_outcome` and `_outcomeReason` say how the exchange ended for the client (export only).
 */
export type HarExchangeFields = { [K in Exclude<keyof Exchange, 'request' | 'response'> as `_${K}`]?: Exchange[K] };

export interface HarEntry extends HarExchangeFields {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
}

export interface Har {
  log: {
    version: string;
    creator: { name: string; version: string };
    entries: HarEntry[];
  };
}

export interface HarExportOptions {
  /** Replace credentials (see redact.ts); on unless explicitly false. */
  redact?: boolean;
  creatorVersion?: string;
}

// ---------------------------------------------------------------- export

function headerValue(headers: HttpHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function harHeaders(headers: HttpHeaders): HarNameValue[] {
  const list: HarNameValue[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) list.push({ name, value: v });
  }
  return list;
}

function headerLists(headers: HttpHeaders): string[] | undefined {
  const names = Object.entries(headers)
    .filter(([, value]) => Array.isArray(value))
    .map(([name]) => name);
  return names.length ? names : undefined;
}

/** The absolute URL the client asked for: Host header, https only when a proxy in front says so. */
function absoluteUrl(url: string, headers: HttpHeaders): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url; // absolute-form already
  const forwarded = headerValue(headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'https' ? 'https' : 'http';
  // OPTIONS * has no path: HAR needs a URL, `_url` keeps the `*`.
  return `${scheme}://${headerValue(headers, 'host') ?? 'localhost'}${url.startsWith('/') ? url : `/${url}`}`;
}

function queryString(url: string): HarNameValue[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const query = url.slice(q + 1).split('#')[0]!;
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

function harPostData(body: BodyRecord, headers: HttpHeaders): HarPostData {
  return {
    mimeType: headerValue(headers, 'content-type') ?? '',
    text: body.data,
    ...(body.encoding === 'base64' ? { _encoding: 'base64' as const } : {}),
    ...(body.truncated ? { _truncated: true } : {}),
  };
}

function harContent(body: BodyRecord | undefined, headers: HttpHeaders): HarContent {
  const content: HarContent = { size: body?.size ?? 0, mimeType: headerValue(headers, 'content-type') ?? '' };
  if (!body) return content;
  content.text = body.data;
  if (body.encoding === 'base64') content.encoding = 'base64';
  if (body.truncated) content._truncated = true;
  return content;
}

function harRequest(exchange: Exchange): HarRequest {
  const { request } = exchange;
  const lists = headerLists(request.headers);
  return {
    method: request.method,
    url: absoluteUrl(request.url, request.headers),
    httpVersion: `HTTP/${request.httpVersion}`,
    headers: harHeaders(request.headers),
    queryString: queryString(request.url),
    cookies: [],
    headersSize: -1,
    bodySize: request.body?.size ?? 0,
    ...(request.body ? { postData: harPostData(request.body, request.headers) } : {}),
    ...(request.url.startsWith('/') ? {} : { _url: request.url }),
    ...(lists ? { _headerLists: lists } : {}),
  };
}

/** No response (refused, reset, aborted before headers): status 0, as browsers write it. */
function missingResponse(exchange: Exchange): HarResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '',
    headers: [],
    cookies: [],
    content: { size: 0, mimeType: 'x-unknown' },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
    ...(exchange.error ? { _error: exchange.error.message } : {}),
  };
}

function harResponse(exchange: Exchange): HarResponse {
  const { response } = exchange;
  if (!response) return missingResponse(exchange);
  const lists = headerLists(response.headers);
  return {
    status: response.status,
    statusText: response.statusMessage ?? '',
    httpVersion: `HTTP/${exchange.request.httpVersion}`,
    headers: harHeaders(response.headers),
    cookies: [],
    content: harContent(response.body, response.headers),
    redirectURL: headerValue(response.headers, 'location') ?? '',
    headersSize: -1,
    bodySize: response.body?.size ?? 0,
    ...(lists ? { _headerLists: lists } : {}),
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** send = until the request body was in, wait = until response headers, receive = until the end. */
function harTimings(timings: ExchangeTimings): { time: number; timings: HarTimings } {
  const sent = Math.max(0, timings.requestEnd ?? 0);
  const headers = Math.max(sent, timings.upstreamHeaders ?? sent);
  const end = Math.max(headers, timings.end ?? headers);
  return {
    time: round(end),
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: round(sent), wait: round(headers - sent), receive: round(end - headers) },
  };
}

function harEntry(exchange: Exchange): HarEntry {
  const { time, timings } = harTimings(exchange.timings);
  const entry: HarEntry = {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time,
    request: harRequest(exchange),
    response: harResponse(exchange),
    cache: {},
    timings,
  };
  const { request: _request, response: _response, ...fields } = exchange;
  const custom = entry as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) custom[`_${key}`] = value;
  // How it ended for the client (src/shared/outcome.ts), for readers of the file; derived, so
  // an import computes it again rather than trusting it.
  const { outcome, reason } = exchangeOutcome(exchange);
  custom._outcome = outcome;
  if (reason) custom._outcomeReason = reason;
  return entry;
}

/** Exchanges as a HAR 1.2 log; secrets are redacted unless `redact: false`. Inputs are not modified. */
export function toHar(exchanges: readonly Exchange[], options: HarExportOptions = {}): Har {
  // One redactor for the whole file: a secret is one pseudonym in every entry it travels in.
  const redact = options.redact ?? true ? createRedactor() : undefined;
  return {
    log: {
      version: '1.2',
      creator: { name: HAR_CREATOR_NAME, version: options.creatorVersion ?? '0.0.0' },
      // A copy either way: the HAR must not share objects with the live exchanges.
      entries: exchanges.map((e) => harEntry(redact ? redact(e) : structuredClone(e))),
    },
  };
}

// ---------------------------------------------------------------- import

function notHar(reason: string): Error {
  return new Error(`Not a HAR file: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nameValues(value: unknown): HarNameValue[] {
  if (!Array.isArray(value)) return [];
  return value.filter((h): h is HarNameValue => isObject(h) && typeof h.name === 'string' && typeof h.value === 'string');
}

/**
 * HAR headers back into Node's shape. Our own export keeps names as written; foreign HARs
 * (DevTools writes `Content-Type`) are lower-cased as Node would, and repeats are combined.
 */
function fromHarHeaders(list: unknown, lists: unknown, ours: boolean): HttpHeaders {
  const listed = new Set(Array.isArray(lists) ? lists.filter((n): n is string => typeof n === 'string') : []);
  if (!ours) listed.add('set-cookie');
  const headers: HttpHeaders = {};
  for (const header of nameValues(list)) {
    const name = ours ? header.name : header.name.toLowerCase();
    const existing = headers[name];
    if (listed.has(name)) headers[name] = [...((existing as string[] | undefined) ?? []), header.value];
    else if (existing === undefined) headers[name] = header.value;
    else headers[name] = `${existing as string}${name === 'cookie' ? '; ' : ', '}${header.value}`;
  }
  // A recorded empty list has no HAR header line; only our own export names it.
  if (ours) for (const name of listed) headers[name] ??= [];
  return headers;
}

function byteLength(text: string, base64: boolean): number {
  return base64 ? Buffer.from(text, 'base64').length : Buffer.byteLength(text);
}

function fromHarBody(text: string, base64: boolean, size: unknown, truncated: unknown): BodyRecord {
  // A size of 0 next to a body is a tool that did not count it (DevTools writes 0 for many).
  const known = typeof size === 'number' && size >= 0 && !(size === 0 && text.length > 0);
  return {
    size: known ? size : byteLength(text, base64),
    encoding: base64 ? 'base64' : 'utf8',
    data: text,
    truncated: truncated === true,
  };
}

function requestBody(request: Record<string, unknown>): BodyRecord | undefined {
  const postData = request.postData;
  if (!isObject(postData)) return undefined;
  let text = typeof postData.text === 'string' ? postData.text : undefined;
  // Some tools write only params for form posts.
  if (text === undefined && Array.isArray(postData.params)) text = new URLSearchParams(nameValues(postData.params).map((p) => [p.name, p.value])).toString();
  if (text === undefined) return undefined;
  const base64 = postData._encoding === 'base64' || postData.encoding === 'base64';
  return fromHarBody(text, base64, request.bodySize, postData._truncated);
}

function responseBody(response: Record<string, unknown>, ours: boolean): BodyRecord | undefined {
  const content = isObject(response.content) ? response.content : {};
  if (typeof content.text !== 'string') return undefined;
  const base64 = content.encoding === 'base64';
  // Ours: bodySize is the recorded size. Foreign: bodySize is often 0 or -1 (cache, HTTP/2).
  const size = ours ? response.bodySize : typeof response.bodySize === 'number' && response.bodySize > 0 ? response.bodySize : content.size;
  return fromHarBody(content.text, base64, size, content._truncated);
}

/** The request-target as the client sent it: ours kept `_url` when it was not a path. */
function requestTarget(request: Record<string, unknown>, ours: boolean): string {
  if (ours && typeof request._url === 'string') return request._url;
  const url = String(request.url);
  if (ours) return originForm(url);
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function fromHarResponse(response: Record<string, unknown>, ours: boolean): ResponseRecord | undefined {
  const status = Number(response.status);
  if (!Number.isInteger(status) || status <= 0) return undefined;
  const record: ResponseRecord = { status, headers: fromHarHeaders(response.headers, response._headerLists, ours) };
  if (typeof response.statusText === 'string' && response.statusText !== '') record.statusMessage = response.statusText;
  const body = responseBody(response, ours);
  if (body) record.body = body;
  return record;
}

const nonNegative = (value: unknown): number => (typeof value === 'number' && value > 0 ? value : 0);

/** Foreign timings: everything before `send` counts as getting the request out. */
function fromHarTimings(entry: Record<string, unknown>): ExchangeTimings {
  const t = isObject(entry.timings) ? entry.timings : {};
  const requestEnd = nonNegative(t.blocked) + nonNegative(t.dns) + nonNegative(t.connect) + nonNegative(t.send);
  const upstreamHeaders = requestEnd + nonNegative(t.wait);
  const end = Math.max(upstreamHeaders + nonNegative(t.receive), nonNegative(entry.time));
  return { requestEnd: round(requestEnd), upstreamHeaders: round(upstreamHeaders), end: round(end) };
}

function parseSseEvents(body: BodyRecord | undefined, at: number): SseEvent[] {
  const text = bodyText(body);
  if (!text) return [];
  const events: SseEvent[] = [];
  const parser = new SseParser((item) => events.push({ index: events.length, at, ...item }));
  parser.push(text);
  return events;
}

/** A foreign entry: classified and attributed from the standard fields, as the recorder would. */
function foreignExchange(entry: Record<string, unknown>, request: Record<string, unknown>, index: number): Exchange {
  const url = requestTarget(request, false);
  const headers = fromHarHeaders(request.headers, undefined, false);
  const host = hostOf(String(request.url));
  if (host && headers.host === undefined) headers.host = host; // HTTP/2 exports carry :authority, not Host
  const body = requestBody(request);
  const response = isObject(entry.response) ? fromHarResponse(entry.response, false) : undefined;
  const timings = fromHarTimings(entry);
  let classification = classifyRequest(String(request.method), url, headers, bodyText(body), body?.truncated);
  if (response) classification = classifyResponse(classification, response.status, response.headers, bodyText(response.body));
  const userAgent = typeof headers['user-agent'] === 'string' ? headers['user-agent'] : undefined;
  const isStream = String(response?.headers['content-type'] ?? '').includes('text/event-stream');
  const startedAt = Date.parse(String(entry.startedDateTime));
  const exchange: Exchange = {
    id: randomUUID(),
    startedAt: Number.isNaN(startedAt) ? 0 : startedAt,
    timings,
    // A tool that knows who ended an exchange may say so (`_state`); HAR itself cannot.
    state: typeof entry._state === 'string' && FOREIGN_STATES.has(entry._state) ? (entry._state as Exchange['state']) : response ? 'complete' : 'failed',
    client: recognizeClient(userAgent, classification.jsonRpc?.clientInfo),
    request: { method: String(request.method), url, httpVersion: String(request.httpVersion ?? '').replace(/^HTTP\//i, '') || '1.1', headers, ...(body ? { body } : {}) },
    sseEvents: isStream ? parseSseEvents(response?.body, timings.upstreamHeaders ?? 0) : [],
    classification,
    appliedRules: [],
  };
  if (isStream && exchange.state === 'complete' && entry._state === undefined) exchange.endUnknown = true;
  if (response) exchange.response = response;
  else {
    const reason = isObject(entry.response) && typeof entry.response._error === 'string' ? entry.response._error : `entry ${index} has no response`;
    exchange.error = { kind: 'proxy-error', message: reason };
  }
  return exchange;
}

/** Names that must never be assigned from a file onto an object, and derived ones recomputed on import. */
const FOREIGN_STATES = new Set(['complete', 'aborted', 'failed']);
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype', 'outcome', 'outcomeReason']);

/** One of our own entries: the `_` fields restore what HAR cannot say. */
function ownExchange(entry: Record<string, unknown>, request: Record<string, unknown>): Exchange {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    const name = key.slice(1);
    if (key.startsWith('_') && !UNSAFE_KEYS.has(name)) fields[name] = structuredClone(value);
  }
  const body = requestBody(request);
  const response = isObject(entry.response) ? fromHarResponse(entry.response, true) : undefined;
  const exchange = {
    ...fields,
    id: String(fields.id),
    // What a hand-edited file may lack, the standard fields stand in for.
    startedAt: typeof fields.startedAt === 'number' ? fields.startedAt : Date.parse(String(entry.startedDateTime)),
    timings: isObject(fields.timings) ? fields.timings : fromHarTimings(entry),
    state: typeof fields.state === 'string' ? fields.state : response ? 'complete' : 'failed',
    client: isObject(fields.client) ? fields.client : recognizeClient(undefined),
    sseEvents: Array.isArray(fields.sseEvents) ? fields.sseEvents : [],
    classification: isObject(fields.classification) ? fields.classification : { phase: 'other', label: String(request.method) },
    appliedRules: Array.isArray(fields.appliedRules) ? fields.appliedRules : [],
    request: {
      method: String(request.method),
      url: requestTarget(request, true),
      httpVersion: String(request.httpVersion ?? '').replace(/^HTTP\//i, ''),
      headers: fromHarHeaders(request.headers, request._headerLists, true),
      ...(body ? { body } : {}),
    },
  } as unknown as Exchange;
  if (response) exchange.response = response;
  return exchange;
}

function checkEntry(entry: unknown, index: number): Record<string, unknown> {
  if (!isObject(entry)) throw notHar(`entry ${index} is not an object`);
  const request = entry.request;
  if (!isObject(request)) throw notHar(`entry ${index} has no request`);
  if (typeof request.method !== 'string' || typeof request.url !== 'string') throw notHar(`entry ${index} has no request method or URL`);
  return request;
}

/**
 * Exchanges from a HAR log: our own export comes back as it was (with `redact: false`), and
 * any other HAR (DevTools, Charles, mitmproxy) is classified as the recorder would.
 */
export function fromHar(har: unknown): Exchange[] {
  if (!isObject(har)) throw notHar('expected a JSON object with a "log" property');
  if (!isObject(har.log)) throw notHar('no "log" object');
  const entries = har.log.entries;
  if (!Array.isArray(entries)) throw notHar('"log.entries" is not an array');
  const ids = new Set<string>();
  return entries.map((entry: unknown, index) => {
    const request = checkEntry(entry, index);
    const e = entry as Record<string, unknown>;
    // Ours carries its id and classification; a foreign tool's `_` fields mean nothing here.
    const exchange = typeof e._id === 'string' && isObject(e._classification) ? ownExchange(e, request) : foreignExchange(e, request, index);
    // Two exports pasted together repeat ids: the second copy becomes an exchange of its own.
    if (ids.has(exchange.id)) exchange.id = randomUUID();
    ids.add(exchange.id);
    return exchange;
  });
}
