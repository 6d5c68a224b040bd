import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import { startInspector } from '../helpers/inspector';
import { makeTestCertificates, reserveServer, sdkSessionOverTls, serveProtectedMcp, startHttpsAs, type TestCertificates } from '../helpers/tlsAs';

// issue 17 item 4's lint rules on intercepted legs: a real HTTPS authorization server on another
// origin with a hosted AS's quirk, fronted by --intercept-as. The front door rewrites the PRM's
// entry and the metadata's issuer to /_as/<n> keeping their paths, so the quirk survives the
// rewriting and the same rules fire as against the built-in AS with the toggle, this time as the
// server's own doing (no causedBy); the SDK clients react as they do there.

let certs: TestCertificates;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  certs = await makeTestCertificates();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function intercepting(asOptions: Parameters<typeof startHttpsAs>[2], prm: { withoutTrailingSlash?: boolean } = {}) {
  const { server, mcpUrl } = await reserveServer();
  const as = await startHttpsAs(certs, mcpUrl, asOptions);
  cleanups.push(as.close);
  const mcp = serveProtectedMcp(server, mcpUrl, as, prm.withoutTrailingSlash ? { authorizationServer: as.issuer.replace(/\/$/, '') } : {});
  cleanups.push(mcp.close);
  const running = await startInspector({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
  cleanups.push(running.close);
  return { as, running };
}

function settled(running: Awaited<ReturnType<typeof startInspector>>): Promise<Exchange[]> {
  return Promise.all(running.inspector.exchanges().map((e) => running.waitForExchange((x) => x.id === e.id)));
}

const json = (e: Exchange | undefined) => JSON.parse(e?.response?.body?.data ?? 'null') as Record<string, unknown> | null;

describe('hosted-AS lint rules on an intercepted AS', () => {
  it('as-metadata-issuer-mismatch: the metadata issuer’s trailing slash that the PRM entry lacks survives the rewriting; SDK 2.x stops as with the built-in toggle', async () => {
    const { as, running } = await intercepting({ iss: true }, { withoutTrailingSlash: true });
    expect(as.issuer).toMatch(/\/$/);
    expect(await sdkSessionOverTls(running.origin, 1, 'http://127.0.0.1:53730/callback', certs.caPem)).toBe('connected');
    expect(await sdkSessionOverTls(running.origin, 2, 'http://127.0.0.1:53731/callback', certs.caPem)).toMatch(/Issuer mismatch in authorization server metadata/);
    const exchanges = await settled(running);
    const prm = exchanges.find((e) => e.classification.discovery?.startsWith('protected-resource') && e.response?.status === 200)!;
    expect(json(prm)?.authorization_servers).toEqual([`${running.origin}/_as/0`]);
    const metadata = exchanges.filter((e) => e.request.url === '/.well-known/oauth-authorization-server/_as/0' && e.response?.status === 200);
    expect(metadata.length).toBeGreaterThan(0);
    expect(json(metadata[0])?.issuer).toBe(`${running.origin}/_as/0/`);

    const findings = running.inspector.findings().filter((f) => f.ruleId === 'as-metadata-issuer-mismatch');
    expect(findings.map((f) => f.exchangeId).sort()).toEqual(metadata.map((e) => e.id).sort());
    expect(findings[0]!.message).toContain('they differ only by a trailing slash');
    expect(findings[0]!.relatedExchangeIds).toContain(prm.id);
    // The server's own doing: no toggle, no rule of the user's.
    for (const f of findings) expect(f.causedBy).toBeUndefined();
  });

  it('as-metadata-openid-only: an AS with OpenID discovery only (RFC 8414 → 404) is named on the intercepted legs; both SDK clients go on', async () => {
    const { running } = await intercepting({ iss: true, openidOnly: true });
    expect(await sdkSessionOverTls(running.origin, 1, 'http://127.0.0.1:53732/callback', certs.caPem)).toBe('connected');
    expect(await sdkSessionOverTls(running.origin, 2, 'http://127.0.0.1:53733/callback', certs.caPem)).toBe('connected');
    const exchanges = await settled(running);
    const missed = exchanges.filter((e) => e.request.url === '/.well-known/oauth-authorization-server/_as/0');
    expect(missed.length).toBeGreaterThan(0);
    for (const e of missed) expect(e.response?.status).toBe(404);
    const openid = exchanges.filter((e) => e.classification.discovery?.startsWith('openid-configuration') && e.request.url.includes('/_as/0') && e.response?.status === 200);
    expect(openid.length).toBeGreaterThan(0);

    const findings = running.inspector.findings().filter((f) => f.ruleId === 'as-metadata-openid-only');
    expect(findings.length).toBeGreaterThan(0);
    expect(missed.map((e) => e.id)).toEqual(expect.arrayContaining(findings.map((f) => f.exchangeId)));
    expect(openid.map((e) => e.id)).toContain(findings[0]!.relatedExchangeIds?.[0]);
    for (const f of findings) expect(f.causedBy).toBeUndefined();
  });
});
