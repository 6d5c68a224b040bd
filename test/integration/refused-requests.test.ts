import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FrontDoor } from '../../src/main/core/proxy/frontDoor';
import { Recorder } from '../../src/main/core/recorder/recorder';
import { exchangeOutcome } from '../../src/shared/outcome';
import type { Exchange } from '../../src/shared/exchange';

// Requests Node refuses before the front door's handler runs (a broken request line, headers over
// Node's limit) and CONNECT are answered as before, and now also recorded: the client saw an
// answer, so the timeline shows it. Raw sockets, since no HTTP client sends these.

let door: FrontDoor | undefined;
afterEach(async () => {
  await door?.close();
  door = undefined;
});

/** A front door (its upstream is never reached here) and the next exchange the recorder ends. */
async function start() {
  const recorder = new Recorder();
  door = new FrontDoor(recorder, { upstream: 'http://127.0.0.1:9' });
  const { port } = await door.listen(0);
  const nextEnded = () => new Promise<Exchange>((resolve) => {
    const listener = (event: { type: string; exchange?: Exchange }) => {
      if (event.type !== 'exchange:end') return;
      recorder.off('event', listener);
      resolve(event.exchange!);
    };
    recorder.on('event', listener);
  });
  return { port, nextEnded };
}

/** Sends raw bytes and resolves with all the server sent until it closed the connection. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('requests refused before the handler are recorded', () => {
  it('a request line that is not HTTP: 400 to the client, a failed exchange in the timeline', async () => {
    const { port, nextEnded } = await start();
    const [answer, exchange] = await Promise.all([raw(port, 'POST /mcp HTTP/1.1 extra\r\nHost: x\r\n\r\n'), nextEnded()]);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(exchange).toMatchObject({ request: { method: 'POST' }, response: { status: 400 }, error: { kind: 'client-malformed' } });
    expect(exchangeOutcome(exchange).outcome).toBe('failed');
  });

  it('headers over Node\'s limit: 431, recorded with the method and path it could read', async () => {
    const { port, nextEnded } = await start();
    const [answer, exchange] = await Promise.all([raw(port, `GET /mcp HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), nextEnded()]);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(exchange).toMatchObject({ request: { method: 'GET', url: '/mcp' }, response: { status: 431 }, error: { kind: 'client-malformed', message: expect.stringContaining('HPE_HEADER_OVERFLOW') } });
  });

  it('CONNECT: 405 with Allow, recorded', async () => {
    const { port, nextEnded } = await start();
    const [answer, exchange] = await Promise.all([raw(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'), nextEnded()]);
    expect(answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed/);
    expect(answer).toContain('Allow: GET, POST, DELETE, HEAD, OPTIONS');
    expect(exchange).toMatchObject({ request: { method: 'CONNECT', url: 'example.com:443' }, response: { status: 405 } });
  });
});
