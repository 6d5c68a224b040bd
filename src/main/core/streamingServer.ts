import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a request body may stall (no bytes) before it is answered 408 and its connection closed. */
export const REQUEST_BODY_IDLE_MS = 30_000;

/**
 * An HTTP server that carries streams (MCP's SSE, the control API's event stream), listening:
 * Node's default request timeout would cut long-lived streams, so it is off; headers must
 * still arrive within a minute, and a request body that stops arriving for `bodyIdleMs` gets
 * 408 (a slow upload is fine as long as bytes keep coming). Rejects with the listen error
 * (EADDRINUSE and the like) for the caller to explain.
 */
export async function listenForStreams(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host: string,
  options: { bodyIdleMs?: number } = {},
): Promise<{ server: Server; address: AddressInfo }> {
  const bodyIdleMs = options.bodyIdleMs ?? REQUEST_BODY_IDLE_MS;
  const server = createServer((req, res) => {
    watchBodyIdle(req, res, bodyIdleMs);
    handler(req, res);
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, address: server.address() as AddressInfo };
}

/**
 * Answers 408 when the request body stalls for `idleMs`: the socket's idle timer runs only
 * while the body is still coming (it is switched off at its end), so long responses (SSE) and
 * keep-alive pauses are unaffected. The handler sees the request end as aborted.
 */
function watchBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  if (req.complete || idleMs <= 0) return;
  const stalled = () => {
    // Only a stall while we are reading is the client's: a request held at a breakpoint, or not
    // consumed yet, stops the bytes itself (backpressure). Wait another period then.
    if (req.readableFlowing !== true) {
      req.setTimeout(idleMs);
      return;
    }
    if (!res.headersSent) {
      res.writeHead(408, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end(`Request Timeout: the request body stopped arriving for ${idleMs / 1000} s\n`, () => req.socket.destroy());
    } else {
      req.socket.destroy();
    }
  };
  // On the request, not the socket: Node destroys a timed-out socket unless the request, its
  // response or the server listens for 'timeout'.
  req.setTimeout(idleMs, stalled);
  const stop = () => {
    req.off('timeout', stalled);
    req.socket?.setTimeout(0);
  };
  req.once('end', stop);
  req.once('close', stop);
}

/** Stops listening and closes every connection, open streams included; resolves once closed. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
