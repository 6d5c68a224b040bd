import type { Exchange } from '../../../shared/exchange';
import type { LintFinding } from '../../../shared/lint';
import type { LintReport } from './engine';
import { lintRule } from './rules';

// A lint report as text: per connection, its counts and each finding with the exchange it
// is on, what was seen, the clients it breaks and the fix.

const MARK = { error: '✗ error  ', warning: '! warning', info: 'i info   ' } as const;

function exchangeLine(e: Exchange | undefined): string {
  if (!e) return '(exchange not in the capture)';
  return `${e.request.method} ${e.request.url.split('?')[0]} → ${e.response?.status ?? e.state}`;
}

function findingLines(f: LintFinding, byId: Map<string, Exchange>): string[] {
  const rule = lintRule(f.ruleId);
  return [
    `  ${MARK[f.severity]} ${f.ruleId}  ${exchangeLine(byId.get(f.exchangeId))}  (exchange ${f.exchangeId})`,
    `      ${f.message}`,
    ...(rule.breaks.length ? [`      Breaks: ${rule.breaks.join(', ')}. Source: ${rule.sources[0]!.title}.`] : [`      Source: ${rule.sources[0]!.title}.`]),
    `      Fix: ${f.fix}`,
  ];
}

export function renderLintReport(report: LintReport, exchanges: readonly Exchange[], source: string): string {
  const byId = new Map(exchanges.map((e) => [e.id, e]));
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const lines = [`Lint of ${source}: ${exchanges.length} exchanges in ${report.connections.length} connections, ${errors} errors, ${warnings} warnings.`];
  report.connections.forEach((summary, i) => {
    const first = exchanges.find((e) => report.connectionOf.get(e.id) === summary.connectionId);
    lines.push('', `Connection #${i + 1} (${summary.connectionId}) ${first ? first.client.label : ''}: ${summary.exchanges} exchanges, ${summary.errors} errors, ${summary.warnings} warnings`);
    const findings = report.findings.filter((f) => report.connectionOf.get(f.exchangeId) === summary.connectionId);
    if (findings.length === 0) lines.push('  no findings');
    for (const f of findings) lines.push(...findingLines(f, byId));
  });
  const loose = report.findings.filter((f) => report.connectionOf.get(f.exchangeId) === undefined);
  if (loose.length) lines.push('', 'Exchanges without a connection:', ...loose.flatMap((f) => findingLines(f, byId)));
  return lines.join('\n');
}
