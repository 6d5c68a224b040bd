import type { ExchangeSummary, RowLint } from '../../../shared/controlApi';
import type { AppliedRule, Exchange, HttpHeaders } from '../../../shared/exchange';
import type { LintFinding } from '../../../shared/lint';
import { legacySessionId } from '../recorder/correlate';
import { exchangeOutcome } from '../../../shared/outcome';
import { toggleRuleName } from '../proxy/toggleEffects';
import { browserLeg } from '../recorder/browserGap';

const header = (headers: HttpHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * A timeline row for an exchange: metadata only. Bodies, headers and SSE data stay in the
 * core until a row is opened (`exchanges.get`), so the live stream and the list stay small.
 */
export function summarize(exchange: Exchange, revision: number, connectionId?: string, findings: readonly LintFinding[] = [], runId?: string): ExchangeSummary {
  const { request, response, upstreamResponse, classification } = exchange;
  const summary: ExchangeSummary = {
    id: exchange.id,
    revision,
    startedAt: exchange.startedAt,
    method: request.method,
    url: request.url,
    phase: classification.phase,
    label: classification.label,
    rpcMethods: classification.jsonRpc?.methods ?? [],
    state: exchange.state,
    clientFamily: exchange.client.family,
    clientLabel: exchange.client.label,
    sseEventCount: exchange.sseEvents.length ? exchange.sseEvents[exchange.sseEvents.length - 1]!.index + 1 : 0,
    appliedRules: exchange.appliedRules.map((rule) => rule.explanation),
    outcome: 'in-progress',
  };
  const judged = exchangeOutcome(exchange);
  summary.outcome = judged.outcome;
  if (judged.reason) summary.outcomeReason = judged.reason;
  const run = runId ?? exchange.runId;
  if (run) summary.runId = run;
  if (classification.discovery) summary.discovery = classification.discovery;
  if (classification.grantType) summary.grantType = classification.grantType;
  if (classification.jsonRpc?.target) summary.rpcTarget = classification.jsonRpc.target;
  if (request.headers['x-forwarded-for'] || request.headers['x-forwarded-host']) summary.forwarded = true;
  if (response) summary.status = response.status;
  if (upstreamResponse && upstreamResponse.status !== response?.status) summary.upstreamStatus = upstreamResponse.status;
  if (exchange.timings.end !== undefined) summary.durationMs = exchange.timings.end;
  const connection = connectionId ?? exchange.connectionId;
  if (connection) summary.connectionId = connection;
  const sessionId = header(request.headers, 'mcp-session-id') ?? header(response?.headers, 'mcp-session-id') ?? legacySessionId(request.url);
  if (sessionId) summary.sessionId = sessionId;
  if (exchange.error) summary.error = exchange.error.message;
  if (exchange.paused) summary.paused = exchange.paused;
  if (exchange.replayOf) summary.replayOf = exchange.replayOf;
  if (exchange.simulated) summary.simulated = true;
  if (exchange.simulationRun) summary.simulationRun = exchange.simulationRun;
  if (exchange.mrtr) summary.mrtr = exchange.mrtr;
  const leg = browserLeg(exchange);
  if (leg) summary.browserLeg = leg;
  if (findings.length) summary.lint = rowLint(findings);
  Object.assign(summary, changes(exchange));
  return summary;
}

/** A rule as rows name it: the toggle option it belongs to, else its id. */
const ruleName = (rule: AppliedRule): string => toggleRuleName(rule.ruleId) ?? rule.ruleId;

/** Who changed what the client saw (`changedBy`), and the status change with what it replaced (`statusChange`). */
export function changes(exchange: Pick<Exchange, 'appliedRules' | 'response' | 'upstreamResponse'>): Pick<ExchangeSummary, 'changedBy' | 'statusChange'> {
  const { appliedRules, response, upstreamResponse } = exchange;
  if (appliedRules.length === 0) return {};
  const out: Pick<ExchangeSummary, 'changedBy' | 'statusChange'> = { changedBy: [...new Set(appliedRules.map(ruleName))] };
  if (!response) return out;
  // The last rule that set the status the client saw is the one that decided it.
  const setter = [...appliedRules].reverse().find((rule) => rule.setStatus === response.status);
  const upstreamChanged = upstreamResponse !== undefined && upstreamResponse.status !== response.status;
  if (setter) {
    const was = upstreamChanged ? upstreamResponse.status : setter.fromStatus;
    out.statusChange = { by: ruleName(setter), ...(was !== undefined && was !== response.status ? { was } : {}) };
  } else if (upstreamChanged) {
    out.statusChange = { by: out.changedBy![0]!, was: upstreamResponse.status };
  }
  return out;
}

export function rowLint(findings: readonly LintFinding[]): RowLint {
  const count = (severity: LintFinding['severity']) => findings.filter((f) => f.severity === severity).length;
  return { errors: count('error'), warnings: count('warning'), infos: count('info'), rules: [...new Set(findings.map((f) => f.ruleId))] };
}

function headerText(headers: HttpHeaders | undefined): string {
  if (!headers) return '';
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : (value ?? '')}`)
    .join('\n');
}

/** Whether the exchange's URL, headers, text bodies or SSE data contain `needle` (lower-case). */
export function exchangeContains(exchange: Exchange, needle: string): boolean {
  const { request, response, upstreamResponse } = exchange;
  const texts = [
    request.url,
    headerText(request.headers),
    request.body?.encoding === 'utf8' ? request.body.data : '',
    headerText(response?.headers),
    response?.body?.encoding === 'utf8' ? response.body.data : '',
    upstreamResponse?.body?.encoding === 'utf8' ? upstreamResponse.body.data : '',
  ];
  if (texts.some((text) => text.toLowerCase().includes(needle))) return true;
  return exchange.sseEvents.some((event) => (event.data ?? event.comment ?? '').toLowerCase().includes(needle));
}
