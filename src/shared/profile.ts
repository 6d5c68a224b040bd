import type { RequirementBreakId } from './breaks';
import type { ProtocolEra, ProtocolVersion } from './protocol';

// The reference server's wire behaviour as data. Every field a developer can flip in the
// UI lives here; handlers read the profile, they never hard-code an alternative.
// The default values (see core/server/profile.ts) are the specification-correct ones.

/** HTTP status for a POST that carries only notifications or responses (spec: 202). */
export type NotificationStatus = 202 | 204 | 200;

/** What `GET /mcp` does: open the server→client SSE stream, or refuse with a status. */
export type GetStreamBehavior = 'sse' | 405 | 501 | 404;

/** Whether `initialize` issues an `Mcp-Session-Id` (and later requests must carry it). */
export type SessionIdMode = 'issue' | 'omit';

/**
 * Which MCP requests need a bearer token.
 * - `all`: every request, `initialize` included (spec).
 * - `all-but-handshake`: `initialize`, `notifications/initialized` and the GET/DELETE of the
 *   session pass without a token; everything else needs one (the working server of the published
 *   Claude.ai + Auth0 handshake logs, CLAUDE_AI_AUTH0_HANDSHAKE_LOGS in sources.ts).
 * - `none`: no authorization at all.
 */
export type TokenRequirement = 'all' | 'all-but-handshake' | 'none';

/** Where a well-known metadata document is served relative to the MCP endpoint path. */
export type MetadataLocation = 'both' | 'root' | 'path-suffixed' | 'none';

/** Which authorization-server metadata documents exist. */
export type AuthServerMetadataFlavor = 'both' | 'rfc8414' | 'openid' | 'none';

/**
 * Access-token format.
 * - `jwt`: ES256-signed JWT with `kid`, verifiable against `/jwks.json`.
 * - `opaque`: random string, looked up server-side.
 * - `jwe-like`: encrypted JWT without `kid` (as Auth0 issued in those logs); the resource
 *   server cannot verify it locally and validates it through `/userinfo`.
 */
export type AccessTokenFormat = 'jwt' | 'opaque' | 'jwe-like';

/**
 * How the resource server validates bearer tokens.
 * - `by-format`: JWTs against our JWKS, encrypted tokens through `/userinfo`, opaque by lookup.
 * - `jwks-only`: JWKS verification only, so a token without `kid` is rejected (as in those logs:
 *   "Token key ID (kid): None" followed by an error).
 */
export type TokenValidation = 'by-format' | 'jwks-only';

/** How a POST carrying requests is answered: one JSON body, or an SSE stream per request. */
export type PostResponseMode = 'json' | 'sse';

/** How `Accept` on POST is checked: lenient accepts `*\/*` or either type; strict needs both. */
export type AcceptCheck = 'lenient' | 'strict';

/**
 * Which requested scopes are granted.
 * - `supported-only`: only those in `scopes_supported` (the profile's `scopes`); others are
 *   dropped, and a request left with none gets the defaults (RFC 6749 §3.3: the AS may ignore
 *   requested scopes and says what it granted in the token response's `scope`).
 * - `grant-any`: whatever the client asks for ends up in the token, as a lenient AS does.
 */
export type ScopeGrant = 'supported-only' | 'grant-any';

/**
 * How `/authorize` matches the redirect URI against the registered ones.
 * - `loopback-any-port`: exact, except that a loopback http URI may use any port (RFC 8252 §7.3).
 * - `exact`: byte for byte, port included, as some authorization servers do; VS Code's random
 *   port when 33418 is busy is then refused (microsoft/vscode#278512).
 */
export type RedirectUriMatching = 'loopback-any-port' | 'exact';

/**
 * How the metadata's `issuer` compares with the authorization server the PRM names: `exact` is
 * the same string; `trailing-slash-added` appends a "/" in the metadata only, as Auth0 and
 * Pydantic-built servers do (python-sdk#1919); `trailing-slash-removed` is the other way round
 * (the PRM names "…/", the metadata says it without, as with Google's accounts server). The
 * well-known URL is the same, the strings differ.
 */
export type MetadataIssuer = 'exact' | 'trailing-slash-added' | 'trailing-slash-removed';

/** Client ID Metadata Documents (2025-11-25): a URL `client_id` resolved by fetching it. */
export type ClientIdMetadataMode = 'off' | 'on' | 'on-allow-loopback';

/**
 * `private_key_jwt` client authentication (RFC 7523 client assertions at the token endpoint):
 * `on` verifies assertions and advertises the method next to `none`; `not-accepted` is a server
 * that only knows `none` and client secrets (invalid_client to an assertion, method not
 * advertised); `without-none` advertises `private_key_jwt` but drops `none` from
 * `token_endpoint_auth_methods_supported` (the metadata only: Claude.ai then uses DCR).
 */
export type PrivateKeyJwtMode = 'on' | 'not-accepted' | 'without-none';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion (`private_key_jwt`). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * What the host of a Client ID Metadata Document is taken to answer: `fetched` is the real
 * fetch; `html` and `404` make the server resolve every URL client_id as if its host had served
 * an HTML page or a 404 (a login wall or SPA fallback, a moved document), failing as it would.
 */
export type ClientIdMetadataAnswer = 'fetched' | 'html' | '404';

/**
 * DNS-rebinding protection (the spec's Streamable HTTP security warning, the SDKs' allowedHosts):
 * - `allowed-hosts`: a Host (and X-Forwarded-Host) that is a loopback name, the public URL's or
 *   the tunnel's host, and an Origin (when sent) of those hosts; anything else gets 403.
 * - `off`: every Host and Origin is accepted (a server without the protection).
 * - `reject-tunnel-host`: loopback names only, as an SDK server with allowedHosts left at
 *   localhost answers behind a tunnel: 403 "Invalid Host: <the tunnel's name>".
 */
export type HostValidation = 'allowed-hosts' | 'off' | 'reject-tunnel-host';

/**
 * What the reference server lists and serves: our own demo catalogue (content.ts), or that plus
 * the fixture catalogue of the official conformance suite (conformanceFixtures.ts).
 */
export type Catalogue = 'own' | 'own+conformance';

export interface BehaviorProfile {
  /** Pin the protocol era, or pick it per request from what the client sends. */
  era: 'auto' | ProtocolEra;
  /** `negotiate` answers as the spec says; a fixed version is answered whatever the client asked. */
  protocolVersion: 'negotiate' | ProtocolVersion;
  notificationStatus: NotificationStatus;
  getStream: GetStreamBehavior;
  sessionId: SessionIdMode;
  postResponse: PostResponseMode;
  acceptCheck: AcceptCheck;
  tokenRequired: TokenRequirement;
  /** Include `resource_metadata="…"` in the 401's `WWW-Authenticate`. */
  challengeResourceMetadata: boolean;
  /** Include `scope="…"` in the 401's `WWW-Authenticate`. */
  challengeScope: boolean;
  protectedResourceMetadata: MetadataLocation;
  authServerMetadataLocation: MetadataLocation;
  authServerMetadata: AuthServerMetadataFlavor;
  metadataIssuer: MetadataIssuer;
  dynamicClientRegistration: boolean;
  redirectUriMatching: RedirectUriMatching;
  clientIdMetadataDocuments: ClientIdMetadataMode;
  privateKeyJwt: PrivateKeyJwtMode;
  clientIdMetadataAnswer: ClientIdMetadataAnswer;
  accessTokenFormat: AccessTokenFormat;
  tokenValidation: TokenValidation;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  /** Scopes advertised and granted when a client asks for none. */
  scopes: string[];
  /** Whether scopes outside `scopes` can be granted. */
  scopeGrant: ScopeGrant;
  /** Interval of `: ping` comments on open SSE streams; 0 turns pings off. */
  pingIntervalMs: number;
  consent: 'manual' | 'auto';
  /** Delay added before every response of the reference server. */
  latencyMs: number;
  /** Largest accepted request body; larger ones get 413. */
  maxBodyBytes: number;
  hostValidation: HostValidation;
  catalogue: Catalogue;
  /**
   * Requirements of the spec the server breaks on purpose (shared/breaks.ts), so a user can watch
   * how a client reacts. Empty: every requirement is honoured.
   */
  breaks: RequirementBreakId[];
}

export type BehaviorProfilePatch = Partial<BehaviorProfile>;

export interface BehaviorPreset {
  id: string;
  title: string;
  /** What this preset reproduces and where the behaviour was observed. */
  description: string;
  /** Public https URLs behind the description: spec revisions, issue reports, published logs. */
  sources?: string[];
  profile: BehaviorProfilePatch;
}
