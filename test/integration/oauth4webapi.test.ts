import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// The reference authorization server checked by oauth4webapi, a certified OAuth 2.x / OIDC
// client library nobody here wrote, over real sockets on 127.0.0.1: discovery (RFC 8414 and
// OIDC), Protected Resource Metadata (RFC 9728), DCR (RFC 7591), the PKCE code flow with
// RFC 9207 `iss`, refresh-token rotation, RFC 9068 JWT access tokens against our JWKS, and
// userinfo. Every `process*` / `validate*` call below is the library's own conformance check.

/** Plain http on 127.0.0.1: oauth4webapi refuses non-https URLs unless told otherwise. */
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

let running: RunningServer;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  running = await startReferenceServer();
  const issuer = new URL(running.origin);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE }));
});
afterAll(async () => {
  await running?.close();
});

/** Options that also record every URL oauth4webapi fetched, to see which well-known it used. */
function recording(): { urls: string[]; options: oauth.HttpRequestOptions<'GET'> } {
  const urls: string[] = [];
  return {
    urls,
    options: {
      ...INSECURE,
      [oauth.customFetch]: (url, init) => {
        urls.push(url);
        return fetch(url, init);
      },
    },
  };
}

async function register(metadata: Partial<oauth.OmitSymbolProperties<oauth.Client>>): Promise<oauth.Client> {
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    { client_name: 'oauth4webapi test', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], ...metadata },
    INSECURE,
  );
  expect(response.status).toBe(201);
  return oauth.processDynamicClientRegistrationResponse(response);
}

interface Authorization {
  /** The callback parameters as validated by oauth4webapi. */
  params: URLSearchParams;
  verifier: string;
}

/** Builds an S256 authorization request, approves it on the consent page and validates the callback. */
async function authorize(client: oauth.Client, resource = running.mcpUrl): Promise<Authorization> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(verifier), state, resource);
  const callback = await completeAuthorization(url, 'approve');
  expect(callback.href.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  // RFC 9207: our metadata says authorization_response_iss_parameter_supported, so the library
  // requires `iss` and compares it with the discovered issuer; it also checks `state`.
  const params = oauth.validateAuthResponse(as, client, callback, state);
  return { params, verifier };
}

function authorizationUrl(client: oauth.Client, codeChallenge: string, state: string, resource: string): URL {
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'mcp',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    resource,
  }).toString();
  return url;
}

async function exchange(client: oauth.Client, auth: oauth.ClientAuth, { params, verifier }: Authorization): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, {
    additionalParameters: { resource: running.mcpUrl },
    ...INSECURE,
  });
  return oauth.processAuthorizationCodeResponse(as, client, response);
}

/** The request a resource server would receive, for validateJwtAccessToken. */
function bearerRequest(accessToken: string): Request {
  return new Request(running.mcpUrl, { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` } });
}

describe('discovery', () => {
  it('RFC 8414: algorithm oauth2 reads /.well-known/oauth-authorization-server and the issuer validates', async () => {
    const issuer = new URL(running.origin);
    const { urls, options } = recording();
    const metadata = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }));
    expect(urls).toEqual([`${running.origin}/.well-known/oauth-authorization-server`]);
    expect(metadata.issuer).toBe(running.origin);
    expect(metadata).toMatchObject({
      authorization_endpoint: `${running.origin}/authorize`,
      token_endpoint: `${running.origin}/token`,
      registration_endpoint: `${running.origin}/register`,
      jwks_uri: `${running.origin}/jwks.json`,
      userinfo_endpoint: `${running.origin}/userinfo`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.subject_types_supported).toBeUndefined();
  });

  it('OIDC: algorithm oidc reads /.well-known/openid-configuration and the issuer validates', async () => {
    const issuer = new URL(running.origin);
    const { urls, options } = recording();
    const metadata = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }));
    expect(urls).toEqual([`${running.origin}/.well-known/openid-configuration`]);
    expect(metadata.issuer).toBe(running.origin);
    expect(metadata.subject_types_supported).toEqual(['public']);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('issuer validation is real: the same document is refused for another expected issuer', async () => {
    const other = new URL(running.origin.replace('127.0.0.1', 'localhost'));
    const response = await oauth.discoveryRequest(new URL(running.origin), { algorithm: 'oauth2', ...INSECURE });
    await expect(oauth.processDiscoveryResponse(other, response)).rejects.toMatchObject({ code: oauth.JSON_ATTRIBUTE_COMPARISON });
  });
});

describe('Protected Resource Metadata (RFC 9728)', () => {
  it('resourceDiscoveryRequest reads the path-suffixed document of /mcp and its resource equals the MCP URL', async () => {
    const resource = new URL(running.mcpUrl);
    const { urls, options } = recording();
    const metadata = await oauth.processResourceDiscoveryResponse(resource, await oauth.resourceDiscoveryRequest(resource, options));
    expect(urls).toEqual([`${running.origin}/.well-known/oauth-protected-resource/mcp`]);
    expect(metadata.resource).toBe(running.mcpUrl);
    expect(metadata.authorization_servers).toEqual([running.origin]);
    expect(metadata.bearer_methods_supported).toEqual(['header']);
    expect(metadata.scopes_supported).toEqual(['mcp']);
  });

  it('the root document also names /mcp; the /sse document names /sse and is refused as /mcp', async () => {
    const mcp = new URL(running.mcpUrl);
    const root = await oauth.processResourceDiscoveryResponse(mcp, await fetch(`${running.origin}/.well-known/oauth-protected-resource`));
    expect(root.resource).toBe(running.mcpUrl);

    const sse = new URL(`${running.origin}/sse`);
    const sseMetadata = await oauth.processResourceDiscoveryResponse(sse, await oauth.resourceDiscoveryRequest(sse, INSECURE));
    expect(sseMetadata.resource).toBe(sse.href);
    await expect(oauth.processResourceDiscoveryResponse(mcp, await oauth.resourceDiscoveryRequest(sse, INSECURE))).rejects.toMatchObject({
      code: oauth.JSON_ATTRIBUTE_COMPARISON,
    });
  });

  it("the MCP endpoint's 401 challenge, parsed by oauth4webapi, points at that same document", async () => {
    const error = await oauth
      .protectedResourceRequest('not-a-token', 'POST', new URL(running.mcpUrl), new Headers({ 'Content-Type': 'application/json' }), '{}', INSECURE)
      .then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = (error as oauth.WWWAuthenticateChallengeError).cause[0]!;
    expect(challenge.scheme).toBe('bearer');
    expect(challenge.parameters.error).toBe('invalid_token');
    expect(challenge.parameters.scope).toBe('mcp');
    const metadataUrl = challenge.parameters.resource_metadata!;
    expect(metadataUrl).toBe(`${running.origin}/.well-known/oauth-protected-resource/mcp`);
    const metadata = await oauth.processResourceDiscoveryResponse(new URL(running.mcpUrl), await fetch(metadataUrl));
    expect(metadata.authorization_servers).toEqual([as.issuer]);
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  it('registers a public client: no secret, token_endpoint_auth_method none, metadata echoed', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    expect(client.client_id).toMatch(/^mcp-client-/);
    expect(client.client_secret).toBeUndefined();
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.redirect_uris).toEqual([REDIRECT_URI]);
    expect(client.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(client.client_name).toBe('oauth4webapi test');
  });

  it.each([
    ['client_secret_basic', oauth.ClientSecretBasic],
    ['client_secret_post', oauth.ClientSecretPost],
  ] as const)('registers a confidential %s client and authenticates with it at the token endpoint', async (method, clientAuth) => {
    const client = await register({ token_endpoint_auth_method: method });
    expect(client.token_endpoint_auth_method).toBe(method);
    expect(typeof client.client_secret).toBe('string');
    expect(client.client_secret_expires_at).toBe(0);
    const secret = client.client_secret as string;

    const authorization = await authorize(client);
    // A wrong secret is refused (client authentication comes before the grant, so the code survives).
    // With Basic the 401 carries `WWW-Authenticate: Basic` (RFC 6749 §5.2), which the library
    // surfaces as a challenge; with post it is the invalid_client JSON body.
    const refused = await exchange(client, clientAuth(`${secret}x`), authorization).then(() => undefined, (err: unknown) => err);
    if (method === 'client_secret_basic') {
      expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      expect((refused as oauth.WWWAuthenticateChallengeError).status).toBe(401);
      expect((refused as oauth.WWWAuthenticateChallengeError).cause[0]!.scheme).toBe('basic');
    } else {
      expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
      expect(refused).toMatchObject({ status: 401, error: 'invalid_client' });
    }
    const tokens = await exchange(client, clientAuth(secret), authorization);
    expect(tokens.token_type).toBe('bearer');
    const claims = await oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), running.mcpUrl, INSECURE);
    expect(claims.client_id).toBe(client.client_id);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth(secret), tokens.refresh_token!, INSECURE),
    );
    expect(refreshed.refresh_token).toBeTruthy();
  });
});

describe('authorization code flow with PKCE', () => {
  it('code → tokens → refresh with rotation; RFC 9068 access tokens validate against the JWKS; userinfo answers', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const authorization = await authorize(client);
    expect(authorization.params.get('iss')).toBe(running.origin);

    const tokens = await exchange(client, oauth.None(), authorization);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.scope).toBe('mcp');
    expect(tokens.refresh_token).toBeTruthy();

    // RFC 9068: typ at+jwt, iss = discovered issuer, aud = the MCP URL, signature by a JWKS key.
    const claims = await oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), running.mcpUrl, INSECURE);
    expect(claims).toMatchObject({ iss: running.origin, aud: running.mcpUrl, sub: 'demo-user', client_id: client.client_id, scope: 'mcp' });
    expect(claims.exp - claims.iat).toBe(3600);
    // …and not for another resource on the same server.
    await expect(
      oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), `${running.origin}/sse`, INSECURE),
    ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON });

    // The token is accepted by our own resource server too.
    const initialize = await oauth.protectedResourceRequest(
      tokens.access_token,
      'POST',
      new URL(running.mcpUrl),
      new Headers({ 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }),
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth4webapi', version: '3' } } }),
      INSECURE,
    );
    expect(initialize.status).toBe(200);

    const userinfo = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, INSECURE));
    expect(userinfo).toMatchObject({ sub: 'demo-user', preferred_username: 'demo' });

    // Refresh: a new refresh token comes back (rotation) and the new access token validates.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, INSECURE),
    );
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const refreshedClaims = await oauth.validateJwtAccessToken(as, bearerRequest(refreshed.access_token), running.mcpUrl, INSECURE);
    expect(refreshedClaims.jti).not.toBe(claims.jti);
    // The rotated-out refresh token is refused.
    await expect(
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, INSECURE)),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('a code for /sse gives a token whose audience is /sse', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const authorization = await authorize(client, `${running.origin}/sse`);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), authorization.params, REDIRECT_URI, authorization.verifier, INSECURE);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    const claims = await oauth.validateJwtAccessToken(as, bearerRequest(tokens.access_token), `${running.origin}/sse`, INSECURE);
    expect(claims.aud).toBe(`${running.origin}/sse`);
  });

  it('Deny on the consent page returns error=access_denied with state and iss echoed', async () => {
    const client = await register({ token_endpoint_auth_method: 'none' });
    const state = oauth.generateRandomState();
    const url = authorizationUrl(client, await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), state, running.mcpUrl);
    const callback = await completeAuthorization(url, 'deny');
    expect(callback.href.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('code')).toBeNull();
    let error: unknown;
    try {
      oauth.validateAuthResponse(as, client, callback, state);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((error as oauth.AuthorizationResponseError).error).toBe('access_denied');
  });
});
