import type { Exchange } from '../../../../shared/exchange';
import { describeHeaderProblem, HEADER_MISMATCH, headerProblems, META_PROTOCOL_VERSION, type HeaderProblem, type MirroredRequest } from '../../../../shared/mcpHeaders';
import { STATELESS_ERA_VERSIONS } from '../../../../shared/protocol';
import { before, type LintCheck, type LintContext } from '../rule';
import { describeRequest, isObject, requestHeader, requestJson, responseMessages, status, succeeded } from '../wire';

// The 2026-07-28 era on the wire, for traffic to any server: the request metadata headers a
// client mirrors from the body (SEP-2243; 2026-07-28 transports, request metadata) and the
// `resultType` every result carries. Each finding says whose fault it is: a client that sent
// headers disagreeing with its body, or a server that took such a request, or answered without
// `resultType`.

/** Result kinds of 2026-07-28: `complete`, MRTR's `input_required`, the tasks extension's `task`. */
const RESULT_TYPES = ['complete', 'input_required', 'task'];

/** The JSON-RPC request of a POST that speaks 2026-07-28 by its body (`_meta` names the version). */
function modernRequest(e: Exchange): (MirroredRequest & { id: unknown; version: string }) | undefined {
  if (e.request.method !== 'POST' || e.classification.phase !== 'jsonrpc') return undefined;
  const body = requestJson(e);
  if (!isObject(body) || typeof body.method !== 'string' || body.id === undefined || !isObject(body.params)) return undefined;
  const meta = body.params._meta;
  const version = isObject(meta) ? meta[META_PROTOCOL_VERSION] : undefined;
  if (typeof version !== 'string' || !(STATELESS_ERA_VERSIONS as readonly string[]).includes(version)) return undefined;
  return { method: body.method, params: body.params, id: body.id, version };
}

/** The answer to `id` among the response's messages (a JSON body or SSE events). */
function answerTo(e: Exchange, id: unknown): Record<string, unknown> | undefined {
  return responseMessages(e).find((m) => m.id === id && ('result' in m || 'error' in m));
}

/** The inputSchema of `name` from the last tools/list of the connection that listed it. */
function listedInputSchema(e: Exchange, context: LintContext, name: string): unknown {
  const earlier = before(e, context, context.handshake);
  for (let i = earlier.length - 1; i >= 0; i--) {
    const x = earlier[i]!;
    if (!x.classification.jsonRpc?.methods.includes('tools/list')) continue;
    for (const message of responseMessages(x)) {
      const tools = isObject(message.result) && Array.isArray(message.result.tools) ? message.result.tools : [];
      const tool = tools.find((t) => isObject(t) && t.name === name);
      if (isObject(tool)) return tool.inputSchema;
    }
  }
  return undefined;
}

/** Every way the request's headers fail to mirror its body; Mcp-Param-* only for a tool listed earlier. */
function problemsOf(e: Exchange, context: LintContext, request: MirroredRequest): HeaderProblem[] {
  const name = request.params?.name;
  const schema = request.method === 'tools/call' && typeof name === 'string' ? listedInputSchema(e, context, name) : undefined;
  return headerProblems(request, (header) => requestHeader(e, header), schema);
}

const isVersionHeader = (p: HeaderProblem) => p.header === 'MCP-Protocol-Version';
const sentence = (problems: HeaderProblem[]) => problems.map(describeHeaderProblem).join('; ');

/**
 * Whether the server speaks 2026-07-28 on this connection: it answered server/discover (this
 * exchange or an earlier one) with a result. A session-era server that ignores `_meta` is not
 * held to the new era's rules; the client should have fallen back.
 */
function serverSpeaksModern(e: Exchange, context: LintContext): boolean {
  const discovered = (x: Exchange) => x.classification.jsonRpc?.methods.includes('server/discover') && responseMessages(x).some((m) => isObject(m.result));
  return discovered(e) || before(e, context, context.handshake).some(discovered);
}

export const headerBodyMismatch: LintCheck = (e, context) => {
  const request = modernRequest(e);
  if (!request) return undefined;
  const problems = problemsOf(e, context, request).filter((p) => !isVersionHeader(p));
  if (problems.length === 0) return undefined;
  return { message: `The client sent ${describeRequest(e)} with headers that do not mirror its body: ${sentence(problems)}.` };
};

export const protocolVersionHeaderMetaMismatch: LintCheck = (e) => {
  const request = modernRequest(e);
  if (!request) return undefined;
  const header = requestHeader(e, 'mcp-protocol-version');
  if (header?.trim() === request.version) return undefined;
  const sent = header === undefined ? 'no MCP-Protocol-Version header' : `MCP-Protocol-Version: ${header}`;
  return { message: `The client sent ${describeRequest(e)} with ${sent} while its body's _meta says ${request.version}.` };
};

export const headerMismatchNotRejected: LintCheck = (e, context) => {
  const request = modernRequest(e);
  if (!request) return undefined;
  const answer = answerTo(e, request.id);
  const error = isObject(answer?.error) ? answer.error : undefined;
  const accepted = succeeded(e) && !!answer && !error;
  const wrongStatus = error?.code === HEADER_MISMATCH && status(e) !== 400;
  if (!accepted && !wrongStatus) return undefined;
  const problems = problemsOf(e, context, request);
  if (problems.length === 0 || !serverSpeaksModern(e, context)) return undefined;
  if (accepted) {
    return { message: `The server accepted ${describeRequest(e)} (${status(e)}) although its headers disagree with its body (${sentence(problems)}); it must refuse with 400 and -32020.` };
  }
  return { message: `The server refused ${describeRequest(e)} with -32020 but HTTP ${status(e)}; a header mismatch is 400 Bad Request.` };
};

export const resultTypeInvalid: LintCheck = (e, context) => {
  const request = modernRequest(e);
  if (!request) return undefined;
  const result = answerTo(e, request.id)?.result;
  if (!isObject(result) || RESULT_TYPES.includes(result.resultType as string) || !serverSpeaksModern(e, context)) return undefined;
  if (!('resultType' in result)) return { message: `The server answered ${describeRequest(e)} (a ${request.version} request) with a result without resultType.` };
  return { message: `The server answered ${describeRequest(e)} with resultType ${JSON.stringify(result.resultType)}, which is none of ${RESULT_TYPES.join(', ')}.` };
};
