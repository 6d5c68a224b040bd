import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeNow, listenForStreams } from '../../src/main/core/streamingServer';
import type { Server } from 'node:http';

// Every server of the inspector (front door, reference server, control API) listens through
// listenForStreams: a request body that stops arriving is answered 408 instead of holding the
// connection forever (Node's requestTimeout is off so that streams live). Real sockets, a short
// idle limit; the test waits on the server's answer, not on a timer.

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeNow(server);
  server = undefined;
});

/** A server that reads each request body whole and answers 200 with its length. */
async function start(bodyIdleMs: number): Promise<number> {
  const listening = await listenForStreams(
    (req, res) => {
      let length = 0;
      req.on('data', (chunk: Buffer) => (length += chunk.length));
      req.on('end', () => res.end(String(length)));
    },
    0,
    '127.0.0.1',
    { bodyIdleMs },
  );
  server = listening.server;
  return listening.address.port;
}

/** Sends `head` and resolves with everything the server sends until it closes the connection. */
function exchange(port: number, head: string, then?: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      then?.(socket);
    });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('request body idle timeout', () => {
  it('answers 408 and closes when the body stops arriving', async () => {
    const port = await start(150);
    const answer = await exchange(port, 'POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"jsonrpc":');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('the request body stopped arriving for 0.15 s');
  });

  it('lets a slow body through as long as bytes keep coming, and then the connection idles freely', async () => {
    const port = await start(150);
    const body = '{"jsonrpc":"2.0"}';
    const answer = await exchange(port, `POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, (socket) => {
      // Each byte goes out when the previous one was acknowledged by the kernel: slow, never idle.
      let i = 0;
      const next = () => (i < body.length ? socket.write(body[i++]!, () => setImmediate(next)) : socket.end());
      next();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.endsWith(String(body.length))).toBe(true);
  });
});
