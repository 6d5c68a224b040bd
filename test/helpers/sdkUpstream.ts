import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport, type EventId, type EventStore, type StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type JSONRPCMessage, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

// A developer's own MCP server as the SDK 1.x documents it: McpServer + the stateful
// StreamableHTTPServerTransport (session ids, resumable streams) over plain node:http. Used as
// the inspector's `upstream` in tests that compare behaviour direct and through the proxy.

/** One client session on the upstream. */
export interface UpstreamSession {
  id: string;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  /** Resolves once the session's standalone GET stream has answered 200 (its headers are out). */
  standaloneStream: Promise<void>;
}

export interface SdkUpstreamOptions {
  name?: string;
  capabilities: ServerCapabilities;
  /** Registers tools, resources and prompts on each new session's server. */
  setup(server: McpServer, session: () => UpstreamSession | undefined): void;
  /** Keep events for Last-Event-ID resumption (SEP-1699); the SDK then sends priming events. */
  resumable?: boolean;
  /** The `retry` the server suggests in priming events. */
  retryInterval?: number;
  /** Refuse Host headers that aren't loopback names (DNS-rebinding protection), with 403. */
  localhostOnly?: boolean;
}

export interface RunningSdkUpstream {
  origin: string;
  mcpUrl: string;
  sessions: Map<string, UpstreamSession>;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** In-memory event store: ids sort in stream order, replay sends what came after an id. */
function memoryEventStore(): EventStore {
  const events: Array<{ id: EventId; streamId: StreamId; message: JSONRPCMessage }> = [];
  let counter = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${String(++counter).padStart(10, '0')}`;
      events.push({ id, streamId, message });
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const last = events.find((e) => e.id === lastEventId);
      if (!last) throw new Error(`unknown event id ${lastEventId}`);
      for (const event of events) {
        // Priming events are stored as {} and are not messages to replay.
        if (event.streamId === last.streamId && event.id > lastEventId && Object.keys(event.message).length > 0) await send(event.id, event.message);
      }
      return last.streamId;
    },
  };
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the upstream on 127.0.0.1 with a random port; the MCP endpoint is /mcp. */
export async function startSdkUpstream(options: SdkUpstreamOptions): Promise<RunningSdkUpstream> {
  const sessions = new Map<string, UpstreamSession>();
  const eventStore = options.resumable ? memoryEventStore() : undefined;
  /** Per session: marks its standalone GET stream open. */
  const standaloneOpeners = new Map<string, () => void>();

  async function newSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = new McpServer({ name: options.name ?? 'sdk-upstream', version: '1.0.0' }, { capabilities: options.capabilities });
    let session: UpstreamSession | undefined;
    let standaloneOpened!: () => void;
    const standaloneStream = new Promise<void>((resolve) => (standaloneOpened = resolve));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore,
      retryInterval: options.retryInterval,
      onsessioninitialized: (id) => {
        session = { id, server, transport, standaloneStream };
        sessions.set(id, session);
        standaloneOpeners.set(id, standaloneOpened);
      },
    });
    transport.onclose = () => {
      if (!transport.sessionId) return;
      sessions.delete(transport.sessionId);
      standaloneOpeners.delete(transport.sessionId);
    };
    options.setup(server, () => session);
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    if (url.pathname !== '/mcp') return void jsonRpcError(res, 404, -32601, `Nothing at ${url.pathname}`);
    if (options.localhostOnly) {
      let hostname: string | undefined;
      try {
        hostname = new URL(`http://${req.headers.host ?? ''}`).hostname;
      } catch {
        hostname = undefined;
      }
      if (!hostname || !LOOPBACK_NAMES.has(hostname)) return void jsonRpcError(res, 403, -32000, `Invalid Host: ${req.headers.host ?? '(none)'}`);
    }
    const sessionId = req.headers['mcp-session-id'];
    const session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method === 'POST') {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return void jsonRpcError(res, 400, -32700, 'Parse error');
      }
      if (session) return session.transport.handleRequest(req, res, body);
      if (sessionId === undefined && isInitializeRequest(body)) return newSession(req, res, body);
      if (sessionId !== undefined) return void jsonRpcError(res, 404, -32001, 'Session not found');
      return void jsonRpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!session) return void jsonRpcError(res, sessionId === undefined ? 400 : 404, -32000, 'Invalid or missing session ID');
      if (req.method === 'GET' && !req.headers['last-event-id']) {
        // The standalone stream is usable once its headers are out: tests wait on this, not on time.
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
        res.writeHead = ((...args: unknown[]) => {
          const out = writeHead(...args);
          if (res.statusCode === 200) standaloneOpeners.get(session.id)?.();
          return out;
        }) as typeof res.writeHead;
      }
      return session.transport.handleRequest(req, res);
    }
    res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) jsonRpcError(res, 500, -32603, `Internal error: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    origin,
    mcpUrl: `${origin}/mcp`,
    sessions,
    async close() {
      for (const session of sessions.values()) await session.server.close().catch(() => undefined);
      sessions.clear();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
