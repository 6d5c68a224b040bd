import type { LintRuleId, LintSeverity, LintSummary } from './lint';

// Two client connections side by side (Claude.ai's capture vs a simulated profile, before vs
// after a fix), aligned step by step by handshake stage. Plain data for the UI and the CLI.

/** Handshake stages in the order a connection goes through them. */
export const COMPARE_STAGES = [
  'probe',
  'discovery',
  'registration',
  'authorization',
  'token',
  'initialize',
  'initialized',
  'stream',
  'list',
  'call',
  'jsonrpc',
  'session-end',
  'other',
] as const;

export type CompareStage = (typeof COMPARE_STAGES)[number];

/** One side of a step: the exchange, and what is compared about it. */
export interface CompareSide {
  exchangeId: string;
  /** Position of the exchange in its connection, from 1, in start order. */
  position: number;
  method: string;
  path: string;
  status?: number;
  /** "PRM (path-suffixed)", "initialize (with token)", "tools/call echo". */
  label: string;
  /** The compared request and response headers (lower-case names), when present. */
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  protocolVersion?: string;
  /** OAuth parameters that say how the client behaves (`authorize.scope`, `token.client_auth`, `dcr.grant_types`). */
  oauth?: Record<string, string>;
  findings: Array<{ ruleId: LintRuleId; severity: LintSeverity }>;
}

export type CompareDifferenceKind =
  | 'only-left'
  | 'only-right'
  | 'request'
  | 'method'
  | 'path'
  | 'status'
  | 'request-header'
  | 'response-header'
  | 'protocol-version'
  | 'oauth-param'
  | 'lint'
  // Of the whole connection (Comparison.differences):
  | 'order'
  | 'negotiated-version'
  | 'registration';

/** How a client got its client_id: registered (DCR), its metadata document URL (CIMD), one it was given, or no OAuth at all. */
export type RegistrationPath = 'dcr' | 'cimd' | 'pre-registered' | 'none';

export interface CompareDifference {
  kind: CompareDifferenceKind;
  /** The header name or lint rule id the difference is about. */
  name?: string;
  left?: string;
  right?: string;
}

export interface CompareStep {
  stage: CompareStage;
  left?: CompareSide;
  right?: CompareSide;
  differences: CompareDifference[];
}

export interface CompareConnection {
  /** Where it came from: "capture.har#2", "2026-11-24T14-03-00Z-1a2b3c4d#session:…". */
  source: string;
  connectionId?: string;
  client: string;
  exchanges: number;
  lint: LintSummary;
  /** The protocol version the server answered initialize with (or the 2026-07-28 `_meta` version). */
  negotiatedVersion?: string;
  registration?: RegistrationPath;
}

export interface Comparison {
  left: CompareConnection;
  right: CompareConnection;
  steps: CompareStep[];
  /** Steps with at least one difference. */
  differingSteps: number;
  /** Differences of the connections as wholes: order of steps, negotiated version, registration path. */
  differences?: CompareDifference[];
}
