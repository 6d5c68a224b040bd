import type { ClientIdMetadataAnswer, ClientIdMetadataMode } from '../../../../shared/profile';
import { fetchClientIdMetadataDocumentText } from './cimdFetch';
import { OAuthError } from './errors';
import { isHttpUrl } from '../../wire/url';
import { randomToken, type RegisteredClient, type TokenEndpointAuthMethod } from './state';

// Dynamic Client Registration (RFC 7591) and Client ID Metadata Documents (MCP 2025-11-25).

const AUTH_METHODS: TokenEndpointAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];
/** Methods a public metadata document may name: no shared secret can live in a public document. */
const DOCUMENT_AUTH_METHODS: TokenEndpointAuthMethod[] = ['none', 'private_key_jwt'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/**
 * Accepts the redirect URIs real clients register: https callbacks (claude.ai, chatgpt.com),
 * loopback http on any port (Claude Code, VS Code, mcp-remote: RFC 8252 §7.3), and private-use
 * schemes (`cursor://…`, `vscode://…`: RFC 8252 §7.1). Rejects plain http to other hosts and
 * fragments (RFC 6749 §3.1.2).
 */
export function redirectUriProblem(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (parsed.hash) return `"${uri}" has a fragment, which RFC 6749 §3.1.2 forbids`;
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme === 'https') return undefined;
  if (scheme === 'http') return isLoopbackHost(parsed.hostname) ? undefined : `"${uri}" uses http on a non-loopback host`;
  if (['javascript', 'data', 'file', 'vbscript'].includes(scheme)) return `"${uri}" uses the forbidden scheme ${scheme}:`;
  return undefined; // private-use scheme of a native app
}

/**
 * RFC 8252 §7.3: for loopback redirects the port is chosen at run time, so it is ignored when
 * comparing. Everything else must match the registered URI exactly.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  try {
    const a = new URL(registered);
    const b = new URL(requested);
    return (
      a.protocol === 'http:' &&
      b.protocol === 'http:' &&
      isLoopbackHost(a.hostname) &&
      a.hostname === b.hostname &&
      a.pathname === b.pathname &&
      a.search === b.search
    );
  } catch {
    return false;
  }
}

function stringArray(value: unknown, field: string, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new OAuthError('invalid_client_metadata', `${field} must be an array of strings`);
  }
  return value as string[];
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_client_metadata', `${field} must be a string`);
  return value;
}

/** Validates RFC 7591 client metadata into a client record (without id or secret). */
export function parseClientMetadata(body: unknown): Omit<RegisteredClient, 'client_id' | 'client_id_issued_at' | 'source'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_client_metadata', 'The registration request must be a JSON object');
  }
  const metadata = body as Record<string, unknown>;
  const redirectUris = stringArray(metadata.redirect_uris, 'redirect_uris', []);
  if (redirectUris.length === 0) throw new OAuthError('invalid_redirect_uri', 'redirect_uris must name at least one URI');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', problem);
  }
  const authMethod = (metadata.token_endpoint_auth_method ?? 'client_secret_basic') as TokenEndpointAuthMethod;
  if (!AUTH_METHODS.includes(authMethod)) {
    throw new OAuthError('invalid_client_metadata', `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  }
  if (authMethod === 'private_key_jwt') checkClientKeys(metadata);
  const grantTypes = stringArray(metadata.grant_types, 'grant_types', ['authorization_code']);
  const unsupportedGrant = grantTypes.find((g) => g !== 'authorization_code' && g !== 'refresh_token');
  if (unsupportedGrant) throw new OAuthError('invalid_client_metadata', `grant type ${unsupportedGrant} is not supported`);
  const responseTypes = stringArray(metadata.response_types, 'response_types', ['code']);
  if (responseTypes.some((r) => r !== 'code')) throw new OAuthError('invalid_client_metadata', 'only the "code" response type is supported');
  const known = new Set(['redirect_uris', 'token_endpoint_auth_method', 'grant_types', 'response_types', 'client_name', 'client_uri', 'logo_uri', 'scope', 'client_id', 'client_secret']);
  const extra = Object.fromEntries(Object.entries(metadata).filter(([k]) => !known.has(k)));
  return {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: responseTypes,
    client_name: optionalString(metadata.client_name, 'client_name'),
    client_uri: optionalString(metadata.client_uri, 'client_uri'),
    logo_uri: optionalString(metadata.logo_uri, 'logo_uri'),
    scope: optionalString(metadata.scope, 'scope'),
    extra,
  };
}

/**
 * RFC 7591 §2 / RFC 7523 §2.2: a `private_key_jwt` client names its public keys, by `jwks_uri`
 * or inline `jwks` (not both), and only public, asymmetric keys.
 */
function checkClientKeys(metadata: Record<string, unknown>): void {
  const { jwks, jwks_uri: jwksUri } = metadata;
  if (jwks !== undefined && jwksUri !== undefined) throw new OAuthError('invalid_client_metadata', 'jwks and jwks_uri must not both be present (RFC 7591 §2)');
  if (jwksUri !== undefined) {
    if (typeof jwksUri !== 'string' || !isHttpUrl(jwksUri)) throw new OAuthError('invalid_client_metadata', 'jwks_uri must be an http(s) URL');
    return;
  }
  const keys = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method "private_key_jwt" needs the client\'s public keys: jwks_uri or jwks with at least one key');
  }
  for (const key of keys as Array<Record<string, unknown>>) {
    if (typeof key !== 'object' || key === null || typeof key.kty !== 'string') throw new OAuthError('invalid_client_metadata', 'every key in jwks must be a JWK with kty');
    if (key.kty === 'oct' || 'd' in key) throw new OAuthError('invalid_client_metadata', 'jwks must hold public keys only (no private or symmetric key material)');
  }
}

/** RFC 7591 §3.1: register a client, issuing a secret to confidential ones. */
export function registerClient(body: unknown): RegisteredClient {
  const metadata = parseClientMetadata(body);
  const confidential = metadata.token_endpoint_auth_method.startsWith('client_secret');
  return {
    ...metadata,
    client_id: `mcp-client-${randomToken(12)}`,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    ...(confidential ? { client_secret: randomToken(), client_secret_expires_at: 0 } : {}),
    source: 'dcr',
  };
}

/** RFC 7591 §3.2.1 client information response. */
export function clientInformationResponse(client: RegisteredClient): Record<string, unknown> {
  const { source: _source, extra, ...fields } = client;
  return Object.fromEntries(Object.entries({ ...extra, ...fields }).filter(([, v]) => v !== undefined));
}

export function isClientIdMetadataUrl(clientId: string): boolean {
  return isHttpUrl(clientId);
}

/**
 * Resolves a URL `client_id` by fetching its metadata document (draft-ietf-oauth-client-id-
 * metadata-document) under the URL/address policy and limits of fetchClientIdMetadataDocumentText
 * (cimdFetch.ts), and the document's `client_id` must equal the URL.
 */
export async function fetchClientIdMetadataDocument(
  clientId: string,
  mode: ClientIdMetadataMode,
  options: { allowPrivateAddresses?: boolean; answer?: ClientIdMetadataAnswer } = {},
): Promise<RegisteredClient> {
  if (mode === 'off') throw new OAuthError('invalid_client', 'URL client_ids are not accepted: Client ID Metadata Documents are off');
  const url = new URL(clientId);
  if (url.pathname === '/' || url.hash) {
    throw new OAuthError('invalid_client', 'A client_id URL must have a path and no fragment');
  }
  const text = await documentText(clientId, mode, options);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // A login wall or an SPA's fallback page answers 200 with HTML where the document should be.
    const html = /^\s*</.test(text);
    throw new OAuthError('invalid_client', `The client metadata document ${clientId} is not JSON${html ? ': its URL answered an HTML page (a login page or a web app\'s fallback?), not application/json' : ''}`);
  }
  if (typeof document !== 'object' || document === null || (document as Record<string, unknown>).client_id !== clientId) {
    throw new OAuthError('invalid_client', `The client metadata document's client_id does not equal its URL ${clientId}`);
  }
  // A public document defaults to "none" and may name no shared secret: "none" or private_key_jwt.
  const metadata = parseClientMetadata({ token_endpoint_auth_method: 'none', ...(document as object) });
  if (!DOCUMENT_AUTH_METHODS.includes(metadata.token_endpoint_auth_method)) {
    throw new OAuthError('invalid_client', `Client metadata documents must use token_endpoint_auth_method "none" or "private_key_jwt", not "${metadata.token_endpoint_auth_method}"`);
  }
  return { ...metadata, client_id: clientId, client_id_issued_at: Math.floor(Date.now() / 1000), source: 'cimd' };
}

/** The document's text: fetched, or (a toggle) the answer its host is taken to give. */
async function documentText(clientId: string, mode: ClientIdMetadataMode, options: { allowPrivateAddresses?: boolean; answer?: ClientIdMetadataAnswer }): Promise<string> {
  switch (options.answer ?? 'fetched') {
    case 'fetched':
      return fetchClientIdMetadataDocumentText(clientId, { mode, allowPrivateAddresses: options.allowPrivateAddresses });
    case '404':
      throw new OAuthError('invalid_client', `Could not fetch the client metadata document ${clientId}: it answered HTTP 404`);
    case 'html':
      return '<!doctype html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>';
  }
}
