import { randomBytes } from 'node:crypto';

// In-memory state of the reference authorization server. It lives as long as the process:
// a restart forgets registrations and grants, just as a fresh deployment of a real AS would.

export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_id_issued_at: number;
  client_secret_expires_at?: number;
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  /** How we learned about the client: dynamic registration or its metadata document. */
  source: 'dcr' | 'cimd';
  /**
   * Set when a CIMD client's document is a built-in profile's copy because its URL could not be
   * fetched: what the authorize answer says about it (see builtInClientMetadata.ts).
   */
  cimdBuiltIn?: string;
  /**
   * The client's document is one the simulator publishes (a built-in copy, or handed over by an
   * in-process simulation): its `jwks_uri` keys are the built-in copy too, never fetched.
   */
  builtInKeys?: boolean;
  /** The rest of the client's metadata, echoed back as RFC 7591 asks. */
  extra: Record<string, unknown>;
}

/** What an authorization code or refresh token grants. */
export interface Grant {
  clientId: string;
  scope: string;
  resource: string;
  subject: string;
}

export interface AuthorizationCode extends Grant {
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  used: boolean;
  /**
   * The token family its exchange started (access and refresh tokens alike), revoked if the
   * code is replayed (RFC 6749 §4.1.2).
   */
  family?: string;
}

export interface RefreshTokenRecord extends Grant {
  expiresAt: number;
  /** All refresh tokens descending from one code share a family; reuse revokes it. */
  family: string;
  rotated: boolean;
}

/** A consent screen waiting for the user's Approve or Deny. */
export interface PendingAuthorization extends Omit<Grant, 'subject'> {
  id: string;
  redirectUri: string;
  codeChallenge: string;
  state?: string;
  clientName: string;
  expiresAt: number;
}

export const DEMO_SUBJECT = 'demo-user';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** How many clients the server remembers; registrations beyond it evict the least recently used. */
export const MAX_CLIENTS = 500;

/**
 * The registered (and CIMD-resolved) clients, bounded: DCR is open to anyone who reaches the
 * server (through the tunnel, too), so an unbounded registry is a memory leak on demand. When
 * full, a new client evicts the one used least recently; the evicted ids are remembered (also
 * bounded) so that a client coming back is told why it is unknown, not just that it is.
 */
export class ClientRegistry {
  private readonly byId = new Map<string, RegisteredClient>();
  private readonly evicted = new Set<string>();

  constructor(readonly capacity = MAX_CLIENTS) {}

  get size(): number {
    return this.byId.size;
  }

  /** The client, marked as just used (a Map keeps insertion order: re-inserting moves it last). */
  get(clientId: string): RegisteredClient | undefined {
    const client = this.byId.get(clientId);
    if (client) {
      this.byId.delete(clientId);
      this.byId.set(clientId, client);
    }
    return client;
  }

  /** Adds or replaces a client; returns the id of the client evicted to make room, if any. */
  set(clientId: string, client: RegisteredClient): string | undefined {
    this.byId.delete(clientId);
    this.evicted.delete(clientId);
    let evictedId: string | undefined;
    if (this.byId.size >= this.capacity) {
      evictedId = this.byId.keys().next().value!;
      this.byId.delete(evictedId);
      this.evicted.add(evictedId);
      if (this.evicted.size > this.capacity) this.evicted.delete(this.evicted.values().next().value!);
    }
    this.byId.set(clientId, client);
    return evictedId;
  }

  /** Whether `clientId` was registered here once and evicted since (so a returning client can be told why). */
  wasEvicted(clientId: string): boolean {
    return this.evicted.has(clientId);
  }
}

export class OAuthState {
  readonly clients = new ClientRegistry();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /**
   * The revocation list: token families (one per code exchange, kept across refresh rotation)
   * whose refresh AND access tokens are dead, after a replayed code or a reused refresh token.
   */
  readonly revokedFamilies = new Set<string>();
  /** The family of each self-contained access token (JWT, encrypted), by its `jti`. */
  readonly accessTokenFamilies = new Map<string, { family: string; expiresAt: number }>();
  readonly pending = new Map<string, PendingAuthorization>();
  /** Opaque access tokens (and their grant) by value. */
  readonly opaqueAccessTokens = new Map<string, Grant & { expiresAt: number; family: string }>();
}
