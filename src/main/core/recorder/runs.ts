import type { ConnectionInfo, ExchangeSummary } from '../../../shared/controlApi';
import { nameClient, opensMcp, rowSighting, type ClientSighting } from '../../../shared/clientName';
import type { Boundary, Exchange } from '../../../shared/exchange';
import type { LintSummary } from '../../../shared/lint';
import { exchangeOutcome, runVerdict } from '../../../shared/outcome';
import { ConnectionGroups, identityKeys } from './correlate';

// Connections and runs, built from the wire.
// A connection is one client, known by its strong keys (session ids, token and code hashes, its
// own client id, OAuth state, PKCE, the simulator's run). Address + User-Agent is weak: it only
// joins an exchange with no strong key (discovery, a DCR request) to the client's current
// attempt, and never merges two groups that each have strong keys. A client that starts over
// (new discovery, DCR, an initialize without a session after its last attempt finished), or any
// client after a boundary the user marked, begins a new run.

const RUN_PREFIX = 'run:';

/** Whether a connection id is a run's id (handshake, compare and lint take either). */
export const isRunId = (id: string): boolean => id.startsWith(RUN_PREFIX);

const header = (exchange: Exchange, name: string): string | undefined => {
  const value = exchange.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Exchanges a client sends when it (re)starts a handshake: discovery, registration, and an
 * initialize or 2026-07-28 `server/discover` without a session.
 */
export function startsOver(exchange: Exchange): boolean {
  const { phase, jsonRpc } = exchange.classification;
  if (phase === 'discovery' || (phase === 'registration' && exchange.request.method === 'POST')) return true;
  if (phase === 'jsonrpc' && !header(exchange, 'mcp-session-id')) return jsonRpc?.methods.some((m) => m === 'initialize' || m === 'server/discover') ?? false;
  return false;
}

/** Exchanges after which a run is over: the client reached MCP, or a step failed. */
function finishes(exchange: Exchange): boolean {
  const { outcome } = exchangeOutcome(exchange);
  if (outcome === 'failed') return true;
  const methods = exchange.classification.jsonRpc?.methods ?? [];
  return outcome === 'ok' && methods.some((m) => m === 'initialize' || m === 'server/discover');
}

/** The authorization request a browser opens (GET /authorize), with no client id of its own. */
/** A GET of the authorization phase: the authorize request, or the authorization response coming back through --intercept-as's callback relay. */
function isBrowserLeg(exchange: Exchange): boolean {
  return exchange.classification.phase === 'authorization' && exchange.request.method === 'GET';
}

/** Authorization-server metadata or a registration: the client is about to send the user to /authorize. */
function isAuthorizationDiscovery(exchange: Exchange): boolean {
  const { discovery, phase } = exchange.classification;
  return phase === 'registration' || (discovery !== undefined && /^(authorization-server|openid-configuration)/.test(discovery));
}

function usesOAuth(exchange: Exchange): boolean {
  const { phase } = exchange.classification;
  return phase === 'registration' || phase === 'authorization' || phase === 'token' || /^Bearer\s/i.test(String(exchange.request.headers.authorization ?? ''));
}

interface GroupState {
  /** The run its next exchange joins (a node of `runs`). */
  run: string;
  /** The run is over: the next start-over exchange begins a new one. */
  finished: boolean;
  /** The boundary count when the run began: a later boundary begins a new run. */
  epoch: number;
  /** The group holds a strong key (not only weak attempt nodes). */
  strong: boolean;
  /** The run went through OAuth (registration, authorization, token, a bearer token). */
  oauth: boolean;
}

export interface Assignment {
  connectionId?: string;
  runId?: string;
  /** A key of the exchange's group, for pairing JSON-RPC answers within the connection. */
  key?: string;
}

/** Assigns exchanges to connections and runs, live (the recorder) or over a capture (lint, control API). */
/** Two connections (or two runs) turned out to be one: `from` now answers to `into`. */
export interface Merge {
  kind: 'connection' | 'run';
  from: string;
  into: string;
}

export class ConnectionModel {
  /** `onMerge` hears of every merge as it happens (the recorder passes it on to the UI). */
  constructor(private readonly onMerge: (merge: Merge) => void = () => undefined) {}

  /** Connections: strong keys and weak attempt nodes. */
  readonly groups = new ConnectionGroups();
  /** Runs that turned out to be one (a browser leg tied to its client by a code). */
  private readonly runs = new ConnectionGroups();
  private readonly state = new Map<string, GroupState>();
  /** Per weak key (address + User-Agent): its current attempt node. */
  private readonly attempts = new Map<string, string>();
  private attemptCount = 0;
  private epoch = 0;
  /** A key of the client that last asked for authorization-server metadata or registered. */
  private awaitingAuthorization?: string;

  /** A boundary: every client's next exchange begins a new run. */
  markBoundary(): void {
    this.epoch++;
  }

  private newAttempt(weak: string): string {
    const node = `attempt:${++this.attemptCount}:${weak}`;
    this.attempts.set(weak, node);
    return node;
  }

  private stateOf(root: string): GroupState | undefined {
    return this.state.get(root);
  }

  /** Joins keys and carries the groups' states over to the joined root (their runs become one). */
  private join(keys: string[]): string {
    // The common case (a session's every request): all keys already in one group.
    const first = this.groups.connectionOf(keys[0]!);
    if (first !== undefined && keys.every((key) => this.groups.connectionOf(key) === first)) return first;
    const before = new Map<string, GroupState>();
    const roots = new Set<string>();
    for (const key of keys) {
      const root = this.groups.connectionOf(key);
      if (root !== undefined) roots.add(root);
      const state = root !== undefined ? this.state.get(root) : undefined;
      if (root !== undefined && state) before.set(root, state);
    }
    const root = this.groups.join(keys)!;
    for (const old of roots) if (old !== root) this.onMerge({ kind: 'connection', from: old, into: root });
    const states = [...before.values()];
    for (const old of before.keys()) if (old !== root) this.state.delete(old);
    if (states.length) {
      const runs = new Set(states.map((s) => this.runs.connectionOf(s.run) ?? s.run));
      const run = this.runs.join([...runs])!;
      for (const old of runs) if (old !== run) this.onMerge({ kind: 'run', from: old, into: run });
      this.state.set(root, {
        run,
        finished: states.some((s) => s.finished),
        epoch: Math.max(...states.map((s) => s.epoch)),
        strong: states.some((s) => s.strong),
        oauth: states.some((s) => s.oauth),
      });
    }
    return root;
  }

  /**
   * Places an exchange (called as its keys become known: request, then answer; again is fine).
   * `exchange.runId` is kept once set: a run only grows.
   */
  assign(exchange: Exchange, extra: readonly string[] = []): Assignment {
    const keys = identityKeys(exchange);
    const strong = [...keys.strong, ...extra];
    const { weak } = keys;
    let root: string | undefined;
    let key: string | undefined = strong[0];
    if (strong.length) {
      const known = strong.some((k) => this.groups.connectionOf(k) !== undefined);
      root = this.join(strong);
      if (!known && this.awaitingAuthorization && isBrowserLeg(exchange)) {
        // The browser's authorize leg of a client whose client id names no one (a metadata
        // document URL): it belongs to the client that just discovered the authorization server.
        root = this.join([this.awaitingAuthorization, ...strong]);
      } else if (weak) {
        const attempt = this.attempts.get(weak);
        const attemptRoot = attempt ? this.groups.connectionOf(attempt) : undefined;
        if (attempt && attemptRoot !== root && !this.stateOf(attemptRoot!)?.strong) {
          // The client's earlier exchanges without a strong key (its discovery) were this client.
          root = this.join([attempt, ...strong]);
        } else if (attemptRoot !== root) {
          // Another client from this address: later weak-only exchanges follow the newest one.
          root = this.join([this.newAttempt(weak), ...strong]);
        }
      }
    } else if (weak) {
      let attempt = this.attempts.get(weak);
      const attemptState = attempt ? this.stateOf(this.groups.connectionOf(attempt)!) : undefined;
      if (!attempt || (exchange.runId === undefined && attemptState && this.isNewRunDue(attemptState, exchange))) attempt = this.newAttempt(weak);
      root = this.join([attempt]);
      key = attempt;
    }
    if (root === undefined) return {};
    let state = this.stateOf(root);
    if (exchange.runId !== undefined) {
      // Already placed (its run only grows): a later key may have tied it to a group with no run yet.
      if (!state) this.state.set(root, (state = { run: exchange.runId, finished: false, epoch: this.epoch, strong: false, oauth: false }));
    } else if (!state || this.isNewRunDue(state, exchange)) {
      const run = `${RUN_PREFIX}${exchange.id.slice(0, 13)}`;
      this.runs.join([run]);
      state = { run, finished: false, epoch: this.epoch, strong: state?.strong ?? false, oauth: false };
      this.state.set(root, state);
    }
    if (strong.length) state.strong = true;
    if (usesOAuth(exchange)) state.oauth = true;
    exchange.runId ??= state.run;
    if (isAuthorizationDiscovery(exchange)) this.awaitingAuthorization = key ?? root;
    return { connectionId: root, runId: this.runs.connectionOf(exchange.runId) ?? exchange.runId, key };
  }

  private isNewRunDue(state: GroupState, exchange: Exchange): boolean {
    // A boundary starts a new run only for the client's next request, not for an answer that
    // arrives later (`assign` is called again with the answer's keys).
    if (state.epoch < this.epoch) return true;
    if (!state.finished || !startsOver(exchange)) return false;
    // Discovery after a run without OAuth is the same client still looking how to authenticate
    // (an authless initialize, then the metadata); after an OAuth run it is a new attempt.
    return exchange.classification.phase !== 'discovery' || state.oauth;
  }

  /** An exchange ended: a run that reached MCP, or failed, is over. */
  ended(exchange: Exchange): void {
    if (!exchange.connectionId || !finishes(exchange)) return;
    const root = this.groups.connectionOf(exchange.connectionId);
    const state = root !== undefined ? this.state.get(root) : undefined;
    if (state && exchange.runId && this.runs.connectionOf(exchange.runId) === this.runs.connectionOf(state.run)) state.finished = true;
  }

  connectionOf(connectionId: string | undefined): string | undefined {
    return connectionId === undefined ? undefined : this.groups.connectionOf(connectionId);
  }

  runOf(runId: string | undefined): string | undefined {
    return runId === undefined ? undefined : this.runs.connectionOf(runId);
  }
}

/**
 * Connections and runs over a whole list of exchanges (a capture, an imported HAR), the way the
 * recorder builds them live: in start order, each exchange placed with all its keys, then ended.
 */
export function groupExchanges(exchanges: readonly Exchange[], boundaries: readonly Boundary[] = []): { connectionOf: Map<string, string | undefined>; runOf: Map<string, string | undefined> } {
  const model = new ConnectionModel();
  const marks = [...boundaries].sort((a, b) => a.at - b.at);
  let next = 0;
  const placed: Array<[string, Exchange]> = [];
  for (const original of [...exchanges].sort((a, b) => a.startedAt - b.startedAt)) {
    while (next < marks.length && marks[next]!.at <= original.startedAt) {
      model.markBoundary();
      next++;
    }
    // Placed afresh: the ids stored in a capture were current when it was written.
    const exchange: Exchange = { ...original, runId: undefined, connectionId: undefined };
    const { connectionId } = model.assign(exchange);
    if (connectionId) exchange.connectionId = connectionId;
    model.ended(exchange);
    placed.push([original.id, exchange]);
  }
  return {
    connectionOf: new Map(placed.map(([id, e]) => [id, model.connectionOf(e.connectionId)])),
    runOf: new Map(placed.map(([id, e]) => [id, model.runOf(e.runId)])),
  };
}

/** An exchange as a sighting of its client. */
export const exchangeSighting = (e: Exchange): ClientSighting => ({
  family: e.client.family,
  label: e.client.label,
  handshake: opensMcp(e.classification.jsonRpc?.methods ?? []),
});

/**
 * One ConnectionInfo per run, newest first: its verdict (src/shared/outcome.ts), its number
 * among its connection's runs and why it began.
 */
export function describeRuns(
  runs: Array<{ id: string; connectionId: string; members: Exchange[] }>,
  boundaries: readonly Boundary[],
  judge: (members: Exchange[], id: string) => { rows: ExchangeSummary[]; lint: LintSummary },
): ConnectionInfo[] {
  /** A name a run of each connection gave itself, for its runs that gave none (a run after a boundary). */
  const namedConnections = new Map<string, string>();
  const unnamed = new Set<ConnectionInfo>();
  const infos = runs.map(({ id, connectionId, members }): ConnectionInfo => {
    const { rows, lint } = judge(members, id);
    const startedAt = Math.min(...members.map((e) => e.startedAt));
    const lastAt = Math.max(...members.map((e) => e.startedAt));
    const { name, named } = nameClient(rows.map(rowSighting));
    if (named) namedConnections.set(connectionId, name);
    const info: ConnectionInfo = { id, connectionId, run: 1, runs: 1, startedBy: 'first', client: name, exchanges: members.length, startedAt, lastAt, lint, ...runVerdict(rows) };
    if (!named) unnamed.add(info);
    const simulationRuns = new Set(members.map((e) => e.simulationRun));
    if (members.every((e) => e.simulated)) {
      info.simulated = true;
      const [run] = simulationRuns;
      if (simulationRuns.size === 1 && run) info.simulationRun = run;
    }
    return info;
  });
  for (const info of unnamed) info.client = namedConnections.get(info.connectionId) ?? info.client;
  const byConnection = new Map<string, ConnectionInfo[]>();
  for (const info of infos) byConnection.set(info.connectionId, [...(byConnection.get(info.connectionId) ?? []), info]);
  for (const list of byConnection.values()) {
    list.sort((a, b) => a.startedAt - b.startedAt);
    list.forEach((info, index) => {
      info.run = index + 1;
      info.runs = list.length;
      const previous = list[index - 1];
      if (previous) info.startedBy = boundaries.some((b) => b.at > previous.lastAt && b.at <= info.startedAt) ? 'boundary' : 'start-over';
    });
  }
  return infos.sort((a, b) => b.startedAt - a.startedAt);
}
