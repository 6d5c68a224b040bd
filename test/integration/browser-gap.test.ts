import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { Rule } from '../../src/shared/rules';
import { browserGaps } from '../../src/main/core/recorder/browserGap';
import { startControl } from '../helpers/control';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization } from '../helpers/server';

// The browser's gap from real sockets (issue 17 item 3). A third-party authorization server's
// legs as the front door records them under --intercept-as: the browser's authorize request,
// answered with a 302 to the AS's own origin (played here by a rule, as the front door answers
// it), then (the user's time at the AS) the callback relay carrying the same state. And the
// built-in authorization server, whose browser leg stays on our origin: no gap.

const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' };
const QUERY = 'response_type=code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&code_challenge=x&code_challenge_method=S256&state=st-gap';

/** The front door's answer to an intercepted authorize: a redirect to the real AS's endpoint. */
const AUTHORIZE_TO_TENANT: Rule = {
  id: 'authorize-to-tenant',
  description: 'authorize answered with a redirect to the hosted AS',
  enabled: true,
  match: [{ type: 'path', glob: '/_as/0/authorize' }],
  steps: [{ type: 'reply', status: 302, headers: { location: `https://tenant.auth0.example/authorize?${QUERY}` }, body: '' }],
};

describe('the browser gap on real exchanges', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('pairs the authorize redirect to another origin with the callback of the same state, in the core and in the rows the UI gets', async () => {
    const control = await startControl({ rules: [AUTHORIZE_TO_TENANT] });
    cleanups.push(control.close);
    const authorize = await fetch(`${control.proxyOrigin}/_as/0/authorize?${QUERY}`, { redirect: 'manual', headers: BROWSER });
    expect(authorize.status).toBe(302);
    expect(new URL(authorize.headers.get('location')!).host).toBe('tenant.auth0.example');
    await authorize.text();
    // No callback yet: the user is at the authorization server.
    const open = browserGaps(control.inspector.exchanges());
    expect(open).toMatchObject([{ host: 'tenant.auth0.example', state: 'st-gap' }]);
    expect(open[0]!.callbackId).toBeUndefined();

    const callback = await fetch(`${control.proxyOrigin}/_as/callback/0?code=c0de&state=st-gap&iss=https%3A%2F%2Ftenant.auth0.example%2F`, { redirect: 'manual', headers: BROWSER });
    await callback.text();
    const exchanges = control.inspector.exchanges();
    const [gap] = browserGaps(exchanges);
    const callbackExchange = exchanges.find((e) => e.request.url.startsWith('/_as/callback/0'))!;
    expect(gap).toMatchObject({ host: 'tenant.auth0.example', callbackId: callbackExchange.id, to: callbackExchange.startedAt });
    expect(gap!.to! - gap!.from).toBeGreaterThanOrEqual(0);

    // The rows the UI lists carry each leg; the renderer pairs them with the same function.
    const rows = (await control.api<ExchangeSummary[]>('exchanges.list', {})).result!;
    expect(rows.find((r) => r.url.startsWith('/_as/0/authorize'))?.browserLeg).toMatchObject({ kind: 'authorize', host: 'tenant.auth0.example', state: 'st-gap' });
    expect(rows.find((r) => r.url.startsWith('/_as/callback/0'))?.browserLeg).toMatchObject({ kind: 'callback', state: 'st-gap', iss: 'https://tenant.auth0.example/' });
  });

  it('finds no gap with the built-in authorization server (auto and manual consent): the browser never leaves our origin', async () => {
    for (const consent of ['auto', 'manual'] as const) {
      const control = await startControl({ profile: { consent } });
      cleanups.push(control.close);
      const provider = new MemoryOAuthProvider();
      const url = new URL(`${control.proxyOrigin}/mcp`);
      const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
      await expect(new Client({ name: 'gap-sdk', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
      // The browser's authorize (and, with manual consent, the decision) through the front door.
      const callback = await completeAuthorization(provider.authorizationUrls[0]!.href.replace(/^http:\/\/[^/]+/, control.proxyOrigin));
      await first.finishAuth(callback.searchParams.get('code')!);
      const client = new Client({ name: 'gap-sdk', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
      await client.close();
      const exchanges = control.inspector.exchanges();
      expect(exchanges.filter((e) => e.classification.phase === 'authorization').length, consent).toBeGreaterThan(0);
      expect(browserGaps(exchanges), consent).toEqual([]);
    }
  });
});
