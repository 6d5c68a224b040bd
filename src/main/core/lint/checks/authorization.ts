import type { Exchange } from '../../../../shared/exchange';
import { exchangeOutcome, isFailed } from '../../../../shared/outcome';
import { legacySessionId } from '../../recorder/correlate';
import { isAuthorizationRequest } from '../../recorder/classify';
import { before, lastBefore, type LintCheck } from '../rule';
import {
  bearerToken,
  clientUrl,
  contentType,
  isAuthServerMetadata,
  isInitialize,
  isObject,
  isProtectedResourceMetadata,
  jwtClaims,
  onMcpEndpoint,
  path,
  requestForm,
  requestHeader,
  requestJson,
  responseHeader,
  responseJson,
  seconds,
  status,
  succeeded,
  describeRequest,
} from '../wire';
import { clip } from '../../../../shared/text';
import { CLIENT_ASSERTION_TYPE } from '../../../../shared/profile';

// Authorization (basic/authorization; RFC 6749, 6750, 7591, 8414, 8707, 9728): the resource
// server's challenges and metadata, then the authorization server's metadata and answers.

// ---- the resource server

export const unauthorizedWithoutChallenge: LintCheck = (e) => {
  if (status(e) !== 401 || !onMcpEndpoint(e) || responseHeader(e, 'www-authenticate') !== undefined) return undefined;
  return { message: `${describeRequest(e)} was answered 401 without a WWW-Authenticate header, so the client can't tell how to authenticate.` };
};

export const challengeWithoutResourceMetadata: LintCheck = (e) => {
  const challenge = responseHeader(e, 'www-authenticate');
  if (status(e) !== 401 || !onMcpEndpoint(e) || !challenge || !/^\s*bearer\b/i.test(challenge)) return undefined;
  if (/resource_metadata\s*=/i.test(challenge)) return undefined;
  return { message: `${describeRequest(e)} was answered 401 with "WWW-Authenticate: ${challenge}", which names no resource_metadata.` };
};

/** A Protected Resource Metadata document the server served (200, JSON). */
export const servedPrm = (e: Exchange) => isProtectedResourceMetadata(e) && status(e) === 200 && isObject(responseJson(e));

/** An initialize accepted (2xx, no JSON-RPC error) without a token: what lazy-auth-initialize judges. */
export const unauthenticatedInitialize = (e: Exchange) => isInitialize(e) && succeeded(e) && requestHeader(e, 'authorization') === undefined;

export const lazyAuthInitialize: LintCheck = (e, context) => {
  if (!unauthenticatedInitialize(e)) return undefined;
  const prm = context.connection.find(servedPrm);
  if (!prm) return undefined;
  return {
    message: `initialize without a token was answered 200, yet the server publishes Protected Resource Metadata at ${path(prm)}: Claude.ai takes the 200 as "no auth" and never starts OAuth.`,
    related: [prm.id],
  };
};

/** A successful token response: the access token and how long it lives. */
function issuedToken(e: Exchange): { accessToken: string; expiresIn?: number } | undefined {
  if (e.classification.phase !== 'token' || status(e) !== 200) return undefined;
  const json = responseJson(e);
  if (!isObject(json) || typeof json.access_token !== 'string') return undefined;
  return { accessToken: json.access_token, expiresIn: typeof json.expires_in === 'number' ? json.expires_in : undefined };
}

/** The latest successful token response of the connection before `e`, when its token can still be valid. */
function freshIssuance(e: Exchange, context: Parameters<LintCheck>[1]): { issuance: Exchange; sameToken: boolean; age: number } | undefined {
  const issuance = before(e, context, context.handshake).filter((x) => issuedToken(x)).at(-1);
  const issued = issuance && issuedToken(issuance);
  if (!issuance || !issued) return undefined;
  const age = e.startedAt - issuance.startedAt;
  if (issued.expiresIn !== undefined && age > issued.expiresIn * 1000) return undefined; // expired: the 401 is right
  return { issuance, sameToken: issued.accessToken === bearerToken(e), age };
}

function rejectedFreshToken(e: Exchange, context: Parameters<LintCheck>[1], where: string) {
  const fresh = freshIssuance(e, context);
  if (!fresh) return undefined;
  const challenge = responseHeader(e, 'www-authenticate');
  return {
    message: `${describeRequest(e)} with ${fresh.sameToken ? 'the token' : 'a token'} the token endpoint issued ${seconds(fresh.age)} earlier was answered 401${challenge ? ` (${challenge})` : ''}: the server rejects its own fresh token ${where}.`,
    related: [fresh.issuance.id],
  };
}

export const tokenValidatedOnInitialize: LintCheck = (e, context) => {
  if (!isInitialize(e) || status(e) !== 401 || !bearerToken(e)) return undefined;
  return rejectedFreshToken(e, context, 'on initialize');
};

export const tokenRejectedAfterIssue: LintCheck = (e, context) => {
  if (isInitialize(e) || !onMcpEndpoint(e) || status(e) !== 401 || !bearerToken(e)) return undefined;
  return rejectedFreshToken(e, context, 'after initialize');
};

const isMetadataDocument = (e: Exchange) => isProtectedResourceMetadata(e) || isAuthServerMetadata(e);

export const wellKnownBehindAuth: LintCheck = (e) => {
  const s = status(e);
  if (!isMetadataDocument(e) || (s !== 401 && s !== 403)) return undefined;
  return { message: `${e.classification.label} (${path(e)}) was answered ${s}: metadata must be readable without a token.` };
};

export const discoveryNotJson: LintCheck = (e) => {
  const s = status(e);
  if (!isMetadataDocument(e) && e.classification.phase !== 'registration') return undefined;
  // Only answers the client got (a 404 probe, a challenge, an error or a body cut short is another story).
  if (s === undefined || exchangeOutcome(e).outcome !== 'ok') return undefined;
  if (s >= 300 && s < 400) return { message: `${e.classification.label} (${path(e)}) was answered with a ${s} redirect${responseHeader(e, 'location') ? ` to ${responseHeader(e, 'location')}` : ''} instead of JSON.` };
  const type = contentType(e.response?.headers);
  // HEAD gets the headers GET would get and no body (RFC 9110 §9.3.2): only a Content-Type
  // that is not JSON says the document is not JSON.
  if (e.request.method === 'HEAD') {
    if (!type || type.includes('json')) return undefined;
    return { message: `${e.classification.label} (HEAD ${path(e)}) was answered ${s} with ${type}: a GET would get that instead of JSON.` };
  }
  if (isObject(responseJson(e)) && type.includes('json')) return undefined;
  return { message: `${e.classification.label} (${path(e)}) was answered ${s} with ${type || 'no Content-Type'}${isObject(responseJson(e)) ? '' : ' and a body that is not a JSON object'}.` };
};

/**
 * Where the client reached the MCP server in this connection: the Streamable HTTP endpoint, or
 * the legacy transport's SSE URL. The legacy transport's POST endpoint (the URL its `endpoint`
 * event names, with the session in the query) belongs to the resource of the SSE URL, not one
 * of its own: the client was configured with, and asks metadata for, the SSE URL.
 */
function mcpUrlsUsed(context: { connection: readonly Exchange[] }): Array<{ url: string; exchange: Exchange }> {
  return context.connection
    .filter((x) => (onMcpEndpoint(x) && !isLegacyMessagePost(x)) || x.classification.stream === 'legacy-sse')
    .map((exchange) => ({ url: clientUrl(exchange)!, exchange }))
    .filter((used) => used.url);
}

/** A POST to the legacy HTTP+SSE transport's message endpoint (`/messages?sessionId=…`). */
const isLegacyMessagePost = (e: Exchange) => e.request.method === 'POST' && legacySessionId(e.request.url) !== undefined;

/** The resource a PRM document names for the URL it was fetched from. */
function prmResource(e: Exchange): unknown {
  const json = responseJson(e);
  return isObject(json) ? json.resource : undefined;
}

function describeMismatch(resource: string, expected: string): string {
  let r: URL;
  let x: URL;
  try {
    r = new URL(resource);
    x = new URL(expected);
  } catch {
    return 'it is not an absolute URL';
  }
  if (r.origin !== x.origin) return `the origin differs (${r.origin} vs ${x.origin})`;
  const rp = r.pathname.replace(/\/+$/, '');
  const xp = x.pathname.replace(/\/+$/, '');
  if (rp === xp) return 'they differ only in a trailing slash';
  if (xp.startsWith(`${rp}/`) || rp === '') return 'it is a prefix of the URL, which VS Code and Claude.ai reject (the TypeScript SDK accepts it)';
  return 'the path differs';
}

export const prmResourceMismatch: LintCheck = (e, context) => {
  if (!servedPrm(e)) return undefined;
  const resource = prmResource(e);
  const urls = mcpUrlsUsed(context);
  // A client that moved to another transport (Streamable HTTP, then legacy SSE) used both URLs.
  if (typeof resource === 'string' && urls.some((u) => u.url === resource)) return undefined;
  const used = urls[0];
  // Without an MCP request, the path-suffixed URL still says which resource it describes.
  const suffix = e.classification.discovery === 'protected-resource-suffixed' ? path(e).replace(/^\/\.well-known\/oauth-protected-resource/, '') : undefined;
  const origin = clientUrl(e) ? new URL(clientUrl(e)!).origin : undefined;
  const expected = used?.url ?? (suffix && origin ? `${origin}${suffix}` : undefined);
  if (typeof resource !== 'string') return { message: `The Protected Resource Metadata at ${path(e)} has no "resource" string.` };
  if (!expected || resource === expected) return undefined;
  return {
    message: `The Protected Resource Metadata names resource "${resource}" but the client ${used ? 'uses' : 'asked for the metadata of'} "${expected}": ${describeMismatch(resource, expected)}.`,
    related: used ? [used.exchange.id] : undefined,
  };
};

export const prmWithoutAuthorizationServers: LintCheck = (e) => {
  if (!servedPrm(e)) return undefined;
  const servers = (responseJson(e) as Record<string, unknown>).authorization_servers;
  if (Array.isArray(servers) && servers.some((s) => typeof s === 'string' && s)) return undefined;
  return { message: `The Protected Resource Metadata at ${path(e)} has ${servers === undefined ? 'no' : 'an empty or invalid'} "authorization_servers".` };
};

// ---- the authorization server

/** An authorization server metadata document the server served (200, JSON). */
function asMetadata(e: Exchange): Record<string, unknown> | undefined {
  if (!isAuthServerMetadata(e) || status(e) !== 200) return undefined;
  const json = responseJson(e);
  return isObject(json) ? json : undefined;
}

export const asMetadataWithoutS256: LintCheck = (e) => {
  const metadata = asMetadata(e);
  if (!metadata) return undefined;
  const methods = metadata.code_challenge_methods_supported;
  if (Array.isArray(methods) && methods.includes('S256')) return undefined;
  const seen = methods === undefined ? 'no code_challenge_methods_supported' : `code_challenge_methods_supported ${JSON.stringify(methods)}`;
  return { message: `${e.classification.label} (${path(e)}) has ${seen}; 2025-11-25 clients refuse to go on without S256.` };
};

export const asMetadataWithoutRegistration: LintCheck = (e) => {
  const metadata = asMetadata(e);
  if (!metadata || typeof metadata.registration_endpoint === 'string' || metadata.client_id_metadata_document_supported === true) return undefined;
  return { message: `${e.classification.label} (${path(e)}) has neither registration_endpoint nor client_id_metadata_document_supported: a client without a pre-registered id can't register.` };
};

export const cimdWithoutNone: LintCheck = (e) => {
  const metadata = asMetadata(e);
  if (!metadata || metadata.client_id_metadata_document_supported !== true) return undefined;
  const methods = metadata.token_endpoint_auth_methods_supported;
  if (Array.isArray(methods) && methods.includes('none')) return undefined;
  // RFC 8414 section 2: without the field, the token endpoint takes client_secret_basic only.
  const listed = Array.isArray(methods) ? `token_endpoint_auth_methods_supported ${JSON.stringify(methods)}` : 'no token_endpoint_auth_methods_supported (client_secret_basic by default)';
  const then = typeof metadata.registration_endpoint === 'string'
    ? 'Claude.ai will silently fall back to DCR and register a new client on every connection'
    : 'Claude.ai will not use the metadata document, and with no registration_endpoint it cannot register at all';
  return { message: `${e.classification.label} (${path(e)}) sets client_id_metadata_document_supported but has ${listed}, without "none": ${then} (claude.com connector auth docs; brendanlong/lion-reader#1519).` };
};

const isOAuthEndpoint = (e: Exchange) => e.classification.phase === 'registration' || e.classification.phase === 'token';

/** The `error` and `error_description` of an RFC 6749 error body, when the body is one. */
function oauthError(e: Exchange): { error: string; description?: string } | undefined {
  const json = responseJson(e);
  if (!isObject(json) || typeof json.error !== 'string') return undefined;
  return { error: json.error, description: typeof json.error_description === 'string' ? json.error_description : undefined };
}

export const oauthErrorNotRfc6749: LintCheck = (e) => {
  const s = status(e);
  if (!isOAuthEndpoint(e) || s === undefined || s < 400 || oauthError(e)) return undefined;
  const body = clip(e.response?.body?.data ?? '', 120);
  return { message: `${e.classification.label} was answered ${s} with ${contentType(e.response?.headers) || 'no Content-Type'} ${body ? `"${body}"` : '(empty body)'}, not {"error": "…"}.` };
};

/** Redirect URIs real clients register (docs/client-profiles.md), and loopback URIs on any port. */
const REAL_CLIENT_REDIRECTS: Array<[RegExp, string]> = [
  [/^https:\/\/claude\.(ai|com)\/api\/mcp\/auth_callback$/, 'Claude.ai'],
  [/^https:\/\/chatgpt\.com\/connector/, 'ChatGPT'],
  [/^https:\/\/(insiders\.)?vscode\.dev\/redirect$/, 'VS Code'],
  [/^(cursor:\/\/|https:\/\/www\.cursor\.com\/agents\/mcp\/oauth\/callback)/, 'Cursor'],
  [/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/, 'a loopback client (Claude Code, VS Code, mcp-remote, MCP Inspector)'],
];

export const registrationRejectsRedirectUri: LintCheck = (e) => {
  const s = status(e);
  if (e.classification.phase !== 'registration' || s === undefined || !isFailed(exchangeOutcome(e).outcome)) return undefined;
  const error = oauthError(e);
  const aboutRedirects = error && (error.error === 'invalid_redirect_uri' || /redirect/i.test(error.description ?? ''));
  if (!aboutRedirects) return undefined;
  const body = requestJson(e);
  const uris = isObject(body) && Array.isArray(body.redirect_uris) ? body.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
  const real = uris.map((uri) => [uri, REAL_CLIENT_REDIRECTS.find(([pattern]) => pattern.test(uri))?.[1]] as const).filter(([, who]) => who);
  if (real.length === 0) return undefined;
  return { message: `Registration was refused (${s} ${error!.error}) for ${real.map(([uri, who]) => `${uri} (${who})`).join(', ')}.` };
};

export const invalidClient400: LintCheck = (e) => {
  if (e.classification.phase !== 'token' || status(e) !== 400 || oauthError(e)?.error !== 'invalid_client') return undefined;
  return { message: `The token endpoint answered invalid_client with 400; Claude.ai registers again only on 401.` };
};

export const clientAssertionRefused: LintCheck = (e, context) => {
  const refused = oauthError(e);
  if (e.classification.phase !== 'token' || refused?.error !== 'invalid_client') return undefined;
  if (requestForm(e).get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) return undefined;
  // A server that supports the method may refuse one bad assertion; only a server whose
  // metadata doesn't offer private_key_jwt refuses the method itself.
  const host = hostOf(e);
  const metadata = lastBefore(e, context.everyHandshake, (x) => hostOf(x) === host && isAuthServerMetadata(x) && status(x) === 200 && isObject(responseJson(x)));
  const methods = metadata && (responseJson(metadata) as Record<string, unknown>).token_endpoint_auth_methods_supported;
  if (!metadata || (Array.isArray(methods) && methods.includes('private_key_jwt'))) return undefined;
  const said = refused.description;
  return {
    message: `The token request authenticated with a client assertion (private_key_jwt) and the server answered ${status(e)} invalid_client${said ? ` ("${clip(said, 160)}")` : ''}; ${path(metadata)} does not offer private_key_jwt${Array.isArray(methods) ? ` (token_endpoint_auth_methods_supported: ${methods.join(', ')})` : ''}.`,
    related: [metadata.id],
  };
};

/** A successful token response's JSON body. */
export function tokenResponse(e: Exchange): Record<string, unknown> | undefined {
  if (e.classification.phase !== 'token' || status(e) !== 200) return undefined;
  const json = responseJson(e);
  return isObject(json) && 'access_token' in json ? json : undefined;
}

export const tokenResponseWithoutTokenType: LintCheck = (e) => {
  const json = tokenResponse(e);
  if (!json || typeof json.token_type === 'string') return undefined;
  return { message: `The token response (${e.classification.label}) has no token_type.` };
};

export const tokenResponseWithoutExpiresIn: LintCheck = (e) => {
  const json = tokenResponse(e);
  if (!json || typeof json.expires_in === 'number') return undefined;
  return { message: `The token response (${e.classification.label}) has no expires_in${json.expires_in !== undefined ? ` number (got ${JSON.stringify(json.expires_in)})` : ''}.` };
};

export const tokenAudienceMismatch: LintCheck = (e, context) => {
  const json = tokenResponse(e);
  if (!json || typeof json.access_token !== 'string') return undefined;
  const claims = jwtClaims(json.access_token);
  if (!claims || claims.aud === undefined) return undefined; // opaque or encrypted: nothing to read
  // What the token should be for: the resource the client asked for, else the PRM's resource.
  const asked = requestForm(e).get('resource');
  const prm = context.connection.filter((x) => servedPrm(x)).map((x) => ({ x, resource: prmResource(x) })).find((p) => typeof p.resource === 'string');
  const expected = asked ?? (prm?.resource as string | undefined);
  if (!expected) return undefined;
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(String);
  if (audiences.includes(expected)) return undefined;
  return {
    message: `The access token's aud is ${audiences.map((a) => `"${a}"`).join(', ')} but it was asked for ${asked ? `resource "${expected}"` : `the PRM resource "${expected}"`}.`,
    related: !asked && prm ? [prm.x.id] : undefined,
  };
};

/** A metadata document's `scopes_supported` strings, when it has the array. */
function scopesSupported(e: Exchange): string[] | undefined {
  const json = responseJson(e);
  if (!isObject(json) || !Array.isArray(json.scopes_supported)) return undefined;
  return json.scopes_supported.filter((s): s is string => typeof s === 'string');
}

/** Whether a served PRM document lists `issuer` in its `authorization_servers`. */
function namesAuthorizationServer(prm: Exchange, issuer: unknown): boolean {
  const servers = (responseJson(prm) as Record<string, unknown>).authorization_servers;
  return Array.isArray(servers) && servers.includes(issuer);
}

/** What a token response grants: its `scope`, and a JWT access token's `scope` claim (they may differ). */
function grantedScopes(json: Record<string, unknown>): string[] {
  const claims = typeof json.access_token === 'string' ? jwtClaims(json.access_token) : undefined;
  const lists = [json.scope, claims?.scope].filter((v): v is string => typeof v === 'string');
  return [...new Set(lists.flatMap((list) => list.split(' ')).filter(Boolean))];
}

export const grantedScopeUnsupported: LintCheck = (e, context) => {
  const json = tokenResponse(e);
  if (!json) return undefined;
  const granted = grantedScopes(json);
  if (granted.length === 0) return undefined;
  // The authorization server's own word: the metadata that sent the client to this token
  // endpoint. Discovery can belong to an earlier connection (before a client id existed).
  const earlier = before(e, context, context.everyHandshake);
  const metadataExchange = earlier.filter((x) => asMetadata(x)?.token_endpoint === clientUrl(e)).at(-1);
  const advertised = metadataExchange && scopesSupported(metadataExchange);
  if (!metadataExchange || !advertised) return undefined;
  // The resources that name this authorization server may advertise scopes of their own.
  const issuer = asMetadata(metadataExchange)!.issuer;
  const resources = earlier.filter((x) => servedPrm(x) && namesAuthorizationServer(x, issuer));
  const supported = new Set([...advertised, ...resources.flatMap((x) => scopesSupported(x) ?? [])]);
  const outside = granted.filter((scope) => !supported.has(scope));
  if (outside.length === 0) return undefined;
  return {
    message: `The token endpoint granted ${outside.map((s) => `"${s}"`).join(', ')}, which scopes_supported (${[...supported].join(' ') || 'empty'}) does not list${resources.length ? ' in the authorization server or resource metadata' : ` at ${path(metadataExchange)}`}.`,
    related: [metadataExchange.id, ...resources.map((x) => x.id)],
  };
};

// ---- where clients look, and who reaches the server at all

const hostOf = (e: Exchange) => requestHeader(e, 'host')?.toLowerCase();

/** A PRM request answered 404: what prm-single-location judges (the other form may come later). */
export const missedPrm = (e: Exchange) => isProtectedResourceMetadata(e) && status(e) === 404;

export const prmSingleLocation: LintCheck = (e, context) => {
  if (!missedPrm(e)) return undefined;
  const root = e.classification.discovery === 'protected-resource-root';
  const other = context.everyHandshake.find((x) => servedPrm(x) && hostOf(x) === hostOf(e) && (x.classification.discovery === 'protected-resource-root') !== root);
  if (!other) return undefined;
  const who = root ? 'ChatGPT, which checks the root,' : 'Cursor, Claude.ai and MCP Inspector, which try the path form first,';
  return { message: `${path(e)} was answered 404 while the same document is served at ${path(other)}: ${who} may not find it.`, related: [other.id] };
};

const isAsMetadataRequest = (e: Exchange) => e.classification.discovery === 'authorization-server-root' || e.classification.discovery === 'authorization-server-suffixed';

/** An authorization server metadata request on some host answered 404: what as-metadata-missing-on-mcp-host judges. */
export const missedAsMetadata = (e: Exchange) => isAsMetadataRequest(e) && status(e) === 404;

function authorizationServersOf(prm: Exchange): string[] {
  const servers = (responseJson(prm) as Record<string, unknown>).authorization_servers;
  return Array.isArray(servers) ? servers.filter((s): s is string => typeof s === 'string') : [];
}

function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export const asMetadataMissingOnMcpHost: LintCheck = (e, context) => {
  if (!missedAsMetadata(e)) return undefined;
  const host = hostOf(e);
  const sameHost = context.everyHandshake.filter((x) => hostOf(x) === host);
  // Metadata served at another well-known URL of this host is enough for the clients that look here.
  if (sameHost.some((x) => isAuthServerMetadata(x) && status(x) === 200 && isObject(responseJson(x)))) return undefined;
  const prm = sameHost.find((x) => servedPrm(x) && authorizationServersOf(x).length > 0);
  if (prm) {
    const servers = authorizationServersOf(prm);
    if (servers.some((s) => hostOfUrl(s) === host)) return undefined;
    return {
      message: `${path(e)} on the MCP host was answered 404; the authorization server (${servers.join(', ')}) is elsewhere, and ChatGPT, and Claude.ai without the PRM, ask this host for its metadata.`,
      related: [prm.id],
    };
  }
  const challenged = sameHost.find((x) => onMcpEndpoint(x) && status(x) === 401);
  if (!challenged) return undefined;
  return {
    message: `${path(e)} was answered 404 and this host serves no Protected Resource Metadata, yet ${describeRequest(challenged)} asked for a token: a client has nowhere to learn the authorization server from.`,
    related: [challenged.id],
  };
};

/** The challenges of a WWW-Authenticate value (RFC 9110 section 11.6.1), or undefined when it does not parse. */
export function parseChallenges(value: string): Array<{ scheme: string; params: Record<string, string>; token68?: string }> | undefined {
  const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
  const challenges: Array<{ scheme: string; params: Record<string, string>; token68?: string }> = [];
  let rest = value.trim();
  const skip = (re: RegExp) => {
    const m = re.exec(rest);
    if (m) rest = rest.slice(m[0].length);
    return m?.[0];
  };
  while (rest) {
    skip(/^[\s,]*/);
    if (!rest) break;
    const scheme = skip(TOKEN);
    if (!scheme) return undefined;
    const challenge = { scheme, params: {} as Record<string, string>, token68: undefined as string | undefined };
    challenges.push(challenge);
    if (!skip(/^ +/)) {
      if (rest && !rest.startsWith(',')) return undefined;
      continue;
    }
    // token68 ends at a comma or the end; an auth-param has a value after its "=".
    const token68 = /^([A-Za-z0-9\-._~+/]+=*)\s*(?=,|$)/.exec(rest);
    if (token68) {
      challenge.token68 = token68[1];
      rest = rest.slice(token68[0].length);
      continue;
    }
    // auth-params until the next challenge (a token not followed by "=").
    for (;;) {
      const name = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(rest);
      if (!name) break;
      rest = rest.slice(name[0].length);
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      const bare = quoted ? undefined : TOKEN.exec(rest);
      if (!quoted && !bare) return undefined;
      challenge.params[name[1]!.toLowerCase()] = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : bare![0];
      rest = rest.slice((quoted ?? bare)![0].length);
      const separator = /^\s*(,|$)/.exec(rest);
      if (!separator) return undefined;
      rest = rest.slice(separator[0].length).trimStart();
      if (!rest || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=/.test(rest)) break;
    }
  }
  return challenges;
}

export const wwwAuthenticateMalformed: LintCheck = (e) => {
  const s = status(e);
  const challenge = responseHeader(e, 'www-authenticate');
  if ((s !== 401 && s !== 403) || !challenge || !/\bbearer\b/i.test(challenge)) return undefined;
  const parsed = parseChallenges(challenge);
  if (!parsed) return { message: `${describeRequest(e)} was answered ${s} with "WWW-Authenticate: ${challenge}", which does not parse as challenges (RFC 9110): clients lose its parameters.` };
  const bearer = parsed.find((c) => c.scheme.toLowerCase() === 'bearer');
  if (!bearer || bearer.scheme === 'Bearer') return undefined;
  return { message: `${describeRequest(e)} was answered ${s} with the scheme spelled "${bearer.scheme}"; VS Code matches "Bearer" case-sensitively and ignores the challenge.` };
};

/** User agents of hosted clients that call from their own servers (Claude.ai, ChatGPT). */
const HOSTED_CLIENT_AGENT = /python-httpx|Claude-User|openai-mcp|ChatGPT-User|aiohttp/i;

/** Response headers a CDN or WAF adds when it, not the server, answered. */
function wafMarker(e: Exchange): string | undefined {
  if (responseHeader(e, 'cf-mitigated')) return `cf-mitigated: ${responseHeader(e, 'cf-mitigated')}`;
  if (/cloudflare/i.test(responseHeader(e, 'server') ?? '') && responseHeader(e, 'cf-ray')) return 'Server: cloudflare';
  if (responseHeader(e, 'x-amzn-waf-action')) return 'x-amzn-waf-action';
  return undefined;
}

export const egressBlocked: LintCheck = (e, context) => {
  const agent = requestHeader(e, 'user-agent') ?? '';
  if (status(e) !== 403 || !HOSTED_CLIENT_AGENT.test(agent)) return undefined;
  // A 403 in JSON is the server's own (insufficient_scope); an edge answers with a page or text.
  const type = contentType(e.response?.headers);
  const marker = wafMarker(e);
  if (type.includes('json') && !marker) return undefined;
  const passed = before(e, context, context.everyHandshake).find((x) => hostOf(x) === hostOf(e) && (requestHeader(x, 'user-agent') ?? '') !== agent && (status(x) ?? 500) < 400);
  if (!marker && !passed) return undefined;
  const evidence = passed ? `, while ${describeRequest(passed)} from "${requestHeader(passed, 'user-agent') ?? 'no user agent'}" was answered ${status(passed)}` : ` (${marker})`;
  return {
    message: `${describeRequest(e)} from "${clip(agent, 60)}" was refused with a 403 ${type.includes('text/html') ? 'HTML page' : type ? `${type.split(';')[0]} answer` : 'answer'}${evidence}: a WAF, bot rule or IP allowlist stops this client before the server.`,
    related: passed ? [passed.id] : undefined,
  };
};

// ---- registration and authorization answers

const URI_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'jwks_uri', 'initiate_login_uri'];

export const registrationResponseInvalid: LintCheck = (e) => {
  const s = status(e);
  if (e.classification.phase !== 'registration' || e.request.method !== 'POST' || s === undefined || s < 200 || s >= 300) return undefined;
  const json = responseJson(e);
  if (!isObject(json)) return undefined; // discovery-not-json's case
  const asked = requestJson(e);
  const problems: string[] = [];
  if (typeof json.client_id !== 'string' || !json.client_id) problems.push(json.client_id === undefined ? 'no client_id' : `client_id ${JSON.stringify(json.client_id)} is not a non-empty string`);
  for (const field of ['client_id_issued_at', 'client_secret_expires_at']) {
    if (json[field] !== undefined && json[field] !== null && typeof json[field] !== 'number') problems.push(`${field} ${JSON.stringify(json[field])} is not a number`);
  }
  if (typeof json.client_secret === 'string' && json.client_secret_expires_at === undefined) problems.push('a client_secret without client_secret_expires_at');
  const nulls = Object.keys(json).filter((k) => json[k] === null);
  if (nulls.length) problems.push(`null for ${nulls.join(', ')} (leave absent fields out)`);
  const empty = URI_FIELDS.filter((k) => json[k] === '');
  if (empty.length) problems.push(`empty strings for ${empty.join(', ')}`);
  if (isObject(asked) && Array.isArray(asked.redirect_uris)) {
    const registered = json.redirect_uris;
    const sameSet = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((u) => b.includes(u));
    if (!Array.isArray(registered)) problems.push('no redirect_uris (the SDK schemas require them)');
    else if (!sameSet(asked.redirect_uris, registered)) problems.push(`redirect_uris ${JSON.stringify(registered)} differ from those registered ${JSON.stringify(asked.redirect_uris)}`);
  }
  if (isObject(asked) && asked.token_endpoint_auth_method === 'none') {
    if (typeof json.client_secret === 'string') problems.push('a client_secret for a client that registered token_endpoint_auth_method "none"');
    if (json.token_endpoint_auth_method === undefined) problems.push('token_endpoint_auth_method not returned');
  }
  if (problems.length === 0) return undefined;
  return { message: `The registration response (${s}) has ${problems.join('; ')}.` };
};

/** A loopback redirect URI (RFC 8252 section 7.3) as scheme, host and path, without the port. */
function loopbackWithoutPort(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) return undefined;
    return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/** The query of an authorization request (GET /authorize?…), or its form (POST, PAR). */
function authorizationParams(e: Exchange): URLSearchParams {
  return e.request.method === 'GET' ? new URL(e.request.url, 'http://x').searchParams : requestForm(e);
}

/** The client's registration (request and response) that issued `clientId`, among the handshakes kept. */
function registrationOf(clientId: string, e: Exchange, context: Parameters<LintCheck>[1]): { exchange: Exchange; redirectUris: string[] } | undefined {
  const exchange = lastBefore(e, context.everyHandshake, (x) => {
    const json = x.classification.phase === 'registration' && succeeded(x) ? responseJson(x) : undefined;
    return isObject(json) && json.client_id === clientId;
  });
  if (!exchange) return undefined;
  const response = responseJson(exchange) as Record<string, unknown>;
  const request = requestJson(exchange);
  const uris = Array.isArray(response.redirect_uris) ? response.redirect_uris : isObject(request) && Array.isArray(request.redirect_uris) ? request.redirect_uris : [];
  return { exchange, redirectUris: uris.filter((u): u is string => typeof u === 'string') };
}

/** What an authorization request was refused with: the text of its error page or JSON, or the error a redirect carries. */
function authorizationError(e: Exchange): string | undefined {
  const s = status(e);
  if (s === undefined) return undefined;
  if (s >= 300 && s < 400) {
    const location = responseHeader(e, 'location');
    if (!location) return undefined;
    const query = new URL(location, 'http://x').searchParams;
    return query.get('error') ? `${query.get('error')} ${query.get('error_description') ?? ''}`.trim() : undefined;
  }
  if (s < 400) return undefined;
  const json = responseJson(e);
  if (isObject(json) && typeof json.error === 'string') return `${json.error} ${typeof json.error_description === 'string' ? json.error_description : ''}`.trim();
  return clip(e.response?.body?.encoding === 'utf8' ? e.response.body.data.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim() : '', 200) || `status ${s}`;
}

export const loopbackRedirectPortExact: LintCheck = (e, context) => {
  if (e.classification.phase !== 'authorization') return undefined;
  const params = authorizationParams(e);
  const redirectUri = params.get('redirect_uri');
  const clientId = params.get('client_id');
  const wanted = redirectUri ? loopbackWithoutPort(redirectUri) : undefined;
  const refused = authorizationError(e);
  if (!wanted || !clientId || !refused || (status(e) ?? 0) < 400 || !/redirect/i.test(refused)) return undefined;
  const registration = registrationOf(clientId, e, context);
  if (!registration || registration.redirectUris.includes(redirectUri!)) return undefined;
  const sibling = registration.redirectUris.find((uri) => loopbackWithoutPort(uri) === wanted);
  if (!sibling) return undefined;
  return {
    message: `/authorize refused redirect_uri ${redirectUri} (${clip(refused, 120)}) although ${sibling} is registered: loopback redirect URIs may use any port (RFC 8252 section 7.3).`,
    related: [registration.exchange.id],
  };
};

export const authorizeScopeRejected: LintCheck = (e, context) => {
  if (!isAuthorizationRequest(e)) return undefined;
  const refused = authorizationError(e);
  if (!refused || !/scope/i.test(refused)) return undefined;
  const params = authorizationParams(e);
  const scope = params.get('scope');
  if (!scope) return { message: `/authorize without a scope parameter was refused (${clip(refused, 120)}): ChatGPT sends none on reconnect; RFC 6749 lets the server use a default.` };
  // Unknown: outside what this host's metadata advertises.
  const host = hostOf(e);
  const metadata = lastBefore(e, context.everyHandshake, (x) => hostOf(x) === host && (isAuthServerMetadata(x) || servedPrm(x)) && status(x) === 200 && isObject(responseJson(x)) && Array.isArray((responseJson(x) as Record<string, unknown>).scopes_supported));
  if (!metadata) return undefined;
  const supported = (responseJson(metadata) as Record<string, unknown>).scopes_supported as unknown[];
  const unknown = scope.split(' ').filter((s) => s && !supported.includes(s));
  if (unknown.length === 0) return undefined;
  return {
    message: `/authorize was refused (${clip(refused, 120)}) for scope ${unknown.map((s) => `"${s}"`).join(', ')}, which ${path(metadata)} does not advertise: grant the known scopes instead of refusing.`,
    related: [metadata.id],
  };
};

/** The kind of a redirect URI, as authorization servers sort them (RFC 8252 section 7). */
function redirectKind(uri: string): string {
  if (loopbackWithoutPort(uri)) return 'loopback';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  return scheme === 'https' ? 'https' : scheme === 'http' ? 'http' : 'private-use scheme';
}

export const registrationMixedRedirectSchemes: LintCheck = (e) => {
  const s = status(e);
  if (e.classification.phase !== 'registration' || e.request.method !== 'POST' || s === undefined || s < 400 || s === 401 || s === 403) return undefined;
  const body = requestJson(e);
  const uris = isObject(body) && Array.isArray(body.redirect_uris) ? body.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
  const kinds = [...new Set(uris.map(redirectKind))];
  if (kinds.length < 2) return undefined;
  const error = oauthError(e);
  return {
    message: `The client registered ${uris.length} redirect URIs of ${kinds.length} kinds (${kinds.join(', ')}) in one request and the server refused the set (${s}${error ? ` ${error.error}` : ''}): one entry it dislikes costs the client its registration.`,
  };
};

export const authorizeEndpointNotFromMetadata: LintCheck = (e, context) => {
  if (!isAuthorizationRequest(e)) return undefined;
  const params = authorizationParams(e);
  if (!params.has('response_type') || !params.has('client_id')) return undefined;
  const host = hostOf(e);
  // The metadata this host served before: its authorization_endpoint on this same host.
  const metadata = lastBefore(e, context.everyHandshake, (x) => hostOf(x) === host && typeof asMetadata(x)?.authorization_endpoint === 'string');
  if (!metadata) return undefined;
  const endpoint = asMetadata(metadata)!.authorization_endpoint as string;
  let named: URL;
  try {
    named = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (named.host.toLowerCase() !== host || named.pathname === path(e)) return undefined;
  return {
    message: `The client sent the user to ${path(e)} although ${path(metadata)} names authorization_endpoint ${endpoint}.`,
    related: [metadata.id],
  };
};
