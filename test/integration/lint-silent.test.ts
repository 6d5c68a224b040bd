import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import type { LintFinding } from '../../src/shared/lint';
import type { SimulationResult } from '../../src/shared/simulator';
import { DEFAULT_MAX_EXCHANGES } from '../../src/main/core/recorder/recorder';
import { PROFILES } from '../../src/main/core/simulator';
import { startInspector } from '../helpers/inspector';
import { listenUntil } from '../helpers/listenWire';

// Lint is silent on a spec-correct server, whoever the client is. For each preset below, one
// real inspector on 127.0.0.1 (front door, recorder, live lint, built-in reference server);
// every client profile of the simulator runs through its front door, one after the other, and
// then every discovery document the clients fetched is asked for again with HEAD (clients
// probe with HEAD: Claude.ai's `HEAD /`, ChatGPT's metadata prefetch). No finding may come out
// but the client faults named below: any other is a false positive against a good server (an
// error one makes `lint` exit 1). One inspector per preset, profiles one after the other.

/**
 * The presets that describe a spec-correct server (src/main/core/server/presets.ts):
 * - `spec`: the default, both protocol eras, DCR and CIMD, metadata at both locations;
 * - `spec-2025-06-18`, `spec-2025-11-25`: a server of that revision only (session era);
 * - `spec-2026-07-28`: the stateless 2026-07-28 era only (no initialize, no sessions);
 * - `claude-ai`: every choice it makes (405 for GET, a session id, pings) is one the spec allows.
 * - `no-auth`: an authless server; the spec makes authorization optional.
 * Left out on purpose: `reference-001-before-fixes` (reproduces four bugs),
 * `reference-001-after-fixes` (lets an unauthenticated initialize through: lazy-auth-initialize
 * is right to warn) and `reference-002-no-session` (issues no Mcp-Session-Id: the warning the
 * 2025 Claude.ai client needed). Their findings are the point of those presets.
 * (presets.ts has no `conformance` preset: the conformance suite runs against its own
 * SDK-built server, test/conformance/everythingServer.ts.)
 */
const SPEC_PRESETS = ['spec', 'spec-2025-06-18', 'spec-2025-11-25', 'spec-2026-07-28', 'claude-ai', 'no-auth'] as const;

type Preset = (typeof SPEC_PRESETS)[number];

/**
 * Profiles that cannot connect to a preset for a reason that is the client's or the preset's
 * design, not a server fault: the run must end where `summary` says, and lint must still find
 * nothing (the server answered as its revision says it should).
 */
const CONNECTOR = 'claude-code@2.1.267-connector';
const HEADER_TWICE = 'claude-code@2.1-version-header-twice';
/** The profiles that replay a client bug fail wherever the server checks what the bug gets wrong. */
const CONNECTOR_REFUSED = { because: 'claude-code#93290: a 2025-11-25 header with a 2026-07-28 _meta is refused with -32020, as the spec says', summary: '-32020' };
const HEADER_TWICE_REFUSED = { because: 'lowdefy#2345: "2025-11-25, 2025-11-25" names no version the server speaks, so the request after initialize gets 400', summary: 'notifications/initialized: answered 400' };

const CANNOT_CONNECT: Partial<Record<Preset, Record<string, { because: string; summary: string }>>> = {
  spec: { [CONNECTOR]: CONNECTOR_REFUSED, [HEADER_TWICE]: HEADER_TWICE_REFUSED },
  'spec-2025-06-18': { [HEADER_TWICE]: HEADER_TWICE_REFUSED },
  'claude-ai': { [CONNECTOR]: CONNECTOR_REFUSED, [HEADER_TWICE]: HEADER_TWICE_REFUSED },
  'spec-2025-11-25': {
    [HEADER_TWICE]: HEADER_TWICE_REFUSED,
    'spec@2025-06-18': { because: 'the client speaks only 2025-06-18 and the server only 2025-11-25: no common version, so the client disconnects as the lifecycle says', summary: 'protocolVersion 2025-11-25' },
  },
  'spec-2026-07-28': {
    ...Object.fromEntries(
      ['claude-ai@2025-06', 'claude-ai@2025-10', 'claude-ai@2026-03', 'claude-code@1.0.108', 'claude-code@2.1', HEADER_TWICE, 'chatgpt@2026-09', 'chatgpt@2026', 'mcp-remote@0.15', 'mcp-remote@0.1.38', 'mcp-inspector@2.12', 'mcp-inspector@2.12-cli', 'mcp-inspector@0.19', 'spec@2025-06-18', 'mcp-sdk-1@1.32', 'mcp-sdk-2@2025-11-25'].map((id) => [
        id,
        { because: 'a session-era client (initialize only) meets a 2026-07-28-only server, which has no initialize and offers 2026-07-28 with -32022', summary: '-32022' },
      ]),
    ),
    [CONNECTOR]: CONNECTOR_REFUSED,
    ...Object.fromEntries(
      ['vscode@2026-04', 'vscode@2026-05'].map((id) => [id, { because: 'VS Code takes the 4xx on initialize for a legacy SSE server and opens GET on the same URL, which a 2026-07-28 server answers 405', summary: 'legacy SSE fallback' }]),
    ),
    'cursor@2026-08': { because: 'Cursor falls back to legacy SSE on the same URL after the 4xx on initialize; a 2026-07-28 server answers that GET 405', summary: 'legacy SSE fallback' },
  },
  'no-auth': {
    [CONNECTOR]: CONNECTOR_REFUSED,
    [HEADER_TWICE]: HEADER_TWICE_REFUSED,
    'claude-ai@2025-10': { because: 'this replay starts OAuth whatever the server says (that connector was added with OAuth), and an authless server has no authorization server metadata', summary: 'no authorization server metadata' },
    'chatgpt@2026': { because: 'ChatGPT needs the root Protected Resource Metadata and reports "does not implement OAuth" without it (kernel-mcp-server#91)', summary: '/.well-known/oauth-protected-resource answered 404' },
    'chatgpt@2026-09': { because: 'ChatGPT needs the root Protected Resource Metadata and reports "does not implement OAuth" without it (kernel-mcp-server#91)', summary: '/.well-known/oauth-protected-resource answered 404' },
  },
};

/**
 * Findings that are right on a spec-correct server because they are about the client: the
 * profile replays a reported client bug on purpose, and the finding says the client did it.
 */
const HEADER_META_FAULT = { profile: CONNECTOR, rule: 'protocol-version-header-meta-mismatch', because: 'claude-code#93290: the header says 2025-11-25 while _meta says 2026-07-28' };
const HEADER_TWICE_FAULT = { profile: HEADER_TWICE, rule: 'protocol-version-mismatch', because: 'lowdefy#2345: the header arrives as "2025-11-25, 2025-11-25", not the negotiated version' };
const HEADER_LIST_FAULT = { profile: HEADER_TWICE, rule: 'protocol-version-header-list', because: 'openwork#3944: one header carrying two versions, comma-joined, is the client\'s doing' };
const CLIENT_FAULTS: Partial<Record<Preset, Array<{ profile: string; rule: string; because: string }>>> = {
  spec: [HEADER_META_FAULT, HEADER_TWICE_FAULT, HEADER_LIST_FAULT],
  'spec-2025-06-18': [
    {
      profile: 'claude-code@2.1',
      rule: 'protocol-version-mismatch',
      because: 'Claude Code 2.1 sends its default MCP-Protocol-Version (2025-11-25), not the 2025-06-18 it negotiated (claude-code#92835, reported); the server rightly accepts it',
    },
    { profile: CONNECTOR, rule: 'protocol-version-mismatch', because: 'after falling back to initialize the connector still sends 2025-11-25, not the 2025-06-18 it negotiated (claude-code#92835, #93290)' },
    HEADER_TWICE_FAULT,
    HEADER_LIST_FAULT,
  ],
  'spec-2025-11-25': [HEADER_TWICE_FAULT, HEADER_LIST_FAULT],
  'spec-2026-07-28': [HEADER_META_FAULT],
  'claude-ai': [HEADER_META_FAULT, HEADER_TWICE_FAULT, HEADER_LIST_FAULT],
  'no-auth': [
    HEADER_META_FAULT,
    HEADER_TWICE_FAULT,
    HEADER_LIST_FAULT,
    {
      profile: 'claude-code@1.0.108',
      rule: 'oauth-on-authless-server',
      because: 'v1.0.108 forces OAuth discovery and registers whatever the server says (claude-code#2831, claude-ai-mcp#823 for Claude.ai): this server answered server/discover 200 without a token and publishes no Protected Resource Metadata',
    },
  ],
};

/** The usual discovery locations, asked with HEAD whether or not a client fetched them (a 404 is a fine answer). */
const WELL_KNOWN = [
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource/sse',
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-authorization-server/mcp',
  '/.well-known/openid-configuration',
];

/**
 * Presets where a client without a token can open a 2026-07-28 subscriptions/listen stream: one
 * is opened and closed after its acknowledgement (the own catalogue offers no list changes, so
 * it agrees to nothing), and must lint clean too.
 */
const LISTEN_PRESETS: ReadonlySet<Preset> = new Set(['no-auth']);

function describeFinding(f: LintFinding, byId: Map<string, Exchange>, runs: Map<string, string>): string {
  const e = byId.get(f.exchangeId);
  const where = e ? `${e.request.method} ${e.request.url} → ${e.response?.status ?? e.state}` : f.exchangeId;
  const who = e?.simulationRun ? runs.get(e.simulationRun) : 'HEAD or listen probe';
  return `[${f.severity}] ${f.ruleId} on ${where} (${who ?? 'unknown run'}): ${f.message}`;
}

describe('lint is silent on every spec preset for every client profile', () => {
  let running: Awaited<ReturnType<typeof startInspector>> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it.each(SPEC_PRESETS)('%s', async (preset) => {
    const r = (running = await startInspector({ preset }));
    const started = new Set<string>();
    r.inspector.subscribe((event) => event.type === 'exchange:start' && started.add(event.exchange.id));

    const runs = new Map<string, string>();
    const results: SimulationResult[] = [];
    for (const profile of PROFILES) {
      const result = await r.inspector.simulate(profile);
      runs.set(result.runId, profile.id);
      results.push(result);
    }
    // HEAD of every discovery document: the usual locations and every one a client fetched.
    const fetched = r.ended.filter((e) => e.classification.phase === 'discovery' && e.request.method === 'GET').map((e) => e.request.url);
    const documents = [...new Set([...WELL_KNOWN, ...fetched])];
    for (const path of documents) await (await fetch(`${r.origin}${path}`, { method: 'HEAD' })).arrayBuffer();
    if (LISTEN_PRESETS.has(preset)) {
      const listened = await listenUntil((path, init) => fetch(`${r.origin}${path}`, init), 'listen:1', { toolsListChanged: true }, async () => undefined, (messages) => messages.length > 0);
      expect(listened.messages.map((m) => m.method)).toEqual(['notifications/subscriptions/acknowledged']);
    }
    // Every exchange that started has ended (streams close when their run finishes): events, no polling.
    await Promise.all([...started].map((id) => r.waitForExchange((e) => e.id === id)));

    const expectedFailures = CANNOT_CONNECT[preset] ?? {};
    const problems: string[] = [];
    for (const result of results) {
      const expected = expectedFailures[result.profileId];
      if (result.ok && expected) problems.push(`${result.profileId} connected, though it cannot: ${expected.because}`);
      if (!result.ok && !expected) problems.push(`${result.profileId} did not connect: ${result.summary}`);
      if (!result.ok && expected && !result.summary.includes(expected.summary)) problems.push(`${result.profileId} failed elsewhere than expected (${expected.summary}): ${result.summary}`);
    }
    const heads = r.ended.filter((e) => e.request.method === 'HEAD' && e.classification.phase === 'discovery');
    expect(heads.length).toBeGreaterThanOrEqual(documents.length);

    // Nothing fell out of the live lint's window (its findings would go with it).
    expect(r.ended.length).toBeLessThan(DEFAULT_MAX_EXCHANGES);
    const byId = new Map(r.ended.map((e) => [e.id, e]));
    const clientFaults = CLIENT_FAULTS[preset] ?? [];
    const seenFaults = new Set<string>();
    for (const f of r.inspector.findings()) {
      const run = byId.get(f.exchangeId)?.simulationRun;
      const fault = clientFaults.find((c) => c.rule === f.ruleId && run !== undefined && runs.get(run) === c.profile);
      if (fault) seenFaults.add(`${fault.profile} ${fault.rule}`);
      else problems.push(describeFinding(f, byId, runs));
    }
    // Each client fault listed is really seen (so the list cannot hide anything it no longer needs to).
    for (const c of clientFaults) if (!seenFaults.has(`${c.profile} ${c.rule}`)) problems.push(`expected the client fault ${c.rule} of ${c.profile}: ${c.because}`);
    expect(problems, `${preset}: unexpected verdicts and lint findings on a spec-correct server`).toEqual([]);
  });
});
