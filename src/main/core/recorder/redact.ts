import type { BodyRecord, Exchange, HttpHeaders, ResponseRecord, SseEvent } from '../../../shared/exchange';
import { bodyRecord, decodeContentSync } from '../wire/body';

// What an export hides by default. The raw capture stays local; a HAR leaves the machine, so
// the credentials of the OAuth handshake are replaced wherever they travel. Session ids
// (Mcp-Session-Id) and `state` are kept: a capture cannot be read without them.
//
// One export names each distinct secret by one pseudonym, `[redacted:1]`, `[redacted:2]`, …
// (createRedactor): the token a response issued and the bearer header that sends it back still
// read as the same token, so a redacted HAR groups into the connections the live capture had
// (correlate.ts keys connections on tokens and codes) and lint still tells "the token it was
// issued" from another. Only equality within the file is told, never anything of the value.

export const REDACTED = '[redacted]';

/** What a secret value is replaced by: one placeholder for all, or a pseudonym per value. */
export type Mask = (secret: string) => string;
const PLACEHOLDER: Mask = () => REDACTED;

/** `[redacted]` or a pseudonym `[redacted:3]` (`eyJ….[redacted:3]` for a token): a value that was a secret before export. */
export function isRedacted(value: string): boolean {
  return /^(eyJ[A-Za-z0-9_-]*\.)?\[redacted(?::\d+)?\]$/.test(value);
}

/**
 * The protected header of a JOSE compact value (a JWS has 3 parts, a JWE 5), when it is one. It
 * says how a token is made (alg, enc, kid, typ), nothing of what it grants, and lint needs it
 * (access-token-without-kid: Auth0's encrypted token that no JWKS can verify).
 */
function joseProtectedHeader(secret: string): string | undefined {
  const parts = secret.split('.');
  if ((parts.length !== 3 && parts.length !== 5) || !parts[0]!.startsWith('eyJ') || !parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part))) return undefined;
  return parts[0];
}

/**
 * A mask that gives each distinct secret its own stable pseudonym, numbered in order of
 * appearance; a token keeps its JOSE header in front (`eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.[redacted:3]`).
 */
export function pseudonyms(): Mask {
  const names = new Map<string, string>();
  return (secret) => {
    // Already a placeholder (an export of an import): keep it as it is.
    if (isRedacted(secret)) return secret;
    let name = names.get(secret);
    if (name === undefined) {
      const header = joseProtectedHeader(secret);
      name = `${header ? `${header}.` : ''}[redacted:${names.size + 1}]`;
      names.set(secret, name);
    }
    return name;
  };
}
/** Stands for a compressed body the export cannot check for secrets (raw export keeps it). */
export const UNREADABLE_BODY = `${REDACTED}: a body in a content-encoding the export cannot read, left out`;

/** Headers whose value is a credential. Authorization keeps its scheme, cookies their names. */
export const REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'] as const;

/**
 * Other headers a server may read a credential from, by a part of their name: X-Auth-Token,
 * Api-Key, X-Amz-Security-Token, X-Client-Secret. (WWW-Authenticate's "authenticate" is not
 * "auth"; Mcp-Session-Id is kept, as above.)
 */
const CREDENTIAL_HEADER_PART = /(?:^|[-_])(?:token|secret|auth|authorization|authentication|apikey|api[-_]key|key|password|passwd|credentials?)(?:$|[-_])/;

/** Parameters of application/x-www-form-urlencoded bodies (token, revocation, consent forms). */
export const REDACTED_FORM_PARAMS = [
  'code',
  'code_verifier',
  'client_secret',
  'client_assertion',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'password',
  'assertion',
  'subject_token',
  'actor_token',
  'device_code',
] as const;

/** Keys of JSON bodies and SSE event data, at any depth; only string values are replaced. */
export const REDACTED_JSON_KEYS = [
  'access_token',
  'refresh_token',
  'id_token',
  'registration_access_token',
  'client_secret',
  'code',
  'code_verifier',
  'password',
  'device_code',
  'token',
  'client_assertion',
  'subject_token',
  'actor_token',
  'accessToken',
  'refreshToken',
  'idToken',
  'clientSecret',
  'apiKey',
  'api_key',
] as const;

/** Query (and fragment) parameters of the request URL and of Location / Referer headers. */
export const REDACTED_URL_PARAMS = ['code', 'access_token', 'id_token', 'refresh_token', 'token', 'client_secret', 'api_key', 'apikey', 'key'] as const;

/** Headers that carry a URL whose query can hold an authorization code or a token. */
export const URL_HEADERS = ['location', 'content-location', 'referer', 'refresh'] as const;

export interface RedactionRule {
  where: 'header' | 'form-param' | 'json-key' | 'url-param';
  names: readonly string[];
  explain: string;
}

/** The whole policy, for the UI to show next to the export button. */
export const REDACTION_RULES: readonly RedactionRule[] = [
  {
    where: 'header',
    names: REDACTED_HEADERS,
    explain: 'Credential headers; Authorization keeps its scheme ("Bearer [redacted:1]"), cookies keep their names. Also any header named with token, secret, auth, key, password or credential (X-Auth-Token, Api-Key). Each distinct secret of an export gets its own pseudonym ([redacted:1], [redacted:2], …), so the same token still reads as the same token.',
  },
  { where: 'form-param', names: REDACTED_FORM_PARAMS, explain: 'Parameters of form-encoded bodies, also when sent under another content type or as bytes that are not UTF-8.' },
  { where: 'json-key', names: REDACTED_JSON_KEYS, explain: 'String values of these keys at any depth in JSON bodies and in SSE event data.' },
  { where: 'url-param', names: REDACTED_URL_PARAMS, explain: `Query and fragment parameters of request URLs and of the ${URL_HEADERS.join(' / ')} headers; "state" is kept.` },
];

const FORM_PARAMS = new Set<string>(REDACTED_FORM_PARAMS);
/** A whole body in application/x-www-form-urlencoded form: name=value pairs joined by &. */
const FORM_BODY = /^[^\s&=]+=[^\s&]*(?:&[^\s&=]+=[^\s&]*)*$/;
const JSON_KEYS = new Set<string>(REDACTED_JSON_KEYS);
const URL_PARAMS = new Set<string>(REDACTED_URL_PARAMS);

function decodeParamName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Replaces the values of `names` in an `a=1&b=2` string, leaving every other byte as it was. */
export function redactParams(params: string, names: ReadonlySet<string> = FORM_PARAMS, mask: Mask = PLACEHOLDER): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      // The value as it was meant (a form or query escapes it), so one token is one pseudonym wherever it travels.
      return names.has(decodeParamName(name)) ? `${name}=${mask(decodeParamName(pair.slice(eq + 1)))}` : pair;
    })
    .join('&');
}

/** Redacts secret parameters in the query and fragment of a URL (absolute or path-only). */
export function redactUrl(url: string, mask: Mask = PLACEHOLDER): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  const base = q < 0 ? beforeHash : beforeHash.slice(0, q);
  const query = q < 0 ? undefined : redactParams(beforeHash.slice(q + 1), URL_PARAMS, mask);
  // Implicit-flow style redirects put the token in the fragment.
  const redactedFragment = fragment === undefined ? undefined : redactParams(fragment, URL_PARAMS, mask);
  return `${base}${query === undefined ? '' : `?${query}`}${redactedFragment === undefined ? '' : `#${redactedFragment}`}`;
}

/** Index just past the string token that opens at `start` (a quote), or -1 when it never closes. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // backslash: skip the escaped character
    else if (c === 34) return i + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function jsonKeyName(token: string): string {
  try {
    return JSON.parse(token) as string;
  } catch {
    return token.slice(1, -1);
  }
}

/**
 * Replaces the string values of secret keys in JSON text. It scans string tokens in one pass
 * rather than parsing, so formatting is kept and truncated bodies and SSE streams are redacted
 * too. Outside strings JSON has no quotes, so every quote found here opens a string token.
 */
export function redactJsonText(text: string, mask: Mask = PLACEHOLDER): string {
  let out = '';
  let copied = 0;
  let i = text.indexOf('"');
  while (i >= 0) {
    const keyEnd = endOfString(text, i);
    if (keyEnd < 0) break;
    const colon = skipSpace(text, keyEnd);
    if (text[colon] !== ':') {
      i = text.indexOf('"', keyEnd);
      continue;
    }
    const valueStart = skipSpace(text, colon + 1);
    if (text[valueStart] !== '"') {
      i = text.indexOf('"', valueStart);
      continue;
    }
    const valueEnd = endOfString(text, valueStart);
    if (JSON_KEYS.has(jsonKeyName(text.slice(i, keyEnd)))) {
      // A value cut off by truncation is redacted to the end; a part of a secret is no name for it.
      out += `${text.slice(copied, valueStart)}"${valueEnd < 0 ? REDACTED : mask(jsonKeyName(text.slice(valueStart, valueEnd)))}"`;
      copied = valueEnd < 0 ? text.length : valueEnd;
    }
    if (valueEnd < 0) break;
    i = text.indexOf('"', valueEnd);
  }
  return redactQueryParams(redactEscapedJson(out + text.slice(copied), mask), mask);
}

/** `?access_token=…` in URLs inside JSON strings (a resources/read uri, a link in a tool result). */
const QUERY_SECRET = new RegExp(`([?&#](?:${REDACTED_URL_PARAMS.join('|')})=)([^&#"\\s\\\\]*)`, 'g');

function redactQueryParams(text: string, mask: Mask): string {
  return text.includes('=') ? text.replace(QUERY_SECRET, (_all, name: string, value: string) => `${name}${mask(decodeParamName(value))}`) : text;
}

/** `\"access_token\":\"…\"`: JSON inside a JSON string (a tool result's text, an error message). */
const ESCAPED_SECRET = new RegExp(`\\\\"(${[...new Set<string>(REDACTED_JSON_KEYS)].join('|')})\\\\"(\\s*):(\\s*)\\\\"((?:[^"\\\\]|\\\\(?!"))*)\\\\"`, 'g');

function redactEscapedJson(text: string, mask: Mask): string {
  return text.includes('\\"') ? text.replace(ESCAPED_SECRET, (_all, key: string, before: string, after: string, value: string) => `\\"${key}\\"${before}:${after}\\"${mask(value)}\\"`) : text;
}

function redactAuthorization(value: string, mask: Mask): string {
  const space = value.indexOf(' ');
  return space > 0 ? `${value.slice(0, space)} ${mask(value.slice(space + 1).trim())}` : mask(value);
}

/** `a=1; b=2` → `a=[redacted:1]; b=[redacted:2]`: the cookie names still say what was sent. */
function redactCookie(value: string, mask: Mask): string {
  return value
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=');
      // A part without `=` is a nameless cookie: all of it is the value.
      return eq < 0 ? part.replace(/\S.*/, (all) => mask(all)) : `${part.slice(0, eq)}=${mask(part.slice(eq + 1))}`;
    })
    .join(';');
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[redacted:1]; Path=/; HttpOnly`. */
function redactSetCookie(value: string, mask: Mask): string {
  const semi = value.indexOf(';');
  const pair = semi < 0 ? value : value.slice(0, semi);
  const eq = pair.indexOf('=');
  const redactedPair = eq < 0 ? mask(pair) : `${pair.slice(0, eq)}=${mask(pair.slice(eq + 1))}`;
  return semi < 0 ? redactedPair : redactedPair + value.slice(semi);
}

function redactHeaderValue(name: string, value: string, mask: Mask): string {
  switch (name) {
    case 'authorization':
    case 'proxy-authorization':
      return redactAuthorization(value, mask);
    case 'cookie':
      return redactCookie(value, mask);
    case 'set-cookie':
      return redactSetCookie(value, mask);
    case 'x-api-key':
      return mask(value);
    case 'location':
    case 'content-location':
    case 'referer':
    case 'refresh':
      return redactUrl(value, mask);
    default:
      if (!CREDENTIAL_HEADER_PART.test(name)) return value;
      return name.endsWith('authorization') ? redactAuthorization(value, mask) : mask(value); // X-Authorization keeps its scheme too
  }
}

/** A copy of the headers with credentials and URL secrets replaced; names keep their case. */
export function redactHeaders(headers: HttpHeaders, mask: Mask = PLACEHOLDER): HttpHeaders {
  const out: HttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined) out[name] = value;
    else out[name] = Array.isArray(value) ? value.map((v) => redactHeaderValue(lower, v, mask)) : redactHeaderValue(lower, value, mask);
  }
  return out;
}

function headerValue(headers: HttpHeaders, name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return (Array.isArray(value) ? value[0] : value) ?? '';
  }
  return '';
}

function redactText(text: string, contentType: string, mask: Mask): string {
  const type = contentType.toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return redactParams(text, FORM_PARAMS, mask);
  // A form under another content type (text/plain, none) is still a form: the whole body reads
  // as one. JSON never is, whatever `=` its strings hold (base64 padding, URLs with a query).
  const trimmed = text.trim();
  const json = type.includes('json') || type.includes('event-stream') || trimmed.startsWith('{') || trimmed.startsWith('[');
  return !json && FORM_BODY.test(trimmed) ? redactParams(text, FORM_PARAMS, mask) : redactJsonText(text, mask);
}

/**
 * A body that is not UTF-8 is recorded as raw bytes (base64). When it decompresses to text
 * holding a secret, the export carries the redacted decoded text instead, as HAR content.text
 * does; uncompressed bytes are redacted in place.
 */
function redactEncodedBody(body: BodyRecord, headers: HttpHeaders, mask: Mask): BodyRecord {
  const raw = Buffer.from(body.data, 'base64');
  const contentType = headerValue(headers, 'content-type');
  const encoding = headerValue(headers, 'content-encoding');
  const decoded = encoding ? decodeContentSync(raw, encoding) : undefined;
  // Compressed bytes we cannot read (zstd, past the decoding limit) could hold anything.
  if (encoding && encoding.toLowerCase() !== 'identity' && !decoded) return { ...body, encoding: 'utf8', data: UNREADABLE_BODY };
  const text = decoded && bodyRecord(decoded);
  if (text?.encoding === 'utf8') {
    const redacted = redactText(text.data, contentType, mask);
    return redacted === text.data ? body : { ...body, encoding: 'utf8', data: redacted };
  }
  // Not UTF-8 (a form with a Latin-1 name): the names and secrets are ASCII, so the bytes are
  // read one char each and every byte but the redacted values comes back as it was.
  const bytes = raw.toString('latin1');
  const redacted = redactText(bytes, contentType, mask);
  return redacted === bytes ? body : { ...body, data: Buffer.from(redacted, 'latin1').toString('base64') };
}

export function redactBody(body: BodyRecord | undefined, headers: HttpHeaders, mask: Mask = PLACEHOLDER): BodyRecord | undefined {
  if (!body) return body;
  if (body.encoding === 'base64') return redactEncodedBody(body, headers, mask);
  return { ...body, data: redactText(body.data, headerValue(headers, 'content-type'), mask) };
}

function redactResponse(response: ResponseRecord, mask: Mask): ResponseRecord {
  const redacted: ResponseRecord = { ...response, headers: redactHeaders(response.headers, mask) };
  if (response.body) redacted.body = redactBody(response.body, response.headers, mask);
  return redacted;
}

/** A redacted deep copy: the recorded exchange itself is never touched. */
export function redactExchange(exchange: Exchange, mask: Mask = PLACEHOLDER): Exchange {
  const copy = structuredClone(exchange);
  const { request } = copy;
  copy.request = { ...request, url: redactUrl(request.url, mask), headers: redactHeaders(request.headers, mask) };
  if (request.body) copy.request.body = redactBody(request.body, request.headers, mask);
  if (copy.response) copy.response = redactResponse(copy.response, mask);
  if (copy.upstreamResponse) copy.upstreamResponse = redactResponse(copy.upstreamResponse, mask);
  copy.sseEvents = copy.sseEvents.map((event) => (event.data === undefined ? event : { ...event, data: redactJsonText(event.data, mask) }));
  // A resources/read URI names its query in the label too.
  const rpc = copy.classification.jsonRpc;
  if (rpc?.target) {
    const target = redactUrl(rpc.target, mask);
    copy.classification.label = copy.classification.label.split(rpc.target).join(target);
    rpc.target = target;
  }
  return copy;
}

/** Redacts the exchanges of one export: each distinct secret becomes one pseudonym across all of them. */
export function createRedactor(): (exchange: Exchange) => Exchange {
  const mask = pseudonyms();
  return (exchange) => redactExchange(exchange, mask);
}
