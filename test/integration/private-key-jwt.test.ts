import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import { CLIENT_ASSERTION_TYPE } from '../../src/shared/profile';
import type { SimulationResult } from '../../src/shared/simulator';
import { builtInClientMetadataDocuments, builtInJwks } from '../../src/main/core/server/oauth/builtInClientMetadata';
import { ReplayCache } from '../../src/main/core/server/oauth/clientAssertion';
import { profileById, simulate } from '../../src/main/core/simulator';
import { startInspector } from '../helpers/inspector';
import { goOffline } from '../helpers/offline';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// private_key_jwt (RFC 7523 client assertions) on the reference authorization server, over real
// sockets: the ChatGPT profile that signs one (against the spec presets and each toggle that
// reproduces a server's mistake), the AS refusing every kind of bad assertion, and oauth4webapi,
// a client library nobody here wrote, authenticating with private_key_jwt.

const CHATGPT = 'chatgpt@2026-09';
const CHATGPT_CIMD = 'https://chatgpt.com/oauth/mcp-handshake-inspector/client.json';

type Running = Awaited<ReturnType<typeof startInspector>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const verdict = (result: SimulationResult, step: string) => result.steps.find((s) => s.step === step);
const tokenForm = (exchanges: Exchange[]) => new URLSearchParams(exchanges.find((e) => e.classification.phase === 'token')!.request.body!.data);

describe('the ChatGPT profile', () => {
  it('is the chatgpt family default, with the older variant kept', () => {
    expect(profileById('chatgpt').id).toBe(CHATGPT);
    expect(profileById('chatgpt@2026').id).toBe('chatgpt@2026');
  });

  it('publishes a built-in document naming private_key_jwt and a jwks_uri whose built-in copy holds only a public key', () => {
    const document = builtInClientMetadataDocuments().get(CHATGPT_CIMD);
    expect(document).toMatchObject({ client_id: CHATGPT_CIMD, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://chatgpt.com/oauth/jwks.json', redirect_uris: ['https://chatgpt.com/connector/oauth/mcp-handshake-inspector'] });
    const jwks = builtInJwks('https://chatgpt.com/oauth/jwks.json')!;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(builtInJwks('https://example.com/jwks.json')).toBeUndefined();
  });

  it.each(['spec', 'spec-2025-11-25'])('registers via CIMD, signs a client assertion and connects against the %s preset', async (preset) => {
    running = await startInspector({ preset });
    const result = await running.inspector.simulate(CHATGPT);
    expect(result.summary).toBe('connected and listed 6 tools');
    expect(verdict(result, 'oauth.register')?.title).toBe('Client ID Metadata Document (CIMD)');
    const form = tokenForm(await running.runExchanges(result.runId));
    expect(form.get('client_id')).toBe(CHATGPT_CIMD);
    expect(form.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
    const claims = JSON.parse(Buffer.from(form.get('client_assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: CHATGPT_CIMD, sub: CHATGPT_CIMD, aud: `${running.origin}/token` });
  });

  it('falls back to DCR, as a public client, against the 2025-06-18 preset (no CIMD there)', async () => {
    running = await startInspector({ preset: 'spec-2025-06-18' });
    const result = await running.inspector.simulate(CHATGPT);
    expect(result.ok).toBe(true);
    expect(verdict(result, 'oauth.register')?.title).toBe('Dynamic Client Registration (RFC 7591)');
    expect(tokenForm(await running.runExchanges(result.runId)).has('client_assertion')).toBe(false);
  });

  it('fails at the token request when the server does not accept client assertions', async () => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('private-key-jwt', 'not-accepted');
    const result = await running.inspector.simulate(CHATGPT);
    expect(result.ok).toBe(false);
    expect(result.steps.filter((s) => s.outcome === 'fail').map((s) => s.step)).toEqual(['oauth.token']);
    expect(verdict(result, 'oauth.token')?.message).toMatch(/HTTP 401 invalid_client \(Unsupported client authentication: .*not client assertions \(private_key_jwt\)\)/);
  });

  it('still connects when "none" is not advertised, where Claude.ai falls back to DCR', async () => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('private-key-jwt', 'without-none');
    const chatgpt = await running.inspector.simulate(CHATGPT);
    expect(chatgpt.ok).toBe(true);
    expect(verdict(chatgpt, 'oauth.register')?.title).toBe('Client ID Metadata Document (CIMD)');
    const claude = await running.inspector.simulate('claude-ai@2026-03');
    expect(claude.ok).toBe(true);
    expect(verdict(claude, 'oauth.register')?.title).toBe('Dynamic Client Registration (RFC 7591)');
  });

  it.each([
    ['html', /client\.json is not JSON: its URL answered an HTML page \(a login page or a web app&#39;s fallback\?\), not application\/json/],
    ['404', /Could not fetch the client metadata document https:\/\/chatgpt\.com\/oauth\/mcp-handshake-inspector\/client\.json: it answered HTTP 404/],
  ])('fails at the authorization request when the document host answers %s', async (option, message) => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('cimd-document', option);
    const result = await running.inspector.simulate(CHATGPT);
    expect(result.steps.filter((s) => s.outcome === 'fail').map((s) => s.step)).toEqual(['oauth.authorize']);
    expect(verdict(result, 'oauth.authorize')?.message).toMatch(/the authorization endpoint answered 400/);
    // The error page says why in full; no built-in copy stood in for a host that answered.
    const authorize = (await running.runExchanges(result.runId)).find((e) => e.request.url.startsWith('/authorize?'))!;
    expect(authorize.response?.headers['x-mcp-inspector-cimd']).toBeUndefined();
    expect(authorize.response?.body?.data).toMatch(message);
  });
});

describe('the ChatGPT profile against a separate authorization server, offline', () => {
  let server: RunningServer | undefined;
  let online: (() => void) | undefined;
  beforeEach(() => {
    online = goOffline();
  });
  afterEach(async () => {
    online?.();
    await server?.close();
    server = undefined;
  });

  it('connects with the built-in document and verifies the assertion against the built-in JWKS', async () => {
    server = await startReferenceServer({ profile: { consent: 'auto' } });
    const result = await simulate(profileById(CHATGPT), { url: server.mcpUrl });
    expect(result.summary).toBe('connected and listed 6 tools');
    // The document was the built-in copy: the client must have authenticated with a verified assertion.
    const client = server.server.authorizationServer.state.clients.get(CHATGPT_CIMD)!;
    expect(client).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', builtInKeys: true });
    expect(client.cimdBuiltIn).toContain('could not fetch');
  });
});

// ---- the authorization server's checks, with a client of our own --------------------------

const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

interface KeyedClient {
  clientId: string;
  privateKey: CryptoKey;
  kid: string;
}

async function keyPair(alg: 'ES256' | 'RS256', kid: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function registerKeyedClient(origin: string): Promise<KeyedClient> {
  const kid = `k-${randomUUID()}`;
  const { privateKey, publicJwk } = await keyPair('ES256', kid);
  const response = await fetch(`${origin}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'assertion test', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(201);
  expect(body).not.toHaveProperty('client_secret');
  return { clientId: body.client_id as string, privateKey, kid };
}

interface Grant {
  code: string;
  verifier: string;
}

async function authorizationCode(origin: string, clientId: string): Promise<Grant> {
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(`${origin}/authorize`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, state: 's', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
  const callback = await completeAuthorization(url);
  return { code: callback.searchParams.get('code')!, verifier };
}

interface AssertionOptions {
  key?: CryptoKey;
  alg?: string;
  kid?: string;
  aud?: string;
  iss?: string;
  exp?: number;
  jti?: string;
}

async function assertion(origin: string, client: KeyedClient, options: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? client.kid })
    .setIssuer(options.iss ?? client.clientId)
    .setSubject(client.clientId)
    .setAudience(options.aud ?? `${origin}/token`)
    .setJti(options.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 120)
    .sign(options.key ?? client.privateKey);
}

async function tokenRequest(origin: string, grant: Grant, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: grant.code, code_verifier: grant.verifier, redirect_uri: REDIRECT_URI, ...fields }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the authorization server verifies client assertions', () => {
  let server: RunningServer;
  let client: KeyedClient;
  let grant: Grant;
  beforeEach(async () => {
    server = await startReferenceServer();
    client = await registerKeyedClient(server.origin);
    grant = await authorizationCode(server.origin, client.clientId);
  });
  afterEach(async () => {
    await server.close();
  });

  const withAssertion = (jwt: string) => ({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: jwt });

  it('advertises private_key_jwt next to none, with asymmetric signing algorithms only', async () => {
    const metadata = (await (await fetch(`${server.origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, string[]>;
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'private_key_jwt']));
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(metadata.token_endpoint_auth_signing_alg_values_supported!.some((alg) => alg === 'none' || alg.startsWith('HS'))).toBe(false);
  });

  it('accepts a good assertion (aud = token endpoint, or the issuer) and refuses its jti a second time', async () => {
    const jwt = await assertion(server.origin, client);
    const first = await tokenRequest(server.origin, grant, withAssertion(jwt));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.access_token).toEqual(expect.any(String));

    const again = await tokenRequest(server.origin, await authorizationCode(server.origin, client.clientId), withAssertion(jwt));
    expect(again).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(again.body.error_description).toMatch(/jti ".+" was already used/);

    const byIssuer = await tokenRequest(server.origin, await authorizationCode(server.origin, client.clientId), withAssertion(await assertion(server.origin, client, { aud: server.origin })));
    expect(byIssuer.status, JSON.stringify(byIssuer.body)).toBe(200);
  });

  it.each<[string, (origin: string, c: KeyedClient) => Promise<string>, RegExp]>([
    ['a signature by another key', async (origin, c) => assertion(origin, c, { key: (await keyPair('ES256', c.kid)).privateKey }), /the signature does not verify/],
    ['a wrong aud', (origin, c) => assertion(origin, c, { aud: 'https://other.example/token' }), /aud must be the token endpoint URL or the issuer/],
    ['an expired assertion', (origin, c) => assertion(origin, c, { exp: Math.floor(Date.now() / 1000) - 60 }), /it expired/],
    ['an iss that is not the client_id', (origin, c) => assertion(origin, c, { iss: 'https://attacker.example' }), /iss must be the client_id/],
    ['alg none', async (origin, c) => unsecured(await assertion(origin, c)), /its alg is not one of .* \(never none or HS\*\)/],
  ])('refuses %s with invalid_client and keeps the code usable', async (_name, make, message) => {
    const refused = await tokenRequest(server.origin, grant, withAssertion(await make(server.origin, client)));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect(refused.body.error_description).toMatch(message);
    // Client authentication failed before the code was looked at: the client can still use it.
    expect((await tokenRequest(server.origin, grant, withAssertion(await assertion(server.origin, client)))).status).toBe(200);
  });

  it('refuses HS256 signed with the public key as a shared secret', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: client.kid })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(`${server.origin}/token`)
      .setJti(randomUUID())
      .setExpirationTime('2m')
      .sign(new TextEncoder().encode('a shared secret the server must never accept'));
    const refused = await tokenRequest(server.origin, grant, withAssertion(forged));
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(refused.body.error_description).toMatch(/its alg is not one of/);
  });

  it('refuses a private_key_jwt client that sends no assertion, saying how to authenticate', async () => {
    const refused = await tokenRequest(server.origin, grant, { client_id: client.clientId });
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(refused.body.error_description).toContain('token_endpoint_auth_method "private_key_jwt"');
  });

  it('refuses an assertion for a public client', async () => {
    const registered = await fetch(`${server.origin}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }) });
    const publicClient = { ...client, clientId: ((await registered.json()) as { client_id: string }).client_id };
    const refused = await tokenRequest(server.origin, await authorizationCode(server.origin, publicClient.clientId), withAssertion(await assertion(server.origin, publicClient)));
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(refused.body.error_description).toMatch(/registered token_endpoint_auth_method "none"/);
  });

  it('refuses registering private_key_jwt without keys, or with private key material', async () => {
    const register = (body: Record<string, unknown>) => fetch(`${server.origin}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt', ...body }) });
    const noKeys = await register({});
    expect(noKeys.status).toBe(400);
    expect(((await noKeys.json()) as { error_description: string }).error_description).toMatch(/jwks_uri or jwks/);
    const { privateKey } = await keyPair('ES256', 'p');
    const leaked = await register({ jwks: { keys: [await exportJWK(privateKey)] } });
    expect(leaked.status).toBe(400);
    expect(((await leaked.json()) as { error_description: string }).error_description).toMatch(/public keys only/);
  });
});

describe('a CIMD client whose jwks_uri the authorization server fetches', () => {
  let server: RunningServer;
  let host: Server;
  let hostOrigin: string;
  const served = new Map<string, { type: string; body: string }>();
  beforeEach(async () => {
    served.clear();
    // The client's own host: its metadata document and its JWKS, on loopback (on-allow-loopback).
    host = createServer((req, res) => {
      const file = served.get(req.url ?? '');
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    server = await startReferenceServer({ profile: { clientIdMetadataDocuments: 'on-allow-loopback', consent: 'auto' } });
  });
  afterEach(async () => {
    await server.close();
    await new Promise((resolve) => host.close(resolve));
  });

  it('verifies the assertion with the key fetched from jwks_uri, and refuses one signed by a key it does not publish', async () => {
    const kid = 'host-key';
    const { privateKey, publicJwk } = await keyPair('RS256', kid);
    const clientId = `${hostOrigin}/client.json`;
    served.set('/client.json', { type: 'application/json', body: JSON.stringify({ client_id: clientId, client_name: 'Keyed CIMD client', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks_uri: `${hostOrigin}/jwks.json` }) });
    served.set('/jwks.json', { type: 'application/json', body: JSON.stringify({ keys: [publicJwk] }) });
    const client: KeyedClient = { clientId, privateKey, kid };
    const withAssertion = async (options: AssertionOptions = {}) => ({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion(server.origin, client, { alg: 'RS256', ...options }) });

    const grant = await authorizationCode(server.origin, clientId);
    const stranger = await tokenRequest(server.origin, grant, await withAssertion({ key: (await keyPair('RS256', kid)).privateKey }));
    expect(stranger).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(stranger.body.error_description).toMatch(/the signature does not verify/);
    const accepted = await tokenRequest(server.origin, grant, await withAssertion());
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // The JWKS host gone: the reason names the jwks_uri.
    served.delete('/jwks.json');
    const noKeys = await tokenRequest(server.origin, await authorizationCode(server.origin, clientId), await withAssertion());
    expect(noKeys).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(noKeys.body.error_description).toBe(`Could not fetch the client's JWKS ${hostOrigin}/jwks.json: it answered HTTP 404`);
  });

  it('refuses a document its host serves as an HTML page, saying so', async () => {
    served.set('/client.json', { type: 'text/html', body: '<!doctype html><title>Sign in</title><p>Sign in to continue</p>' });
    const url = new URL(`${server.origin}/authorize`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: `${hostOrigin}/client.json`, redirect_uri: REDIRECT_URI, state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString();
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain(`The client metadata document ${hostOrigin}/client.json is not JSON: its URL answered an HTML page`);
  });
});

/** The same claims with `alg: none` and no signature (RFC 7519 §6 unsecured JWT). */
function unsecured(jwt: string): string {
  const [, payload] = jwt.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

describe('the replay cache', () => {
  it('is bounded: when full it forgets the entry that expires first', () => {
    const cache = new ReplayCache(3);
    const now = 1_000_000;
    expect(cache.firstUse('a', now + 30_000, now)).toBe(true);
    expect(cache.firstUse('b', now + 10_000, now)).toBe(true);
    expect(cache.firstUse('c', now + 20_000, now)).toBe(true);
    expect(cache.firstUse('a', now + 30_000, now)).toBe(false);
    expect(cache.firstUse('d', now + 40_000, now)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.firstUse('b', now + 10_000, now), 'b was forgotten').toBe(true);
    expect(cache.firstUse('a', now + 30_000, now + 31_000), 'a expired').toBe(true);
  });
});

describe('oauth4webapi authenticates with private_key_jwt', () => {
  let server: RunningServer;
  afterEach(async () => {
    await server.close();
  });

  it('registers with a jwks, and its PrivateKeyJwt token request gets tokens', async () => {
    server = await startReferenceServer();
    const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
    const issuer = new URL(server.origin);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE }));
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    const { privateKey, publicJwk } = await keyPair('RS256', 'oauth4webapi-key');
    const registration = await oauth.dynamicClientRegistrationRequest(
      as,
      { client_name: 'oauth4webapi private_key_jwt', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] } },
      INSECURE,
    );
    const client = await oauth.processDynamicClientRegistrationResponse(registration);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    const params = oauth.validateAuthResponse(as, client, await completeAuthorization(url), state);

    let sent: URLSearchParams | undefined;
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.PrivateKeyJwt({ key: privateKey, kid: 'oauth4webapi-key' }), params, REDIRECT_URI, verifier, {
      ...INSECURE,
      [oauth.customFetch]: (input, init) => {
        sent = new URLSearchParams(String(init.body));
        return fetch(input, init);
      },
    });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(sent?.get('client_assertion_type')).toBe(CLIENT_ASSERTION_TYPE);
  });
});
