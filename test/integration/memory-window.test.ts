import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange as RecordedExchange } from '../../src/shared/exchange';
import { startControl } from '../helpers/control';

// The in-memory window is bounded by body bytes as well as by count (issue 14 item 7): with
// ~1 MB answers the recorder keeps a few, and an exchange it let go of is read back whole
// from the run's capture on disk.

const BODY = 1_000_000;
const BUDGET = 4 * 1024 * 1024;

/** An upstream answering every POST with a JSON-RPC result of ~1 MB naming the request's id. */
function bigAnswers(): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const { id } = JSON.parse(text) as { id: number };
      const head = `{"jsonrpc":"2.0","id":${id},"result":{"marker":"answer-${id}","padding":"`;
      const tail = '"}}';
      const body = head + 'x'.repeat(BODY - head.length - tail.length) + tail;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('memory window by bytes', () => {
  let upstream: Server;
  let control: Awaited<ReturnType<typeof startControl>>;

  beforeAll(async () => {
    upstream = await bigAnswers();
    control = await startControl({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`, memoryWindowBytes: BUDGET });
  });
  afterAll(async () => {
    await control.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('keeps at most its byte budget of bodies and reads an evicted exchange back from the capture', async () => {
    const { inspector } = control;
    const ids: string[] = [];
    for (let id = 1; id <= 24; id++) {
      const response = await fetch(`${control.proxyOrigin}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message: `request-${id}` } } }),
      });
      expect((await response.text()).length).toBe(BODY);
      expect(inspector.windowBytes).toBeLessThanOrEqual(BUDGET);
      ids.push(inspector.exchanges().at(-1)!.id);
    }
    // Four 1 MB answers fill the budget; the count bound (1000) never came into it.
    expect(inspector.exchanges().length).toBeLessThanOrEqual(4);
    expect(inspector.windowBytes).toBeGreaterThan(3 * BODY);
    expect(inspector.exchange(ids[0]!)).toBeUndefined();
    // Live lint keeps what the window keeps: no evicted exchange (and its bodies) held there.
    const last = inspector.exchange(ids.at(-1)!)!;
    expect(inspector.lintSummary(inspector.connectionOf(last)!).exchanges).toBeLessThanOrEqual(inspector.exchanges().length);

    const evicted = await control.api<RecordedExchange>('exchanges.get', { id: ids[0] });
    expect(evicted.result!.state).toBe('complete');
    expect(evicted.result!.response!.body!.data.length).toBe(BODY);
    expect(evicted.result!.response!.body!.data).toContain('"marker":"answer-1"');
    expect(evicted.result!.request.body!.data).toContain('request-1');
    // One still in the window comes from memory, the same.
    const kept = await control.api<RecordedExchange>('exchanges.get', { id: ids.at(-1) });
    expect(kept.result!.response!.body!.data).toContain('"marker":"answer-24"');
  });
});
