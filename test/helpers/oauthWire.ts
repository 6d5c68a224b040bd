import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { completeAuthorization } from './server';

// The authorization server on the wire, for tests that attack it: raw replies, RFC 6749 error
// checks, PKCE pairs, authorization URLs with every required parameter, and the steps of the
// authorization code flow for a public DCR client (register, authorize, exchange).

export const REDIRECT_URI = 'http://127.0.0.1:53682/callback';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}

/** An RFC 6749 section 5.2 error answer: the status, a JSON body with `error`, never cached. */
export function expectOAuthError(r: Reply, status: number, error: string): void {
  expect({ status: r.status, error: r.json?.error }, r.text).toEqual({ status, error });
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(typeof r.json.error_description).toBe('string');
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization request with every required parameter; `params` overrides or (undefined) removes one. */
export function authorizeUrl(origin: string, clientId: string, params: Record<string, string | undefined> = {}): URL {
  const url = new URL(`${origin}/authorize`);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'mcp',
    state: 'state-123',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    resource: `${origin}/mcp`,
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** GET /authorize without following redirects. */
export const authorizeRaw = async (url: URL): Promise<Reply> => reply(await fetch(url, { redirect: 'manual' }));

/** Registers a public client (PKCE, no secret) by DCR with REDIRECT_URI; returns its client_id. */
export async function registerPublicClient(origin: string, metadata: Record<string, unknown> = {}): Promise<string> {
  const r = await reply(
    await fetch(`${origin}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', ...metadata }),
    }),
  );
  expect(r.status, r.text).toBe(201);
  return r.json.client_id;
}

/** Authorizes (consent approved) and returns the callback URL with the code and its verifier. */
export async function authorizeFor(origin: string, clientId: string, params: Record<string, string | undefined> = {}): Promise<{ callback: URL; verifier: string }> {
  const { verifier, challenge } = pkce();
  const callback = await completeAuthorization(authorizeUrl(origin, clientId, { code_challenge: challenge, ...params }));
  return { callback, verifier };
}

export async function tokenRequest(origin: string, form: Record<string, string>): Promise<Reply> {
  return reply(await fetch(`${origin}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }));
}

/** The authorization_code grant for a public client registered with REDIRECT_URI. */
export async function exchange(origin: string, clientId: string, code: string, verifier: string): Promise<Reply> {
  return tokenRequest(origin, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
}
