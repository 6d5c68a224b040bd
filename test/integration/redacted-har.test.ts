import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { LintFinding } from '../../src/shared/lint';
import { groupConnections, lintExchanges } from '../../src/main/core/lint/engine';
import { fromHar, toHar } from '../../src/main/core/recorder/har';
import { redactExchange } from '../../src/main/core/recorder/redact';
import { sdkSession } from '../helpers/sdkSession';
import { startInspector } from '../helpers/inspector';

// A redacted HAR must open as the live capture was: the same connections and the same lint
// findings. Connections are keyed on tokens and codes (recorder/correlate.ts); the export names
// each distinct secret by one pseudonym, so the token a response issued and the bearer header
// that sends it back still tie together. Real clients, not the simulator (whose runs are tied
// by their run id whatever the tokens say): the MCP SDK client, twice, OAuth included.

type Running = Awaited<ReturnType<typeof startInspector>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Exchange id → the sorted ids of its connection: a partition to compare, whatever the connections are called. */
function partition(exchanges: readonly Exchange[], connectionOf: (e: Exchange) => string | undefined): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const e of exchanges) {
    const id = connectionOf(e) ?? `alone:${e.id}`;
    members.set(id, [...(members.get(id) ?? []), e.id]);
  }
  return new Map(exchanges.map((e) => [e.id, members.get(connectionOf(e) ?? `alone:${e.id}`)!.sort().join(' ')]));
}

const described = (findings: readonly LintFinding[]) => findings.map((f) => `${f.ruleId} ${f.severity} ${f.exchangeId}: ${f.message}`).sort();

/** Two MCP SDK clients through a fresh inspector, every exchange ended; the live partition and findings. */
async function twoClients(profile: Parameters<typeof startInspector>[0]) {
  running = await startInspector(profile);
  const r = running;
  const started = new Set<string>();
  r.inspector.subscribe((event) => event.type === 'exchange:start' && started.add(event.exchange.id));
  const wire = { origin: r.origin, fetch: (path: string, init?: RequestInit) => fetch(`${r.origin}${path}`, init) };
  const outcomes = [await sdkSession(wire), await sdkSession(wire)];
  await Promise.all([...started].map((id) => r.waitForExchange((e) => e.id === id)));
  const live = r.inspector.exchanges();
  return { live, outcomes, partition: partition(live, (e) => r.inspector.connectionOf(e)), findings: described(r.inspector.findings()) };
}

/** Export redacted as the CLI and the UI do, read it back as `lint file.har` and File → Open do. */
function reopenRedacted(live: readonly Exchange[]) {
  const text = JSON.stringify(toHar(live));
  const exchanges = fromHar(JSON.parse(text));
  const grouping = groupConnections(exchanges);
  return { text, partition: partition(exchanges, (e) => grouping.connectionOf.get(e.id)), findings: described(lintExchanges(exchanges, { grouping }).findings) };
}

describe('a redacted HAR export', () => {
  it('opens with the connections and lint findings of the live capture, and carries no token', async () => {
    // A fault the server makes by itself, to carry over: notifications answered 204.
    const run = await twoClients({ preset: 'spec', profile: { notificationStatus: 204 } });
    expect(run.outcomes).toEqual(['connected', 'connected']);
    expect(new Set(run.partition.values()).size).toBe(2);
    expect(run.findings.filter((f) => f.startsWith('notification-not-202 '))).toHaveLength(2);

    const reopened = reopenRedacted(run.live);
    // Every access token the clients were issued is gone from the file.
    const tokens = run.live.flatMap((e) => (e.classification.phase === 'token' && e.response?.body ? [(JSON.parse(e.response.body.data) as { access_token: string }).access_token] : []));
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(reopened.text).not.toContain(token);
    // A token keeps its JOSE header (alg, kid: how it is made) in front of its pseudonym.
    expect(reopened.text).toMatch(/"Bearer eyJ[\w-]+\.\[redacted:\d+\]"/);
    expect(reopened.partition).toEqual(run.partition);
    expect(reopened.findings).toEqual(run.findings);

    // The one placeholder for every secret (what exports wrote before) loses the token's ties:
    // the authenticated requests stand apart from the OAuth handshake that got their token.
    const placeholders = fromHar(JSON.parse(JSON.stringify(toHar(run.live.map((e) => redactExchange(e)), { redact: false }))));
    const split = groupConnections(placeholders);
    expect(new Set(partition(placeholders, (e) => split.connectionOf.get(e.id)).values()).size).toBeGreaterThan(2);
  });

  it('still tells the token a client was issued from another one: token-rejected-after-issue reads the same', async () => {
    // The Claude.ai + Auth0 logs' server: an encrypted token (no kid) checked against the JWKS only, from tools/list on.
    const run = await twoClients({ preset: 'spec', profile: { accessTokenFormat: 'jwe-like', tokenRequired: 'all-but-handshake', tokenValidation: 'jwks-only' } });
    const rejected = run.findings.filter((f) => f.startsWith('token-rejected-after-issue '));
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((f) => f.includes('with the token the token endpoint issued'))).toBe(true);
    const reopened = reopenRedacted(run.live);
    expect(reopened.partition).toEqual(run.partition);
    expect(reopened.findings).toEqual(run.findings);
  });
});
