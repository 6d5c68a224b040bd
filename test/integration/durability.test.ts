import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../src/main/core/recorder/captureStore';
import { runCli, whenListening } from '../helpers/cliProcess';

// A capture never loses what a client saw: `serve` as users run it (a real process recording
// into its capture) under load from autocannon is killed with SIGKILL after N responses have
// reached their clients whole, and every one of those exchanges must be in the capture, ended.
// The front door sends an exchange's last bytes only once the capture holds its end
// (write-ahead, Recorder.durable). Three trials, as a crash can land anywhere in a turn.

const RESPONSES_BEFORE_KILL = 300;
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-durability-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** One trial: the JSON-RPC ids whose answers autocannon received whole, and what the capture holds. */
async function trial(): Promise<{ received: number[]; captured: Map<number, string> }> {
  const served = runCli(['serve', '--profile', 'no-auth', '--port', '0', '--ui-port', '0', '--no-ui', '--fresh'], { dataDir });
  const { port, captureId } = await whenListening(served, { capture: true });
  let nextId = 0;
  const received: number[] = [];
  let killed = false;
  let load!: autocannon.Instance;
  const loadDone = new Promise<void>((resolve) => {
    load = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 10,
    duration: 30,
    requests: [
      {
        method: 'POST',
        path: '/mcp',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ jsonrpc: '2.0', id: ++nextId, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } }),
        }),
        onResponse: (status, body) => {
          if (killed || status !== 200) return;
          received.push((JSON.parse(body) as { id: number }).id);
          if (received.length >= RESPONSES_BEFORE_KILL) {
            killed = true;
            served.child.kill('SIGKILL');
          }
        },
      },
    ],
  }, () => resolve());
  });
  await served.exited;
  load.stop();
  await loadDone;
  const { exchanges } = await new CaptureStore(join(dataDir, 'captures')).read(captureId!);
  const captured = new Map<number, string>();
  for (const exchange of exchanges) for (const id of exchange.classification.jsonRpc?.ids ?? []) captured.set(Number(id), exchange.state);
  return { received, captured };
}

describe('a capture survives kill -9 under load', () => {
  it('holds every exchange whose answer reached its client, in 3 trials', { timeout: 180_000 }, async () => {
    for (let i = 0; i < 3; i++) {
      const { received, captured } = await trial();
      expect(received.length).toBeGreaterThanOrEqual(RESPONSES_BEFORE_KILL);
      const missing = received.filter((id) => captured.get(id) !== "complete");
      expect(missing, `trial ${i + 1}: ${missing.length} of ${received.length} client-complete exchanges missing or unfinished`).toEqual([]);
    }
  });
});
