import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { Exchange } from '../../src/shared/exchange';
import type { LintFinding } from '../../src/shared/lint';
import { browserGaps } from '../../src/main/core/recorder/browserGap';
import { fromHar, toHar } from '../../src/main/core/recorder/har';
import { groupConnections, lintExchanges } from '../../src/main/core/lint/engine';
import { runHandshake, sequence } from '../../src/renderer/src/lib/handshake';
import { TimelineModel } from '../../src/renderer/src/state/timeline';
import { startControl } from '../helpers/control';
import { differencesOf, simulateAgainst } from '../helpers/realClient';
import { makeTestCertificates, reserveServer, sdkSessionOverTls, serveProtectedMcp, startHttpsAs, type RunningHttpsAs, type RunningProtectedMcp, type TestCertificates } from '../helpers/tlsAs';

// issue 17, "Handshake view, compare, lint and HAR treat the intercepted AS legs like the built-in
// AS's (one connection, one story)": an SDK 1.x connection through --intercept-as to an HTTPS AS
// on another origin, recorded, then read as the UI reads it (exchanges.list rows, the timeline
// model, the Handshake checklist and sequence diagram), exported as HAR (redacted and raw) and
// read back (connections, runs, lint, the browser's gap), and compared with the SDK profile.

let certs: TestCertificates;
let as: RunningHttpsAs;
let mcp: RunningProtectedMcp;
let control: Awaited<ReturnType<typeof startControl>>;
let recorded: Exchange[];
let dir: string;
let dispatcher: Dispatcher;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intercept-as-story-'));
  certs = await makeTestCertificates();
  const { server, mcpUrl } = await reserveServer();
  as = await startHttpsAs(certs, mcpUrl, { iss: true });
  mcp = serveProtectedMcp(server, mcpUrl, as);
  control = await startControl({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem });
  expect(await sdkSessionOverTls(control.proxyOrigin, 1, 'http://127.0.0.1:53720/callback', certs.caPem)).toBe('connected');
  const started = control.inspector.exchanges().map((e) => e.id);
  const ended = new Set<string>();
  await new Promise<void>((resolve) => {
    const check = () => started.every((id) => ended.has(id)) && resolve();
    control.inspector.subscribe((event) => {
      if (event.type === 'exchange:end') ended.add(event.exchange.id);
      check();
    });
    for (const e of control.inspector.exchanges()) if (e.state !== 'pending' && e.state !== 'streaming') ended.add(e.id);
    check();
  });
  recorded = control.inspector.exchanges();
  // The simulator's browser follows the AS over HTTPS with Node's fetch: trust the test CA there too.
  dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, certs.caPem] } }));
});

afterAll(async () => {
  if (dispatcher) setGlobalDispatcher(dispatcher);
  await control?.close();
  await mcp?.close();
  await as?.close();
  rmSync(dir, { recursive: true, force: true });
});

const leg = (e: Exchange) => `${e.classification.phase} ${e.request.method} ${e.request.url.split('?')[0]}`;
const described = (findings: readonly LintFinding[]) => findings.map((f) => `${f.ruleId} ${f.severity} ${f.exchangeId}: ${f.message}`).sort();

describe('an intercepted AS connection, one story', () => {
  it('classifies the callback relay as the authorization response, in the connection and run of the rest', () => {
    const relayed = recorded.find((e) => e.request.url.startsWith('/_as/callback/'))!;
    expect(relayed.classification).toMatchObject({ phase: 'authorization', label: 'authorization response (callback relay)' });
    expect(new Set(recorded.map((e) => control.inspector.connectionOf(e))).size).toBe(1);
    expect(new Set(recorded.map((e) => control.inspector.runOf(e))).size).toBe(1);
    const oauth = recorded.filter((e) => e.request.url.startsWith('/_as/') || e.classification.phase === 'discovery').map(leg);
    expect(oauth).toEqual([
      'discovery GET /.well-known/oauth-protected-resource/mcp',
      'discovery GET /.well-known/oauth-authorization-server/_as/0',
      'registration POST /_as/0/register',
      'authorization GET /_as/0/authorize',
      'authorization GET /_as/callback/0',
      'token POST /_as/0/token',
    ]);
  });

  it('the UI’s rows: the timeline puts the gap between authorize and the relayed callback, the Handshake checklist and sequence diagram tell the OAuth story in order', async () => {
    const rows = (await control.api<ExchangeSummary[]>('exchanges.list', {})).result!;
    expect(rows.map((r) => r.id).sort()).toEqual(recorded.map((e) => e.id).sort());
    const authorize = rows.find((r) => r.url.startsWith('/_as/0/authorize'))!;
    const callback = rows.find((r) => r.url.startsWith('/_as/callback/0'))!;
    const token = rows.find((r) => r.phase === 'token')!;
    expect(callback.phase).toBe('authorization');

    const model = new TimelineModel();
    model.apply(rows.map((exchange) => ({ type: 'exchange', exchange })));
    const gaps = model.browserGaps();
    expect(gaps).toEqual([expect.objectContaining({ host: new URL(as.issuer).host, authorizeId: authorize.id, callbackId: callback.id })]);
    model.setGrouped(false);
    const flat = model.items.map((i) => (typeof i === 'string' ? i : i.kind));
    expect(flat.slice(flat.indexOf(authorize.id), flat.indexOf(authorize.id) + 3)).toEqual([authorize.id, 'gap', callback.id]);

    const handshake = runHandshake(rows);
    expect(handshake.path.auth).toBe('dcr');
    const step = (id: string) => handshake.steps.find((s) => s.id === id)!;
    for (const id of ['prm', 'as-metadata', 'registered', 'authorized', 'token']) expect(step(id).state, id).toBe('done');
    // The authorize step holds both browser legs: the authorization request and the relayed response.
    expect(step('authorized').attempts.map((a) => a.id)).toEqual(expect.arrayContaining([authorize.id, callback.id]));
    expect(handshake.steps.find((s) => s.id === 'other')?.attempts.map((a) => a.id) ?? []).not.toContain(callback.id);

    const seq = sequence(rows, gaps);
    const arrows = seq.arrows.filter((a) => a.to === 'as').map((a) => a.request.split('?')[0]);
    expect(arrows).toEqual(['GET /.well-known/oauth-authorization-server/_as/0', 'POST /_as/0/register', 'GET /_as/0/authorize', 'GET /_as/callback/0', 'POST /_as/0/token']);
    const byId = new Map(seq.arrows.map((a) => [a.id, a]));
    expect(byId.get(authorize.id)!.browserGap).toMatchObject({ callbackId: callback.id });
    expect(byId.get(callback.id)!.gapBefore).toBeUndefined();
    expect(seq.arrows.findIndex((a) => a.id === token.id)).toBeGreaterThan(seq.arrows.findIndex((a) => a.id === callback.id));
  });

  it.each([
    ['redacted', true],
    ['raw', false],
  ] as const)('a %s HAR export reads back with the same connections, runs, lint findings and browser gap', (_name, redact) => {
    const live = {
      connections: new Set(recorded.map((e) => control.inspector.connectionOf(e))).size,
      runs: new Set(recorded.map((e) => control.inspector.runOf(e))).size,
      findings: described(control.inspector.findings()),
      gaps: browserGaps(recorded),
    };
    const har = toHar(recorded, { redact });
    const text = JSON.stringify(har);
    if (redact) for (const e of recorded.filter((x) => x.classification.phase === 'token')) expect(text).not.toContain((JSON.parse(e.response!.body!.data) as { access_token: string }).access_token);
    const reopened = fromHar(JSON.parse(text));
    expect(reopened.map(leg)).toEqual(recorded.map(leg));
    const grouping = groupConnections(reopened);
    expect(new Set(grouping.connectionOf.values()).size).toBe(live.connections);
    expect(new Set(grouping.runOf.values()).size).toBe(live.runs);
    expect(described(lintExchanges(reopened, { grouping }).findings)).toEqual(live.findings);
    // The gap is recomputed from the wire (authorize's Location, the callback's query and times).
    expect(live.gaps).toHaveLength(1);
    expect(browserGaps(reopened)).toEqual(live.gaps);
  });

  it('simulate --compare-with: the SDK 1.x profile through --intercept-as matches the real client’s capture', async () => {
    const { result, failed } = await simulateAgainst('mcp-sdk-1@1.32', `${control.proxyOrigin}/mcp`, toHar(recorded), dir);
    // The simulated browser's hop to the AS's own pages (which no front door sees) is left out, and
    // the relay's number (which client registered first) is not a difference.
    expect(differencesOf(result.comparison)).toEqual([]);
    expect(failed).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.comparison.left.registration).toBe('dcr');
    const stages = new Set(result.comparison.steps.map((s) => s.stage));
    for (const stage of ['discovery', 'registration', 'authorization', 'token']) expect(stages).toContain(stage);
  });
});
