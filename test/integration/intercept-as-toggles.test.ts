import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { LintRuleId } from '../../src/shared/lint';
import { toggleUnavailable, type Toggle } from '../../src/shared/toggles';
import { TOGGLES } from '../../src/main/core/proxy/toggles';
import { startControl } from '../helpers/control';
import { startInspector } from '../helpers/inspector';
import { makeTestCertificates, reserveServer, sdkSessionOverTls, serveProtectedMcp, startHttpsAs, type RunningHttpsAs, type RunningProtectedMcp, type TestCertificates } from '../helpers/tlsAs';
import { HOSTED_AS_TOGGLES, reaction, type Reaction } from '../helpers/hostedAsReactions';

// issue 17 item 4, "where a toggle fits it acts on the intercepted AS's answers exactly as on the
// built-in AS's": the hosted-AS toggles with --intercept-as in front of an HTTPS authorization
// server on another origin (the SDK's demo AS, which also serves OpenID discovery here). Each
// changes the answers that come back from /_as/0/…, the unmodified SDK 1.x and 2.x clients
// react as they do to the built-in AS with the same toggle (hosted-as.test.ts), and lint names
// the toggle, not the server. The profile-only options cannot act there, and say so.

type Running = Awaited<ReturnType<typeof startInspector>>;

let certs: TestCertificates;
let as: RunningHttpsAs;
let mcp: RunningProtectedMcp;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  certs = await makeTestCertificates();
  const { server, mcpUrl } = await reserveServer();
  as = await startHttpsAs(certs, mcpUrl, { iss: true, openid: true });
  mcp = serveProtectedMcp(server, mcpUrl, as);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await mcp?.close();
  await as?.close();
});

async function intercepting(): Promise<Running> {
  const running = await startInspector({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
  cleanups.push(running.close);
  return running;
}

let port = 53700;
const session = (origin: string, sdk: 1 | 2) => sdkSessionOverTls(origin, sdk, `http://127.0.0.1:${port++}/callback`, certs.caPem);

/** Waits until every exchange that started has ended (recorder events, no polling). */
function settled(running: Running): Promise<Exchange[]> {
  const started = running.inspector.exchanges().map((e) => e.id);
  return Promise.all(started.map((id) => running.waitForExchange((e) => e.id === id)));
}

const json = (e: Exchange | undefined) => JSON.parse(e?.response?.body?.data ?? 'null') as Record<string, unknown> | null;
/** The intercepted AS's metadata documents, as the client asked for them (RFC 8414 and OpenID, under /_as/0). */
const asMetadata = (exchanges: Exchange[]) => exchanges.filter((e) => /^(authorization-server|openid-configuration)/.test(e.classification.discovery ?? '') && e.request.url.includes('/_as/0'));
const served = (exchanges: Exchange[]) => asMetadata(exchanges).filter((e) => e.response?.status === 200);

/** A toggle option, the clients' reactions to it (the built-in AS's, test/helpers/hostedAsReactions.ts), and what the wire shows. */
interface Case extends Reaction {
  toggle: string;
  option: string;
  /** What the intercepted AS's answers show, as the client got them, and what the real AS received. */
  wire(exchanges: Exchange[]): void;
}

const registrationsAtAs = () => as.seen.filter((r) => r.method === 'POST' && r.path === '/register').length;

const CASES: Case[] = [
  {
    toggle: 'as-metadata',
    option: 'openid-only',
    ...reaction('as-metadata', 'openid-only'),
    wire(exchanges) {
      const rfc8414 = asMetadata(exchanges).filter((e) => e.classification.discovery!.startsWith('authorization-server'));
      expect(rfc8414.length).toBeGreaterThan(0);
      for (const e of rfc8414) expect(e.response?.status).toBe(404);
      const openid = served(exchanges).filter((e) => e.classification.discovery!.startsWith('openid-configuration'));
      expect(openid.length).toBeGreaterThan(0);
      // The document the real AS served, rewritten for the front door as without the toggle.
      expect(json(openid[0])?.issuer).toMatch(/\/_as\/0\/$/);
    },
  },
  {
    toggle: 'dcr',
    option: 'disabled',
    ...reaction('dcr', 'disabled'),
    wire(exchanges) {
      expect(served(exchanges).length).toBeGreaterThan(0);
      for (const e of served(exchanges)) expect(json(e)).not.toHaveProperty('registration_endpoint');
      expect(exchanges.filter((e) => e.classification.phase === 'registration')).toEqual([]);
    },
  },
  {
    toggle: 'dcr',
    option: 'initial-access-token',
    ...reaction('dcr', 'initial-access-token'),
    wire(exchanges) {
      const registrations = exchanges.filter((e) => e.classification.phase === 'registration');
      expect(registrations.map((e) => e.request.url)).toEqual(['/_as/0/register', '/_as/0/register']);
      for (const e of registrations) expect(e.response?.status).toBe(401);
    },
  },
  {
    toggle: 'code-challenge-methods',
    option: 'omitted',
    ...reaction('code-challenge-methods', 'omitted'),
    wire(exchanges) {
      expect(served(exchanges).length).toBeGreaterThan(0);
      for (const e of served(exchanges)) expect(json(e)).not.toHaveProperty('code_challenge_methods_supported');
      expect(exchanges.filter((e) => e.classification.phase === 'token' && e.response?.status === 200)).toHaveLength(2);
    },
  },
  {
    toggle: 'code-challenge-methods',
    option: 'plain-only',
    ...reaction('code-challenge-methods', 'plain-only'),
    wire(exchanges) {
      expect(served(exchanges).length).toBeGreaterThan(0);
      for (const e of served(exchanges)) expect(json(e)?.code_challenge_methods_supported).toEqual(['plain']);
      expect(exchanges.filter((e) => e.classification.phase === 'token')).toEqual([]);
    },
  },
];


describe('hosted-AS toggles on an intercepted HTTPS authorization server (--intercept-as)', () => {
  it('every rule-made option of the hosted-AS toggles is covered here; the others cannot act on an intercepted AS', () => {
    const options = TOGGLES.filter((t) => HOSTED_AS_TOGGLES.includes(t.id)).flatMap((t) => t.options.slice(1).map((o) => ({ t, o })));
    const ruleMade = options.filter(({ o }) => o.rules.length > 0).map(({ t, o }) => `${t.id}=${o.id}`);
    expect(CASES.map((c) => `${c.toggle}=${c.option}`).sort()).toEqual(ruleMade.sort());
    const profileOnly = options.filter(({ o }) => o.rules.length === 0);
    expect(profileOnly.map(({ t, o }) => `${t.id}=${o.id}`).sort()).toEqual(['access-token-kid=jwe', 'access-token-kid=jwe-jwks-only', 'issuer-trailing-slash=added', 'issuer-trailing-slash=removed']);
    for (const { o } of profileOnly) expect(toggleUnavailable(o, { builtIn: false, interceptAs: true })).toMatch(/intercepted authorization server/);
    for (const c of CASES) expect(toggleUnavailable(TOGGLES.find((t) => t.id === c.toggle)!.options.find((o) => o.id === c.option)!, { builtIn: false, interceptAs: true })).toBeUndefined();
  });

  it('with every toggle off both SDK clients connect through the intercepted AS and lint says nothing about it', async () => {
    const running = await intercepting();
    expect(await session(running.origin, 1)).toBe('connected');
    expect(await session(running.origin, 2)).toBe('connected');
    const exchanges = await settled(running);
    expect(served(exchanges).length).toBeGreaterThan(0);
    expect(running.inspector.findings().filter((f) => f.ruleId.startsWith('as-') || f.ruleId.startsWith('registration') || f.ruleId === 'access-token-without-kid')).toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.toggle}=${c.option}`, c] as const))('%s: the intercepted AS answers change, the clients react as with the built-in AS, lint names the toggle', async (_name, c) => {
    const running = await intercepting();
    running.inspector.setToggle(c.toggle, c.option);
    const registeredBefore = registrationsAtAs();
    const sdk1 = await session(running.origin, 1);
    const sdk2 = await session(running.origin, 2);
    const exchanges = await settled(running);
    if (typeof c.sdk1 === 'string') expect(sdk1).toBe(c.sdk1);
    else expect(sdk1).toMatch(c.sdk1);
    if (typeof c.sdk2 === 'string') expect(sdk2).toBe(c.sdk2);
    else expect(sdk2).toMatch(c.sdk2);
    c.wire(exchanges);
    // A registration the toggle refused never reached the real AS (the front door answered, as the built-in would).
    if (c.toggle === 'dcr') expect(registrationsAtAs()).toBe(registeredBefore);
    const findings = running.inspector.findings();
    for (const id of c.lint) {
      const mine = findings.filter((f) => f.ruleId === id);
      expect(mine.length, `${id} in ${JSON.stringify(findings.map((f) => [f.ruleId, f.message]))}`).toBeGreaterThan(0);
      for (const finding of mine) expect(finding.causedBy).toMatchObject({ kind: 'toggle', id: c.toggle, option: c.option });
    }
  });

  it('a profile-only option is refused when intercepting, and toggles.list says why before anyone tries', async () => {
    const control = await startControl({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
    cleanups.push(control.close);
    const listed = (await control.api<Toggle[]>('toggles.list')).result!;
    const option = (toggle: string, id: string) => listed.find((t) => t.id === toggle)!.options.find((o) => o.id === id)!;
    for (const [toggle, id] of [['issuer-trailing-slash', 'added'], ['issuer-trailing-slash', 'removed'], ['access-token-kid', 'jwe'], ['access-token-kid', 'jwe-jwks-only']]) {
      expect(option(toggle!, id!).unavailable, `${toggle}=${id}`).toMatch(/nor on the intercepted authorization server’s answers/);
    }
    for (const c of CASES) expect(option(c.toggle, c.option).unavailable).toBeUndefined();
    const refused = await control.api('toggles.set', { toggleId: 'issuer-trailing-slash', optionId: 'added' });
    expect(refused.error?.message).toMatch(/built-in reference server only.*intercepted authorization server/);
    expect(() => control.inspector.setToggle('access-token-kid', 'jwe')).toThrow(/built-in reference server only.*intercepted authorization server/);
    expect(control.inspector.toggles).toEqual({});
    // With the built-in server the same options are open.
    await control.api('upstream.set', { upstream: null });
    expect((await control.api<Toggle[]>('toggles.list')).result!.flatMap((t) => t.options).filter((o) => o.unavailable)).toEqual([]);
  });
});
