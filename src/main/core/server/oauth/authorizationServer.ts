import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BehaviorProfile } from '../../../../shared/profile';
import { escapeHtml, renderTemplate } from '../../resources';
import { firstHeader, mediaType, readBody, redirect, sendHtml, sendJson } from '../http';
import { LEGACY_SSE_PATH, MCP_ENDPOINT_PATH, type ServerUrls } from '../urls';
import { AccessTokens } from './accessTokens';
import type { JSONWebKeySet } from 'jose';
import { builtInClientMetadataDocument, builtInCimdNote, builtInJwks, CIMD_SOURCE_HEADER } from './builtInClientMetadata';
import { fetchClientIdMetadataDocumentText } from './cimdFetch';
import { CLIENT_ASSERTION_TYPE, ReplayCache, verifyClientAssertion } from './clientAssertion';

/** Response header of a registration that evicted an older client from the bounded registry (state.ts). */
export const EVICTED_CLIENT_HEADER = 'X-MCP-Inspector-Evicted-Client';
import { OAuthError, sendOAuthError } from './errors';
import {
  clientInformationResponse,
  fetchClientIdMetadataDocument,
  isClientIdMetadataUrl,
  parseClientMetadata,
  redirectUriMatches,
  registerClient,
} from './registration';
import {
  DEMO_SUBJECT,
  OAuthState,
  randomToken,
  type AuthorizationCode,
  type Grant,
  type PendingAuthorization,
  type RegisteredClient,
} from './state';

/** What every OAuth handler needs to know about the request it serves. */
export interface OAuthRequestContext {
  profile: BehaviorProfile;
  urls: ServerUrls;
  url: URL;
}

export interface AuthorizationServerOptions {
  /**
   * `--allow-private-cimd`: fetch Client ID Metadata Documents from non-public addresses
   * (loopback, private, link-local…) and over http from them, to test a client on a private
   * network. Off: only https URLs resolving to public addresses are fetched.
   */
  allowPrivateCimd?: boolean;
}

const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;
/** Registration and token bodies are small; refuse anything larger than this early. */
const OAUTH_BODY_LIMIT = 64 * 1024;

/** S256 code challenge (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The reference OAuth 2.1 authorization server: DCR, CIMD, the authorization endpoint with its
 * consent page, the token endpoint (code + refresh with rotation), JWKS and userinfo.
 */
export class AuthorizationServer {
  /** The jti of every accepted client assertion until it expires (RFC 7523 §3). */
  private readonly assertionReplay = new ReplayCache();

  private constructor(
    readonly state: OAuthState,
    readonly tokens: AccessTokens,
    private readonly options: AuthorizationServerOptions,
  ) {}

  static async create(options: AuthorizationServerOptions = {}): Promise<AuthorizationServer> {
    const state = new OAuthState();
    return new AuthorizationServer(state, await AccessTokens.create(state), options);
  }

  /** Our protected resources: a `resource` parameter must name one of them (RFC 8707). */
  private resources(urls: ServerUrls): string[] {
    return [urls.resource(MCP_ENDPOINT_PATH), urls.resource(LEGACY_SSE_PATH)];
  }

  // ---- RFC 7591 dynamic client registration -------------------------------------------------

  async register(req: IncomingMessage, res: ServerResponse, ctx: OAuthRequestContext): Promise<void> {
    if (!ctx.profile.dynamicClientRegistration) {
      // Registration is off: answer as RFC 6749 JSON so a client can tell why, never an HTML 404.
      throw new OAuthError('invalid_request', 'Dynamic client registration is disabled on this server', 404);
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      throw new OAuthError('invalid_client_metadata', 'The registration request must be application/json');
    }
    const body = await readJsonBody(req);
    const client = registerClient(body);
    const evicted = this.state.clients.set(client.client_id, client);
    // The exchange says when this registration pushed an older client out of the bounded registry.
    sendJson(res, 201, clientInformationResponse(client), { 'Cache-Control': 'no-store', ...(evicted ? { [EVICTED_CLIENT_HEADER]: evicted } : {}) });
  }

  /**
   * Caches a Client ID Metadata Document as if it had been fetched from `clientId`. The
   * simulator's clients publish theirs on claude.ai, vscode.dev, … which an offline run (and
   * the tests) must not reach; the document is validated exactly as a fetched one.
   */
  rememberClientMetadataDocument(clientId: string, document: Record<string, unknown>): void {
    this.state.clients.set(clientId, { ...clientFromDocument(clientId, document), builtInKeys: true });
  }

  /** Why a client id is not known: never registered, or evicted from the bounded registry (state.ts). */
  private unknownClient(clientId: string): string {
    return this.state.clients.wasEvicted(clientId)
      ? `Client "${clientId}" was registered here but evicted: the server keeps the ${this.state.clients.capacity} most recently used clients`
      : `Unknown client "${clientId}"`;
  }

  /** Finds a client by id, resolving URL client ids through their metadata document. */
  private async findClient(clientId: string, profile: BehaviorProfile): Promise<RegisteredClient | undefined> {
    // A toggled document host answers every time: a document resolved earlier doesn't hide it.
    const hostToggled = profile.clientIdMetadataAnswer !== 'fetched' && profile.clientIdMetadataDocuments !== 'off';
    const known = this.state.clients.get(clientId);
    if (known && !(hostToggled && known.source === 'cimd')) return known;
    if (!isClientIdMetadataUrl(clientId)) return undefined;
    const client = await this.resolveClientMetadataDocument(clientId, profile);
    this.state.clients.set(clientId, client);
    return client;
  }

  /**
   * A URL client_id's document: fetched from the URL first (when the network works the real
   * document wins); only when that fails, and the URL is a built-in client profile's, that
   * profile's own copy (builtInClientMetadata.ts), marked so the authorize answer says so.
   * Any other URL that can't be fetched still fails with the fetch's reason.
   */
  private async resolveClientMetadataDocument(clientId: string, profile: BehaviorProfile): Promise<RegisteredClient> {
    try {
      return await fetchClientIdMetadataDocument(clientId, profile.clientIdMetadataDocuments, { allowPrivateAddresses: this.options.allowPrivateCimd, answer: profile.clientIdMetadataAnswer });
    } catch (err) {
      // The built-in copy stands in for a host we can't reach, not for one that answered badly (the toggle).
      const builtIn = profile.clientIdMetadataDocuments === 'off' || profile.clientIdMetadataAnswer !== 'fetched' ? undefined : builtInClientMetadataDocument(clientId);
      if (!builtIn) throw err;
      const reason = err instanceof OAuthError ? err.description : err instanceof Error ? err.message : String(err);
      return { ...clientFromDocument(clientId, builtIn), cimdBuiltIn: builtInCimdNote(clientId, reason), builtInKeys: true };
    }
  }

  // ---- RFC 6749 §4.1.1 authorization endpoint -----------------------------------------------

  async authorize(req: IncomingMessage, res: ServerResponse, ctx: OAuthRequestContext): Promise<void> {
    if (req.method === 'POST') return this.decide(req, res, ctx);
    const params = ctx.url.searchParams;
    const clientId = params.get('client_id');
    const redirectUri = params.get('redirect_uri');
    // Until client and redirect URI are trusted, errors are shown here, never redirected
    // (RFC 6749 §4.1.2.1): redirecting to an unverified URI would make us an open redirector.
    if (!clientId) return this.errorPage(res, 'The request has no client_id.');
    let client: RegisteredClient | undefined;
    try {
      client = await this.findClient(clientId, ctx.profile);
    } catch (err) {
      return this.errorPage(res, err instanceof OAuthError ? err.description : String(err));
    }
    if (!client) {
      return this.errorPage(res, this.state.clients.wasEvicted(clientId) ? `${this.unknownClient(clientId)}. Register it again (POST /register).` : `Unknown client_id "${clientId}". Register it first (POST /register).`);
    }
    // Every answer below (consent page, redirect, error page) says where a built-in document came from.
    if (client.cimdBuiltIn) res.setHeader(CIMD_SOURCE_HEADER, client.cimdBuiltIn);
    const documentNote = client.cimdBuiltIn ? `The client metadata document is the ${client.cimdBuiltIn.replace(/^built-in/, 'built-in copy')}.` : undefined;
    const chosenRedirect = redirectUri ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined);
    if (!chosenRedirect) return this.errorPage(res, 'The request has no redirect_uri and the client registered several.', documentNote);
    // RFC 6749 §3.1.2: a redirection URI never has a fragment, whatever kind of client asks.
    if (chosenRedirect.includes('#')) {
      return this.errorPage(res, `The redirect_uri "${chosenRedirect}" has a fragment, which RFC 6749 §3.1.2 forbids.`, documentNote);
    }
    const matches = ctx.profile.redirectUriMatching === 'exact' ? (registered: string) => registered === chosenRedirect : (registered: string) => redirectUriMatches(registered, chosenRedirect);
    if (!client.redirect_uris.some(matches)) {
      return this.errorPage(res, `The redirect_uri "${chosenRedirect}" is not one the client registered (${client.redirect_uris.join(', ')}).`, documentNote);
    }

    const state = params.get('state') ?? undefined;
    const fail = (code: string, description: string) =>
      redirect(res, callbackUrl(chosenRedirect, { error: code, error_description: description, state, iss: ctx.urls.issuer }));

    if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge) return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
    if (params.get('code_challenge_method') !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256 (plain is not allowed in OAuth 2.1)');
    }
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) return fail('invalid_request', 'code_challenge is not a base64url S256 value');
    const resource = params.get('resource') ?? ctx.urls.resource(MCP_ENDPOINT_PATH);
    if (!this.resources(ctx.urls).includes(resource)) {
      return fail('invalid_target', `Unknown resource "${resource}"; this server protects ${this.resources(ctx.urls).join(' and ')}`);
    }

    const pending: PendingAuthorization = {
      id: randomToken(18),
      clientId: client.client_id,
      clientName: client.client_name ?? client.client_id,
      redirectUri: chosenRedirect,
      codeChallenge,
      scope: grantedScope(params.get('scope') ?? client.scope, ctx.profile),
      resource,
      state,
      expiresAt: Date.now() + PENDING_AUTHORIZATION_TTL_MS,
    };
    if (ctx.profile.consent === 'auto') return this.approve(res, pending, ctx);

    this.state.pending.set(pending.id, pending);
    sendHtml(
      res,
      200,
      renderTemplate('consent.html', {
        clientName: pending.clientName,
        clientId: client.client_id,
        clientSource: client.source === 'dcr' ? 'dynamically registered' : client.cimdBuiltIn ? `client metadata document, ${client.cimdBuiltIn.replace(/^built-in/, 'built-in copy')}` : 'client metadata document',
        redirectUri: pending.redirectUri,
        scopes: pending.scope || '(none)',
        resource: pending.resource,
        transaction: pending.id,
        action: `${ctx.urls.origin}${ctx.url.pathname}`,
      }),
      [redirectSource(pending.redirectUri)],
    );
  }

  /** The consent form's POST: Approve issues a code, Deny returns access_denied. */
  private async decide(req: IncomingMessage, res: ServerResponse, ctx: OAuthRequestContext): Promise<void> {
    const form = new URLSearchParams((await readBody(req, OAUTH_BODY_LIMIT)).toString('utf8'));
    const pending = this.state.pending.get(form.get('transaction') ?? '');
    if (!pending || pending.expiresAt < Date.now()) {
      return this.errorPage(res, 'This consent screen expired or was already answered. Start the connection again from your client.');
    }
    this.state.pending.delete(pending.id);
    if (form.get('decision') !== 'approve') {
      return redirect(
        res,
        callbackUrl(pending.redirectUri, { error: 'access_denied', error_description: 'The user denied the request', state: pending.state, iss: ctx.urls.issuer }),
      );
    }
    return this.approve(res, pending, ctx);
  }

  private approve(res: ServerResponse, pending: PendingAuthorization, ctx: OAuthRequestContext): void {
    const code = randomToken();
    this.state.codes.set(code, {
      clientId: pending.clientId,
      scope: pending.scope,
      resource: pending.resource,
      subject: DEMO_SUBJECT,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      expiresAt: Date.now() + ctx.profile.authorizationCodeLifetimeSeconds * 1000,
      used: false,
    });
    redirect(res, callbackUrl(pending.redirectUri, { code, state: pending.state, iss: ctx.urls.issuer }));
  }

  private errorPage(res: ServerResponse, message: string, note?: string): void {
    sendHtml(
      res,
      400,
      // The meta tags carry the error in a structured form for tools (the inspector's outcome reason).
      `<!doctype html><meta charset="utf-8"><meta name="oauth-error" content="invalid_request"><meta name="oauth-error-description" content="${escapeHtml(message)}"><title>Authorization error</title><body style="font-family:system-ui;max-width:560px;margin:48px auto"><h1>Authorization request rejected</h1><p>${escapeHtml(message)}</p>${note ? `<p>${escapeHtml(note)}</p>` : ''}<p>This page is shown instead of redirecting because the client or redirect URI could not be trusted (RFC 6749 §4.1.2.1).</p></body>`,
    );
  }

  // ---- RFC 6749 §3.2 token endpoint ---------------------------------------------------------

  async token(req: IncomingMessage, res: ServerResponse, ctx: OAuthRequestContext): Promise<void> {
    if (req.method !== 'POST') throw new OAuthError('invalid_request', 'The token endpoint accepts POST only', 405);
    if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
      throw new OAuthError('invalid_request', 'The token request must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams((await readBody(req, OAUTH_BODY_LIMIT)).toString('utf8'));
    const client = await this.authenticateClient(req, form, ctx);
    switch (form.get('grant_type')) {
      case 'authorization_code':
        return this.exchangeCode(res, form, client, ctx);
      case 'refresh_token':
        return this.refresh(res, form, client, ctx);
      case null:
        throw new OAuthError('invalid_request', 'grant_type is missing');
      default:
        throw new OAuthError('unsupported_grant_type', `grant_type "${form.get('grant_type')}" is not supported`);
    }
  }

  /** RFC 6749 §2.3: client_secret_basic, client_secret_post, private_key_jwt (RFC 7523), or a public client (none). */
  private async authenticateClient(req: IncomingMessage, form: URLSearchParams, ctx: OAuthRequestContext): Promise<RegisteredClient> {
    const { profile } = ctx;
    if (form.has('client_assertion') || form.has('client_assertion_type')) return this.authenticateByAssertion(form, ctx);
    const authorization = firstHeader(req, 'authorization');
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    let method: RegisteredClient['token_endpoint_auth_method'] = secret ? 'client_secret_post' : 'none';
    if (authorization?.toLowerCase().startsWith('basic ')) {
      const credentials = parseBasicCredentials(authorization.slice(6));
      if (!credentials) {
        throw new OAuthError('invalid_client', 'The Basic credentials are not base64("client_id:client_secret") with URL-encoded parts', undefined, {
          'WWW-Authenticate': 'Basic realm="token"',
        });
      }
      [clientId, secret] = credentials;
      method = 'client_secret_basic';
    }
    const basicChallenge = method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="token"' } : undefined;
    if (!clientId) throw new OAuthError('invalid_client', 'No client authentication: send client_id (public clients) or client credentials');
    const client = await this.findClient(clientId, profile).catch(() => undefined);
    if (!client) throw new OAuthError('invalid_client', this.unknownClient(clientId), undefined, basicChallenge);
    if (client.token_endpoint_auth_method === 'private_key_jwt') {
      throw new OAuthError(
        'invalid_client',
        `This client's metadata says token_endpoint_auth_method "private_key_jwt": authenticate with client_assertion_type=${CLIENT_ASSERTION_TYPE} and a client_assertion JWT signed with a key from its ${client.extra.jwks_uri ? 'jwks_uri' : 'jwks'} (RFC 7523 §2.2)`,
      );
    }
    if (client.client_secret) {
      if (!secret || !safeEqual(secret, client.client_secret)) {
        throw new OAuthError('invalid_client', 'Client authentication failed: wrong or missing client_secret', undefined, basicChallenge);
      }
    } else if (method !== 'none') {
      throw new OAuthError('invalid_client', 'This client registered as public (token_endpoint_auth_method "none") and has no secret');
    }
    return client;
  }

  /** RFC 7521 §4.2 / RFC 7523 §2.2: the client authenticates with a JWT signed by its own key. */
  private async authenticateByAssertion(form: URLSearchParams, ctx: OAuthRequestContext): Promise<RegisteredClient> {
    if (ctx.profile.privateKeyJwt === 'not-accepted') {
      // What a server that only knows "none" and client secrets answers (Altinity/altinity-mcp#118).
      throw new OAuthError('invalid_client', 'Unsupported client authentication: this server accepts none, client_secret_post and client_secret_basic, not client assertions (private_key_jwt)');
    }
    const type = form.get('client_assertion_type');
    const assertion = form.get('client_assertion');
    if (type !== CLIENT_ASSERTION_TYPE) throw new OAuthError('invalid_client', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}${type ? `, not "${type}"` : ''}`);
    if (!assertion) throw new OAuthError('invalid_client', 'client_assertion is missing');
    if (form.has('client_secret')) throw new OAuthError('invalid_request', 'Use one client authentication method: client_assertion and client_secret were both sent');
    // RFC 7521 §4.2: client_id is optional; the assertion's sub names the client, and must agree with it.
    const clientId = form.get('client_id') ?? unverifiedSubject(assertion);
    if (!clientId) throw new OAuthError('invalid_client', 'The client_assertion names no client (no sub) and no client_id was sent');
    const client = await this.findClient(clientId, ctx.profile).catch(() => undefined);
    if (!client) throw new OAuthError('invalid_client', this.unknownClient(clientId));
    if (client.token_endpoint_auth_method !== 'private_key_jwt') {
      throw new OAuthError('invalid_client', `This client registered token_endpoint_auth_method "${client.token_endpoint_auth_method}", not "private_key_jwt": it cannot authenticate with a client assertion`);
    }
    await verifyClientAssertion(assertion, {
      clientId,
      audiences: [ctx.urls.tokenEndpoint, ctx.urls.issuer],
      keys: await this.clientKeys(client, ctx.profile),
      replay: this.assertionReplay,
    });
    return client;
  }

  /**
   * A private_key_jwt client's public keys: inline `jwks`, or its `jwks_uri` fetched under the
   * CIMD URL/address policy; a simulator profile's `jwks_uri` is its built-in copy, as its document is.
   */
  private async clientKeys(client: RegisteredClient, profile: BehaviorProfile): Promise<JSONWebKeySet> {
    const { jwks, jwks_uri: jwksUri } = client.extra;
    if (typeof jwksUri !== 'string') return jwks as JSONWebKeySet;
    const builtIn = client.builtInKeys ? builtInJwks(jwksUri) : undefined;
    if (builtIn) return builtIn;
    const mode = profile.clientIdMetadataDocuments === 'off' ? 'on' : profile.clientIdMetadataDocuments;
    const text = await fetchClientIdMetadataDocumentText(jwksUri, { mode, allowPrivateAddresses: this.options.allowPrivateCimd }, "the client's JWKS");
    let set: unknown;
    try {
      set = JSON.parse(text);
    } catch {
      throw new OAuthError('invalid_client', `The client's JWKS ${jwksUri} is not JSON`);
    }
    if (typeof set !== 'object' || set === null || !Array.isArray((set as { keys?: unknown }).keys)) throw new OAuthError('invalid_client', `The client's JWKS ${jwksUri} has no "keys" array`);
    return set as JSONWebKeySet;
  }

  private async exchangeCode(res: ServerResponse, form: URLSearchParams, client: RegisteredClient, ctx: OAuthRequestContext): Promise<void> {
    const codeValue = form.get('code');
    const verifier = form.get('code_verifier');
    const redirectUri = form.get('redirect_uri');
    if (!codeValue) throw new OAuthError('invalid_request', 'code is missing');
    if (!verifier) throw new OAuthError('invalid_request', 'code_verifier is missing (PKCE is required)');
    const code = this.state.codes.get(codeValue);
    if (!code) throw new OAuthError('invalid_grant', 'Unknown authorization code');
    if (code.used) {
      // RFC 6749 §4.1.2: a replayed code revokes everything issued from it.
      this.revokeIssuedFrom(code);
      throw new OAuthError('invalid_grant', 'The authorization code was already used; tokens issued from it are revoked');
    }
    code.used = true;
    if (code.expiresAt < Date.now()) throw new OAuthError('invalid_grant', 'The authorization code expired');
    if (code.clientId !== client.client_id) throw new OAuthError('invalid_grant', 'The authorization code was issued to another client');
    if (redirectUri !== code.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the one used in the authorization request');
    }
    if (!safeEqual(s256(verifier), code.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
    const resource = form.get('resource');
    if (resource && resource !== code.resource) throw new OAuthError('invalid_target', `resource must be ${code.resource}, as in the authorization request`);
    code.family = randomToken(12);
    sendTokenResponse(res, await this.issueTokens(code, code.family, client, ctx));
  }

  private async refresh(res: ServerResponse, form: URLSearchParams, client: RegisteredClient, ctx: OAuthRequestContext): Promise<void> {
    const value = form.get('refresh_token');
    if (!value) throw new OAuthError('invalid_request', 'refresh_token is missing');
    const record = this.state.refreshTokens.get(value);
    if (!record || this.state.revokedFamilies.has(record.family)) throw new OAuthError('invalid_grant', 'Unknown or revoked refresh token');
    if (record.clientId !== client.client_id) throw new OAuthError('invalid_grant', 'The refresh token was issued to another client');
    if (record.rotated) {
      // Refresh-token rotation (OAuth 2.1 §4.3.1): a rotated token coming back means it leaked.
      this.state.revokedFamilies.add(record.family);
      throw new OAuthError('invalid_grant', 'Refresh token reuse detected: the whole token family is revoked');
    }
    if (record.expiresAt < Date.now()) throw new OAuthError('invalid_grant', 'The refresh token expired');
    const requestedScope = form.get('scope');
    let scope = record.scope;
    if (requestedScope) {
      const granted = new Set(record.scope.split(' '));
      const extra = requestedScope.split(' ').filter((s) => !granted.has(s));
      if (extra.length) throw new OAuthError('invalid_scope', `A refresh cannot add scopes: ${extra.join(' ')}`);
      scope = requestedScope;
    }
    record.rotated = true;
    sendTokenResponse(res, await this.issueTokens({ ...record, scope }, record.family, client, ctx));
  }

  private async issueTokens(grant: Grant, family: string, client: RegisteredClient, ctx: OAuthRequestContext): Promise<Record<string, unknown>> {
    const { profile, urls } = ctx;
    const accessToken = await this.tokens.issue(grant, profile.accessTokenFormat, profile.accessTokenLifetimeSeconds, urls.issuer, family);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: profile.accessTokenLifetimeSeconds,
      scope: grant.scope,
    };
    if (client.grant_types.includes('refresh_token')) {
      const refreshToken = randomToken();
      this.state.refreshTokens.set(refreshToken, {
        ...grant,
        family,
        rotated: false,
        expiresAt: Date.now() + profile.refreshTokenLifetimeSeconds * 1000,
      });
      body.refresh_token = refreshToken;
    }
    return body;
  }

  /** A replayed code revokes the refresh and access tokens issued from it (RFC 6749 §4.1.2). */
  private revokeIssuedFrom(code: AuthorizationCode): void {
    if (code.family) this.state.revokedFamilies.add(code.family);
  }

  // ---- JWKS and userinfo -------------------------------------------------------------------

  jwks(res: ServerResponse): void {
    sendJson(res, 200, this.tokens.jwks, { 'Cache-Control': 'public, max-age=300' });
  }

  async userinfo(req: IncomingMessage, res: ServerResponse, ctx: OAuthRequestContext): Promise<void> {
    const authorization = firstHeader(req, 'authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) {
      return sendOAuthError(res, new OAuthError('invalid_token', 'Send the access token as Authorization: Bearer'), {
        'WWW-Authenticate': 'Bearer realm="userinfo"',
      });
    }
    try {
      const verified = await this.tokens.verify(match[1]!, ctx.urls.issuer);
      sendJson(res, 200, { sub: verified.subject, name: 'Demo User', preferred_username: 'demo', email: 'demo@example.invalid' });
    } catch (err) {
      const error = err instanceof OAuthError ? err : new OAuthError('invalid_token', String(err));
      sendOAuthError(res, error, { 'WWW-Authenticate': `Bearer realm="userinfo", error="invalid_token"` });
    }
  }
}

/** A CIMD client from a document we hold (not fetched), validated exactly as a fetched one. */
function clientFromDocument(clientId: string, document: Record<string, unknown>): RegisteredClient {
  if (!isClientIdMetadataUrl(clientId)) throw new OAuthError('invalid_client', `${clientId} is not a client_id URL`);
  const metadata = parseClientMetadata({ token_endpoint_auth_method: 'none', ...document, client_id: clientId });
  return { ...metadata, client_id: clientId, client_id_issued_at: Math.floor(Date.now() / 1000), source: 'cimd' };
}

/** The `sub` of a JWT read without verifying it: only to find whose keys verify it. */
function unverifiedSubject(jwt: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1 Basic credentials: undefined when there is no colon or bad percent-encoding. */
function parseBasicCredentials(encoded: string): [string, string] | undefined {
  const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
  } catch {
    return undefined;
  }
}

/**
 * The scope an authorization grants (RFC 6749 §3.3): the profile's defaults when none is asked
 * for; with `supported-only`, the requested scopes outside `scopes_supported` are dropped and a
 * request left with none gets the defaults, so nothing unadvertised reaches a token.
 */
export function grantedScope(requested: string | undefined, profile: BehaviorProfile): string {
  const defaults = profile.scopes.join(' ');
  const asked = (requested ?? '').split(' ').filter(Boolean);
  if (requested === undefined) return defaults;
  if (profile.scopeGrant === 'grant-any') return asked.join(' ');
  const supported = asked.filter((scope) => profile.scopes.includes(scope));
  if (asked.length > 0 && supported.length === 0) return defaults;
  return [...new Set(supported)].join(' ');
}

/** Adds query parameters to a redirect URI, keeping the query it already has. */
function callbackUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

function sendTokenResponse(res: ServerResponse, body: Record<string, unknown>): void {
  sendJson(res, 200, body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req, OAUTH_BODY_LIMIT)).toString('utf8');
  try {
    return JSON.parse(raw);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'The request body is not valid JSON');
  }
}

/** The CSP source of a redirect URI: its origin, or its scheme for an app's own (`cursor:`). */
function redirectSource(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
