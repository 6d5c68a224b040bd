import { afterEach, describe, expect, it } from 'vitest';
import type { ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import type { LintFinding } from '../../src/shared/lint';
import { startControl } from '../helpers/control';
import { startReferenceServer } from '../helpers/server';
import { authorizeFor, exchange, registerPublicClient } from '../helpers/oauthWire';

// The `scope-grant` toggle (a lenient authorization server that grants scopes beyond
// scopes_supported), chosen through the control API as the Toggles screen does, with `serve`'s
// inspector on 127.0.0.1. A client asks for scope=admin through the front door: the default
// server grants its default scope instead; with the toggle on, admin is in the token response
// and the JWT, the MCP endpoint takes the token, and lint's granted-scope-unsupported names it.

type Control = Awaited<ReturnType<typeof startControl>>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function control(options: Parameters<typeof startControl>[0] = {}): Promise<Control> {
  // The default profile (consent 'manual' included): startControl would otherwise approve automatically.
  const running = await startControl({ profile: {}, ...options });
  cleanups.push(running.close);
  return running;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** A client's discovery and authorization code flow for `scope` through the front door, then one MCP request with the token. */
async function connectWithScope(origin: string, scope: string) {
  for (const document of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server']) expect((await fetch(`${origin}${document}`)).status).toBe(200);
  const clientId = await registerPublicClient(origin);
  const { callback, verifier } = await authorizeFor(origin, clientId, { scope });
  expect(callback.searchParams.get('error'), callback.href).toBeNull();
  const token = await exchange(origin, clientId, callback.searchParams.get('code')!, verifier);
  expect(token.status, token.text).toBe(200);
  const mcp = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token.json.access_token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'scope-grant-test', version: '1' } } }),
  });
  await mcp.text();
  return { granted: token.json.scope as string, claimed: claimsOf(token.json.access_token).scope, mcpStatus: mcp.status };
}

/** The token exchange's timeline row, once it has ended, and the lint findings on it (as the UI reads them). */
async function tokenRowFindings(running: Control, events: ReturnType<Control['events']>): Promise<LintFinding[]> {
  const row = await events.exchange((s) => s.phase === 'token' && s.state === 'complete');
  const findings = await running.api<{ findings: LintFinding[] }>('lint.findings', { exchangeId: row.id });
  expect(findings.ok, findings.error?.message).toBe(true);
  return findings.result!.findings;
}

describe("the toggle 'Scopes beyond scopes_supported'", () => {
  it('off (the default): scope=admin is not granted, the default scope is, and lint stays silent', async () => {
    const running = await control();
    const events = running.events();
    cleanups.push(events.close);
    await events.opened;
    expect(await connectWithScope(running.proxyOrigin, 'admin')).toEqual({ granted: 'mcp', claimed: 'mcp', mcpStatus: 200 });
    expect(await tokenRowFindings(running, events)).toEqual([]);
  });

  it('grant-any, chosen through the control API: admin is in the token response and the JWT, and lint names it as the toggle’s doing', async () => {
    const running = await control();
    const events = running.events();
    cleanups.push(events.close);
    await events.opened;
    const toggles = await running.api('toggles.list');
    expect(toggles.result).toContainEqual(expect.objectContaining({ id: 'scope-grant', group: 'authorization' }));

    const set = await running.api<InspectorStatus>('toggles.set', { toggleId: 'scope-grant', optionId: 'grant-any' });
    expect(set.ok, set.error?.message).toBe(true);
    expect(set.result!.toggles).toEqual({ 'scope-grant': 'grant-any' });
    await events.until((e: ControlEvent) => e.type === 'status' && e.status.toggles['scope-grant'] === 'grant-any');
    // What the server advertises does not change: it grants beyond it.
    expect((await (await fetch(`${running.proxyOrigin}/.well-known/oauth-authorization-server`)).json()).scopes_supported).toEqual(['mcp']);

    expect(await connectWithScope(running.proxyOrigin, 'admin')).toEqual({ granted: 'admin', claimed: 'admin', mcpStatus: 200 });
    const findings = await tokenRowFindings(running, events);
    const finding = findings.find((f) => f.ruleId === 'granted-scope-unsupported');
    expect(finding, JSON.stringify(findings, null, 1)).toMatchObject({ severity: 'warning', causedBy: { kind: 'toggle', id: 'scope-grant', option: 'grant-any' } });
    expect(finding!.message).toContain('granted "admin", which scopes_supported (mcp) does not list');
    expect(finding!.relatedExchangeIds?.length).toBeGreaterThan(0);

    // Back to off: the next client gets the default scope again.
    await running.api('toggles.set', { toggleId: 'scope-grant', optionId: 'off' });
    expect(running.inspector.profile.scopeGrant).toBe('supported-only');
    expect(await connectWithScope(running.proxyOrigin, 'admin')).toEqual({ granted: 'mcp', claimed: 'mcp', mcpStatus: 200 });
  });

  it('is the built-in server’s alone: in front of another upstream the control API refuses it', async () => {
    const upstream = await startReferenceServer();
    cleanups.push(upstream.close);
    const running = await control({ upstream: upstream.origin });
    const set = await running.api('toggles.set', { toggleId: 'scope-grant', optionId: 'grant-any' });
    expect(set.ok).toBe(false);
    expect(set.error?.message).toMatch(/built-in reference server only/);
    expect(running.inspector.toggles['scope-grant']).toBeUndefined();
  });
});
