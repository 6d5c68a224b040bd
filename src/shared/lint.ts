// Lint: what the inspector says is wrong with a server's answers, judged against the MCP and
// OAuth specifications and against what is known to break real clients (FIELD-NOTES.md,
// reference/, research/clients.md §5). The rule catalogue is plain data so the UI, the CLI and
// the simulator's scenarios can name rules by id; the checks live in src/main/core/lint.

export type LintSeverity = 'error' | 'warning' | 'info';

/** Clients a rule's fault is known to break, named as the simulator's profiles are. */
export type LintClient =
  | 'claude-ai'
  | 'claude-code'
  | 'chatgpt'
  | 'vscode'
  | 'cursor'
  | 'mcp-remote'
  | 'mcp-inspector'
  | 'mcp-sdk'
  | 'browser-clients';

/** Where a rule comes from: a specification section, an RFC, or a reference document. */
export interface LintSource {
  title: string;
  url?: string;
}

/**
 * One lint rule as data. `scope` says what a check needs to see: one exchange on its own, or
 * the exchange in the context of its connection (what was negotiated, issued or served before).
 */
export interface LintRule {
  id: LintRuleId;
  title: string;
  severity: LintSeverity;
  scope: 'exchange' | 'connection';
  /** Why this matters, in a few sentences: what the spec says and what clients do. */
  explanation: string;
  breaks: LintClient[];
  sources: LintSource[];
  /** What to change on the server. */
  fix: string;
}

/** One problem found on one exchange. */
export interface LintFinding {
  ruleId: LintRuleId;
  severity: LintSeverity;
  /** The exchange the problem shows on. */
  exchangeId: string;
  connectionId?: string;
  /** Other exchanges that make the case (the initialize that issued a session, the PRM document, …). */
  relatedExchangeIds?: string[];
  /** What was seen on this exchange, in one or two sentences. */
  message: string;
  fix: string;
}

/** Findings of one connection, counted. */
export interface LintSummary {
  connectionId: string;
  exchanges: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Finding count per rule id, for rules that fired. */
  byRule: Partial<Record<LintRuleId, number>>;
}

/**
 * Every rule id, grouped by the part of the handshake it judges. Ids are a public contract
 * (scenarios, CI scripts and saved findings name them): add new ones, never rename.
 */
export const LINT_RULE_IDS = [
  // Streamable HTTP transport
  'notification-status-not-202',
  'get-stream-501',
  'get-stream-not-405',
  'strict-accept-406',
  'protocol-version-header-required',
  'jsonrpc-id-mismatch',
  'sse-without-pings',
  'cors-missing',
  // Lifecycle and sessions
  'initialize-without-session-id',
  'session-id-not-enforced',
  'unknown-session-400',
  'protocol-version-mismatch',
  'version-negotiation-error',
  // Authorization: the resource server
  'unauthorized-without-challenge',
  'challenge-without-resource-metadata',
  'lazy-auth-initialize',
  'token-rejected-on-initialize',
  'well-known-behind-auth',
  'discovery-not-json',
  'prm-resource-mismatch',
  'prm-without-authorization-servers',
  // Authorization: the authorization server
  'as-metadata-without-s256',
  'as-metadata-without-registration',
  'oauth-error-not-rfc6749',
  'registration-rejects-redirect-uri',
  'invalid-client-400',
  'token-response-without-token-type',
  'token-response-without-expires-in',
  'token-audience-mismatch',
] as const;

export type LintRuleId = (typeof LINT_RULE_IDS)[number];
