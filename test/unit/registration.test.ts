import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/main/core/server/oauth/errors';
import { parseClientMetadata, redirectUriMatches, redirectUriProblem, registerClient } from '../../src/main/core/server/oauth/registration';

describe('redirect URI validation (RFC 6749 §3.1.2, RFC 8252)', () => {
  it.each([
    'https://claude.ai/api/mcp/auth_callback',
    'https://claude.com/api/mcp/auth_callback',
    'https://chatgpt.com/connector/oauth/abc123',
    'http://localhost:33418/callback',
    'http://127.0.0.1/',
    'http://[::1]:8080/cb',
    'cursor://anysphere.cursor-mcp/oauth/callback',
    'vscode://vscode.github-authentication/did-authenticate',
  ])('accepts %s', (uri) => expect(redirectUriProblem(uri)).toBeUndefined());

  it.each([
    ['http://evil.example/cb', 'non-loopback'],
    ['https://claude.ai/cb#frag', 'fragment'],
    ['javascript:alert(1)', 'forbidden scheme'],
    ['/relative/callback', 'not an absolute URI'],
  ])('rejects %s', (uri, why) => expect(redirectUriProblem(uri)).toContain(why));

  it('matches loopback redirects on any port, everything else exactly', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:51234/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost:3000/callback', 'http://localhost:4000/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost/callback', 'http://127.0.0.1/callback')).toBe(false);
    expect(redirectUriMatches('http://localhost/callback', 'http://localhost/other')).toBe(false);
    expect(redirectUriMatches('https://claude.ai/api/mcp/auth_callback', 'https://claude.ai/api/mcp/auth_callback/')).toBe(false);
  });
});

describe('client metadata (RFC 7591)', () => {
  it("registers Claude.ai's DCR body as a public client without a secret", () => {
    const client = registerClient({
      client_name: 'claudeai',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
      response_types: ['code'],
      scope: 'claudeai',
      token_endpoint_auth_method: 'none',
    });
    expect(client.client_secret).toBeUndefined();
    expect(client.scope).toBe('claudeai');
  });

  it('issues a secret to confidential clients and keeps unknown metadata', () => {
    const client = registerClient({ redirect_uris: ['https://app.example/cb'], application_type: 'web', software_id: 'x' });
    expect(client.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(client.client_secret).toBeTruthy();
    expect(client.extra).toEqual({ application_type: 'web', software_id: 'x' });
  });

  it.each([
    [{}, 'invalid_redirect_uri'],
    [{ redirect_uris: 'https://a.example/cb' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'] }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
    [[], 'invalid_client_metadata'],
  ])('rejects %j with %s', (body, code) => {
    expect(() => parseClientMetadata(body)).toThrow(OAuthError);
    try {
      parseClientMetadata(body);
    } catch (err) {
      expect((err as OAuthError).code).toBe(code);
      expect((err as OAuthError).status).toBe(400);
    }
  });
});
