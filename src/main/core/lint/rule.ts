import type { Exchange } from '../../../shared/exchange';
import type { LintRule, LintRuleId } from '../../../shared/lint';

// What a lint check is: a pure function of one finished exchange and what its connection
// showed (before and after it). It says what it saw; the engine adds the rule's id, severity
// and fix, and decides where the finding goes.

export interface LintOptions {
  /** A GET stream silent for longer than this is at risk behind a tunnel (default 30 s). */
  sseIdleLimitMs?: number;
}

export const DEFAULT_SSE_IDLE_LIMIT_MS = 30_000;

export interface LintContext {
  /**
   * Every finished exchange of the same client connection, in start order, this one included.
   * (Gathered when first read: most checks decide from the exchange alone.)
   */
  readonly connection: readonly Exchange[];
  /**
   * The connection's handshake exchanges (see isHandshake), in start order: what checks look
   * back for (the initialize, the token issued, a DELETE) without walking every tool call.
   */
  readonly handshake: readonly Exchange[];
  /** The connection's initialize exchanges, in start order (what session checks look back for). */
  readonly initializes: readonly Exchange[];
  /**
   * The handshake exchanges of every connection the engine keeps, in start order: how the same
   * server answered other clients (which protocol versions it echoed).
   */
  readonly everyHandshake: readonly Exchange[];
  options: Required<LintOptions>;
  /** Set when an exchange still in flight is judged (live lint of open streams): the wall-clock time, ms since the epoch. */
  now?: number;
}

/** What a check saw on an exchange: a sentence, and the other exchanges that make the case. */
export interface Observation {
  message: string;
  related?: string[];
}

export type LintCheck = (exchange: Exchange, context: LintContext) => Observation | undefined;

export interface LintRuleDefinition extends LintRule {
  check: LintCheck;
  /**
   * Set when the verdict on an exchange can depend on exchanges that come after it (the PRM
   * document fetched after an initialize): the engine judges the connection's earlier exchanges
   * that this says the rule can judge again as each new one arrives.
   */
  looksAhead?: (exchange: Exchange) => boolean;
  /** Set when the rule can judge an exchange still in flight (an open stream, at LintContext.now). */
  judgesOpen?: boolean;
  /** One paragraph a user reads next to a finding: what, why, who breaks, where it comes from, the fix. */
  explain(): string;
}

export type LintChecks = Record<LintRuleId, LintCheck>;

/** Exchanges of the connection (or of `within`, a part of it) that started before `exchange`. */
export function before(exchange: Exchange, context: LintContext, within: readonly Exchange[] = context.connection): Exchange[] {
  // (The exchange judged is usually the newest: found from the end.)
  const index = within.lastIndexOf(exchange);
  return index === -1 ? within.filter((e) => e.startedAt <= exchange.startedAt) : within.slice(0, index);
}

/** The latest exchange of `within` before `exchange` that `test` accepts: `before(…).filter(test).at(-1)` without the copies. */
export function lastBefore(exchange: Exchange, within: readonly Exchange[], test: (e: Exchange) => unknown): Exchange | undefined {
  const index = within.lastIndexOf(exchange);
  for (let i = (index === -1 ? within.length : index) - 1; i >= 0; i--) {
    const e = within[i]!;
    if ((index !== -1 || e.startedAt <= exchange.startedAt) && test(e)) return e;
  }
  return undefined;
}

/** JSON-RPC methods checks look back for: the session-era handshake, the 2026-07-28 one, and the tool definitions (x-mcp-header). */
const HANDSHAKE_METHODS = ['initialize', 'server/discover', 'tools/list'];

/**
 * Everything but ordinary JSON-RPC traffic: discovery, registration, authorize, token,
 * initialize, server/discover, tools/list, DELETE, streams. A long session is mostly tool
 * calls; this part stays small.
 */
export function isHandshake(e: Exchange): boolean {
  return e.classification.phase !== 'jsonrpc' || (e.classification.jsonRpc?.methods ?? []).some((m) => HANDSHAKE_METHODS.includes(m));
}
