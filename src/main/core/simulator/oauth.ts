import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { AuthBehaviour, ProfileBase, ReplayProfile, SimulatedRequest, StepVerdict } from '../../../shared/simulator';
import { WireError, type Wire, type WireResponse } from './http';
import { CLIENT_ASSERTION_TYPE } from '../../../shared/profile';
import { clip } from '../../../shared/text';
import { simulatorSigningKey } from './clientKeys';

// The OAuth half of a replayed handshake, as the profile's client does it: Protected Resource
// Metadata, authorization-server metadata, registration (CIMD or DCR), the authorization
// request with PKCE (following redirects itself, approving our own consent page), and the
// token exchange. Each part is one verdict; the first failure ends the flow.

export interface Challenge {
  scheme: string;
  resourceMetadata?: string;
  scope?: string;
  error?: string;
}

/** Parses `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (RFC 6750 §3, RFC 9728 §5.1). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const scheme = /^\s*(\S+)/.exec(header)?.[1] ?? '';
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[match[1]!.toLowerCase()] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme, resourceMetadata: params.resource_metadata, scope: params.scope, error: params.error };
}

/** Asked when a person must log in at an authorization server we can't approve ourselves. */
export type AuthorizationPrompt = (authorizationUrl: string) => Promise<string>;

export interface OAuthHooks {
  /** Shows the authorize URL and resolves with the redirect URL the browser ended on. */
  onAuthorizationRequired?: AuthorizationPrompt;
  /** A CIMD client id is about to be used: the document that URL serves (see Inspector.simulate). */
  onClientMetadataDocument?: (clientId: string, document: Record<string, unknown>) => void;
}

export interface OAuthContext {
  profile: ReplayProfile;
  /** The MCP URL the user configured. */
  url: URL;
  wire: Wire;
  hooks: OAuthHooks;
  /** The challenge of the 401 that started OAuth, if one did. */
  challenge?: Challenge;
  /** Fills `{port}` / `{id}` in redirect URIs (random per run, like the real clients). */
  redirectUri: string;
  verdicts: StepVerdict[];
}

/** What playing the browser needs. */
export type BrowserContext = Pick<OAuthContext, 'wire' | 'hooks' | 'redirectUri'> & { profile: ProfileBase };

export interface OAuthOutcome {
  ok: boolean;
  accessToken?: string;
  failedAt?: string;
  message?: string;
}

interface AuthServer {
  issuer?: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  client_id_metadata_document_supported?: boolean;
  scopes_supported?: string[];
}

const PRM_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** Stops the flow at one part with its verdict. */
class StepFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

export async function runOAuth(ctx: OAuthContext): Promise<OAuthOutcome> {
  try {
    const prm = await discoverProtectedResource(ctx);
    const as = await discoverAuthorizationServer(ctx, prm);
    const clientId = await register(ctx, as, prm);
    const grant = await authorize(ctx, as, clientId, prm);
    const accessToken = await exchangeCode(ctx, as, clientId, grant, resourceFor(ctx, prm));
    return { ok: true, accessToken };
  } catch (err) {
    if (err instanceof StepFailure) return { ok: false, failedAt: err.step, message: err.message };
    throw err;
  }
}

/** Runs one part of the flow as a verdict; a StepFailure inside becomes its failing verdict. */
async function part<T>(ctx: OAuthContext, step: string, title: string, body: (requests: SimulatedRequest[], note: (message: string, warn?: boolean) => void) => Promise<T>): Promise<T> {
  const verdict: StepVerdict = { step, title, outcome: 'ok', message: '', requests: [] };
  ctx.verdicts.push(verdict);
  const note = (message: string, warn = false) => {
    verdict.message = message;
    if (warn) verdict.outcome = 'warn';
  };
  try {
    return await body(verdict.requests, note);
  } catch (err) {
    verdict.outcome = 'fail';
    const message = err instanceof StepFailure ? err.message : err instanceof WireError ? err.message : `unexpected error: ${(err as Error).message}`;
    verdict.message = message;
    throw err instanceof StepFailure ? err : new StepFailure(step, message);
  }
}

type OAuthRequest = keyof NonNullable<AuthBehaviour['requestHeaders']>;

function discoveryHeaders(profile: ReplayProfile, request: OAuthRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'User-Agent': profile.browserOrigin ? profile.userAgent.browser : profile.userAgent.discovery,
    Accept: 'application/json',
    ...(profile.protocol.versionHeader !== 'absent' ? { 'MCP-Protocol-Version': profile.protocol.version } : {}),
  };
  for (const [name, value] of Object.entries(profile.auth.requestHeaders?.[request] ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return headers;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The MCP URL's path for well-known insertion: "" for a bare origin. */
function pathOf(url: URL): string {
  return url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
}

function fill(template: string, origin: string, path: string): string {
  return template.replaceAll('{origin}', origin).replaceAll('{path}', path);
}

/** GETs candidate URLs in order until one answers 200 with a JSON object; CORS refusals count as "not there". */
async function firstDocument(ctx: OAuthContext, request: OAuthRequest, urls: string[], requests: SimulatedRequest[], valid: (doc: Record<string, unknown>) => boolean): Promise<{ url: string; doc: Record<string, unknown> } | undefined> {
  for (const url of [...new Set(urls)]) {
    let response: WireResponse;
    try {
      response = await ctx.wire.send({ method: 'GET', url, headers: discoveryHeaders(ctx.profile, request) }, requests);
    } catch (err) {
      if (err instanceof WireError && err.kind === 'cors') continue; // the TS SDK skips a URL the browser refuses
      throw err;
    }
    if (response.status !== 200) continue;
    const doc = jsonObject(response.text);
    if (doc && valid(doc)) return { url, doc };
  }
  return undefined;
}

// ---- RFC 9728 Protected Resource Metadata ---------------------------------------------------

interface ProtectedResource {
  resource?: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
}

async function discoverProtectedResource(ctx: OAuthContext): Promise<ProtectedResource | undefined> {
  const { profile, url } = ctx;
  const order = profile.auth.protectedResourceOrder;
  if (order.length === 0) return undefined; // this client never reads PRM
  return part(ctx, 'oauth.prm', 'Protected Resource Metadata (RFC 9728)', async (requests, note) => {
    const candidates = order
      .map((where) => {
        if (where === 'header') return ctx.challenge?.resourceMetadata;
        // RFC 9728 path insertion; with no path it is the root document.
        if (where === 'path') return `${url.origin}${PRM_WELL_KNOWN}${pathOf(url)}`;
        return `${url.origin}${PRM_WELL_KNOWN}`;
      })
      .filter((u): u is string => !!u);
    const found = await firstDocument(ctx, 'prm', candidates, requests, (doc) => Array.isArray(doc.authorization_servers));
    if (!found) {
      if (profile.auth.withoutPrm !== 'fail') {
        note('no usable Protected Resource Metadata; the client looks for the authorization server on the MCP host', true);
        return undefined;
      }
      throw new StepFailure('oauth.prm', `no Protected Resource Metadata at ${candidates.join(', ')} (each answered something other than 200 with authorization_servers)`);
    }
    const prm = found.doc as ProtectedResource;
    const problem = resourceProblem(profile.auth.resourceCheck, prm.resource, url);
    if (problem) throw new StepFailure('oauth.prm', problem);
    note(`found at ${new URL(found.url).pathname}: authorization server ${prm.authorization_servers?.[0] ?? '(none)'}`);
    return prm;
  });
}

function resourceProblem(check: AuthBehaviour['resourceCheck'], resource: string | undefined, url: URL): string | undefined {
  if (check === 'none') return undefined;
  if (!resource) return 'the Protected Resource Metadata has no "resource"';
  const expected = url.href;
  if (check === 'exact') {
    let normalized: string;
    try {
      normalized = new URL(resource).href;
    } catch {
      return `PRM "resource" ${resource} is not a URL`;
    }
    return normalized === expected ? undefined : `Protected Resource Metadata resource property value "${resource}" does not match target server url "${expected}"`;
  }
  // The TS SDK's checkResourceAllowed: same origin, and the PRM path a prefix of the MCP path.
  try {
    const r = new URL(resource);
    const prefix = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`;
    const ok = r.origin === url.origin && (url.pathname === r.pathname || `${url.pathname}/`.startsWith(prefix));
    return ok ? undefined : `Protected resource ${resource} does not match expected ${expected} (or origin)`;
  } catch {
    return `PRM "resource" ${resource} is not a URL`;
  }
}

// ---- RFC 8414 / OIDC authorization-server metadata -----------------------------------------

async function discoverAuthorizationServer(ctx: OAuthContext, prm: ProtectedResource | undefined): Promise<AuthServer> {
  const { profile, url } = ctx;
  return part(ctx, 'oauth.as', 'Authorization server metadata (RFC 8414 / OIDC)', async (requests, note) => {
    // The issuer whose metadata is looked up: PRM's first authorization server, or the MCP host
    // (2025 Claude.ai ignored `authorization_servers`; older TS SDKs took the whole server URL).
    let base: URL;
    if (profile.auth.authorizationServerFrom === 'prm' && prm?.authorization_servers?.[0]) base = new URL(prm.authorization_servers[0]);
    else if (profile.auth.authorizationServerFrom === 'mcp-host' || profile.auth.withoutPrm === 'server-url') base = url;
    else base = new URL(url.origin);
    const candidates = profile.auth.authorizationServerOrder.map((t) => fill(t, base.origin, pathOf(base)));
    const found = await firstDocument(ctx, 'as', candidates, requests, (doc) => typeof doc.authorization_endpoint === 'string' && typeof doc.token_endpoint === 'string');
    let as: AuthServer;
    if (found) {
      as = found.doc as unknown as AuthServer;
      note(`found at ${new URL(found.url).pathname}`);
    } else if (profile.auth.defaultEndpointsFallback) {
      // 2025-03-26: with no metadata, the endpoints sit at fixed paths on the MCP origin.
      as = { authorization_endpoint: `${url.origin}/authorize`, token_endpoint: `${url.origin}/token`, registration_endpoint: `${url.origin}/register` };
      note(`no metadata at ${candidates.map((c) => new URL(c).pathname).join(', ')}; using the default endpoints /authorize, /token, /register`, true);
    } else {
      throw new StepFailure('oauth.as', `no authorization server metadata at ${candidates.join(', ')}`);
    }
    const methods = as.code_challenge_methods_supported;
    const s256 = Array.isArray(methods) && methods.includes('S256');
    if (profile.auth.requireS256 === 'missing-or-absent' && !s256) {
      throw new StepFailure('oauth.as', `code_challenge_methods_supported ${methods ? `is ${JSON.stringify(methods)}` : 'is missing'}: a 2025-11-25 client must refuse an authorization server without S256`);
    }
    if (profile.auth.requireS256 === 'absent-from-list' && Array.isArray(methods) && !s256) {
      throw new StepFailure('oauth.as', 'Incompatible auth server: does not support code challenge method S256');
    }
    return as;
  });
}

// ---- registration: CIMD or RFC 7591 DCR -----------------------------------------------------

async function register(ctx: OAuthContext, as: AuthServer, prm: ProtectedResource | undefined): Promise<string> {
  const { profile } = ctx;
  const auth = profile.auth;
  const cimdOffered = as.client_id_metadata_document_supported === true && (!auth.cimdRequiresNoneAuth || (as.token_endpoint_auth_methods_supported ?? []).includes('none'));
  for (const method of auth.registration) {
    if (method === 'cimd' && auth.cimdClientId && cimdOffered) {
      return part(ctx, 'oauth.register', 'Client ID Metadata Document (CIMD)', async (_requests, note) => {
        ctx.hooks.onClientMetadataDocument?.(auth.cimdClientId!, clientMetadataDocument(ctx));
        note(`client_id is the metadata document URL ${auth.cimdClientId}`);
        return auth.cimdClientId!;
      });
    }
    if (method === 'dcr' && as.registration_endpoint) {
      return part(ctx, 'oauth.register', 'Dynamic Client Registration (RFC 7591)', async (requests, note) => {
        const body = JSON.stringify(dcrBodyFor(auth, ctx.redirectUri, chooseScope(ctx, as, prm)));
        const response = await ctx.wire.send(
          { method: 'POST', url: as.registration_endpoint!, headers: { ...discoveryHeaders(profile, 'register'), 'Content-Type': 'application/json' }, body },
          requests,
        );
        if (response.status < 200 || response.status > 299) throw new StepFailure('oauth.register', oauthErrorMessage(profile, 'Dynamic client registration failed', response));
        const client = jsonObject(response.text);
        if (typeof client?.client_id !== 'string') throw new StepFailure('oauth.register', `the registration answer ${response.status} has no client_id`);
        note(`${response.status}: client_id ${client.client_id}`);
        return client.client_id;
      });
    }
  }
  return part(ctx, 'oauth.register', 'Client registration', async () => {
    throw new StepFailure(
      'oauth.register',
      auth.registration.includes('cimd')
        ? 'Incompatible auth server: it offers neither dynamic client registration (registration_endpoint) nor Client ID Metadata Documents this client can use'
        : 'Incompatible auth server: does not support dynamic client registration',
    );
  });
}

/** The profile's DCR body with this run's redirect URI, and the scope it asks for where it names `{scope}`. */
function dcrBodyFor(auth: AuthBehaviour, redirectUri: string, scope?: string): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(auth.dcrBody).replaceAll('{redirect_uri}', redirectUri)) as Record<string, unknown>;
  for (const [field, value] of Object.entries(body)) {
    if (value !== '{scope}') continue;
    if (scope) body[field] = scope;
    else delete body[field];
  }
  return body;
}

function clientMetadataDocument(ctx: OAuthContext): Record<string, unknown> {
  return clientMetadataDocumentFor(ctx.profile.auth, ctx.redirectUri);
}

/** The document a profile's CIMD URL serves: its DCR body, its own CIMD fields, client_id = the URL. */
export function clientMetadataDocumentFor(auth: AuthBehaviour, redirectUri: string): Record<string, unknown> {
  return { ...dcrBodyFor(auth, redirectUri), ...(auth.cimdDocument ?? {}), client_id: auth.cimdClientId };
}

/** An OAuth error as the client reports it: TS SDK clients insist on RFC 6749 JSON. */
function oauthErrorMessage(profile: ReplayProfile, what: string, response: WireResponse): string {
  const error = jsonObject(response.text);
  if (typeof error?.error === 'string') {
    return `${what}: HTTP ${response.status} ${error.error}${typeof error.error_description === 'string' ? ` (${error.error_description})` : ''}`;
  }
  if (profile.auth.strictOAuthErrors) {
    return `HTTP ${response.status}: Invalid OAuth error response: expected string at path "error". Raw body: ${clip(response.text, 200)}`;
  }
  return `${what}: HTTP ${response.status}`;
}

// ---- authorization request (RFC 6749 §4.1, PKCE RFC 7636) -----------------------------------

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function chooseScope(ctx: OAuthContext, as: AuthServer, prm: ProtectedResource | undefined): string | undefined {
  const from = ctx.profile.auth.scopeFrom;
  let scope: string | undefined;
  if ('fixed' in from) scope = from.fixed;
  else {
    for (const source of from) {
      if (source === 'challenge' && ctx.challenge?.scope) scope = ctx.challenge.scope;
      else if (source === 'prm' && prm?.scopes_supported?.length) scope = prm.scopes_supported.join(' ');
      else if (source === 'as' && as.scopes_supported?.length) scope = as.scopes_supported.join(' ');
      if (scope) break;
    }
  }
  if (ctx.profile.auth.addOfflineAccess && as.scopes_supported?.includes('offline_access') && !scope?.split(' ').includes('offline_access')) {
    scope = scope ? `${scope} offline_access` : 'offline_access';
  }
  return scope;
}

/** The resource the client names in authorize and token (RFC 8707): PRM's, else the MCP URL. */
function resourceFor(ctx: OAuthContext, prm: ProtectedResource | undefined): string {
  return prm?.resource ?? ctx.url.href;
}

async function authorize(ctx: OAuthContext, as: AuthServer, clientId: string, prm: ProtectedResource | undefined): Promise<{ code: string; verifier: string }> {
  const { profile } = ctx;
  return part(ctx, 'oauth.authorize', 'Authorization request (browser)', async (requests, note) => {
    const { verifier, challenge } = pkce();
    const state = randomBytes(16).toString('base64url');
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', ctx.redirectUri);
    const scope = chooseScope(ctx, as, prm);
    if (scope) url.searchParams.set('scope', scope);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (profile.auth.sendResource) url.searchParams.set('resource', resourceFor(ctx, prm));

    const callback = await followToCallback(ctx, url.href, requests, note);
    const error = callback.searchParams.get('error');
    if (error) throw new StepFailure('oauth.authorize', `the authorization server sent the browser back with error=${error}${callback.searchParams.get('error_description') ? ` (${callback.searchParams.get('error_description')})` : ''}`);
    if (callback.searchParams.get('state') !== state) throw new StepFailure('oauth.authorize', 'the callback state does not match the one sent (possible CSRF): the client refuses it');
    const code = callback.searchParams.get('code');
    if (!code) throw new StepFailure('oauth.authorize', `the callback ${callback.href} carries no code`);
    note(`${verdictNoteFor(requests)}; code received at ${callback.protocol}//${callback.host}${callback.pathname}`);
    return { code, verifier };
  });
}

function verdictNoteFor(requests: SimulatedRequest[]): string {
  return requests.some((r) => r.method === 'POST') ? 'consent approved on the reference server' : 'redirected back at once';
}

/** Our own consent page (resources/consent.html): the one form the simulator may approve. */
function consentForm(html: string): { action: string; transaction: string } | undefined {
  if (!html.includes('MCP Handshake Inspector')) return undefined;
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const transaction = /name="transaction" value="([^"]+)"/.exec(html)?.[1];
  return action && transaction ? { action: action.replace(/&amp;/g, '&'), transaction } : undefined;
}

function isCallback(location: URL, redirectUri: string): boolean {
  const expected = new URL(redirectUri);
  return location.protocol === expected.protocol && location.host === expected.host && location.pathname === expected.pathname;
}

/**
 * Plays the browser: follows redirects on the authorization server (at most 10), approves our
 * consent page, and stops at the redirect URI. A login page anywhere else needs a person.
 */
export async function followToCallback(ctx: BrowserContext, authorizeUrl: string, requests: SimulatedRequest[], note: (m: string, warn?: boolean) => void = () => undefined): Promise<URL> {
  const headers = { 'User-Agent': ctx.profile.userAgent.browser, Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
  let response = await ctx.wire.send({ method: 'GET', url: authorizeUrl, headers, navigation: true }, requests);
  let current = authorizeUrl;
  for (let hop = 0; hop < 10; hop++) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, current);
      if (isCallback(next, ctx.redirectUri)) return next;
      current = next.href;
      response = await ctx.wire.send({ method: 'GET', url: current, headers, navigation: true }, requests);
      continue;
    }
    const form = response.status === 200 ? consentForm(response.text) : undefined;
    if (form) {
      response = await ctx.wire.send(
        {
          method: 'POST',
          url: new URL(form.action, current).href,
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ transaction: form.transaction, decision: 'approve' }).toString(),
          navigation: true,
        },
        requests,
      );
      continue;
    }
    if (response.status >= 400) {
      throw new StepFailure('oauth.authorize', `the authorization endpoint answered ${response.status}${textHint(response.text)}`);
    }
    break;
  }
  // A login page we can't (and mustn't) fill in: a person logs in, we wait for the redirect.
  if (!ctx.hooks.onAuthorizationRequired) {
    throw new StepFailure('oauth.authorize', `a person must log in at ${authorizeUrl}; run the simulation from the CLI (npm run cli -- simulate …), which shows this URL and asks for the redirect URL after you log in`);
  }
  note('waiting for a person to log in in a browser', true);
  const pasted = await ctx.hooks.onAuthorizationRequired(authorizeUrl);
  let callback: URL;
  try {
    callback = new URL(pasted.trim());
  } catch {
    throw new StepFailure('oauth.authorize', `"${pasted.trim()}" is not the URL the browser was redirected to`);
  }
  return callback;
}

function textHint(text: string): string {
  const plain = text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? `: ${clip(plain, 160)}` : '';
}

// ---- token exchange (RFC 6749 §4.1.3) -------------------------------------------------------

async function exchangeCode(ctx: OAuthContext, as: AuthServer, clientId: string, grant: { code: string; verifier: string }, resource: string): Promise<string> {
  const { profile } = ctx;
  return part(ctx, 'oauth.token', 'Token request (authorization_code)', async (requests, note) => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: grant.code, redirect_uri: ctx.redirectUri, code_verifier: grant.verifier, client_id: clientId });
    if (profile.auth.sendResource) form.set('resource', resource);
    // Its metadata document says private_key_jwt: that client_id always authenticates with an assertion.
    const assertion = profile.auth.clientAssertion;
    if (assertion && clientId === profile.auth.cimdClientId) {
      form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
      form.set('client_assertion', await signClientAssertion(assertion, clientId, as.token_endpoint));
    }
    const response = await ctx.wire.send(
      { method: 'POST', url: as.token_endpoint, headers: { ...discoveryHeaders(profile, 'token'), 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      requests,
    );
    if (response.status < 200 || response.status > 299) throw new StepFailure('oauth.token', oauthErrorMessage(profile, 'Token request failed', response));
    const tokens = jsonObject(response.text);
    if (typeof tokens?.access_token !== 'string') throw new StepFailure('oauth.token', `the token answer ${response.status} has no access_token`);
    note(`${response.status}: ${String(tokens.token_type ?? 'no token_type')} token${tokens.expires_in ? `, expires in ${String(tokens.expires_in)} s` : ''}`);
    return tokens.access_token;
  });
}

/**
 * An RFC 7523 §3 client assertion: iss = sub = the client_id, aud = the token endpoint, a
 * unique jti and a short exp, signed with the profile's key (the simulator's own, clientKeys.ts).
 */
export async function signClientAssertion(assertion: NonNullable<AuthBehaviour['clientAssertion']>, clientId: string, tokenEndpoint: string): Promise<string> {
  const jwk = simulatorSigningKey(assertion.kid);
  if (!jwk) throw new Error(`no simulator signing key "${assertion.kid}"`);
  return new SignJWT({})
    .setProtectedHeader({ alg: assertion.alg, kid: assertion.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, assertion.alg));
}
