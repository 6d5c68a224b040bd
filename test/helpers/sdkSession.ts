import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { MemoryOAuthProvider } from './oauthProvider';
import { completeAuthorization } from './server';

/** Where the SDK client's requests go: an origin, and the fetch that carries them there. */
export interface SessionWire {
  origin: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * The MCP SDK 1.x client, unmodified: OAuth (DCR, consent, token), initialize, tools/list,
 * tools/call. It goes through `wire.fetch`, which adds what `extraHeaders` names (a browser's
 * Origin). Resolves whether or not the server lets it through.
 */
export async function sdkSession(wire: SessionWire, extraHeaders: Record<string, string> = {}): Promise<'connected' | string> {
  const url = new URL('/mcp', wire.origin);
  const provider = new MemoryOAuthProvider();
  const fetchThrough = (input: string | URL | Request, init?: RequestInit) => {
    const target = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
    return wire.fetch(`${target.pathname}${target.search}`, { ...init, headers });
  };
  const transport = () => new StreamableHTTPClientTransport(url, { authProvider: provider, fetch: fetchThrough });
  // A 401 anywhere (initialize, or a later call on a server that lets initialize through)
  // makes the SDK ask for the browser step; the "user" consents and the client tries again.
  let lastError = '';
  for (let round = 0; round <= 2; round++) {
    const attempt = transport();
    const client = new Client({ name: 'lint-sdk', version: '1.0.0' });
    try {
      await client.connect(attempt);
      await client.listTools();
      await client.callTool({ name: 'echo', arguments: { message: 'lint' } });
      return 'connected';
    } catch (err) {
      lastError = `${provider.savedTokens ? 'after OAuth' : 'before OAuth'}: ${(err as Error).message}`;
      const pending = provider.authorizationUrls[round];
      if (!(err instanceof UnauthorizedError) || !pending) return lastError;
      const callback = await completeAuthorization(pending);
      await attempt.finishAuth(callback.searchParams.get('code')!);
    } finally {
      await client.close();
    }
  }
  return lastError;
}

