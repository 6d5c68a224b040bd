import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BehaviorProfile } from '../../../../shared/profile';
import { JsonRpcErrorCode } from '../../../../shared/protocol';
import { BodyTooLargeError, readBody, sendEmpty } from '../http';
import { LEGACY_MESSAGES_PATH } from '../urls';
import { negotiateVersion } from './dispatcher';
import { isNotification, isRequest, McpError, parseJsonRpcBody, type JsonRpcMessage } from './jsonrpc';
import type { SessionStore } from './sessions';
import { SseStream } from './sse';
import type { ServerSubscriptions } from './subscriptions';
import { runRequest, sendRpcError, type McpHttpContext } from './streamableHttp';

/**
 * The legacy HTTP+SSE transport (protocol 2024-11-05): `GET /sse` opens the stream and names,
 * in an `endpoint` event, the URL to POST messages to; every response travels on the stream.
 */
export class LegacySseEndpoint {
  constructor(
    private readonly sessions: SessionStore,
    /** Where the conformance fixtures' list changes go (no listen stream on this transport). */
    private readonly subscriptions?: ServerSubscriptions,
  ) {}

  /** GET /sse */
  openStream(req: IncomingMessage, res: ServerResponse, profile: BehaviorProfile): void {
    if (req.method !== 'GET') {
      return sendRpcError(res, 405, new McpError(JsonRpcErrorCode.ServerError, 'Method Not Allowed: open the legacy stream with GET'), null, { Allow: 'GET' });
    }
    const session = this.sessions.create('legacy-sse', '2024-11-05');
    const stream = new SseStream(res, profile.pingIntervalMs);
    session.stream = stream;
    res.on('close', () => this.sessions.delete(session.id));
    // A relative URL: the client resolves it against the /sse URL it used, so it works behind a tunnel.
    stream.send(`${LEGACY_MESSAGES_PATH}?sessionId=${session.id}`, 'endpoint');
  }

  /** POST /messages?sessionId=… : answered 202 at once, the response goes on the stream. */
  async postMessage(req: IncomingMessage, res: ServerResponse, url: URL, ctx: McpHttpContext): Promise<void> {
    const { profile } = ctx;
    if (req.method !== 'POST') {
      return sendRpcError(res, 405, new McpError(JsonRpcErrorCode.ServerError, 'Method Not Allowed: POST messages here'), null, { Allow: 'POST' });
    }
    const sessionId = url.searchParams.get('sessionId');
    if (!sessionId) return sendRpcError(res, 400, new McpError(JsonRpcErrorCode.ServerError, 'Bad Request: the sessionId query parameter is missing'));
    const session = this.sessions.get(sessionId);
    if (!session || session.transport !== 'legacy-sse' || !session.stream || session.stream.closed) {
      return sendRpcError(res, 404, new McpError(-32001, `Session not found: open GET /sse first (sessionId ${sessionId} is unknown or its stream closed)`));
    }
    let messages: JsonRpcMessage[];
    try {
      messages = parseJsonRpcBody(await readBody(req, profile.maxBodyBytes)).messages;
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendRpcError(res, 413, new McpError(JsonRpcErrorCode.InvalidRequest, `Payload Too Large: ${err.message}`));
      if (err instanceof McpError) return sendRpcError(res, err.httpStatus, err);
      throw err;
    }
    if (!(await ctx.authorize(messages))) return;
    sendEmpty(res, 202);

    const stream = session.stream;
    for (const message of messages) {
      if (isNotification(message)) {
        if (message.method === 'notifications/initialized') session.initialized = true;
        continue;
      }
      if (!isRequest(message)) continue;
      if (message.method === 'initialize') session.protocolVersion = negotiateVersion(profile, message.params?.protocolVersion);
      void runRequest(message, {
        era: 'session',
        protocolVersion: session.protocolVersion,
        profile,
        session,
        logLevel: session.logLevel,
        notify: (n) => stream.send(n, 'message'),
        subscriptions: this.subscriptions,
      }).then((response) => stream.send(response, 'message'));
    }
  }
}
