import type { BehaviorPreset } from '../../../shared/profile';
import { CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, CONFORMANCE_SUITE, CLAUDE_CONNECTOR_AUTH_DOCS, REMOTE_MCP_AUTH, TASKS_EXTENSION_SPEC, claudeAiMcp, mcpSpec } from '../../../shared/sources';

// Named behaviour profiles: one click to a known server behaviour. Each patch applies on top
// of the spec-correct profile (profile.ts) and says where the behaviour was observed, with
// public sources.

export const PRESETS: readonly BehaviorPreset[] = [
  {
    id: 'spec',
    title: 'Spec-correct (default)',
    description:
      'What every client should connect to: token on every request including initialize, 401 with resource_metadata and scope, metadata at root and path-suffixed, DCR and CIMD, 202 for notifications, an SSE GET stream, both protocol eras.',
    sources: [mcpSpec('2025-11-25', 'basic/authorization'), mcpSpec('2025-11-25', 'basic/transports'), mcpSpec('2026-07-28', 'changelog')],
    profile: {},
  },
  {
    id: 'spec-2025-06-18',
    title: 'Spec 2025-06-18',
    description:
      'A server of the 2025-06-18 revision: answers protocol 2025-06-18, RFC 8414 metadata only, DCR but no Client ID Metadata Documents, no scope in the challenge, session era only.',
    sources: [mcpSpec('2025-06-18', 'basic/authorization'), mcpSpec('2025-06-18', 'basic/transports')],
    profile: { era: 'session', protocolVersion: '2025-06-18', authServerMetadata: 'rfc8414', clientIdMetadataDocuments: 'off', challengeScope: false },
  },
  {
    id: 'spec-2025-11-25',
    title: 'Spec 2025-11-25',
    description: 'A server of the 2025-11-25 revision: answers 2025-11-25, advertises Client ID Metadata Documents and DCR, scope in the challenge, session era only.',
    sources: [mcpSpec('2025-11-25', 'basic/authorization'), mcpSpec('2025-11-25', 'basic/transports')],
    profile: { era: 'session', protocolVersion: '2025-11-25' },
  },
  {
    id: 'spec-2026-07-28',
    title: 'Spec 2026-07-28 (stateless only)',
    description:
      'A modern-only server: no initialize and no sessions; every request carries _meta with protocolVersion and clientCapabilities, Mcp-Method / Mcp-Name headers are checked, GET and DELETE get 405.',
    sources: [mcpSpec('2026-07-28', 'changelog'), mcpSpec('2026-07-28', 'basic/transports/streamable-http')],
    profile: { era: 'stateless', getStream: 405 },
  },
  {
    id: 'claude-ai',
    title: 'What Claude.ai needs',
    description:
      'The behaviour Claude.ai connectors were seen to work with (published server logs and notes of 2025, Claude.ai issue reports of 2026): Mcp-Session-Id issued, 202 for notifications, 405 with Allow for GET /mcp, metadata at both locations, DCR and CIMD with "none", pings every 15 s (pings as observed in a gateway\'s logs of Claude.ai traffic, 2025).',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS, REMOTE_MCP_AUTH, CLAUDE_CONNECTOR_AUTH_DOCS, claudeAiMcp(76)],
    profile: { getStream: 405, sessionId: 'issue', notificationStatus: 202, pingIntervalMs: 15_000 },
  },
  {
    id: 'reference-001-before-fixes',
    title: 'Claude.ai + Auth0 logs (2025-10): before the fixes',
    description:
      'The server of the published Claude.ai + Auth0 handshake logs before its four fixes: notifications answered 204, GET answered 501 so Claude ends the session with DELETE, and an encrypted token without kid checked against the JWKS only, so the token check on initialize disconnects Claude right after OAuth.',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS],
    profile: {
      tokenRequired: 'all',
      notificationStatus: 204,
      getStream: 501,
      accessTokenFormat: 'jwe-like',
      tokenValidation: 'jwks-only',
      protectedResourceMetadata: 'root',
      protocolVersion: '2025-06-18',
      accessTokenLifetimeSeconds: 86_400,
    },
  },
  {
    id: 'reference-001-after-fixes',
    title: 'Claude.ai + Auth0 logs (2025-10): after the fixes',
    description:
      'The working server of the published Claude.ai + Auth0 handshake logs: no token check on initialize and notifications/initialized (session only), 202, 405 for GET, encrypted tokens validated through /userinfo (~227 ms in the original).',
    sources: [CLAUDE_AI_AUTH0_HANDSHAKE_LOGS],
    profile: {
      tokenRequired: 'all-but-handshake',
      notificationStatus: 202,
      getStream: 405,
      accessTokenFormat: 'jwe-like',
      tokenValidation: 'by-format',
      protectedResourceMetadata: 'root',
      protocolVersion: '2025-06-18',
      accessTokenLifetimeSeconds: 86_400,
    },
  },
  {
    id: 'reference-002-no-session',
    title: 'remote_mcp_auth (2025): no session id',
    description:
      'The server of losvedir/remote_mcp_auth before it issued Mcp-Session-Id: "If you don\'t provide one, it won\'t go on to request tools". Opaque tokens, metadata at the root only, protocol 2025-03-26.',
    sources: [REMOTE_MCP_AUTH],
    profile: {
      sessionId: 'omit',
      accessTokenFormat: 'opaque',
      protectedResourceMetadata: 'root',
      authServerMetadataLocation: 'root',
      authServerMetadata: 'rfc8414',
      protocolVersion: '2025-03-26',
      accessTokenLifetimeSeconds: 6000,
    },
  },
  {
    id: 'conformance',
    title: 'Conformance suite target',
    description:
      'What the official conformance suite (@modelcontextprotocol/conformance, `server --requirements 2025-11-25`) tests a server with: no authorization, the suite\'s fixture tools, resources and prompts (test_simple_text, test://static-text, test_simple_prompt, …) next to our own, resource subscriptions, POSTs answered as SSE streams so sampling and elicitation requests reach the client, DNS-rebinding protection (a Host or Origin other than loopback names or the public URL host gets 403, as in every profile by default), and the tasks extension (io.modelcontextprotocol/tasks) for 2026-07-28 requests that declare it: task handles, tasks/get, tasks/update, tasks/cancel.',
    sources: [CONFORMANCE_SUITE, mcpSpec('2025-11-25', 'basic/transports', 'security-warning'), mcpSpec('2025-11-25', 'server/resources', 'subscriptions'), TASKS_EXTENSION_SPEC],
    profile: {
      tokenRequired: 'none',
      protectedResourceMetadata: 'none',
      authServerMetadata: 'none',
      catalogue: 'own+conformance',
      postResponse: 'sse',
    },
  },
  {
    id: 'no-auth',
    title: 'No authorization',
    description: 'An authless server, like the simple servers behind the gateway whose logs of Claude.ai traffic were published in 2025: no token needed, no OAuth metadata.',
    profile: { tokenRequired: 'none', protectedResourceMetadata: 'none', authServerMetadata: 'none' },
  },
];

export class UnknownPresetError extends Error {}

export function presetById(id: string): BehaviorPreset {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) throw new UnknownPresetError(`Unknown profile preset "${id}". Known presets: ${PRESETS.map((p) => p.id).join(', ')}`);
  return preset;
}
