import { JsonRpcErrorCode } from '../../../../shared/protocol';

// JSON-RPC 2.0 message shapes as they arrive on the wire (untrusted until checked here).

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export type JsonRpcResponse =
  | { jsonrpc: '2.0'; id: JsonRpcId; result: Record<string, unknown> }
  | { jsonrpc: '2.0'; id: JsonRpcId | null; error: JsonRpcErrorObject };

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** An MCP-level failure that becomes a JSON-RPC error (and, on HTTP, the given status). */
export class McpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    readonly httpStatus = 200,
  ) {
    super(message);
  }

  toJson(): JsonRpcErrorObject {
    return { code: this.code, message: this.message, ...(this.data !== undefined ? { data: this.data } : {}) };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isRequest(m: JsonRpcMessage): m is JsonRpcRequest {
  return 'method' in m && 'id' in m;
}

export function isNotification(m: JsonRpcMessage): m is JsonRpcNotification {
  return 'method' in m && !('id' in m);
}

/** Why a value is not a valid JSON-RPC 2.0 message, or undefined when it is one. */
function messageProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'a JSON-RPC message must be an object';
  if (value.jsonrpc !== '2.0') return 'the "jsonrpc" member must be "2.0"';
  const hasId = 'id' in value;
  if (hasId && typeof value.id !== 'string' && typeof value.id !== 'number' && !(value.id === null && 'error' in value)) {
    return '"id" must be a string or a number';
  }
  if ('method' in value) {
    if (typeof value.method !== 'string') return '"method" must be a string';
    if ('params' in value && value.params !== undefined && !isObject(value.params)) return '"params" must be an object';
    return undefined;
  }
  if (hasId && ('result' in value || 'error' in value)) return undefined;
  return 'the message is neither a request, a notification nor a response';
}

/**
 * Parses a POST body into messages. Throws McpError with HTTP 400: -32700 for bad JSON,
 * -32600 for JSON that is not JSON-RPC.
 */
export function parseJsonRpcBody(body: Buffer): { messages: JsonRpcMessage[]; batch: boolean } {
  let value: unknown;
  try {
    // JSON on the wire is UTF-8 (RFC 8259 §8.1): invalid bytes are a parse error, not U+FFFD.
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw new McpError(JsonRpcErrorCode.ParseError, `Parse error: ${(err as Error).message}`, undefined, 400);
  }
  const batch = Array.isArray(value);
  const items = batch ? (value as unknown[]) : [value];
  if (items.length === 0) throw new McpError(JsonRpcErrorCode.InvalidRequest, 'Invalid Request: empty batch', undefined, 400);
  for (const item of items) {
    const problem = messageProblem(item);
    if (problem) throw new McpError(JsonRpcErrorCode.InvalidRequest, `Invalid Request: ${problem}`, undefined, 400);
  }
  return { messages: items as JsonRpcMessage[], batch };
}

export function errorResponse(id: JsonRpcId | null, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, error };
}
