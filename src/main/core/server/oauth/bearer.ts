import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BehaviorProfile } from '../../../../shared/profile';
import { firstHeader } from '../http';
import type { ServerUrls } from '../urls';
import type { JsonRpcMessage } from '../mcp/jsonrpc';
import type { AccessTokens, VerifiedAccessToken } from './accessTokens';
import { OAuthError, sendOAuthError } from './errors';
import { challengeMetadataUrl } from './metadata';

// The resource-server side of OAuth: who may call the MCP endpoints, and the 401 that tells a
// client where to start (RFC 6750 §3, RFC 9728 §5.1).

/** Messages the working server of the published Claude.ai + Auth0 logs let through without a token. */
const HANDSHAKE_METHODS = new Set(['initialize', 'notifications/initialized']);

/**
 * Whether a request needs a token. `undefined` means "it depends on the JSON-RPC body", which
 * only the `all-but-handshake` policy asks for on POST.
 */
export function tokenNeeded(profile: BehaviorProfile, httpMethod: string, messages?: JsonRpcMessage[]): boolean | undefined {
  switch (profile.tokenRequired) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'all-but-handshake':
      if (httpMethod !== 'POST') return false; // GET stream and DELETE: session checks only
      if (!messages) return undefined;
      return !messages.every((m) => 'method' in m && HANDSHAKE_METHODS.has(m.method));
  }
}

/** `WWW-Authenticate: Bearer …` for a 401, with the parameters the profile asks for. */
export function bearerChallenge(profile: BehaviorProfile, urls: ServerUrls, endpointPath: string, error?: OAuthError): string {
  const params: string[] = [];
  if (error) params.push(`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, "'")}"`);
  const metadataUrl = profile.challengeResourceMetadata ? challengeMetadataUrl(profile, urls, endpointPath) : undefined;
  if (metadataUrl) params.push(`resource_metadata="${metadataUrl}"`);
  if (profile.challengeScope && profile.scopes.length) params.push(`scope="${profile.scopes.join(' ')}"`);
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/**
 * Checks the bearer token for `endpointPath`. On failure answers 401 itself and returns
 * undefined; on success returns what the token grants.
 */
export async function authenticateBearer(
  req: IncomingMessage,
  res: ServerResponse,
  tokens: AccessTokens,
  ctx: { profile: BehaviorProfile; urls: ServerUrls; endpointPath: string },
): Promise<VerifiedAccessToken | undefined> {
  const { profile, urls, endpointPath } = ctx;
  const header = firstHeader(req, 'authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    const reason = header ? 'The Authorization header is not "Bearer <token>"' : 'This MCP server needs an access token: start OAuth from the resource metadata';
    sendOAuthError(res, new OAuthError('invalid_token', reason, 401), { 'WWW-Authenticate': bearerChallenge(profile, urls, endpointPath) });
    return undefined;
  }
  const token = match[1]!;
  try {
    if (profile.tokenValidation === 'jwks-only' && token.split('.').length !== 3) {
      throw new OAuthError('invalid_token', 'Token key ID (kid): None. Only JWTs verifiable against the JWKS are accepted');
    }
    return await tokens.verify(token, urls.issuer, urls.resource(endpointPath));
  } catch (err) {
    const error = err instanceof OAuthError ? err : new OAuthError('invalid_token', String(err));
    sendOAuthError(res, error, { 'WWW-Authenticate': bearerChallenge(profile, urls, endpointPath, error) });
    return undefined;
  }
}
