import { randomUUID } from 'node:crypto';
import type { ProtocolVersion } from '../../../../shared/protocol';
import type { JsonRpcId } from './jsonrpc';
import type { SseStream } from './sse';

export type LoggingLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';
export const LOGGING_LEVELS: LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** One session-era connection: created by `initialize`, named by `Mcp-Session-Id`. */
export interface McpSession {
  id: string;
  transport: 'streamable-http' | 'legacy-sse';
  protocolVersion: ProtocolVersion;
  clientInfo?: { name?: string; version?: string };
  clientCapabilities?: Record<string, unknown>;
  initialized: boolean;
  logLevel?: LoggingLevel;
  /** The server→client stream: GET /mcp (Streamable HTTP) or GET /sse (legacy). */
  stream?: SseStream;
  /** Requests being processed, so notifications/cancelled can abort them. */
  inFlight: Map<JsonRpcId, AbortController>;
  /** Server→client requests (sampling, elicitation) awaiting the client's response, by their id. */
  clientRequests: Map<JsonRpcId, { resolve(result: Record<string, unknown>): void; reject(error: Error): void }>;
  /** URIs of resources/subscribe. */
  subscriptions: Set<string>;
  createdAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, McpSession>();

  create(transport: McpSession['transport'], protocolVersion: ProtocolVersion): McpSession {
    const session: McpSession = {
      id: randomUUID(),
      transport,
      protocolVersion,
      initialized: false,
      inFlight: new Map(),
      clientRequests: new Map(),
      subscriptions: new Set(),
      createdAt: Date.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): McpSession | undefined {
    return this.sessions.get(id);
  }

  /** Ends a session: aborts what it is still doing and closes its stream. */
  delete(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    for (const controller of session.inFlight.values()) controller.abort(new Error('session ended'));
    for (const pending of session.clientRequests.values()) pending.reject(new Error('session ended'));
    session.stream?.close();
    return true;
  }

  get size(): number {
    return this.sessions.size;
  }

  clear(): void {
    for (const id of [...this.sessions.keys()]) this.delete(id);
  }
}
