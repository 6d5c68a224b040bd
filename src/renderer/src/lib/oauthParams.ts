import type { Exchange, HttpHeaders } from '../../../shared/exchange';
import { bodyText, header } from './format';
import { decodeJwt, type DecodedJwt } from './jwt';

// The OAuth parameters of an exchange as a reader wants them: decoded, each with one line on
// what it is for and the public spec section that defines it. Covers the authorization request
// (query, or form body when POSTed), the token and registration requests, their JSON answers,
// and any redirect (the Location's query and fragment).

export interface SpecLink {
  label: string;
  url: string;
}

export interface ParamDoc {
  what: string;
  spec: SpecLink;
}

const OAUTH21 = (section: string, title: string): SpecLink => ({
  label: `OAuth 2.1 section ${section} ${title}`,
  url: `https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13#section-${section}`,
});
const RFC = (n: number, section: string, title: string): SpecLink => ({ label: `RFC ${n} section ${section} ${title}`, url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}` });
const MCP = (anchor: string, title: string): SpecLink => ({ label: `MCP authorization: ${title}`, url: `https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#${anchor}` });
const OIDC = (anchor: string, title: string): SpecLink => ({ label: `OpenID Connect Core: ${title}`, url: `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}` });

const AUTH_REQUEST = OAUTH21('4.1.1', 'authorization request');
const AUTH_RESPONSE = OAUTH21('4.1.2', 'authorization response');
const AUTH_ERROR = OAUTH21('4.1.2.1', 'authorization error response');
const TOKEN_REQUEST = OAUTH21('4.1.3', 'token request (authorization code)');
const TOKEN_RESPONSE = OAUTH21('3.2.3', 'token response');
const TOKEN_ERROR = OAUTH21('3.2.4', 'token error response');
const CLIENT_METADATA = RFC(7591, '2', 'client metadata');
const REGISTRATION_RESPONSE = RFC(7591, '3.2.1', 'client information response');

/** Parameters of the authorization request and the redirect back. */
const AUTHORIZE_DOCS: Record<string, ParamDoc> = {
  response_type: { what: 'Which grant the client asks for: "code" (the only one OAuth 2.1 keeps).', spec: AUTH_REQUEST },
  client_id: { what: 'Who the client is: the id from registration, or (MCP 2025-11-25) a URL of a Client ID Metadata Document.', spec: OAUTH21('2.2', 'client identifier') },
  redirect_uri: { what: 'Where the browser returns with the code; must match a registered redirect URI exactly.', spec: OAUTH21('2.3', 'client redirection endpoint') },
  scope: { what: 'The access asked for, space-separated scope values.', spec: RFC(6749, '3.3', 'access token scope') },
  state: { what: 'Opaque value the client gets back unchanged in the redirect; ties the answer to its request (CSRF protection).', spec: AUTH_REQUEST },
  code_challenge: { what: 'PKCE: a hash (S256) of the secret code_verifier the client will show at the token endpoint.', spec: RFC(7636, '4.2', 'client creates the code challenge') },
  code_challenge_method: { what: 'PKCE: how code_challenge was made; MCP clients must use S256 ("plain" is not allowed).', spec: RFC(7636, '4.3', 'client sends the code challenge') },
  resource: { what: 'RFC 8707 resource indicator: the MCP server the token is for (its canonical URL); becomes the token’s audience.', spec: RFC(8707, '2', 'resource parameter') },
  nonce: { what: 'OpenID Connect: a value the ID token must repeat (replay protection).', spec: OIDC('AuthRequest', 'authentication request') },
  prompt: { what: 'OpenID Connect: whether to show login/consent again (none, login, consent, select_account).', spec: OIDC('AuthRequest', 'authentication request') },
  response_mode: { what: 'How the answer comes back: query (default for code), fragment or form_post.', spec: { label: 'OAuth 2.0 Multiple Response Type Encoding Practices', url: 'https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseModes' } },
  login_hint: { what: 'OpenID Connect: who the user probably is (pre-fills the login).', spec: OIDC('AuthRequest', 'authentication request') },
  code: { what: 'The authorization code: single use, short-lived; the client trades it (with its code_verifier) for tokens.', spec: AUTH_RESPONSE },
  iss: { what: 'RFC 9207: the issuer that answered; the client checks it against the metadata it used (mix-up defence).', spec: RFC(9207, '2', 'response parameter iss') },
  error: { what: 'Why the authorization failed (access_denied, invalid_request, invalid_scope, …).', spec: AUTH_ERROR },
  error_description: { what: 'A human-readable sentence about the error, for the developer.', spec: AUTH_ERROR },
  error_uri: { what: 'A page that explains the error.', spec: AUTH_ERROR },
  transaction: { what: 'The reference server’s consent-page transaction (not an OAuth parameter): names the pending authorization request.', spec: AUTH_REQUEST },
  decision: { what: 'The reference server’s consent form answer (approve or deny); not an OAuth parameter.', spec: AUTH_RESPONSE },
};

/** Parameters of the token request (form body). */
const TOKEN_DOCS: Record<string, ParamDoc> = {
  grant_type: { what: 'Which grant is traded: authorization_code (a code from the redirect), refresh_token, or client_credentials.', spec: OAUTH21('3.2.2', 'token request') },
  code: { what: 'The authorization code from the redirect; single use.', spec: TOKEN_REQUEST },
  code_verifier: { what: 'PKCE: the secret whose S256 hash was sent as code_challenge; proves this client started the flow.', spec: RFC(7636, '4.5', 'client sends the code verifier') },
  redirect_uri: { what: 'The redirect URI of the authorization request (OAuth 2.1 only needs it when one was sent there).', spec: TOKEN_REQUEST },
  client_id: { what: 'The client, for a public client without a secret (token_endpoint_auth_method "none").', spec: TOKEN_REQUEST },
  client_secret: { what: 'The client’s secret (client_secret_post); a public client has none.', spec: OAUTH21('2.4.1', 'client secret') },
  refresh_token: { what: 'The refresh token traded for a new access token (refresh_token grant).', spec: OAUTH21('4.3.1', 'refresh token grant') },
  resource: { what: 'RFC 8707 resource indicator: the MCP server the token is for; MCP clients send it here too.', spec: MCP('resource-parameter-implementation', 'resource parameter') },
  scope: { what: 'Scopes asked for (on refresh: at most the ones first granted).', spec: OAUTH21('4.3.1', 'refresh token grant') },
  client_assertion: { what: 'A signed JWT that authenticates the client (private_key_jwt).', spec: RFC(7523, '2.2', 'client authentication with JWTs') },
  client_assertion_type: { what: 'The kind of client_assertion (urn:ietf:params:oauth:client-assertion-type:jwt-bearer).', spec: RFC(7523, '2.2', 'client authentication with JWTs') },
};

/** Fields of a token response (JSON). */
const TOKEN_RESPONSE_DOCS: Record<string, ParamDoc> = {
  access_token: { what: 'The bearer token the client sends to the MCP server (Authorization: Bearer …).', spec: TOKEN_RESPONSE },
  token_type: { what: 'How to use the token: "Bearer" (case-insensitive).', spec: TOKEN_RESPONSE },
  expires_in: { what: 'Seconds until the access token expires (recommended; without it clients guess).', spec: TOKEN_RESPONSE },
  refresh_token: { what: 'A token to get new access tokens without the browser.', spec: TOKEN_RESPONSE },
  scope: { what: 'The scopes granted (required when they differ from the ones asked for).', spec: TOKEN_RESPONSE },
  id_token: { what: 'OpenID Connect: who the user is, as a signed JWT.', spec: OIDC('TokenResponse', 'token response') },
  error: { what: 'Why the token request failed (invalid_grant, invalid_client, invalid_request, …).', spec: TOKEN_ERROR },
  error_description: { what: 'A human-readable sentence about the error.', spec: TOKEN_ERROR },
  error_uri: { what: 'A page that explains the error.', spec: TOKEN_ERROR },
};

/** Client metadata of a registration request and response (JSON). */
const REGISTRATION_DOCS: Record<string, ParamDoc> = {
  redirect_uris: { what: 'Every redirect URI the client will use; the authorization request must name one exactly.', spec: CLIENT_METADATA },
  token_endpoint_auth_method: { what: 'How the client authenticates at the token endpoint: "none" for a public client with PKCE, client_secret_post, client_secret_basic.', spec: CLIENT_METADATA },
  grant_types: { what: 'Grants the client will use (authorization_code, refresh_token).', spec: CLIENT_METADATA },
  response_types: { what: 'Response types the client will use at the authorization endpoint ("code").', spec: CLIENT_METADATA },
  client_name: { what: 'The name the consent page shows the user.', spec: CLIENT_METADATA },
  client_uri: { what: 'The client’s home page.', spec: CLIENT_METADATA },
  logo_uri: { what: 'A logo for the consent page.', spec: CLIENT_METADATA },
  scope: { what: 'Scopes the client may ask for.', spec: CLIENT_METADATA },
  contacts: { what: 'People responsible for the client.', spec: CLIENT_METADATA },
  tos_uri: { what: 'The client’s terms of service.', spec: CLIENT_METADATA },
  policy_uri: { what: 'The client’s privacy policy.', spec: CLIENT_METADATA },
  jwks_uri: { what: 'Where the client publishes its public keys.', spec: CLIENT_METADATA },
  jwks: { what: 'The client’s public keys, inline.', spec: CLIENT_METADATA },
  software_id: { what: 'Identifies the client software (the same for every installation).', spec: CLIENT_METADATA },
  software_version: { what: 'The client software’s version.', spec: CLIENT_METADATA },
  client_id: { what: 'The identifier the server issued; the client sends it on every authorization and token request.', spec: REGISTRATION_RESPONSE },
  client_secret: { what: 'A secret for a confidential client (absent for token_endpoint_auth_method "none").', spec: REGISTRATION_RESPONSE },
  client_id_issued_at: { what: 'When the client_id was issued (seconds since the epoch).', spec: REGISTRATION_RESPONSE },
  client_secret_expires_at: { what: 'When the secret expires (0: never); required with a secret.', spec: REGISTRATION_RESPONSE },
  registration_access_token: { what: 'A token to read or update this registration later (RFC 7592).', spec: RFC(7592, '3', 'client configuration response') },
  registration_client_uri: { what: 'Where to read or update this registration (RFC 7592).', spec: RFC(7592, '3', 'client configuration response') },
  error: { what: 'Why the registration was refused (invalid_redirect_uri, invalid_client_metadata, …).', spec: RFC(7591, '3.2.2', 'client registration error response') },
  error_description: { what: 'A human-readable sentence about the error.', spec: RFC(7591, '3.2.2', 'client registration error response') },
};

export type ParamSource = 'query' | 'form' | 'json' | 'redirect-query' | 'redirect-fragment';

export interface DecodedState {
  kind: 'json' | 'jwt';
  value: unknown;
  jwt?: DecodedJwt;
}

export interface ResourceCheck {
  verdict: 'match' | 'parent' | 'trailing-slash' | 'mismatch';
  /** The MCP endpoint it was compared with (the closest one). */
  endpoint: string;
  sentence: string;
}

export interface ParamRow {
  name: string;
  /** Decoded (percent-decoding, `+` as space); JSON values as compact JSON. */
  value: string;
  /** The value when it is not a string (registration metadata): shown as JSON. */
  json?: unknown;
  doc?: ParamDoc;
  state?: DecodedState;
  resource?: ResourceCheck;
  /** A short remark on this value (plain PKCE, a metadata-document client id, …). */
  note?: string;
  /** A redirect's state compared with the state the same exchange's request sent. */
  stateEcho?: { same: boolean; sentence: string };
}

export interface ParamSection {
  id: string;
  title: string;
  source: ParamSource;
  rows: ParamRow[];
}

function base64UrlDecode(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text) || text.length < 4) return undefined;
  try {
    const base64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** A `state` that carries data: base64url (or plain) JSON, or a JWT. Random states decode to nothing. */
export function decodeState(value: string): DecodedState | undefined {
  const jwt = decodeJwt(value);
  if (jwt) return { kind: 'jwt', value: jwt.claims ?? jwt.header, jwt };
  for (const text of [base64UrlDecode(value), value]) {
    if (!text || !/^\s*[{[]/.test(text)) continue;
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      // not JSON
    }
  }
  return undefined;
}

function normalise(url: string): string | undefined {
  try {
    const u = new URL(url);
    u.hash = '';
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether a `resource` names one of the MCP endpoints (as RFC 8707 and the MCP spec want: exactly). */
export function checkResource(resource: string, endpoints: string[]): ResourceCheck | undefined {
  const wanted = normalise(resource);
  const known = [...new Set(endpoints.map(normalise).filter((e): e is string => !!e))];
  if (!wanted || known.length === 0) return undefined;
  const exact = known.find((e) => e === wanted);
  if (exact) return { verdict: 'match', endpoint: exact, sentence: `Matches the MCP endpoint ${exact}: the token will be for this server.` };
  const slash = known.find((e) => e.replace(/\/$/, '') === wanted.replace(/\/$/, ''));
  if (slash) return { verdict: 'trailing-slash', endpoint: slash, sentence: `Differs from the MCP endpoint ${slash} only by a trailing slash: servers that compare the audience exactly reject the token.` };
  const parent = known.find((e) => e.startsWith(wanted.endsWith('/') ? wanted : `${wanted}/`));
  if (parent) return { verdict: 'parent', endpoint: parent, sentence: `Names a parent of the MCP endpoint ${parent}: the token is valid for everything under it; a server expecting its own URL as audience rejects it.` };
  return { verdict: 'mismatch', endpoint: known[0]!, sentence: `Does not match the MCP endpoint ${known.join(' or ')}: the token’s audience is another resource, so this server should reject it.` };
}

function rowsOf(params: Iterable<[string, string]>, docs: Record<string, ParamDoc>, endpoints: string[]): ParamRow[] {
  const rows: ParamRow[] = [];
  for (const [name, value] of params) {
    const row: ParamRow = { name, value, doc: docs[name] };
    if (name === 'state' && value) row.state = decodeState(value);
    if (name === 'resource' && value) row.resource = checkResource(value, endpoints);
    if (name === 'code_challenge_method' && value !== 'S256') row.note = `${value === 'plain' ? '"plain"' : `"${value}"`} is not S256: MCP requires S256, and a server may refuse it.`;
    if (name === 'client_id' && /^https?:\/\//i.test(value)) row.note = 'A URL: a Client ID Metadata Document the server fetches to learn the client (MCP 2025-11-25).';
    if (name === 'response_type' && value !== 'code') row.note = 'OAuth 2.1 only keeps "code".';
    rows.push(row);
  }
  return rows;
}

function jsonRows(value: unknown, docs: Record<string, ParamDoc>, endpoints: string[]): ParamRow[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).map(([name, v]) => {
    if (typeof v === 'string') return rowsOf([[name, v]], docs, endpoints)[0]!;
    return { name, value: JSON.stringify(v), json: v, doc: docs[name] };
  });
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string {
  return url.split('?')[0]!.split('#')[0]!;
}

/** The query of a request URL (path and query as sent). */
function queryOf(url: string): URLSearchParams | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  return new URLSearchParams(url.slice(at + 1).split('#')[0]);
}

const isForm = (headers: HttpHeaders) => (header(headers, 'content-type') ?? '').includes('application/x-www-form-urlencoded');

/** Which docs apply to an exchange's parameters. */
function docsFor(exchange: Exchange): Record<string, ParamDoc> | undefined {
  const { phase } = exchange.classification;
  if (phase === 'authorization') return AUTHORIZE_DOCS;
  if (phase === 'token') return TOKEN_DOCS;
  if (phase === 'registration') return REGISTRATION_DOCS;
  return undefined;
}

/** Parameters of the request: the authorize query or form, the token form, the registration JSON. */
export function requestParams(exchange: Exchange, endpoints: string[] = []): ParamSection[] {
  const docs = docsFor(exchange);
  if (!docs) return [];
  const { request } = exchange;
  const sections: ParamSection[] = [];
  const query = queryOf(request.url);
  if (query && [...query.keys()].length) sections.push({ id: 'query', title: `Query of ${pathOf(request.url)}`, source: 'query', rows: rowsOf(query, docs, endpoints) });
  const text = bodyText(request.body);
  if (text && isForm(request.headers)) sections.push({ id: 'form', title: 'Form body', source: 'form', rows: rowsOf(new URLSearchParams(text), docs, endpoints) });
  else if (text && exchange.classification.phase === 'registration') {
    const rows = jsonRows(parseJson(text), docs, endpoints);
    if (rows.length) sections.push({ id: 'json', title: 'Client metadata (JSON body)', source: 'json', rows });
  }
  const basic = /^Basic\s+(\S+)/i.exec(header(request.headers, 'authorization') ?? '')?.[1];
  if (basic && exchange.classification.phase === 'token') {
    const decoded = base64UrlDecode(basic.replace(/\+/g, '-').replace(/\//g, '_'));
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded && colon > 0) {
      sections.push({
        id: 'basic',
        title: 'Authorization: Basic (client_secret_basic)',
        source: 'form',
        rows: [
          { name: 'client_id', value: safeDecode(decoded.slice(0, colon)), doc: TOKEN_DOCS.client_id },
          { name: 'client_secret', value: safeDecode(decoded.slice(colon + 1)), doc: TOKEN_DOCS.client_secret },
        ],
      });
    }
  }
  return sections;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Fields of a token or registration answer (JSON), and the parameters of a redirect. */
export function responseParams(exchange: Exchange, endpoints: string[] = []): ParamSection[] {
  const sections: ParamSection[] = [];
  const response = exchange.response;
  if (!response) return sections;
  const location = header(response.headers, 'location');
  if (location && response.status >= 300 && response.status < 400) {
    const [beforeHash, fragment] = [location.split('#')[0]!, location.includes('#') ? location.slice(location.indexOf('#') + 1) : ''];
    const query = queryOf(beforeHash);
    const target = pathOf(location);
    const sentState = queryOf(exchange.request.url)?.get('state') ?? undefined;
    const echo = (rows: ParamRow[]) => {
      const row = rows.find((r) => r.name === 'state');
      if (row && sentState !== undefined) {
        row.stateEcho =
          row.value === sentState
            ? { same: true, sentence: 'The same state this request sent: the client can tie the answer to its request.' }
            : { same: false, sentence: 'Not the state this request sent: a client must reject this answer (CSRF defence).' };
      }
      return rows;
    };
    if (query && [...query.keys()].length) sections.push({ id: 'redirect-query', title: `Redirect to ${target}: query`, source: 'redirect-query', rows: echo(rowsOf(query, AUTHORIZE_DOCS, endpoints)) });
    const hashParams = new URLSearchParams(fragment);
    if (fragment && [...hashParams.keys()].length) sections.push({ id: 'redirect-fragment', title: `Redirect to ${target}: fragment`, source: 'redirect-fragment', rows: echo(rowsOf(hashParams, { ...AUTHORIZE_DOCS, ...TOKEN_RESPONSE_DOCS }, endpoints)) });
  }
  const { phase } = exchange.classification;
  if (phase === 'token' || phase === 'registration') {
    const rows = jsonRows(parseJson(bodyText(response.body)), phase === 'token' ? TOKEN_RESPONSE_DOCS : REGISTRATION_DOCS, endpoints);
    if (rows.length) sections.push({ id: 'json', title: phase === 'token' ? 'Token response' : 'Registered client', source: 'json', rows });
  }
  return sections;
}

/**
 * The URLs of the MCP endpoint this exchange's client talks to, as far as they can be told: the
 * inspector's own MCP URL (and its public twin), and the paths of the connection's JSON-RPC
 * exchanges on the origin this request came in on.
 */
export function mcpEndpoints(exchange: Exchange, known: { mcpUrl?: string; publicOrigin?: string; rpcPaths?: string[] }): string[] {
  const endpoints: string[] = [];
  let mcpPath = '/mcp';
  if (known.mcpUrl) {
    endpoints.push(known.mcpUrl);
    try {
      mcpPath = new URL(known.mcpUrl).pathname;
    } catch {
      // keep /mcp
    }
  }
  if (known.publicOrigin) endpoints.push(`${known.publicOrigin.replace(/\/$/, '')}${mcpPath}`);
  const host = header(exchange.request.headers, 'x-forwarded-host') ?? header(exchange.request.headers, 'host');
  const proto = header(exchange.request.headers, 'x-forwarded-proto')?.split(',')[0]?.trim() ?? 'http';
  if (host) for (const path of known.rpcPaths ?? []) endpoints.push(`${proto}://${host.split(',')[0]!.trim()}${path}`);
  return endpoints;
}
