import { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as Sdk1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as Sdk1Unauthorized } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client as Sdk2Client, StreamableHTTPClientTransport as Sdk2Transport, UnauthorizedError as Sdk2Unauthorized } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionInfo, ExchangeSummary } from '../../src/shared/controlApi';
import type { Boundary, Exchange } from '../../src/shared/exchange';
import type { SimulationResult } from '../../src/shared/simulator';
import { startControl } from '../helpers/control';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization } from '../helpers/server';

// Connections and runs as the control API lists them, built from real clients' traffic through
// the front door: the MCP SDK 1.x and 2.x clients (unmodified) and the simulator. Every client
// here runs from 127.0.0.1 with the same User-Agent ("node"), which used to merge them all.

type Control = Awaited<ReturnType<typeof startControl>>;

/** SDK 1.x: the first connect gets the 401, the "user" consents, the client connects and lists tools. */
async function sdk1Run(mcpUrl: string): Promise<void> {
  const url = new URL(mcpUrl);
  const provider = new MemoryOAuthProvider();
  const first = new Sdk1Transport(url, { authProvider: provider });
  await expect(new Sdk1Client({ name: 'runs-sdk1', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(Sdk1Unauthorized);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  await first.finishAuth(callback.searchParams.get('code')!);
  const client = new Sdk1Client({ name: 'runs-sdk1', version: '1.0.0' });
  await client.connect(new Sdk1Transport(url, { authProvider: provider }));
  await client.listTools();
  await client.close();
}

/** SDK 2.x in its default mode: the 2025-11-25 initialize handshake. */
async function sdk2Run(mcpUrl: string): Promise<void> {
  const url = new URL(mcpUrl);
  const provider = new MemoryOAuthProvider('http://127.0.0.1:53683/callback');
  const first = new Sdk2Transport(url, { authProvider: provider });
  await expect(new Sdk2Client({ name: 'runs-sdk2', version: '2.0.0' }).connect(first)).rejects.toBeInstanceOf(Sdk2Unauthorized);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  await first.finishAuth(callback.searchParams);
  const client = new Sdk2Client({ name: 'runs-sdk2', version: '2.0.0' });
  await client.connect(new Sdk2Transport(url, { authProvider: provider }));
  await client.listTools();
  await client.close();
}

/** Resolves once every exchange started so far has ended (streams the clients closed included). */
async function settled(control: Control): Promise<Exchange[]> {
  const open = () => control.inspector.exchanges().filter((e) => e.state === 'pending' || e.state === 'streaming');
  while (open().length) {
    await new Promise<void>((resolve) => {
      const check = () => {
        if (open().length === 0) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = control.inspector.subscribe(check);
      check();
    });
  }
  return control.inspector.exchanges();
}

async function listRuns(control: Control, params: { capture?: string } = {}): Promise<ConnectionInfo[]> {
  const listed = await control.api<ConnectionInfo[]>('connections.list', params);
  expect(listed.ok, JSON.stringify(listed.error)).toBe(true);
  return listed.result!;
}

describe('connections and runs from the wire', () => {
  let control: Control | undefined;
  afterEach(async () => {
    await control?.close();
    control = undefined;
  });

  it('lists three runs of real SDK clients from one address and User-Agent as three complete connections', async () => {
    control = await startControl();
    const mcpUrl = `${control.proxyOrigin}/mcp`;
    await sdk1Run(mcpUrl);
    await sdk1Run(mcpUrl);
    await sdk2Run(mcpUrl);
    const exchanges = await settled(control);
    expect(new Set(exchanges.map((e) => e.client.userAgent))).toEqual(new Set(['node']));

    const runs = await listRuns(control);
    expect(runs.map((r) => ({ outcome: r.outcome, reason: r.reason }))).toEqual([{ outcome: 'complete' }, { outcome: 'complete' }, { outcome: 'complete' }].map((r) => ({ ...r, reason: undefined })));
    expect(new Set(runs.map((r) => r.connectionId)).size).toBe(3);
    // Newest first, each named by its client, every exchange in exactly one run.
    expect(runs.map((r) => r.client)).toEqual([expect.stringContaining('runs-sdk2'), expect.stringContaining('runs-sdk1'), expect.stringContaining('runs-sdk1')]);
    expect(runs.reduce((n, r) => n + r.exchanges, 0)).toBe(exchanges.length);
    // Each run holds its own discovery, registration, token and initialize.
    const rows = (await control.api<ExchangeSummary[]>('exchanges.list', {})).result!;
    for (const run of runs) {
      const mine = rows.filter((r) => r.runId === run.id);
      expect(mine.filter((r) => r.phase === 'registration')).toHaveLength(1);
      expect(mine.filter((r) => r.phase === 'token')).toHaveLength(1);
      expect(mine.filter((r) => r.rpcMethods.includes('initialize') && r.outcome === 'ok')).toHaveLength(1);
      // The first initialize's 401 is the expected challenge, not a failure.
      expect(mine.find((r) => r.status === 401)?.outcome).toBe('challenge');
    }
  });

  it('says where a simulated Claude.ai run failed against the reference-001 server, and why', async () => {
    control = await startControl();
    expect((await control.api('preset.apply', { presetId: 'reference-001-before-fixes' })).ok).toBe(true);
    const simulated = await control.api<SimulationResult>('simulate.run', { client: 'claude-ai@2025-10' });
    expect(simulated.ok, JSON.stringify(simulated.error)).toBe(true);
    await settled(control);
    const runs = await listRuns(control);
    const run = runs.find((r) => r.simulationRun === simulated.result!.runId);
    expect(run, JSON.stringify(runs, null, 1)).toBeDefined();
    expect(run!.outcome).toBe('failed');
    const failing = (await control.api<Exchange>('exchanges.get', { id: run!.failedAt })).result!;
    // Claude.ai's initialize with its fresh token is refused: the server validates the token
    // only against a JWKS it cannot check this token with.
    expect(failing.classification.jsonRpc?.methods).toEqual(['initialize']);
    expect(failing.response?.status).toBe(401);
    expect(run!.reason).toMatch(/invalid_token/);
    expect(run!.step).toBe(failing.classification.label);
  });

  it('begins a new run after a marked boundary, records the mark in the capture and lists it', async () => {
    control = await startControl({ profile: { consent: 'auto', tokenRequired: 'none' } });
    const mcp = `${control.proxyOrigin}/mcp`;
    const post = (body: unknown, session?: string) =>
      fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(session ? { 'mcp-session-id': session } : {}) }, body: JSON.stringify(body) });
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'boundary-test', version: '1' } } });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).text();
    await settled(control);
    const marked = await control.api<Boundary>('boundaries.mark', { label: 'after toggle' });
    expect(marked.result).toMatchObject({ label: 'after toggle', at: expect.any(Number) });
    await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, session)).text();
    await settled(control);

    const runs = await listRuns(control);
    expect(runs).toHaveLength(2);
    const [after, before] = runs;
    expect(after!.connectionId).toBe(before!.connectionId);
    expect(after).toMatchObject({ run: 2, runs: 2, startedBy: 'boundary', exchanges: 1, outcome: 'complete' });
    expect(before).toMatchObject({ run: 1, runs: 2, startedBy: 'first', exchanges: 2, outcome: 'complete' });
    // The run after the boundary has no initialize of its own: it keeps the name its client gave.
    expect(before!.client).toMatch(/boundary-test/);
    expect(after!.client).toBe(before!.client);
    expect((await control.api<Boundary[]>('boundaries.list', {})).result).toEqual([marked.result]);

    // The capture on disk holds the mark: opened from there, the runs come out the same.
    const capture = (await control.api<{ capture?: { id: string } }>('status')).result!.capture!.id;
    expect((await control.api<Boundary[]>('boundaries.list', { capture })).result).toEqual([marked.result]);
    expect((await listRuns(control, { capture })).map((r) => [r.run, r.startedBy, r.exchanges])).toEqual([
      [2, 'boundary', 1],
      [1, 'first', 2],
    ]);
  });
});
