import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BehaviorProfile } from '../../../shared/profile';
import { LATEST_SESSION_ERA_VERSION } from '../../../shared/protocol';
import { BodyTooLargeError, sendEmpty, sendJson, sleep } from './http';
import { hostRefusal, publicHostnames, refusalBody } from './hostGuard';
import { closeNow, listenForStreams } from '../streamingServer';
import { LegacySseEndpoint } from './mcp/legacySse';
import type { JsonRpcMessage } from './mcp/jsonrpc';
import { SessionStore } from './mcp/sessions';
import { ServerSubscriptions } from './mcp/subscriptions';
import { StreamableHttpEndpoint, type McpHttpContext } from './mcp/streamableHttp';
import { AuthorizationServer, type OAuthRequestContext } from './oauth/authorizationServer';
import { authenticateBearer, tokenNeeded } from './oauth/bearer';
import { OAuthError, sendOAuthError } from './oauth/errors';
import { authorizationServerMetadata, protectedResourceMetadata, servedAt } from './oauth/metadata';
import { presetById } from './presets';
import { applyProfilePatch, SPEC_PROFILE } from './profile';
import {
  LEGACY_MESSAGES_PATH,
  LEGACY_SSE_PATH,
  MCP_ENDPOINT_PATH,
  protectedEndpointFor,
  urlsFor,
  WELL_KNOWN,
  type ServerUrls,
} from './urls';

export interface ReferenceServerOptions {
  /** A preset id to start from (see presets.ts); the spec-correct profile by default. */
  preset?: string;
  /** Field overrides applied on top of the preset. */
  profile?: Partial<BehaviorProfile>;
  /** The public origin clients use (a tunnel URL); otherwise derived from each request. */
  publicUrl?: string;
  /** `--allow-private-cimd`: fetch Client ID Metadata Documents from private addresses too. */
  allowPrivateCimd?: boolean;
  /** Host names accepted besides loopback names and the public URL's (DNS-rebinding protection). */
  allowedHosts?: string[];
}

const MCP_ENDPOINTS = [MCP_ENDPOINT_PATH, LEGACY_SSE_PATH];

/** CORS for browser-based clients such as MCP Inspector: they must read these headers. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID',
  'Access-Control-Expose-Headers': 'Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate',
  'Access-Control-Max-Age': '600',
};

/**
 * The reference MCP server and OAuth 2.1 authorization server on one origin. Every wire
 * behaviour comes from `profile`, which can change at runtime.
 */
export class ReferenceServer {
  private current: BehaviorProfile;
  readonly sessions = new SessionStore();
  /** Open `subscriptions/listen` streams and the lists they hear about. */
  readonly subscriptions = new ServerSubscriptions();
  private readonly streamable = new StreamableHttpEndpoint(this.sessions, this.subscriptions);
  private readonly legacy = new LegacySseEndpoint(this.sessions, this.subscriptions);
  private httpServer?: Server;
  /** The public origin now: the tunnel's while one is up, else the configured one. */
  publicUrl: string | undefined;
  /** The configured public URL (--public-url), accepted as a Host even while a tunnel is up. */
  private readonly configuredPublicUrl: string | undefined;
  /** Host names accepted besides loopback names and the public URLs' (the front door's bind address). */
  allowedHosts: string[];

  private constructor(
    readonly authorizationServer: AuthorizationServer,
    options: ReferenceServerOptions,
  ) {
    this.current = composeProfile(options.preset, options.profile ?? {});
    this.publicUrl = options.publicUrl;
    this.configuredPublicUrl = options.publicUrl;
    this.allowedHosts = [...(options.allowedHosts ?? [])];
  }

  static async create(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
    return new ReferenceServer(await AuthorizationServer.create({ allowPrivateCimd: options.allowPrivateCimd }), options);
  }

  get profile(): BehaviorProfile {
    return this.current;
  }

  /** Applies a validated patch (throws InvalidProfileError) and returns the new profile. */
  updateProfile(patch: unknown): BehaviorProfile {
    this.current = applyProfilePatch(this.current, patch);
    return this.current;
  }

  /** Replaces the profile with a preset's. */
  applyPreset(id: string): BehaviorProfile {
    this.current = presetProfile(id);
    return this.current;
  }

  /** Replaces the whole profile with one already validated (the Inspector's composition). */
  setProfile(profile: BehaviorProfile): void {
    this.current = profile;
  }

  /** The request listener: usable on our own port or behind the proxy. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((err: unknown) => this.fail(res, err));
  };

  async listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    const { server, address } = await listenForStreams(this.handle, port, host);
    this.httpServer = server;
    return address;
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.subscriptions.closeAll();
    this.streamable.close();
    const server = this.httpServer;
    if (!server) return;
    this.httpServer = undefined;
    await closeNow(server);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const profile = this.current;
    if (profile.latencyMs > 0) await sleep(profile.latencyMs);
    const url = new URL(req.url ?? '/', 'http://reference.invalid');
    const urls = urlsFor(req, this.publicUrl);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    // DNS-rebinding protection before anything else, as the SDKs' middleware runs:
    // https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#security-warning
    const refusal = hostRefusal(req, profile.hostValidation, [...publicHostnames(this.publicUrl, this.configuredPublicUrl), ...this.allowedHosts]);
    if (refusal) return sendJson(res, 403, refusalBody(refusal));
    if (req.method === 'OPTIONS') return sendEmpty(res, 204);

    if (path.startsWith('/.well-known/') || path.endsWith('/.well-known/openid-configuration')) {
      return this.wellKnown(res, path, profile, urls);
    }
    const oauth: OAuthRequestContext = { profile, urls, url };
    const as = this.authorizationServer;
    switch (path) {
      case MCP_ENDPOINT_PATH:
      case LEGACY_SSE_PATH:
      case LEGACY_MESSAGES_PATH:
        return this.mcp(req, res, path, url, profile, urls);
      case '/':
        if (req.method === 'HEAD') return this.probe(res);
        return sendJson(res, 200, {
          server: 'MCP Handshake Inspector reference server',
          mcp_endpoint: urls.resource(MCP_ENDPOINT_PATH),
          legacy_sse_endpoint: urls.resource(LEGACY_SSE_PATH),
          protected_resource_metadata: urls.protectedResourceMetadata(MCP_ENDPOINT_PATH, 'path-suffixed'),
          authorization_server_metadata: `${urls.origin}${WELL_KNOWN.authorizationServer}`,
        });
      case '/register':
        if (req.method !== 'POST') throw new OAuthError('invalid_request', 'Register a client with POST (RFC 7591)', 405);
        return as.register(req, res, oauth);
      case '/authorize':
        return as.authorize(req, res, oauth);
      case '/token':
        return as.token(req, res, oauth);
      case '/jwks.json':
        return as.jwks(res);
      case '/userinfo':
        return as.userinfo(req, res, oauth);
      default:
        return sendJson(res, 404, { error: 'not_found', error_description: `Nothing is served at ${path}` });
    }
  }

  /** `HEAD /` and `HEAD /mcp`: Claude.ai's first contact in the published Claude.ai + Auth0 logs, answered without auth. */
  private probe(res: ServerResponse): void {
    sendEmpty(res, 200, { 'MCP-Protocol-Version': LATEST_SESSION_ERA_VERSION });
  }

  private async mcp(req: IncomingMessage, res: ServerResponse, path: string, url: URL, profile: BehaviorProfile, urls: ServerUrls): Promise<void> {
    if (req.method === 'HEAD') return this.probe(res);
    const endpointPath = protectedEndpointFor(path);
    const tokens = this.authorizationServer.tokens;
    const authorize = async (messages?: JsonRpcMessage[]): Promise<boolean> =>
      tokenNeeded(profile, req.method ?? 'GET', messages) === false ||
      (await authenticateBearer(req, res, tokens, { profile, urls, endpointPath })) !== undefined;
    // With a body-independent policy the token is checked before the body is read, as an
    // auth middleware would; `all-but-handshake` has to see the JSON-RPC method first.
    const upfront = tokenNeeded(profile, req.method ?? 'GET');
    if (upfront !== undefined && !(await authorize())) return;
    const ctx: McpHttpContext = { profile, authorize: upfront === undefined ? authorize : async () => true };

    if (path === MCP_ENDPOINT_PATH) return this.streamable.handle(req, res, ctx);
    if (path === LEGACY_SSE_PATH) return this.legacy.openStream(req, res, profile);
    return this.legacy.postMessage(req, res, url, ctx);
  }

  private wellKnown(res: ServerResponse, path: string, profile: BehaviorProfile, urls: ServerUrls): void {
    const doc = wellKnownDocument(path, profile, urls);
    if (doc) return sendJson(res, 200, doc, { 'Cache-Control': 'public, max-age=60' });
    sendJson(res, 404, { error: 'not_found', error_description: `No metadata is served at ${path} with the current behaviour profile` });
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    if (err instanceof OAuthError) return sendOAuthError(res, err);
    // An oversized /register, /token or consent body: 413 with an RFC 6749-shaped body, not a 500.
    if (err instanceof BodyTooLargeError) return sendOAuthError(res, new OAuthError('invalid_request', `Payload Too Large: ${err.message}`, 413));
    sendJson(res, 500, { error: 'server_error', error_description: `The reference server failed: ${(err as Error)?.message ?? String(err)}` });
  }
}

/**
 * The discovery document at a well-known path, or undefined when the profile hides it.
 * Path-suffixed forms exist for each MCP endpoint (`/.well-known/…/mcp`, `/.well-known/…/sse`);
 * OpenID configuration is also served at the OIDC "path appended" form (`/mcp/.well-known/…`),
 * which Claude Code probes.
 */
function wellKnownDocument(path: string, profile: BehaviorProfile, urls: ServerUrls): Record<string, unknown> | undefined {
  const match = (prefix: string): 'root' | 'path-suffixed' | undefined => {
    if (path === prefix) return 'root';
    if (MCP_ENDPOINTS.some((endpoint) => path === `${prefix}${endpoint}`)) return 'path-suffixed';
    return undefined;
  };
  const prm = match(WELL_KNOWN.protectedResource);
  if (prm) {
    if (!servedAt(profile.protectedResourceMetadata, prm)) return undefined;
    const endpoint = prm === 'root' ? MCP_ENDPOINT_PATH : path.slice(WELL_KNOWN.protectedResource.length);
    return protectedResourceMetadata(profile, urls, endpoint);
  }
  const asLocation = match(WELL_KNOWN.authorizationServer);
  if (asLocation) {
    const served = servedAt(profile.authServerMetadataLocation, asLocation) && ['both', 'rfc8414'].includes(profile.authServerMetadata);
    return served ? authorizationServerMetadata(profile, urls, 'rfc8414') : undefined;
  }
  const appended = MCP_ENDPOINTS.some((endpoint) => path === `${endpoint}${WELL_KNOWN.openidConfiguration}`);
  const oidcLocation = appended ? 'path-suffixed' : match(WELL_KNOWN.openidConfiguration);
  if (oidcLocation) {
    const served = servedAt(profile.authServerMetadataLocation, oidcLocation) && ['both', 'openid'].includes(profile.authServerMetadata);
    return served ? authorizationServerMetadata(profile, urls, 'openid') : undefined;
  }
  return undefined;
}

function presetProfile(id: string): BehaviorProfile {
  const preset = presetById(id);
  return applyProfilePatch({ ...SPEC_PROFILE }, preset.profile);
}

/** A preset (the spec profile without one) with the user's validated patch on top. */
export function composeProfile(presetId: string | undefined, patch: unknown): BehaviorProfile {
  return applyProfilePatch(presetId ? presetProfile(presetId) : { ...SPEC_PROFILE }, patch);
}

