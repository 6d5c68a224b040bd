import type { Exchange } from '../../../shared/exchange';
import type { LintFinding, LintRuleId, LintSummary } from '../../../shared/lint';
import { groupExchanges } from '../recorder/runs';
import { ensureConversations } from '../recorder/mrtr';
import { DEFAULT_MAX_EXCHANGES as RECORDER_WINDOW } from '../recorder/recorder';
import type { ToggleSelection } from '../../../shared/toggles';
import { attribute, causeOf } from './causes';
import { DEFAULT_SSE_IDLE_LIMIT_MS, isHandshake, type LintContext, type LintOptions, type LintRuleDefinition, type Observation } from './rule';
import { LINT_RULE_DEFINITIONS } from './rules';
import { isInitialize } from './wire';

// The lint engine judges finished exchanges one at a time, in the context of their client
// connection. A rule that looks ahead is judged again on the connection's earlier exchanges
// when a new one arrives: the PRM document fetched after the initialize can make the case
// against that initialize. Each (rule, exchange) pair yields at most one finding.

/**
 * How many finished exchanges the engine keeps as context; older ones and their findings go
 * (the control API lints the capture on disk for those). The recorder's in-memory window.
 */
const DEFAULT_MAX_EXCHANGES = RECORDER_WINDOW;

export interface LintEngineOptions extends LintOptions {
  /** The connection an exchange belongs to now (groups merge as a handshake unfolds). */
  connectionOf: (exchange: Exchange) => string | undefined;
  /** The current id of a connection id seen earlier (a merged group answers to its oldest id). */
  resolveConnection?: (connectionId: string) => string | undefined;
  rules?: readonly LintRuleDefinition[];
  maxExchanges?: number;
  /**
   * The toggles the built-in server plays through its own profile now (they leave no applied
   * rule on the exchange): findings they make are the user's doing (see causes.ts).
   */
  serverToggles?: () => ToggleSelection;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** The exchanges kept of one connection, each list in start order. */
interface ConnectionIndex {
  all: Exchange[];
  handshakes: Exchange[];
  initializes: Exchange[];
}

const NONE: readonly Exchange[] = [];

export class LintEngine {
  private readonly exchanges: Exchange[] = [];
  private readonly byExchange = new Map<string, LintFinding[]>();
  private readonly rules: readonly LintRuleDefinition[];
  private readonly options: LintContext['options'];
  /** The handshake part of `exchanges` (see isHandshake), in start order. */
  private readonly handshakes: Exchange[] = [];
  /** For each look-ahead rule, the exchanges kept that it can judge (few: initializes, PRMs, tokens). */
  private readonly subjects = new Map<LintRuleId, Exchange[]>();
  /**
   * The kept exchanges by connection: a check's look at its connection costs what that
   * connection holds, not a walk over the whole window with a connection lookup per exchange
   * (which made lint the front door's largest cost in `npm run bench`, where every request
   * is a handshake of one connection).
   */
  private readonly byConnection = new Map<string, ConnectionIndex>();
  /** Connections merged since the index was built: it is rebuilt at the next look. */
  private stale = false;

  constructor(private readonly config: LintEngineOptions) {
    this.rules = config.rules ?? LINT_RULE_DEFINITIONS;
    this.options = { sseIdleLimitMs: config.sseIdleLimitMs ?? DEFAULT_SSE_IDLE_LIMIT_MS };
  }

  /** Judges a finished exchange; returns the findings it brought (on it or on others of its connection). */
  add(exchange: Exchange): LintFinding[] {
    this.remember(exchange);
    const connectionId = this.config.connectionOf(exchange);
    const context = this.contextOf(exchange, connectionId);
    const found: LintFinding[] = [];
    for (const rule of this.rules) {
      if (!rule.looksAhead) {
        const finding = this.judge(rule, exchange, context, connectionId);
        if (finding) found.push(finding);
        continue;
      }
      for (const target of this.subjectsOf(rule, exchange, connectionId)) {
        const finding = this.judge(rule, target, context, connectionId);
        if (finding) found.push(finding);
      }
    }
    return found;
  }

  /**
   * Judges an exchange still in flight (an open stream) with the rules that can judge one at
   * `now` (wall clock): a finding is made as it happens, once, and not again when it ends.
   * (findingsFor has it at once; findings() and summaries, which list kept exchanges, from its end.)
   */
  judgeOpen(exchange: Exchange, now: number): LintFinding[] {
    const connectionId = this.config.connectionOf(exchange);
    const context = { ...this.contextOf(exchange, connectionId), now };
    const found: LintFinding[] = [];
    for (const rule of this.rules) {
      if (!rule.judgesOpen) continue;
      const finding = this.judge(rule, exchange, context, connectionId);
      if (finding) found.push(finding);
    }
    return found;
  }

  private contextOf(exchange: Exchange, connectionId: string | undefined): LintContext {
    const index = this.indexOf(connectionId);
    // Without a connection an exchange is its own (and only) context.
    const alone = (is: boolean) => (is ? [exchange] : NONE);
    return {
      connection: index?.all ?? alone(true),
      handshake: index?.handshakes ?? alone(isHandshake(exchange)),
      initializes: index?.initializes ?? alone(isInitialize(exchange)),
      everyHandshake: this.handshakes,
      options: this.options,
    };
  }

  /**
   * Connections may have merged (the recorder's connection model joins groups as a handshake
   * unfolds): the index is rebuilt before its next use.
   */
  connectionsChanged(): void {
    this.stale = true;
  }

  /** Lets go of an exchange the recorder no longer keeps (its findings go with it). */
  forget(exchangeId: string): void {
    const at = this.exchanges[0]?.id === exchangeId ? 0 : this.exchanges.findIndex((e) => e.id === exchangeId);
    if (at === 0) this.drop(this.exchanges.shift()!);
    else if (at !== -1) this.drop(this.exchanges.splice(at, 1)[0]!);
    // Judged while still open (judgeOpen) and let go of before it ended: only its findings are kept.
    else this.byExchange.delete(exchangeId);
  }

  private indexOf(connectionId: string | undefined): ConnectionIndex | undefined {
    if (connectionId === undefined) return undefined;
    if (this.stale) {
      this.stale = false;
      this.byConnection.clear();
      for (const e of this.exchanges) this.index(e);
    }
    return this.byConnection.get(connectionId);
  }

  private index(exchange: Exchange): void {
    const connectionId = this.config.connectionOf(exchange);
    if (connectionId === undefined) return;
    let index = this.byConnection.get(connectionId);
    if (!index) this.byConnection.set(connectionId, (index = { all: [], handshakes: [], initializes: [] }));
    insertByStart(index.all, exchange);
    if (isHandshake(exchange)) insertByStart(index.handshakes, exchange);
    if (isInitialize(exchange)) insertByStart(index.initializes, exchange);
  }

  /** The exchanges of this connection a look-ahead rule can judge, the new one included when it is one. */
  private subjectsOf(rule: LintRuleDefinition, exchange: Exchange, connectionId: string | undefined): Exchange[] {
    let list = this.subjects.get(rule.id);
    if (rule.looksAhead!(exchange)) {
      if (!list) this.subjects.set(rule.id, (list = []));
      list.push(exchange);
    }
    return list ? list.filter((e) => e === exchange || (connectionId !== undefined && this.config.connectionOf(e) === connectionId)) : [];
  }

  findingsFor(exchangeId: string): LintFinding[] {
    return this.byExchange.get(exchangeId) ?? [];
  }

  /** Every finding, in the order of the exchanges they were found on. */
  findings(): LintFinding[] {
    return this.exchanges.flatMap((e) => this.findingsFor(e.id));
  }

  /** Findings of one connection, counted. */
  summary(connectionId: string): LintSummary {
    const resolved = this.resolve(connectionId);
    const exchanges = this.exchanges.filter((e) => this.config.connectionOf(e) === resolved);
    return summarize(resolved, exchanges.length, exchanges.flatMap((e) => this.findingsFor(e.id)));
  }

  /** Current connection ids of the exchanges judged, oldest connection first. */
  connections(): string[] {
    const ids = new Set<string>();
    for (const e of this.exchanges) {
      const id = this.config.connectionOf(e);
      if (id) ids.add(id);
    }
    return [...ids];
  }

  private resolve(connectionId: string): string {
    return this.config.resolveConnection?.(connectionId) ?? connectionId;
  }

  private judge(rule: LintRuleDefinition, exchange: Exchange, context: LintContext, connectionId: string | undefined): LintFinding | undefined {
    const existing = this.byExchange.get(exchange.id);
    if (existing?.some((f) => f.ruleId === rule.id)) return undefined;
    const observation = this.check(rule, exchange, context);
    if (!observation) return undefined;
    let finding: LintFinding = {
      ruleId: rule.id,
      severity: rule.severity,
      exchangeId: exchange.id,
      ...(connectionId ? { connectionId } : {}),
      ...(observation.related?.length ? { relatedExchangeIds: observation.related } : {}),
      message: observation.message,
      fix: rule.fix,
    };
    // A toggle or rule of the user's that put this on the wire: the finding says so.
    const cause = causeOf(rule.id, exchange, (upstream) => this.check(rule, upstream, context) !== undefined, this.config.serverToggles?.());
    if (cause) finding = attribute(finding, cause);
    const list = existing ?? [];
    list.push(finding);
    list.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    this.byExchange.set(exchange.id, list);
    return finding;
  }

  private check(rule: LintRuleDefinition, exchange: Exchange, context: LintContext): Observation | undefined {
    try {
      return rule.check(exchange, context);
    } catch (err) {
      // A check tripping over an odd exchange must not stop the other rules or the recorder.
      process.emitWarning(`Lint rule ${rule.id} failed on exchange ${exchange.id}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Keeps exchanges in start order (they end out of order: a stream outlives the POSTs after it). */
  private remember(exchange: Exchange): void {
    insertByStart(this.exchanges, exchange);
    if (isHandshake(exchange)) insertByStart(this.handshakes, exchange);
    if (!this.stale) this.index(exchange);
    const max = this.config.maxExchanges ?? DEFAULT_MAX_EXCHANGES;
    while (this.exchanges.length > max) this.drop(this.exchanges.shift()!);
  }

  /** Removes an exchange (already out of `exchanges`) from every other list. */
  private drop(forgotten: Exchange): void {
    this.byExchange.delete(forgotten.id);
    const remove = (list: Exchange[]) => {
      // Usually the oldest: shift() trims the front in place, splice() would move the rest.
      if (list[0] === forgotten) list.shift();
      else {
        const at = list.indexOf(forgotten);
        if (at !== -1) list.splice(at, 1);
      }
    };
    remove(this.handshakes);
    for (const list of this.subjects.values()) remove(list);
    if (this.stale) return;
    const connectionId = this.config.connectionOf(forgotten);
    const index = connectionId === undefined ? undefined : this.byConnection.get(connectionId);
    if (!index) return;
    remove(index.all);
    remove(index.handshakes);
    remove(index.initializes);
    if (index.all.length === 0) this.byConnection.delete(connectionId!);
  }
}

function insertByStart(list: Exchange[], exchange: Exchange): void {
  let index = list.length;
  while (index > 0 && list[index - 1]!.startedAt > exchange.startedAt) index--;
  list.splice(index, 0, exchange);
}

export function summarize(connectionId: string, exchanges: number, findings: readonly LintFinding[]): LintSummary {
  const byRule: Partial<Record<LintRuleId, number>> = {};
  for (const f of findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return {
    connectionId,
    exchanges,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
    byRule,
  };
}

/** The verdict on a saved capture: every finding, and a summary per connection. */
export interface LintReport {
  findings: LintFinding[];
  connections: LintSummary[];
  /** The connection of each exchange, regrouped over the whole capture. */
  connectionOf: Map<string, string | undefined>;
}

/**
 * Groups exchanges into client connections and runs the way the recorder does live, over the
 * whole list at once. Stored connection ids were current when each exchange ended; groups that
 * merged later, and foreign HARs without ids, need this.
 */
export const groupConnections = groupExchanges;

/** Lints a saved capture (a capture's exchanges, an imported HAR): same rules as live. */
export function lintExchanges(exchanges: readonly Exchange[], options: LintOptions & { grouping?: ReturnType<typeof groupExchanges> } = {}): LintReport {
  const { connectionOf } = options.grouping ?? groupExchanges(exchanges);
  // The MRTR rules read the rounds the recorder links live; an older capture or a foreign HAR has none yet.
  ensureConversations(exchanges, (e) => connectionOf.get(e.id));
  const engine = new LintEngine({ ...options, connectionOf: (e) => connectionOf.get(e.id), maxExchanges: Number.MAX_SAFE_INTEGER });
  for (const e of [...exchanges].sort((a, b) => a.startedAt - b.startedAt)) engine.add(e);
  const findings = engine.findings();
  const connections = engine.connections().map((id) => engine.summary(id));
  return { findings, connections, connectionOf };
}
