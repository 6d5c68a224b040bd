import type { BehaviorProfile, MetadataLocation } from '../../../../shared/profile';
import { MCP_ENDPOINT_PATH, type ServerUrls } from '../urls';
import { SIGNING_ALG } from './accessTokens';
import { CLIENT_ASSERTION_ALGS } from './clientAssertion';

// Builders for the discovery documents. Pure functions of the profile and the origin the
// client used, so a tunnel URL shows up in every document without editing anything.

/** RFC 9728 §2 Protected Resource Metadata for one MCP endpoint. */
export function protectedResourceMetadata(profile: BehaviorProfile, urls: ServerUrls, endpointPath: string) {
  return {
    resource: urls.resource(endpointPath),
    // "…/" here and the issuer without it in the metadata: Google's shape (metadataIssuer).
    authorization_servers: [profile.metadataIssuer === 'trailing-slash-removed' && !urls.issuer.endsWith('/') ? `${urls.issuer}/` : urls.issuer],
    bearer_methods_supported: ['header'],
    scopes_supported: profile.scopes,
    resource_name: 'MCP Handshake Inspector reference server',
    resource_documentation: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
  };
}

/** RFC 8414 §2 Authorization Server Metadata; with `openid`, the OIDC Discovery fields too. */
export function authorizationServerMetadata(profile: BehaviorProfile, urls: ServerUrls, flavor: 'rfc8414' | 'openid') {
  const metadata: Record<string, unknown> = {
    // A hosted server's issuer may end in "/" where the PRM's entry does not (python-sdk#1919).
    issuer: profile.metadataIssuer === 'trailing-slash-added' && !urls.issuer.endsWith('/') ? `${urls.issuer}/` : urls.issuer,
    authorization_endpoint: urls.authorizationEndpoint,
    token_endpoint: urls.tokenEndpoint,
    jwks_uri: urls.jwksUri,
    scopes_supported: profile.scopes,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: tokenEndpointAuthMethods(profile),
    code_challenge_methods_supported: ['S256'],
    // We send `iss` on every authorization response (RFC 9207); 2026-07-28 clients must check it.
    authorization_response_iss_parameter_supported: true,
    userinfo_endpoint: urls.userinfoEndpoint,
  };
  // RFC 8414 §2: the JWS algorithms a private_key_jwt assertion may use (asymmetric only, never none).
  if (profile.privateKeyJwt !== 'not-accepted') metadata.token_endpoint_auth_signing_alg_values_supported = [...CLIENT_ASSERTION_ALGS];
  if (profile.dynamicClientRegistration) metadata.registration_endpoint = urls.registrationEndpoint;
  if (profile.clientIdMetadataDocuments !== 'off') metadata.client_id_metadata_document_supported = true;
  if (flavor === 'openid') {
    metadata.subject_types_supported = ['public'];
    metadata.id_token_signing_alg_values_supported = [SIGNING_ALG];
  }
  return metadata;
}

/** The client authentication methods the token endpoint takes, as the profile's private_key_jwt mode says. */
export function tokenEndpointAuthMethods(profile: BehaviorProfile): string[] {
  const secrets = ['client_secret_post', 'client_secret_basic'];
  if (profile.privateKeyJwt === 'not-accepted') return ['none', ...secrets];
  if (profile.privateKeyJwt === 'without-none') return [...secrets, 'private_key_jwt'];
  return ['none', ...secrets, 'private_key_jwt'];
}

/** Whether a document configured at `location` is served at the root or path-suffixed URL. */
export function servedAt(location: MetadataLocation, where: 'root' | 'path-suffixed'): boolean {
  return location === 'both' || location === where;
}

/**
 * The `resource_metadata` URL to put in a 401 challenge: the path-suffixed document when it is
 * served (the spec's first choice), else the root one, else none at all.
 */
export function challengeMetadataUrl(profile: BehaviorProfile, urls: ServerUrls, endpointPath = MCP_ENDPOINT_PATH): string | undefined {
  if (servedAt(profile.protectedResourceMetadata, 'path-suffixed')) return urls.protectedResourceMetadata(endpointPath, 'path-suffixed');
  if (servedAt(profile.protectedResourceMetadata, 'root')) return urls.protectedResourceMetadata(endpointPath, 'root');
  return undefined;
}
