import { randomBytes, randomUUID } from 'node:crypto';
import {
  EncryptJWT,
  SignJWT,
  exportJWK,
  generateKeyPair,
  jwtDecrypt,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { AccessTokenFormat } from '../../../../shared/profile';
import { OAuthError } from './errors';
import { randomToken, type Grant, type OAuthState } from './state';

export const SIGNING_ALG = 'ES256';

/** What the resource server learns from a valid access token. */
export interface VerifiedAccessToken extends Grant {
  format: AccessTokenFormat;
  expiresAt: number;
  claims?: JWTPayload;
}

/**
 * Issues and verifies access tokens in the three formats a profile can pick. Keys are made
 * per process: a restart invalidates every token, which clients must cope with anyway.
 */
export class AccessTokens {
  private constructor(
    private readonly signingKey: CryptoKey,
    private readonly verifyKey: CryptoKey,
    readonly publicJwk: JWK,
    private readonly encryptionKey: Uint8Array,
    private readonly state: OAuthState,
  ) {}

  static async create(state: OAuthState): Promise<AccessTokens> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const jwk = await exportJWK(publicKey);
    const publicJwk: JWK = { ...jwk, kid: randomUUID(), alg: SIGNING_ALG, use: 'sig' };
    return new AccessTokens(privateKey, publicKey, publicJwk, randomBytes(32), state);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /**
   * Issues an access token of `family` (the code exchange it descends from): revoking the
   * family (OAuthState.revokedFamilies) makes the bearer check refuse it, whatever its format.
   */
  async issue(grant: Grant, format: AccessTokenFormat, lifetimeSeconds: number, issuer: string, family: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { scope: grant.scope, client_id: grant.clientId };
    const jti = randomUUID();
    if (format !== 'opaque') {
      // Expired tokens fail on `exp` anyway: forget their families once the list grows.
      if (this.state.accessTokenFamilies.size >= 10_000) {
        for (const [id, entry] of this.state.accessTokenFamilies) if (entry.expiresAt < now * 1000) this.state.accessTokenFamilies.delete(id);
      }
      this.state.accessTokenFamilies.set(jti, { family, expiresAt: (now + lifetimeSeconds) * 1000 });
    }
    switch (format) {
      case 'jwt':
        return new SignJWT(claims)
          .setProtectedHeader({ alg: SIGNING_ALG, kid: this.publicJwk.kid, typ: 'at+jwt' })
          .setIssuer(issuer)
          .setSubject(grant.subject)
          .setAudience(grant.resource)
          .setIssuedAt(now)
          .setExpirationTime(now + lifetimeSeconds)
          .setJti(jti)
          .sign(this.signingKey);
      case 'jwe-like':
        // Like Auth0's tokens in the published Claude.ai + Auth0 logs: encrypted, no `kid`, unverifiable via JWKS.
        return new EncryptJWT(claims)
          .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
          .setIssuer(issuer)
          .setSubject(grant.subject)
          .setAudience(grant.resource)
          .setIssuedAt(now)
          .setExpirationTime(now + lifetimeSeconds)
          .setJti(jti)
          .encrypt(this.encryptionKey);
      case 'opaque': {
        const token = randomToken();
        this.state.opaqueAccessTokens.set(token, { ...grant, family, expiresAt: (now + lifetimeSeconds) * 1000 });
        return token;
      }
    }
  }

  /**
   * Verifies a token for `audience` (the resource being accessed; omitted by /userinfo, which
   * serves any resource). The format is recognised from the token itself, so tokens issued
   * before a profile change keep working.
   */
  async verify(token: string, issuer: string, audience?: string): Promise<VerifiedAccessToken> {
    const parts = token.split('.').length;
    if (parts === 3) return this.verifyJwt(token, audience, issuer);
    if (parts === 5) return this.introspectViaUserinfo(token);
    return this.lookupOpaque(token, audience);
  }

  private async verifyJwt(token: string, audience: string | undefined, issuer: string): Promise<VerifiedAccessToken> {
    try {
      const { payload } = await jwtVerify(token, this.verifyKey, { audience, issuer, algorithms: [SIGNING_ALG] });
      this.checkNotRevoked(this.state.accessTokenFamilies.get(payload.jti ?? '')?.family);
      return { ...grantFromClaims(payload), format: 'jwt', expiresAt: (payload.exp ?? 0) * 1000, claims: payload };
    } catch (err) {
      throw new OAuthError('invalid_token', `The access token is not valid here: ${(err as Error).message}`);
    }
  }

  /**
   * The `/userinfo` path: an encrypted token cannot be checked against the JWKS, so the
   * resource server asks the authorization server who it belongs to. As with Auth0 in
   * the published Claude.ai + Auth0 logs, that answer carries no audience: a token for another resource passes.
   */
  async introspectViaUserinfo(token: string): Promise<VerifiedAccessToken> {
    try {
      const { payload } = await jwtDecrypt(token, this.encryptionKey);
      this.checkNotRevoked(this.state.accessTokenFamilies.get(payload.jti ?? '')?.family);
      return { ...grantFromClaims(payload), format: 'jwe-like', expiresAt: (payload.exp ?? 0) * 1000, claims: payload };
    } catch (err) {
      throw new OAuthError('invalid_token', `The access token could not be decrypted: ${(err as Error).message}`);
    }
  }

  /** The revocation list, checked for every format (RFC 6749 §4.1.2, OAuth 2.1 §4.3.1). */
  private checkNotRevoked(family: string | undefined): void {
    if (family !== undefined && this.state.revokedFamilies.has(family)) {
      throw new OAuthError('invalid_token', 'The access token was revoked: its authorization code was replayed or its refresh token reused');
    }
  }

  private lookupOpaque(token: string, audience: string | undefined): VerifiedAccessToken {
    const record = this.state.opaqueAccessTokens.get(token);
    if (!record) throw new OAuthError('invalid_token', 'Unknown access token');
    if (record.expiresAt <= Date.now()) {
      this.state.opaqueAccessTokens.delete(token);
      throw new OAuthError('invalid_token', 'The access token expired');
    }
    this.checkNotRevoked(record.family);
    if (audience !== undefined && record.resource !== audience) {
      throw new OAuthError('invalid_token', `The access token was issued for ${record.resource}, not ${audience}`);
    }
    return { ...record, format: 'opaque' };
  }
}

function grantFromClaims(payload: JWTPayload): Grant {
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  return {
    clientId: String(payload.client_id ?? ''),
    scope: String(payload.scope ?? ''),
    resource: aud ?? '',
    subject: payload.sub ?? '',
  };
}
