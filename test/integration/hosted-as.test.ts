import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { LintRuleId } from '../../src/shared/lint';
import { TOGGLES } from '../../src/main/core/proxy/toggles';
import { ruleMatches } from '../../src/main/core/proxy/rules';
import { classifyRequest } from '../../src/main/core/recorder/classify';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { sdkSession } from '../helpers/sdkSession';
import { startInspector } from '../helpers/inspector';
import { completeAuthorization, startReferenceServer } from '../helpers/server';
import { HOSTED_AS_TOGGLES, reaction, type Reaction } from '../helpers/hostedAsReactions';

// Hosted authorization server quirks as toggles (issue 17 item 4): each option changes the
// authorization server's answers (built-in: through its profile or rules in front of it; in
// front of another server: the same rules on its answers), and the unmodified MCP SDK clients,
// 1.x and 2.x, react as the toggle's explanation says. Live lint names what the client met.

type Running = Awaited<ReturnType<typeof startInspector>>;
type Mode = 'built-in' | 'in front of another server';

/** The MCP SDK 2.x client (@modelcontextprotocol/client), OAuth included: 'connected' or what stopped it. */
async function sdk2Session(origin: string): Promise<string> {
  const url = new URL('/mcp', origin);
  const provider = new MemoryOAuthProvider('http://127.0.0.1:53683/callback');
  try {
    const first = new Transport2(url, { authProvider: provider });
    try {
      await new Client2({ name: 'hosted-as-sdk2', version: '2.0.0' }).connect(first);
    } catch (err) {
      if (!(err instanceof Unauthorized2) || !provider.authorizationUrls[0]) throw err;
      const callback = await completeAuthorization(provider.authorizationUrls[0]);
      await first.finishAuth(callback.searchParams);
    }
    const client = new Client2({ name: 'hosted-as-sdk2', version: '2.0.0' });
    await client.connect(new Transport2(url, { authProvider: provider }));
    await client.listTools();
    await client.close();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

/** A toggle option, the clients' reactions to it (test/helpers/hostedAsReactions.ts), and what the wire shows. */
interface Case extends Reaction {
  toggle: string;
  option: string;
  /** What the client saw changed, on the recorded exchanges. */
  wire(exchanges: Exchange[]): void;
}

const json = (e: Exchange | undefined) => JSON.parse(e?.response?.body?.data ?? 'null') as Record<string, unknown> | null;
const metadataOf = (exchanges: Exchange[]) => exchanges.filter((e) => e.classification.discovery?.startsWith('authorization-server') || e.classification.discovery?.startsWith('openid-configuration'));

const CASES: Case[] = [
  {
    toggle: 'as-metadata',
    option: 'openid-only',
    ...reaction('as-metadata', 'openid-only'),
    wire(exchanges) {
      const metadata = metadataOf(exchanges);
      expect(metadata.filter((e) => e.classification.discovery!.startsWith('authorization-server')).map((e) => e.response?.status)).toContain(404);
      expect(metadata.filter((e) => e.classification.discovery!.startsWith('openid-configuration')).map((e) => e.response?.status)).toContain(200);
    },
  },
  {
    toggle: 'issuer-trailing-slash',
    option: 'added',
    ...reaction('issuer-trailing-slash', 'added'),
    wire(exchanges) {
      const issuers = metadataOf(exchanges).map((e) => json(e)?.issuer);
      expect(issuers.length).toBeGreaterThan(0);
      for (const issuer of issuers) expect(String(issuer)).toMatch(/\/$/);
    },
  },
  {
    toggle: 'issuer-trailing-slash',
    option: 'removed',
    ...reaction('issuer-trailing-slash', 'removed'),
    wire(exchanges) {
      const servers = exchanges.filter((e) => e.classification.discovery?.startsWith('protected-resource') && e.response?.status === 200).flatMap((e) => json(e)?.authorization_servers as string[]);
      expect(servers.length).toBeGreaterThan(0);
      for (const server of servers) expect(server).toMatch(/\/$/);
      for (const issuer of metadataOf(exchanges).map((e) => json(e)?.issuer)) expect(String(issuer)).not.toMatch(/\/$/);
    },
  },
  {
    toggle: 'dcr',
    option: 'disabled',
    ...reaction('dcr', 'disabled'),
    wire(exchanges) {
      const served = metadataOf(exchanges).filter((e) => e.response?.status === 200);
      expect(served.length).toBeGreaterThan(0);
      for (const e of served) expect(json(e)).not.toHaveProperty('registration_endpoint');
      expect(exchanges.filter((e) => e.classification.phase === 'registration')).toEqual([]);
    },
  },
  {
    toggle: 'dcr',
    option: 'initial-access-token',
    ...reaction('dcr', 'initial-access-token'),
    wire(exchanges) {
      const registrations = exchanges.filter((e) => e.classification.phase === 'registration');
      expect(registrations.length).toBeGreaterThan(0);
      for (const e of registrations) expect(e.response?.status).toBe(401);
    },
  },
  {
    toggle: 'code-challenge-methods',
    option: 'omitted',
    ...reaction('code-challenge-methods', 'omitted'),
    wire(exchanges) {
      for (const e of metadataOf(exchanges).filter((x) => x.response?.status === 200)) expect(json(e)).not.toHaveProperty('code_challenge_methods_supported');
    },
  },
  {
    toggle: 'code-challenge-methods',
    option: 'plain-only',
    ...reaction('code-challenge-methods', 'plain-only'),
    wire(exchanges) {
      for (const e of metadataOf(exchanges).filter((x) => x.response?.status === 200)) expect(json(e)?.code_challenge_methods_supported).toEqual(['plain']);
      expect(exchanges.filter((e) => e.classification.phase === 'token')).toEqual([]);
    },
  },
  {
    toggle: 'access-token-kid',
    option: 'jwe',
    ...reaction('access-token-kid', 'jwe'),
    wire(exchanges) {
      const tokens = exchanges.filter((e) => e.classification.phase === 'token' && e.response?.status === 200).map((e) => String(json(e)?.access_token));
      expect(tokens.length).toBeGreaterThan(0);
      for (const token of tokens) expect(token.split('.')).toHaveLength(5);
    },
  },
  {
    toggle: 'access-token-kid',
    option: 'jwe-jwks-only',
    ...reaction('access-token-kid', 'jwe-jwks-only'),
    wire(exchanges) {
      expect(exchanges.some((e) => e.classification.phase === 'token' && e.response?.status === 200)).toBe(true);
      expect(exchanges.some((e) => e.classification.phase === 'jsonrpc' && e.request.headers.authorization && e.response?.status === 401)).toBe(true);
    },
  },
];


describe('hosted authorization server toggles against the MCP SDK clients', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(mode: Mode): Promise<Running> {
    if (mode === 'built-in') {
      const running = await startInspector({});
      cleanups.push(running.close);
      return running;
    }
    const upstream = await startReferenceServer();
    cleanups.push(upstream.close);
    // The upstream names its own origin; the front door swaps in its own (rewriteOrigins, the default).
    const running = await startInspector({ upstream: upstream.origin });
    cleanups.push(running.close);
    return running;
  }

  /** Waits until every exchange that started has ended (recorder events, no polling). */
  function settled(running: Running, since: number): Promise<Exchange[]> {
    const started = running.inspector.exchanges().slice(since).map((e) => e.id);
    return Promise.all(started.map((id) => running.waitForExchange((e) => e.id === id)));
  }

  it('acts on an authorization server fronted under a path of the front door (/_as/<n>/…) as on one at the root', () => {
    const input = (method: string, path: string, status?: number, body?: string) => ({ method, path, headers: {}, classification: classifyRequest(method, path, { 'content-type': 'application/json' }, body), status });
    const register = JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'] });
    for (const prefix of ['', '/_as/0']) {
      const acts = (toggle: string, option: string, i: ReturnType<typeof input>) =>
        TOGGLES.find((t) => t.id === toggle)!.options.find((o) => o.id === option)!.rules.some((rule) => ruleMatches(rule, i));
      expect(acts('as-metadata', 'openid-only', input('GET', `${prefix}/.well-known/oauth-authorization-server`)), prefix).toBe(true);
      expect(acts('as-metadata', 'openid-only', input('GET', `${prefix}/.well-known/openid-configuration`)), prefix).toBe(false);
      for (const doc of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        expect(acts('code-challenge-methods', 'omitted', input('GET', `${prefix}${doc}`, 200)), `${prefix}${doc}`).toBe(true);
        expect(acts('dcr', 'disabled', input('GET', `${prefix}${doc}`, 200)), `${prefix}${doc}`).toBe(true);
      }
      expect(acts('dcr', 'initial-access-token', input('POST', `${prefix}/register`, undefined, register)), prefix).toBe(true);
    }
  });

  it('covers every option of the hosted-AS toggles', () => {
    const options = TOGGLES.filter((t) => HOSTED_AS_TOGGLES.includes(t.id)).flatMap((t) => t.options.slice(1).map((o) => `${t.id}=${o.id}`));
    expect(CASES.map((c) => `${c.toggle}=${c.option}`).sort()).toEqual(options.sort());
  });

  describe.each(['built-in', 'in front of another server'] as const)('%s', (mode) => {
    it('both SDK clients connect with every toggle off, and lint has nothing to say about the authorization server', async () => {
      const running = await start(mode);
      expect(await sdkSession({ origin: running.origin, fetch: (path, init) => fetch(`${running.origin}${path}`, init) })).toBe('connected');
      expect(await sdk2Session(running.origin)).toBe('connected');
      await settled(running, 0);
      expect(running.inspector.findings().filter((f) => f.ruleId.startsWith('as-') || f.ruleId.startsWith('registration') || f.ruleId === 'access-token-without-kid')).toEqual([]);
    });

    it.each(CASES.map((c) => [`${c.toggle}=${c.option}`, c] as const))('%s: the clients react, the wire shows it, lint names it', async (_name, c) => {
      const running = await start(mode);
      if (mode !== 'built-in' && c.builtInOnly) {
        expect(() => running.inspector.setToggle(c.toggle, c.option)).toThrow(/built-in reference server only/);
        return;
      }
      running.inspector.setToggle(c.toggle, c.option);
      const sdk1 = await sdkSession({ origin: running.origin, fetch: (path, init) => fetch(`${running.origin}${path}`, init) });
      const sdk2 = await sdk2Session(running.origin);
      const exchanges = await settled(running, 0);
      if (typeof c.sdk1 === 'string') expect(sdk1).toBe(c.sdk1);
      else expect(sdk1).toMatch(c.sdk1);
      if (typeof c.sdk2 === 'string') expect(sdk2).toBe(c.sdk2);
      else expect(sdk2).toMatch(c.sdk2);
      c.wire(exchanges);
      const findings = running.inspector.findings();
      for (const id of c.lint) {
        const mine = findings.filter((f) => f.ruleId === id);
        expect(mine.length, `${id} in ${JSON.stringify(findings.map((f) => [f.ruleId, f.message]))}`).toBeGreaterThan(0);
        // The user asked for it: the finding says which toggle.
        expect(mine[0]!.causedBy).toMatchObject({ kind: 'toggle', id: c.toggle, option: c.option });
      }
    });
  });
});
