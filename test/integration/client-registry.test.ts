import { afterEach, describe, expect, it } from 'vitest';
import { EVICTED_CLIENT_HEADER } from '../../src/main/core/server/oauth/authorizationServer';
import { ClientRegistry, MAX_CLIENTS, type RegisteredClient } from '../../src/main/core/server/oauth/state';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { authorizeRaw, authorizeUrl, expectOAuthError, REDIRECT_URI, reply } from '../helpers/oauthWire';

// Dynamic client registration is open to whoever reaches the server (through the tunnel too),
// so the registry is bounded: the least recently used client makes room, the registration that
// evicted it says so in a header, and the evicted client is told why it is no longer known.

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const client = (id: string) => ({ client_id: id }) as RegisteredClient;

describe('ClientRegistry', () => {
  it('evicts the least recently used client, not the oldest registered', () => {
    const registry = new ClientRegistry(2);
    expect(registry.set('a', client('a'))).toBeUndefined();
    registry.set('b', client('b'));
    registry.get('a'); // a is used again: b is now the least recently used
    expect(registry.set('c', client('c'))).toBe('b');
    expect(registry.get('b')).toBeUndefined();
    expect(registry.wasEvicted('b')).toBe(true);
    expect([registry.get('a')?.client_id, registry.get('c')?.client_id]).toEqual(['a', 'c']);
    registry.set('b', client('b')); // registering again forgets the eviction
    expect(registry.wasEvicted('b')).toBe(false);
  });
});

describe(`the reference server keeps ${MAX_CLIENTS} clients`, () => {
  it('over the wire: registration number N+1 names the client it evicted, which then gets invalid_client saying why', async () => {
    running = await startReferenceServer();
    const register = async (name: string) =>
      reply(await fetch(`${running!.origin}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }) }));
    const first = await register('first');
    for (let i = 1; i < MAX_CLIENTS; i++) expect((await register(`client ${i}`)).headers.get(EVICTED_CLIENT_HEADER)).toBeNull();
    const overflow = await register('one too many');
    expect(overflow.status).toBe(201);
    expect(overflow.headers.get(EVICTED_CLIENT_HEADER)).toBe(first.json.client_id);

    const token = await reply(await fetch(`${running.origin}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43), redirect_uri: REDIRECT_URI, client_id: first.json.client_id }) }));
    expectOAuthError(token, 401, 'invalid_client');
    expect(token.json.error_description).toContain(`keeps the ${MAX_CLIENTS} most recently used clients`);
    const page = await authorizeRaw(authorizeUrl(running.origin, first.json.client_id));
    expect(page.text).toContain('was registered here but evicted');
  });
});
