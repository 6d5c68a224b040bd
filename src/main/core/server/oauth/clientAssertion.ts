import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { OAuthError } from './errors';

// RFC 7523 §2.2 / §3 client assertions (`private_key_jwt`, RFC 7521 §4.2): the client proves
// who it is at the token endpoint with a JWT signed by a key its metadata publishes.

export { CLIENT_ASSERTION_TYPE } from '../../../../shared/profile';

/** Asymmetric JWS algorithms only: `none` proves nothing and HS* would need a shared secret. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** How far an assertion's exp may lie ahead: the replay cache keeps each jti at most this long. */
const MAX_ASSERTION_LIFETIME_S = 10 * 60;
const REPLAY_CACHE_CAPACITY = 10_000;

/**
 * The `jti`s of accepted assertions until they expire (RFC 7523 §3 item 7), bounded: a full
 * cache forgets the entry that expires first, which is past its use soonest.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(private readonly capacity = REPLAY_CACHE_CAPACITY) {}

  /** Records `key` until `expiresAt` (ms); false when it was already recorded and not expired. */
  firstUse(key: string, expiresAt: number, now = Date.now()): boolean {
    const known = this.seen.get(key);
    if (known !== undefined && known > now) return false;
    if (this.seen.size >= this.capacity) this.prune(now);
    this.seen.set(key, expiresAt);
    return true;
  }

  private prune(now: number): void {
    for (const [key, expiresAt] of this.seen) if (expiresAt <= now) this.seen.delete(key);
    while (this.seen.size >= this.capacity) {
      let soonest: [string, number] | undefined;
      for (const entry of this.seen) if (!soonest || entry[1] < soonest[1]) soonest = entry;
      this.seen.delete(soonest![0]);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

export interface AssertionCheck {
  clientId: string;
  /** Accepted `aud` values: the token endpoint URL and the issuer (RFC 7523 §3 item 3). */
  audiences: string[];
  keys: JSONWebKeySet;
  replay: ReplayCache;
}

const fail = (description: string) => new OAuthError('invalid_client', `The client_assertion was refused: ${description}`);

/** Verifies a client assertion for `clientId`; throws invalid_client naming what is wrong. */
export async function verifyClientAssertion(assertion: string, check: AssertionCheck): Promise<void> {
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(check.keys), {
      issuer: check.clientId,
      subject: check.clientId,
      audience: check.audiences,
      algorithms: [...CLIENT_ASSERTION_ALGS],
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (err) {
    throw fail(assertionProblem(err, check));
  }
  const expiresAt = payload.exp! * 1000;
  if (expiresAt - Date.now() > MAX_ASSERTION_LIFETIME_S * 1000) throw fail(`its exp is more than ${MAX_ASSERTION_LIFETIME_S} s ahead; a client assertion is short-lived`);
  if (!check.replay.firstUse(`${check.clientId} ${String(payload.jti)}`, expiresAt)) {
    throw fail(`jti "${String(payload.jti)}" was already used (RFC 7523 §3: an assertion is used once)`);
  }
}

function assertionProblem(err: unknown, check: AssertionCheck): string {
  if (err instanceof errors.JWTExpired) return 'it expired (exp is in the past)';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
      case 'sub':
        return `${err.claim} must be the client_id ${check.clientId} (RFC 7523 §3)`;
      case 'aud':
        return `aud must be the token endpoint URL or the issuer (${check.audiences.join(' or ')})`;
      default:
        return `${err.claim} ${err.reason === 'missing' ? 'is missing' : 'is invalid'}: ${err.message}`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return `its alg is not one of ${CLIENT_ASSERTION_ALGS.join(', ')} (never none or HS*)`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the signature does not verify with the client's published key";
  if (err instanceof errors.JWKSNoMatchingKey) return "no key in the client's JWKS matches its kid and alg";
  if (err instanceof errors.JWKSMultipleMatchingKeys) return "several keys in the client's JWKS match; send a kid";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return `it is not a valid signed JWT (${(err as Error).message})`;
  return (err as Error).message;
}
