import type { IncomingMessage } from 'node:http';
import { describeHeaderProblem, HEADER_MISMATCH, headerProblems, type HeaderProblem } from '../../../../shared/mcpHeaders';
import { firstHeader } from '../http';
import { McpError, type JsonRpcRequest } from './jsonrpc';

// Server validation of the request metadata headers of a 2026-07-28 request (SEP-2243;
// 2026-07-28 transports, server validation): MCP-Protocol-Version, Mcp-Method and Mcp-Name must
// mirror the body, and so must every Mcp-Param-{Name} the called tool's inputSchema declares
// with `x-mcp-header`. Any failure is HTTP 400 with -32020 HeaderMismatch. What Mcp-Name mirrors
// per method is MCP_NAME_SOURCES (src/shared/mcpHeaders.ts).

/**
 * The first way the request's headers fail to mirror its body, as the error to answer with, or
 * undefined when they agree. `inputSchema` is the called tool's (tools/call of a known tool).
 */
export function routingHeaderError(req: IncomingMessage, request: JsonRpcRequest, inputSchema?: unknown): McpError | undefined {
  const [problem] = headerProblems(request, (name) => firstHeader(req, name), inputSchema);
  return problem ? headerMismatch(problem) : undefined;
}

function headerMismatch(problem: HeaderProblem): McpError {
  const { header, kind, value, expected } = problem;
  return new McpError(HEADER_MISMATCH, `Header mismatch: ${describeHeaderProblem(problem)}`, { header, kind, ...(value !== undefined ? { value } : {}), ...(expected !== undefined ? { expected } : {}) }, 400);
}
