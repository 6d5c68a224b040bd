import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Transport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Unauthorized1 } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2, UnauthorizedError as Unauthorized2 } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/shared/compare';
import type { Exchange } from '../../src/shared/exchange';
import { toHar, type Har } from '../../src/main/core/recorder/har';
import { CommandError } from '../../src/main/captureCommands';
import { simulateCommand } from '../../src/main/simulateCommands';
import type { ConnectionInfo } from '../../src/shared/controlApi';
import type { SimulationResult } from '../../src/shared/simulator';
import { startControl } from '../helpers/control';
import { startInspector } from '../helpers/inspector';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { browserFetch, differencesOf, settled, simulateAgainst as simulateWith } from '../helpers/realClient';
import { completeAuthorization } from '../helpers/server';

/** `simulate --client ID --url <the front door> --compare-with <har> --json`. */
const simulateAgainst = (profileId: string, har: Har, extra: string[] = []) => simulateWith(profileId, running.info.mcpUrl, har, dir, extra);

// A profile compared with a real client's capture (issue 16 item 5). The real MCP SDK clients
// (1.x and 2.x, unmodified) connect through the front door; their connection is exported as a
// HAR, as `export --har` writes it; `simulate --compare-with` then runs the SDK profiles, which
// drive the same packages, and must find no difference. An edited copy of the HAR (a header, the
// order of two steps, the protocol version) must be found out, each on its own.

interface Sdk {
  connect(url: URL, provider: MemoryOAuthProvider): Promise<{ listTools(): Promise<unknown>; close(): Promise<void> }>;
  isUnauthorized(err: unknown): boolean;
  finish(transportUrl: URL, provider: MemoryOAuthProvider, callback: URL): Promise<void>;
}

/** A real SDK client session: 401, OAuth (DCR, consent, token), connect again, list tools. */
async function realSession(mcpUrl: string, driver: 'sdk-1' | 'sdk-2' | 'sdk-2-auto'): Promise<void> {
  const url = new URL(mcpUrl);
  const provider = new MemoryOAuthProvider('http://127.0.0.1:53683/callback');
  const transport = () => (driver === 'sdk-1' ? new Transport1(url, { authProvider: provider }) : new Transport2(url, { authProvider: provider }));
  const client = () =>
    driver === 'sdk-1'
      ? new Client1({ name: 'real-sdk-1', version: '1' })
      : new Client2({ name: 'real-sdk-2', version: '2' }, driver === 'sdk-2-auto' ? { versionNegotiation: { mode: 'auto' } } : undefined);
  const first = transport();
  const unauthorized = await client()
    .connect(first as never)
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(unauthorized instanceof Unauthorized1 || unauthorized instanceof Unauthorized2).toBe(true);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!, 'approve', browserFetch);
  if (driver === 'sdk-1') await (first as Transport1).finishAuth(callback.searchParams.get('code')!);
  else await (first as Transport2).finishAuth(callback.searchParams);
  const connected = client();
  await connected.connect(transport() as never);
  await connected.listTools();
  await connected.close();
}

let dir: string;
let running: Awaited<ReturnType<typeof startInspector>>;
const hars: Record<string, Har> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simulate-compare-'));
  running = await startInspector();
  for (const driver of ['sdk-1', 'sdk-2', 'sdk-2-auto'] as const) {
    const before = new Set(running.inspector.exchanges().map((e) => e.id));
    await realSession(running.info.mcpUrl, driver);
    await settled(running.inspector);
    const session: Exchange[] = running.inspector.exchanges().filter((e) => !before.has(e.id));
    hars[driver] = toHar(session);
  }
}, 60_000);

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A HAR as a browser's devtools writes it: the standard fields only, none of ours. */
function foreign(har: Har): Har {
  const copy = structuredClone(har);
  copy.log.entries = copy.log.entries.map((entry) => Object.fromEntries(Object.entries(entry).filter(([key]) => !key.startsWith('_'))) as Har['log']['entries'][number]);
  return copy;
}

describe('simulate --compare-with: the SDK profiles against captures of the real SDKs', () => {
  for (const [driver, profileId, version] of [
    ['sdk-1', 'mcp-sdk-1@1.32', '2025-11-25'],
    ['sdk-2', 'mcp-sdk-2@2025-11-25', '2025-11-25'],
    // The stateless era: server/discover instead of initialize, the version in `_meta`.
    ['sdk-2-auto', 'mcp-sdk-2@2026-07-28', '2026-07-28'],
  ] as const) {
    it(`${profileId} does what the real ${driver} client did, step for step`, async () => {
      const { result, failed } = await simulateAgainst(profileId, hars[driver]!, ['--strict']);
      expect(result.ok).toBe(true);
      const { comparison } = result;
      expect(differencesOf(comparison)).toEqual([]);
      expect(failed).toBeUndefined();
      // What was compared: the whole OAuth handshake, registered by DCR, and a negotiated version.
      expect(comparison.left.registration).toBe('dcr');
      expect(comparison.right.negotiatedVersion).toBe(version);
      expect(comparison.left.negotiatedVersion).toBe(version);
      const stages = new Set(comparison.steps.map((s) => s.stage));
      for (const stage of ['discovery', 'registration', 'authorization', 'token', 'list']) expect(stages).toContain(stage);
      const token = comparison.steps.find((s) => s.stage === 'token')!;
      expect(token.left!.oauth).toMatchObject({ 'token.grant_type': 'authorization_code', 'token.client_auth': 'none', 'token.code_verifier': '(present)' });
      expect(token.right!.oauth).toEqual(token.left!.oauth);
    });
  }

  it('reads a browser-style HAR (no fields of ours) the same way', async () => {
    const { result } = await simulateAgainst('mcp-sdk-1@1.32', foreign(hars['sdk-1']!));
    expect(differencesOf(result.comparison)).toEqual([]);
  });
});

describe('simulate --compare-with: a capture that differs is found out', () => {
  const edited = (edit: (entries: Har['log']['entries']) => void): Har => {
    const har = foreign(hars['sdk-1']!);
    edit(har.log.entries);
    return har;
  };
  const isInitialize = (e: Har['log']['entries'][number]) => e.request.postData?.text?.includes('"initialize"') && e.request.headers.some((h) => h.name.toLowerCase() === 'authorization');

  it('finds a changed header, and --strict makes it fail the run', async () => {
    const har = edited((entries) => {
      const accept = entries.find(isInitialize)!.request.headers.find((h) => h.name.toLowerCase() === 'accept')!;
      accept.value = 'application/json';
    });
    const { result, failed } = await simulateAgainst('mcp-sdk-1@1.32', har, ['--strict']);
    expect(differencesOf(result.comparison)).toEqual(['initialize request-header accept: application/json, text/event-stream | application/json']);
    expect(result.ok).toBe(true);
    expect(failed).toMatch(/differs from the capture .* in 1 place \(--strict\)/);
  });

  it('finds a routing header the real client sent and the profile does not (Mcp-Method)', async () => {
    const har = edited((entries) => void entries.find(isInitialize)!.request.headers.push({ name: 'mcp-method', value: 'initialize' }));
    const { result } = await simulateAgainst('mcp-sdk-1@1.32', har);
    expect(differencesOf(result.comparison)).toEqual(['initialize request-header mcp-method: (none) | initialize']);
  });

  it('finds a step the real client took in another order', async () => {
    // The capture says the client registered only after the token request (times swapped).
    const har = edited((entries) => {
      const registration = entries.find((e) => e.request.method === 'POST' && e.request.url.endsWith('/register'))!;
      const token = entries.find((e) => e.request.method === 'POST' && e.request.url.endsWith('/token'))!;
      registration.startedDateTime = new Date(Date.parse(token.startedDateTime) + token.time + 1).toISOString();
    });
    const { result, failed } = await simulateAgainst('mcp-sdk-1@1.32', har);
    const differences = differencesOf(result.comparison);
    // The registration is the step out of place (three steps it ran before now ran before it).
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatch(/^order dynamic client registration: #\d+, before \S.* \| #\d+, after \S/);
    // Without --strict a difference is a report: the exit code is the simulation's verdict.
    expect(failed).toBeUndefined();
  });

  it('finds another protocol version, asked for and negotiated', async () => {
    const har = edited((entries) => {
      for (const entry of entries.filter((e) => e.request.postData?.text?.includes('"initialize"'))) {
        entry.request.postData!.text = entry.request.postData!.text!.replace('"protocolVersion":"2025-11-25"', '"protocolVersion":"2025-06-18"');
        entry.response.content.text = entry.response.content.text?.replace('"protocolVersion":"2025-11-25"', '"protocolVersion":"2025-06-18"');
      }
    });
    const { result } = await simulateAgainst('mcp-sdk-1@1.32', har);
    const differences = differencesOf(result.comparison);
    expect(differences).toContain('negotiated-version : 2025-11-25 | 2025-06-18');
    expect(differences).toContain('initialize protocol-version : 2025-11-25 | 2025-06-18');
  });
});

describe('simulate --compare-with: mistakes', () => {
  it('says so, before any client runs, for two clients or a file that is not there', async () => {
    const run = (argv: string[]) => simulateCommand(['--url', running.info.mcpUrl, ...argv], () => undefined);
    const before = running.inspector.exchanges().length;
    await expect(run(['--client', 'mcp-sdk-1', '--client', 'mcp-sdk-2', '--compare-with', 'x.har'])).rejects.toThrow(new CommandError('--compare-with compares one profile with a capture: give one --client'));
    await expect(run(['--client', 'mcp-sdk-1', '--compare-with', join(dir, 'missing.har')])).rejects.toThrow(/is neither a file nor a capture id/);
    expect(running.inspector.exchanges()).toHaveLength(before);
  });
});

describe('simulate.run with compareWith (control API)', () => {
  it('aligns the simulated run with a live run of the real client, profile on the left', async () => {
    const control = await startControl();
    try {
      await realSession(`${control.proxyOrigin}/mcp`, 'sdk-1');
      await settled(control.inspector);
      const runs = (await control.api<ConnectionInfo[]>('connections.list', {})).result!;
      // The real client's run that reached MCP with its token.
      const real = [...runs].sort((a, b) => b.exchanges - a.exchanges)[0]!;
      const answer = await control.api<SimulationResult & { comparison?: Comparison }>('simulate.run', { client: 'mcp-sdk-1@1.32', compareWith: { connectionId: real.id } });
      expect(answer.ok).toBe(true);
      const { comparison } = answer.result!;
      expect(comparison!.left.source).toBe('simulated mcp-sdk-1@1.32');
      expect(comparison!.right.source).toContain(real.id);
      const list = comparison!.steps.find((s) => s.stage === 'list')!;
      expect(list.left && list.right).toBeTruthy();
      expect(list.differences).toEqual([]);
      const gone = await control.api('simulate.run', { client: 'mcp-sdk-1@1.32', compareWith: { connectionId: 'session:nope' } });
      expect(gone.ok).toBe(false);
    } finally {
      await control.close();
    }
  });
});
