import type { Exchange } from '../../../../shared/exchange';
import { ALL_PROTOCOL_VERSIONS, SESSION_ERA_VERSIONS, type ProtocolVersion } from '../../../../shared/protocol';
import { before, lastBefore, type LintCheck } from '../rule';
import { clientUrl, describeRequest, isInitialize, isObject, issuedSessionId, onMcpEndpoint, requestHeader, responseJson, responseMessages, status, succeeded } from '../wire';
import { clip } from '../../../../shared/text';

// Lifecycle and sessions (basic/lifecycle, basic/transports §Session Management).

/** The protocol version an initialize result answered with. */
function answeredVersion(e: Exchange): string | undefined {
  for (const m of responseMessages(e)) {
    if (isObject(m.result) && typeof m.result.protocolVersion === 'string') return m.result.protocolVersion;
  }
  return undefined;
}

const initializeSucceeded = (e: Exchange) => isInitialize(e) && succeeded(e) && answeredVersion(e) !== undefined;

export const initializeWithoutSessionId: LintCheck = (e) => {
  if (!initializeSucceeded(e) || issuedSessionId(e)) return undefined;
  return { message: `initialize succeeded (protocol ${answeredVersion(e)}) without an Mcp-Session-Id header: the 2025 Claude.ai client then never asks for tools.` };
};

/** A request of the 2026-07-28 era carries its version in `_meta` and has no session by design. */
const isStatelessEra = (e: Exchange) => !isInitialize(e) && e.classification.jsonRpc?.protocolVersion !== undefined;

export const sessionIdNotEnforced: LintCheck = (e, context) => {
  const s = status(e);
  if (e.request.method !== 'POST' || e.classification.phase !== 'jsonrpc' || isInitialize(e) || isStatelessEra(e)) return undefined;
  if (s === undefined || !succeeded(e) || requestHeader(e, 'mcp-session-id') !== undefined) return undefined;
  const initialize = lastBefore(e, context.initializes, issuedSessionId);
  if (!initialize) return undefined;
  return {
    message: `${describeRequest(e)} carried no Mcp-Session-Id yet was answered ${s}, although initialize issued session ${issuedSessionId(initialize)}.`,
    related: [initialize.id],
  };
};

export const unknownSession400: LintCheck = (e, context) => {
  const session = requestHeader(e, 'mcp-session-id');
  if (!session || status(e) !== 400 || e.classification.phase === 'other') return undefined;
  const json = responseJson(e);
  const message = isObject(json) && isObject(json.error) ? String(json.error.message ?? '') : '';
  const ended = before(e, context, context.handshake).find((x) => x.request.method === 'DELETE' && requestHeader(x, 'mcp-session-id') === session && succeeded(x));
  const saysUnknown = /session/i.test(message) && /not found|unknown|expired|invalid|terminated|no such/i.test(message);
  if (!ended && !saysUnknown) return undefined;
  const why = ended ? `the session was ended by DELETE earlier` : `the server says "${message}"`;
  return { message: `A request for session ${session} was answered 400 although ${why}; an unknown session gets 404 so the client initializes again.`, related: ended ? [ended.id] : undefined };
};

/** Two requests to the same MCP endpoint (the URL the client asked for). */
const sameEndpoint = (a: Exchange, b: Exchange) => clientUrl(a) === clientUrl(b);

const versionRank = (v: string) => ALL_PROTOCOL_VERSIONS.indexOf(v as ProtocolVersion);

export const protocolVersionMismatch: LintCheck = (e, context) => {
  if (initializeSucceeded(e)) {
    const asked = e.classification.jsonRpc?.protocolVersion;
    const answered = answeredVersion(e)!;
    if (!asked || asked === answered) return undefined;
    if (versionRank(answered) === -1) return { message: `initialize asked for ${asked} and was answered ${answered}, which is no published protocol version.` };
    // Answering another version is what negotiation is for when the server does not support
    // the one asked, and a server may support only newer ones (a 2025-11-25-only server). It is
    // wrong only when the server supports the version asked: it echoed it to another initialize.
    if (versionRank(asked) === -1 || versionRank(answered) <= versionRank(asked)) return undefined;
    const echoed = context.everyHandshake.find((x) => x !== e && x.startedAt <= e.startedAt && sameEndpoint(x, e) && initializeSucceeded(x) && x.classification.jsonRpc?.protocolVersion === asked && answeredVersion(x) === asked);
    if (!echoed) return undefined;
    return {
      message: `initialize asked for ${asked} and was answered ${answered}, a newer version the client never offered, although this server answered ${asked} to another initialize: it supports ${asked} and must echo it (a hard-coded version?).`,
      related: [echoed.id],
    };
  }
  // After initialize: the version header should be the negotiated one.
  const sent = requestHeader(e, 'mcp-protocol-version');
  const session = requestHeader(e, 'mcp-session-id');
  if (!sent || !session || e.classification.phase !== 'jsonrpc' || isInitialize(e)) return undefined;
  const initialize = lastBefore(e, context.initializes, (x) => issuedSessionId(x) === session);
  const negotiated = initialize && answeredVersion(initialize);
  if (!negotiated || negotiated === sent) return undefined;
  return {
    message: `The client sent MCP-Protocol-Version ${sent} on a session that negotiated ${negotiated}: clients must send the negotiated version, and a strict server answers 400.`,
    related: [initialize.id],
  };
};

/**
 * The 2026-07-28 UnsupportedProtocolVersion error (-32022) from a server whose versions all
 * lack the initialize handshake: that era negotiates per request, and `data.supported` is its
 * offer. A server that lists a version with initialize could have answered with it.
 */
function statelessOnlyOffer(m: Record<string, unknown>): string[] | undefined {
  if (!isObject(m.error) || m.error.code !== UNSUPPORTED_PROTOCOL_VERSION || !isObject(m.error.data)) return undefined;
  const supported = m.error.data.supported;
  if (!Array.isArray(supported) || supported.length === 0 || !supported.every((v) => typeof v === 'string')) return undefined;
  return supported.some((v) => (SESSION_ERA_VERSIONS as readonly string[]).includes(v)) ? undefined : supported;
}

/** JSON-RPC error code of 2026-07-28 for a protocol version the server does not speak. */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export const versionNegotiationError: LintCheck = (e) => {
  if (!isInitialize(e)) return undefined;
  const s = status(e);
  const messages = responseMessages(e);
  if (messages.some((m) => statelessOnlyOffer(m))) return undefined;
  for (const m of messages) {
    if (isObject(m.error) && /version/i.test(String(m.error.message ?? ''))) {
      return { message: `initialize (protocol ${e.classification.jsonRpc?.protocolVersion ?? '?'}) was answered with an error: "${String(m.error.message)}".` };
    }
  }
  if (s === 400) {
    const json = responseJson(e);
    const text = isObject(json) ? JSON.stringify(json) : '';
    if (/version/i.test(text)) return { message: `initialize (protocol ${e.classification.jsonRpc?.protocolVersion ?? '?'}) was refused with 400: ${clip(text, 200)}.` };
  }
  return undefined;
};

/** 404 means "your session is gone"; a request that names none (a server/discover probe) is a 400. */
export const missingSession404: LintCheck = (e) => {
  if (status(e) !== 404 || requestHeader(e, 'mcp-session-id') !== undefined || !onMcpEndpoint(e) || e.request.method !== 'POST') return undefined;
  // Only a 404 about sessions: a wrong endpoint URL is a 404 too, and rightly so.
  const said = e.response?.body?.encoding === 'utf8' ? e.response.body.data : '';
  if (!/session/i.test(said)) return undefined;
  return { message: `${describeRequest(e)} carried no Mcp-Session-Id and was answered 404 ("${clip(said.trim(), 120)}"), the answer for a session that has ended; a missing session is a 400.` };
};
