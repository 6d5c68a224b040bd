import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

// The authorization server on the wire, for tests that attack it: raw replies, RFC 6749 error
// checks, PKCE pairs and authorization URLs with every required parameter.

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
