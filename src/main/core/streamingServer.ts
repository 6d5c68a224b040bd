import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server that carries streams (MCP's SSE, the control API's event stream), listening:
 * Node's default request timeout would cut long-lived streams, so it is off; headers must
 * still arrive within a minute. Rejects with the listen error (EADDRINUSE and the like) for
 * the caller to explain.
 */
export async function listenForStreams(handler: (req: IncomingMessage, res: ServerResponse) => void, port: number, host: string): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer(handler);
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

/** Stops listening and closes every connection, open streams included; resolves once closed. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
