import type { Exchange } from '../../../shared/exchange';
import { COMPARE_STAGES, type CompareDifference, type CompareSide, type CompareStage, type CompareStep, type Comparison } from '../../../shared/compare';
import type { LintFinding } from '../../../shared/lint';
import { lintExchanges, summarize } from '../lint/engine';
import { nameClient } from '../../../shared/clientName';
import { exchangeSighting } from '../recorder/runs';
import { bearerToken, header, path } from '../lint/wire';

// Compare: two client connections side by side. Each exchange becomes a step with a stage
// (discovery, token, initialize, tools/list, …) and a key saying what it asked for. The two
// connections are aligned stage by stage: within a stage, steps with the same key pair up in
// the order they happened (a client's parallel list calls come in any order), a step one
// client skipped or repeated shows as one-sided, and what is left on both sides pairs up as
// "a different request" (PRM at the root on one side, path-suffixed on the other).

/** Request headers worth comparing between clients (docs/client-profiles.md). */
const REQUEST_HEADERS = ['user-agent', 'accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'authorization', 'origin'] as const;
/** Response headers worth comparing between servers. */
const RESPONSE_HEADERS = ['content-type', 'mcp-session-id', 'www-authenticate', 'allow', 'location', 'access-control-allow-origin'] as const;
/** Headers whose value differs on every run: only their presence is compared. */
const PRESENCE_ONLY = new Set(['mcp-session-id', 'www-authenticate', 'location']);

export interface ConnectionInput {
  source: string;
  /** The connection's exchanges (any order). */
  exchanges: readonly Exchange[];
  connectionId?: string;
  /** Lint findings on these exchanges; judged here when not given. */
  findings?: readonly LintFinding[];
}

interface Step {
  stage: CompareStage;
  key: string;
  side: CompareSide;
}

/** The stage and alignment key of an exchange. */
export function stepOf(e: Exchange): { stage: CompareStage; key: string; label: string } {
  const c = e.classification;
  const withToken = bearerToken(e) ? ' (with token)' : '';
  switch (c.phase) {
    case 'discovery':
      return { stage: 'discovery', key: `discovery:${c.discovery ?? path(e)}`, label: c.label };
    case 'registration':
      return { stage: 'registration', key: 'registration', label: c.label };
    case 'authorization':
      return { stage: 'authorization', key: `authorization:${e.request.method}`, label: c.label };
    case 'token':
      return { stage: 'token', key: `token:${c.grantType ?? '?'}`, label: c.label };
    case 'sse-stream':
      return { stage: 'stream', key: `stream:${c.stream ?? '?'}${withToken}`, label: `${c.label}${withToken}` };
    case 'session-end':
      return { stage: 'session-end', key: 'delete', label: c.label };
    case 'jsonrpc': {
      const methods = c.jsonRpc?.methods ?? [];
      const method = methods[0] ?? c.jsonRpc?.kind ?? 'jsonrpc';
      const target = method === 'tools/call' && c.jsonRpc?.target ? ` ${c.jsonRpc.target}` : '';
      const stage: CompareStage =
        method === 'initialize' ? 'initialize' : method === 'notifications/initialized' ? 'initialized' : /\/list$/.test(method) ? 'list' : /\/(call|get|read)$/.test(method) ? 'call' : 'jsonrpc';
      const label = `${methods.join(', ') || method}${target}${withToken}`;
      return { stage, key: `rpc:${methods.join('+') || method}${target}${withToken}`, label };
    }
    default:
      if (e.request.method === 'HEAD') return { stage: 'probe', key: `probe:${path(e)}`, label: c.label };
      return { stage: 'other', key: `${e.request.method} ${path(e)}`, label: c.label };
  }
}

function pick(headers: Exchange['request']['headers'] | undefined, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value === undefined) continue;
    // Credentials and per-run ids: keep only what kind of value it was.
    picked[name] = name === 'authorization' ? `${value.split(/\s+/)[0]} …` : PRESENCE_ONLY.has(name) ? '(present)' : value;
  }
  return picked;
}

function stepsOf(input: ConnectionInput, findings: readonly LintFinding[]): Step[] {
  const ordered = [...input.exchanges].sort((a, b) => a.startedAt - b.startedAt);
  const steps = ordered.map((e, i): Step => {
    const { stage, key, label } = stepOf(e);
    return {
      stage,
      key,
      side: {
        exchangeId: e.id,
        position: i + 1,
        method: e.request.method,
        path: path(e),
        ...(e.response ? { status: e.response.status } : {}),
        label,
        requestHeaders: pick(e.request.headers, REQUEST_HEADERS),
        responseHeaders: pick(e.response?.headers, RESPONSE_HEADERS),
        ...(e.classification.jsonRpc?.protocolVersion ? { protocolVersion: e.classification.jsonRpc.protocolVersion } : {}),
        findings: findings.filter((f) => f.exchangeId === e.id).map((f) => ({ ruleId: f.ruleId, severity: f.severity })),
      },
    };
  });
  return steps;
}

/**
 * Aligns the keys of one stage: same keys pair in order; unmatched ones then pair by position;
 * the rest is one-sided. Returns index pairs in the left side's order, extra right steps last.
 */
export function alignStage(left: readonly string[], right: readonly string[]): Array<[number | undefined, number | undefined]> {
  const taken = new Set<number>();
  const rows: Array<[number | undefined, number | undefined]> = left.map((key, i) => {
    const j = right.findIndex((other, k) => other === key && !taken.has(k));
    if (j === -1) return [i, undefined];
    taken.add(j);
    return [i, j];
  });
  const unmatchedRight = right.map((_, j) => j).filter((j) => !taken.has(j));
  for (const row of rows) if (row[1] === undefined && unmatchedRight.length) row[1] = unmatchedRight.shift();
  return [...rows, ...unmatchedRight.map((j): [undefined, number] => [undefined, j])];
}

function differences(left: CompareSide | undefined, right: CompareSide | undefined): CompareDifference[] {
  if (!left) return [{ kind: 'only-right', right: right!.label }];
  if (!right) return [{ kind: 'only-left', left: left.label }];
  const found: CompareDifference[] = [];
  const differ = (kind: CompareDifference['kind'], l: string | undefined, r: string | undefined, name?: string) => {
    if (l !== r) found.push({ kind, ...(name ? { name } : {}), ...(l !== undefined ? { left: l } : {}), ...(r !== undefined ? { right: r } : {}) });
  };
  if (left.label !== right.label) differ('request', left.label, right.label);
  differ('method', left.method, right.method);
  differ('path', left.path, right.path);
  differ('status', left.status?.toString(), right.status?.toString());
  differ('protocol-version', left.protocolVersion, right.protocolVersion);
  for (const name of REQUEST_HEADERS) differ('request-header', left.requestHeaders[name], right.requestHeaders[name], name);
  for (const name of RESPONSE_HEADERS) differ('response-header', left.responseHeaders[name], right.responseHeaders[name], name);
  const leftRules = new Set(left.findings.map((f) => f.ruleId));
  const rightRules = new Set(right.findings.map((f) => f.ruleId));
  for (const id of new Set([...leftRules, ...rightRules])) {
    if (leftRules.has(id) !== rightRules.has(id)) found.push({ kind: 'lint', name: id, ...(leftRules.has(id) ? { left: id } : { right: id }) });
  }
  return found;
}

/** Aligns two connections step by step and names what differs in each step. */
export function compareConnections(leftInput: ConnectionInput, rightInput: ConnectionInput): Comparison {
  const findingsOf = (input: ConnectionInput) => input.findings ?? lintExchanges(input.exchanges).findings;
  const leftFindings = findingsOf(leftInput);
  const rightFindings = findingsOf(rightInput);
  const left = stepsOf(leftInput, leftFindings);
  const right = stepsOf(rightInput, rightFindings);
  const steps: CompareStep[] = [];
  for (const stage of COMPARE_STAGES) {
    const l = left.filter((s) => s.stage === stage);
    const r = right.filter((s) => s.stage === stage);
    for (const [i, j] of alignStage(l.map((s) => s.key), r.map((s) => s.key))) {
      const a = i === undefined ? undefined : l[i]!.side;
      const b = j === undefined ? undefined : r[j]!.side;
      steps.push({ stage, ...(a ? { left: a } : {}), ...(b ? { right: b } : {}), differences: differences(a, b) });
    }
  }
  return {
    left: describe(leftInput, leftFindings),
    right: describe(rightInput, rightFindings),
    steps,
    differingSteps: steps.filter((s) => s.differences.length > 0).length,
  };
}

function describe(input: ConnectionInput, findings: readonly LintFinding[]) {
  const inOrder = [...input.exchanges].sort((a, b) => a.startedAt - b.startedAt);
  // Named as the run lists name it: the client that opened MCP beats a bare User-Agent.
  const { name: client } = nameClient(inOrder.map(exchangeSighting));
  const ids = new Set(input.exchanges.map((e) => e.id));
  return {
    source: input.source,
    ...(input.connectionId ? { connectionId: input.connectionId } : {}),
    client,
    exchanges: input.exchanges.length,
    lint: summarize(input.connectionId ?? input.source, input.exchanges.length, findings.filter((f) => ids.has(f.exchangeId))),
  };
}
