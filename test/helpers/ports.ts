import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port nobody listens on right now (bound, then released): for a peer that binds it
 * itself, a child process that takes its port as a number, or a connection that must be refused.
 * A tiny race, fine in tests.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
