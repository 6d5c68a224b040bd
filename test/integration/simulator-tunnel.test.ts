import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspector } from '../helpers/inspector';
import { FakeLocaltunnelServer, localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';
import { tunnelState } from '../helpers/tunnel';

// Issue 6's bar: the SDK-driven profile and the Claude.ai replay complete through the front door
// and a tunnel (the real localtunnel client against a localtunnel-protocol server on 127.0.0.1),
// as a hosted client would reach a developer's machine.

describe('simulated clients through proxy + loopback tunnel', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let running: Awaited<ReturnType<typeof startInspector>>;
  let publicUrl: string;

  beforeAll(async () => {
    tunnelServer = await new FakeLocaltunnelServer().listen();
    running = await startInspector({
      profile: { consent: 'auto' },
      tunnel: { provider: 'localtunnel', host: tunnelServer.origin, fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, openTimeoutMs: 5000, sseSelfTest: { events: 2, intervalMs: 50 } },
    });
    publicUrl = (await tunnelState(running.inspector, 'up')).publicUrl!;
  });

  afterAll(async () => {
    await running?.close();
    await tunnelServer?.close();
  });

  it.each(['mcp-sdk-1@1.32', 'mcp-sdk-2@2025-11-25', 'claude-ai'])('%s connects, authorizes and lists tools through the tunnel', async (client) => {
    const result = await running.inspector.simulate(client, { url: `${publicUrl}/mcp`, fetch: tunnelFetch });
    expect(result.ok, `${result.summary}\n${JSON.stringify(result.steps, null, 1)}`).toBe(true);
    expect(result.tools?.length).toBeGreaterThan(0);

    // Every request of the run passed the front door via the tunnel: its Host is the public one.
    const run = running.ended.filter((e) => e.simulationRun === result.runId);
    expect(run.length).toBeGreaterThanOrEqual(4);
    expect(run.every((e) => e.request.headers.host === new URL(publicUrl).host)).toBe(true);
    expect(run.some((e) => e.classification.phase === 'token' && e.response?.status === 200)).toBe(true);
    expect(run.some((e) => e.classification.jsonRpc?.methods.includes('tools/list') && e.response?.status === 200)).toBe(true);
  });
});
