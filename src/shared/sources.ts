// Public sources the product cites: specification sections, RFC sections, GitHub issues and
// pull requests, vendor documentation, and the published logs the simulator's oldest profiles
// replay. Every `sources` entry of a profile, lint rule, toggle, preset or scenario is one of
// these absolute https URLs (test/unit/public-sources.test.ts holds the catalogues to that).

/** A section of the MCP specification: `mcpSpec('2025-11-25', 'basic/transports', 'session-management')`. */
export const mcpSpec = (version: string, page: string, anchor?: string): string =>
  `https://modelcontextprotocol.io/specification/${version}/${page}${anchor ? `#${anchor}` : ''}`;

/** Multi-round-trip requests (2026-07-28): `input_required`, `inputRequests`, `inputResponses`, `requestState`. */
export const MRTR_SPEC = mcpSpec('2026-07-28', 'basic/utilities/mrtr');
/** SEP-2322, the proposal that introduced them. */
export const SEP_2322 = 'https://github.com/modelcontextprotocol/modelcontextprotocol/pull/2322';

/** An RFC, or one of its sections: `rfcUrl(9728, '3.3')`. */
export const rfcUrl = (n: number, section?: string): string => `https://www.rfc-editor.org/rfc/rfc${n}${section ? `#section-${section}` : ''}`;

/** A GitHub issue or pull request (GitHub sends /issues/N on to /pull/N for a pull request). */
export const githubIssue = (repo: string, n: number): string => `https://github.com/${repo}/issues/${n}`;

/** Issues of the repositories cited most. */
export const claudeAiMcp = (n: number): string => githubIssue('anthropics/claude-ai-mcp', n);
export const claudeCode = (n: number): string => githubIssue('anthropics/claude-code', n);
export const vscodeIssue = (n: number): string => githubIssue('microsoft/vscode', n);

/**
 * Published logs of a Claude.ai connector completing OAuth with Auth0 against a FastAPI server
 * (2025-10): HEAD / first, python-httpx then Claude-User, and the four server fixes that made it
 * work (no token check on initialize, 202 for notifications, 405 for GET, encrypted tokens
 * validated through /userinfo).
 */
export const CLAUDE_AI_AUTH0_HANDSHAKE_LOGS =
  'https://github.com/georgevetticaden/multi-agent-federal-form-automation-system/blob/a25a39d7e440e6f0cca5440bad67d5f4e2a01879/docs/mcp-integration/MCP_INTEGRATION_SUCCESS_STORY.md';

/**
 * losvedir/remote_mcp_auth: a working Claude.ai connector server (2025) and its notes: the DCR
 * body, scope `claudeai`, AS metadata read on the MCP host, and "no Mcp-Session-Id, no tools".
 */
/** The official MCP conformance suite: its server scenarios name the fixtures the `conformance` preset serves. */
export const CONFORMANCE_SUITE = 'https://github.com/modelcontextprotocol/conformance';

/** The tasks extension (io.modelcontextprotocol/tasks, SEP-2663): its specification page. */
export const TASKS_EXTENSION_SPEC = 'https://modelcontextprotocol.github.io/ext-tasks/specification/2026-07-28/tasks.html';

export const REMOTE_MCP_AUTH = 'https://github.com/losvedir/remote_mcp_auth';

/** Claude Code 1.0.108 ignoring configured headers and forcing OAuth discovery. */
export const CLAUDE_CODE_HEADERS_IGNORED = claudeCode(7290);

/** Anthropic's connector documentation: authentication (CIMD only with "none", DCR otherwise). */
export const CLAUDE_CONNECTOR_AUTH_DOCS = 'https://claude.com/docs/connectors/building/authentication';

/** Anthropic's connector documentation: building connectors (cloud egress, timeouts, callback URL). */
export const CLAUDE_CONNECTOR_DOCS = 'https://claude.com/docs/connectors/building';

/** The MCP TypeScript SDK 1.x client at v1.25.3, the version whose behaviour the profiles replay. */
export const TS_SDK_CLIENT_AUTH = 'https://github.com/modelcontextprotocol/typescript-sdk/blob/v1.25.3/src/client/auth.ts';
export const TS_SDK_CLIENT_STREAMABLE_HTTP = 'https://github.com/modelcontextprotocol/typescript-sdk/blob/v1.25.3/src/client/streamableHttp.ts';
export const TS_SDK_CLIENT_SSE = 'https://github.com/modelcontextprotocol/typescript-sdk/blob/v1.25.3/src/client/sse.ts';

/** VS Code's MCP client: transport and auth (extHostMcp.ts), metadata checks (oauth.ts). */
export const VSCODE_EXT_HOST_MCP = 'https://github.com/microsoft/vscode/blob/main/src/vs/workbench/api/common/extHostMcp.ts';
export const VSCODE_OAUTH = 'https://github.com/microsoft/vscode/blob/main/src/vs/base/common/oauth.ts';
