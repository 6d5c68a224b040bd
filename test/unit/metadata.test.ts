import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestOrigin } from '../../src/main/core/server/http';
import { authorizationServerMetadata, challengeMetadataUrl, protectedResourceMetadata } from '../../src/main/core/server/oauth/metadata';
import { bearerChallenge } from '../../src/main/core/server/oauth/bearer';
import { OAuthError } from '../../src/main/core/server/oauth/errors';
import { applyProfilePatch, SPEC_PROFILE } from '../../src/main/core/server/profile';
import { serverUrls } from '../../src/main/core/server/urls';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('the origin every URL is built from', () => {
  it('prefers the configured public URL, then forwarded headers, then Host', () => {
    expect(requestOrigin(request({ host: '127.0.0.1:7420' }), 'https://abc.loca.lt/x')).toBe('https://abc.loca.lt');
    expect(requestOrigin(request({ host: '127.0.0.1:7420', 'x-forwarded-host': 'abc.trycloudflare.com', 'x-forwarded-proto': 'https' }), undefined)).toBe(
      'https://abc.trycloudflare.com',
    );
    expect(requestOrigin(request({ host: 'localhost:7420' }), undefined)).toBe('http://localhost:7420');
  });
});

describe('discovery documents', () => {
  const urls = serverUrls('https://tunnel.example');

  it('builds RFC 9728 metadata whose resource is exactly the MCP URL', () => {
    const prm = protectedResourceMetadata(SPEC_PROFILE, urls, '/mcp');
    expect(prm.resource).toBe('https://tunnel.example/mcp');
    expect(prm.authorization_servers).toEqual(['https://tunnel.example']);
  });

  it('builds RFC 8414 metadata with S256, and registration only when DCR is on', () => {
    const metadata = authorizationServerMetadata(SPEC_PROFILE, urls, 'rfc8414');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.registration_endpoint).toBe('https://tunnel.example/register');
    expect(metadata.subject_types_supported).toBeUndefined();
    const noDcr = authorizationServerMetadata(applyProfilePatch(SPEC_PROFILE, { dynamicClientRegistration: false, clientIdMetadataDocuments: 'off' }), urls, 'openid');
    expect(noDcr.registration_endpoint).toBeUndefined();
    expect(noDcr.client_id_metadata_document_supported).toBeUndefined();
    expect(noDcr.subject_types_supported).toEqual(['public']);
  });

  it('points the 401 challenge at the path-suffixed metadata, else the root one', () => {
    expect(challengeMetadataUrl(SPEC_PROFILE, urls)).toBe('https://tunnel.example/.well-known/oauth-protected-resource/mcp');
    const rootOnly = applyProfilePatch(SPEC_PROFILE, { protectedResourceMetadata: 'root' });
    expect(challengeMetadataUrl(rootOnly, urls)).toBe('https://tunnel.example/.well-known/oauth-protected-resource');
    expect(challengeMetadataUrl(applyProfilePatch(SPEC_PROFILE, { protectedResourceMetadata: 'none' }), urls)).toBeUndefined();
  });

  it('writes WWW-Authenticate as the profile asks', () => {
    expect(bearerChallenge(SPEC_PROFILE, urls, '/mcp')).toBe(
      'Bearer resource_metadata="https://tunnel.example/.well-known/oauth-protected-resource/mcp", scope="mcp"',
    );
    const bare = applyProfilePatch(SPEC_PROFILE, { challengeResourceMetadata: false, challengeScope: false });
    expect(bearerChallenge(bare, urls, '/mcp')).toBe('Bearer');
    expect(bearerChallenge(SPEC_PROFILE, urls, '/mcp', new OAuthError('invalid_token', 'bad "sig"'))).toMatch(/^Bearer error="invalid_token", error_description="bad 'sig'", resource_metadata=/);
  });
});
