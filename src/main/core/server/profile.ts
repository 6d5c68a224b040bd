import { z } from 'zod';
import { REQUIREMENT_BREAK_IDS } from '../../../shared/breaks';
import { ALL_PROTOCOL_VERSIONS } from '../../../shared/protocol';
import type { BehaviorProfile, BehaviorProfilePatch } from '../../../shared/profile';

/** The specification-correct behaviour: what a server should do for every client to work. */
export const SPEC_PROFILE: Readonly<BehaviorProfile> = Object.freeze({
  era: 'auto',
  protocolVersion: 'negotiate',
  notificationStatus: 202,
  getStream: 'sse',
  sessionId: 'issue',
  postResponse: 'json',
  acceptCheck: 'lenient',
  tokenRequired: 'all',
  challengeResourceMetadata: true,
  challengeScope: true,
  protectedResourceMetadata: 'both',
  authServerMetadataLocation: 'both',
  authServerMetadata: 'both',
  metadataIssuer: 'exact',
  dynamicClientRegistration: true,
  redirectUriMatching: 'loopback-any-port',
  clientIdMetadataDocuments: 'on',
  privateKeyJwt: 'on',
  clientIdMetadataAnswer: 'fetched',
  accessTokenFormat: 'jwt',
  tokenValidation: 'by-format',
  accessTokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 30 * 24 * 3600,
  authorizationCodeLifetimeSeconds: 60,
  scopes: ['mcp'],
  scopeGrant: 'supported-only',
  pingIntervalMs: 15_000,
  consent: 'manual',
  latencyMs: 0,
  maxBodyBytes: 4 * 1024 * 1024,
  hostValidation: 'allowed-hosts',
  catalogue: 'own',
  breaks: [],
} satisfies BehaviorProfile);

const location = z.enum(['both', 'root', 'path-suffixed', 'none']);
const positiveInt = z.number().int().nonnegative();

/** Runtime schema for patches: config files and the control API are untrusted input. */
export const BehaviorProfilePatchSchema = z
  .object({
    era: z.enum(['auto', 'session', 'stateless']),
    protocolVersion: z.union([z.literal('negotiate'), z.enum(ALL_PROTOCOL_VERSIONS as [string, ...string[]])]),
    notificationStatus: z.union([z.literal(202), z.literal(204), z.literal(200)]),
    getStream: z.union([z.literal('sse'), z.literal(405), z.literal(501), z.literal(404)]),
    sessionId: z.enum(['issue', 'omit']),
    postResponse: z.enum(['json', 'sse']),
    acceptCheck: z.enum(['lenient', 'strict']),
    tokenRequired: z.enum(['all', 'all-but-handshake', 'none']),
    challengeResourceMetadata: z.boolean(),
    challengeScope: z.boolean(),
    protectedResourceMetadata: location,
    authServerMetadataLocation: location,
    authServerMetadata: z.enum(['both', 'rfc8414', 'openid', 'none']),
    metadataIssuer: z.enum(['exact', 'trailing-slash-added', 'trailing-slash-removed']),
    dynamicClientRegistration: z.boolean(),
    clientIdMetadataDocuments: z.enum(['off', 'on', 'on-allow-loopback']),
    privateKeyJwt: z.enum(['on', 'not-accepted', 'without-none']),
    clientIdMetadataAnswer: z.enum(['fetched', 'html', '404']),
    accessTokenFormat: z.enum(['jwt', 'opaque', 'jwe-like']),
    tokenValidation: z.enum(['by-format', 'jwks-only']),
    accessTokenLifetimeSeconds: positiveInt.min(1),
    refreshTokenLifetimeSeconds: positiveInt.min(1),
    authorizationCodeLifetimeSeconds: positiveInt.min(1),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope is one printable token without spaces or quotes')),
    scopeGrant: z.enum(['supported-only', 'grant-any']),
    redirectUriMatching: z.enum(['loopback-any-port', 'exact']),
    pingIntervalMs: positiveInt,
    consent: z.enum(['manual', 'auto']),
    latencyMs: positiveInt.max(120_000),
    maxBodyBytes: positiveInt.min(1024),
    hostValidation: z.enum(['allowed-hosts', 'off', 'reject-tunnel-host']),
    catalogue: z.enum(['own', 'own+conformance']),
    breaks: z.array(z.enum(REQUIREMENT_BREAK_IDS)),
  })
  .partial()
  .strict();

export class InvalidProfileError extends Error {}

/** Validates a patch and applies it on top of `base`. Throws InvalidProfileError naming every bad field. */
export function applyProfilePatch(base: BehaviorProfile, patch: unknown): BehaviorProfile {
  const parsed = BehaviorProfilePatchSchema.safeParse(patch);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`);
    throw new InvalidProfileError(`Invalid behaviour profile: ${problems.join('; ')}`);
  }
  return { ...base, ...(parsed.data as BehaviorProfilePatch) };
}
