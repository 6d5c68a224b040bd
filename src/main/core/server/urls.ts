import type { IncomingMessage } from 'node:http';
import { requestOrigin } from './http';

/** The MCP endpoints the reference server exposes, by path. Each is its own protected resource. */
export const MCP_ENDPOINT_PATH = '/mcp';
export const LEGACY_SSE_PATH = '/sse';
export const LEGACY_MESSAGES_PATH = '/messages';

export const WELL_KNOWN = {
  protectedResource: '/.well-known/oauth-protected-resource',
  authorizationServer: '/.well-known/oauth-authorization-server',
  openidConfiguration: '/.well-known/openid-configuration',
} as const;

/** Every absolute URL the server names in metadata and headers, derived from one origin. */
export interface ServerUrls {
  origin: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint: string;
  jwksUri: string;
  userinfoEndpoint: string;
  /** The protected resource (RFC 8707 / RFC 9728 `resource`) for an MCP endpoint path. */
  resource(endpointPath: string): string;
  /** RFC 9728 metadata URL for an endpoint: root, or with the endpoint path inserted. */
  protectedResourceMetadata(endpointPath: string, where: 'root' | 'path-suffixed'): string;
}

export function serverUrls(origin: string): ServerUrls {
  return {
    origin,
    // The issuer is the origin itself, so RFC 8414's well-known URL for it is the root one.
    issuer: origin,
    authorizationEndpoint: `${origin}/authorize`,
    tokenEndpoint: `${origin}/token`,
    registrationEndpoint: `${origin}/register`,
    jwksUri: `${origin}/jwks.json`,
    userinfoEndpoint: `${origin}/userinfo`,
    resource: (endpointPath) => `${origin}${endpointPath}`,
    protectedResourceMetadata: (endpointPath, where) =>
      where === 'root' ? `${origin}${WELL_KNOWN.protectedResource}` : `${origin}${WELL_KNOWN.protectedResource}${endpointPath}`,
  };
}

export function urlsFor(req: IncomingMessage, publicUrl: string | undefined): ServerUrls {
  return serverUrls(requestOrigin(req, publicUrl));
}

/** Maps a legacy /messages POST to the resource it belongs to (the /sse endpoint). */
export function protectedEndpointFor(pathname: string): string {
  return pathname === LEGACY_MESSAGES_PATH ? LEGACY_SSE_PATH : pathname;
}
