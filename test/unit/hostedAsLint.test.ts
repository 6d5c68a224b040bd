import { describe, expect, it } from 'vitest';
import { accessTokenWithoutKid, asMetadataIssuerMismatch, asMetadataOpenIdOnly, registrationRequiresInitialAccessToken } from '../../src/main/core/lint/checks/hostedAs';
import { DEFAULT_SSE_IDLE_LIMIT_MS, type LintContext } from '../../src/main/core/lint/rule';
import type { Exchange } from '../../src/shared/exchange';
import { exchange } from '../helpers/exchangeFactory';

// The hosted-AS checks on hand-made exchanges, for the cases a built-in toggle cannot produce:
// Auth0's and Google's real shapes (issuer with and without the slash on either side, an issuer
// with a path), and Auth0's audience-less encrypted token.

const context = (exchanges: Exchange[]): LintContext => ({ connection: exchanges, handshake: exchanges, initializes: [], everyHandshake: exchanges, options: { sseIdleLimitMs: DEFAULT_SSE_IDLE_LIMIT_MS } });
const JSON_HEADERS = { 'content-type': 'application/json' };

const prm = (host: string, servers: string[]) =>
  exchange({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', headers: { host }, startedAt: 1, response: { status: 200, headers: JSON_HEADERS, body: { resource: `https://${host}/mcp`, authorization_servers: servers } } });
const metadata = (host: string, url: string, issuer: string, status = 200) =>
  exchange({ method: 'GET', url, headers: { host }, startedAt: 2, response: { status, headers: JSON_HEADERS, body: status === 200 ? { issuer, authorization_endpoint: `${issuer}authorize` } : { error: 'not_found' } } });

describe('as-metadata-issuer-mismatch', () => {
  it('fires when the PRM names the issuer with a slash and the metadata without (Google), and the other way round', () => {
    const resource = prm('mcp.example', ['https://accounts.example/']);
    const google = metadata('accounts.example', '/.well-known/openid-configuration', 'https://accounts.example');
    const found = asMetadataIssuerMismatch(google, context([resource, google]));
    expect(found?.message).toContain('they differ only by a trailing slash');
    expect(found?.related).toEqual([resource.id]);
    const pydantic = [prm('mcp.example', ['https://mcp.example']), metadata('mcp.example', '/.well-known/oauth-authorization-server', 'https://mcp.example/')];
    expect(asMetadataIssuerMismatch(pydantic[1]!, context(pydantic))?.message).toContain('trailing slash');
  });

  it('is silent when both say the same string (Auth0: "https://tenant/" in both), and without a PRM to compare with', () => {
    const auth0 = [prm('mcp.example', ['https://tenant.example/']), metadata('tenant.example', '/.well-known/openid-configuration', 'https://tenant.example/')];
    expect(asMetadataIssuerMismatch(auth0[1]!, context(auth0))).toBeUndefined();
    const alone = metadata('tenant.example', '/.well-known/openid-configuration', 'https://tenant.example/');
    expect(asMetadataIssuerMismatch(alone, context([alone]))).toBeUndefined();
  });

  it('matches an issuer with a path to its path-suffixed and path-appended documents', () => {
    const resource = prm('mcp.example', ['https://idp.example/realms/mcp']);
    const suffixed = metadata('idp.example', '/.well-known/oauth-authorization-server/realms/mcp', 'https://idp.example/realms/mcp/');
    const appended = metadata('idp.example', '/realms/mcp/.well-known/openid-configuration', 'https://idp.example/realms/mcp');
    const otherIssuer = metadata('idp.example', '/.well-known/oauth-authorization-server/realms/other', 'https://idp.example/realms/other/');
    expect(asMetadataIssuerMismatch(suffixed, context([resource, suffixed]))).toBeDefined();
    expect(asMetadataIssuerMismatch(appended, context([resource, appended]))).toBeUndefined();
    expect(asMetadataIssuerMismatch(otherIssuer, context([resource, otherIssuer]))).toBeUndefined();
  });
});

describe('as-metadata-openid-only', () => {
  it('fires on the RFC 8414 404 once the same issuer\'s OpenID document is served, not for another issuer path', () => {
    const missed = metadata('tenant.example', '/.well-known/oauth-authorization-server', '', 404);
    const openid = metadata('tenant.example', '/.well-known/openid-configuration', 'https://tenant.example/');
    expect(asMetadataOpenIdOnly(missed, context([missed]))).toBeUndefined();
    expect(asMetadataOpenIdOnly(missed, context([missed, openid]))?.related).toEqual([openid.id]);
    const probe = metadata('tenant.example', '/.well-known/oauth-authorization-server/sse', '', 404);
    expect(asMetadataOpenIdOnly(probe, context([probe, openid]))).toBeUndefined();
  });
});

describe('registration-requires-initial-access-token', () => {
  const register = (headers: Record<string, string>, status: number) =>
    exchange({ method: 'POST', url: '/register', headers: { 'content-type': 'application/json', ...headers }, body: { redirect_uris: ['http://127.0.0.1/cb'] }, response: { status, headers: JSON_HEADERS, body: { error: 'invalid_token' } } });
  it('fires on a 401/403 to an anonymous registration only', () => {
    expect(registrationRequiresInitialAccessToken(register({}, 401), context([]))?.message).toContain('invalid_token');
    expect(registrationRequiresInitialAccessToken(register({}, 403), context([]))).toBeDefined();
    expect(registrationRequiresInitialAccessToken(register({ authorization: 'Bearer iat' }, 401), context([]))).toBeUndefined();
    expect(registrationRequiresInitialAccessToken(register({}, 400), context([]))).toBeUndefined();
  });
});

describe('access-token-without-kid', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = (accessToken: string, form = 'grant_type=authorization_code&code=c&resource=https%3A%2F%2Fmcp.example%2Fmcp') =>
    exchange({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, response: { status: 200, headers: JSON_HEADERS, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 86400 } } });
  const jwe = `${b64({ alg: 'dir', enc: 'A256GCM', iss: 'https://tenant.example/' })}..iv.ciphertext.tag`;

  it("names Auth0's audience when the client asked for resource only", () => {
    const found = accessTokenWithoutKid(token(jwe), context([]));
    expect(found?.message).toContain('encrypted (JWE, alg dir, enc A256GCM)');
    expect(found?.message).toContain('sent no audience');
    const withAudience = accessTokenWithoutKid(token(jwe, 'grant_type=authorization_code&code=c&resource=x&audience=https%3A%2F%2Fapi'), context([]));
    expect(withAudience?.message).not.toContain('audience');
  });

  it('fires on an RS256 JWT without kid, not on one with kid, an HS256 one or an opaque token', () => {
    expect(accessTokenWithoutKid(token(`${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ aud: 'x' })}.sig`), context([]))?.message).toContain('signed with RS256');
    expect(accessTokenWithoutKid(token(`${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ aud: 'x' })}.sig`), context([]))).toBeUndefined();
    expect(accessTokenWithoutKid(token(`${b64({ alg: 'HS256' })}.${b64({ aud: 'x' })}.sig`), context([]))).toBeUndefined();
    expect(accessTokenWithoutKid(token('opaque-token-value'), context([]))).toBeUndefined();
  });
});
