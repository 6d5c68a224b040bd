import type { BehaviorProfile } from '../../src/shared/profile';
import { ReferenceServer } from '../../src/main/core/server';

/** A reference server on a random 127.0.0.1 port, with its base URL. */
export interface RunningServer {
  server: ReferenceServer;
  origin: string;
  mcpUrl: string;
  close(): Promise<void>;
}

export async function startReferenceServer(options: { preset?: string; profile?: Partial<BehaviorProfile>; publicUrl?: string; allowPrivateCimd?: boolean } = {}): Promise<RunningServer> {
  const server = await ReferenceServer.create(options);
  const address = await server.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${address.port}`;
  return { server, origin, mcpUrl: `${origin}/mcp`, close: () => server.close() };
}

/**
 * Walks the browser part of the authorization code flow the way a user would: opens the
 * authorization URL, and when the consent page comes back, submits its real form with
 * Approve (or Deny). Returns the redirect back to the client with its query parameters.
 */
export async function completeAuthorization(authorizationUrl: URL | string, decision: 'approve' | 'deny' = 'approve', fetch: typeof globalThis.fetch = globalThis.fetch): Promise<URL> {
  const first = await fetch(authorizationUrl, { redirect: 'manual' });
  if (first.status === 302) return new URL(first.headers.get('location')!);
  const html = await first.text();
  if (first.status !== 200) throw new Error(`authorize answered ${first.status}: ${html}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const transaction = /name="transaction" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !transaction) throw new Error(`no consent form in the authorize page:\n${html}`);
  const decided = await fetch(action.replace(/&amp;/g, '&'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ transaction, decision }),
  });
  if (decided.status !== 302) throw new Error(`consent POST answered ${decided.status}: ${await decided.text()}`);
  return new URL(decided.headers.get('location')!);
}
