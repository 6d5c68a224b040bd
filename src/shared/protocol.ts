// Protocol revisions the reference server speaks, grouped by era.
// The session era negotiates a version in `initialize` and keeps an `Mcp-Session-Id`;
// the stateless era (2026-07-28) carries the version in every request's `_meta`.

export const SESSION_ERA_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const;
export const STATELESS_ERA_VERSIONS = ['2026-07-28'] as const;

export type SessionEraVersion = (typeof SESSION_ERA_VERSIONS)[number];
export type StatelessEraVersion = (typeof STATELESS_ERA_VERSIONS)[number];
export type ProtocolVersion = SessionEraVersion | StatelessEraVersion;

export const ALL_PROTOCOL_VERSIONS: readonly ProtocolVersion[] = [
  ...SESSION_ERA_VERSIONS,
  ...STATELESS_ERA_VERSIONS,
];

export const LATEST_SESSION_ERA_VERSION: SessionEraVersion = '2025-11-25';

/** The protocol generation a request belongs to. */
export type ProtocolEra = 'session' | 'stateless';

/** JSON-RPC and MCP error codes the reference server answers with. */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Transport-level rejections in the session era (missing session id, bad version header). */
  ServerError: -32000,
  /** MCP: resource not found (resources/read). */
  ResourceNotFound: -32002,
} as const;

/** Headers of the Streamable HTTP transport, spelled as the specification spells them. */
export const McpHeader = {
  SessionId: 'mcp-session-id',
  ProtocolVersion: 'mcp-protocol-version',
  Method: 'mcp-method',
  Name: 'mcp-name',
} as const;
