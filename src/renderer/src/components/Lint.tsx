import { useMemo } from 'react';
import type { RowLint } from '../../../shared/controlApi';
import { LINT_CLIENT_NAMES, type LintClient, type LintFinding, type LintRule, type LintSummary } from '../../../shared/lint';
import { useApp } from '../state/store';

// Lint in the UI: the row badge, a finding with everything that explains it (what was seen,
// the fix, the sources, the clients it breaks), and a connection's counts.


export function clientNames(clients: readonly LintClient[]): string {
  return clients.map((c) => LINT_CLIENT_NAMES[c] ?? c).join(', ');
}

/** The worst severity among the counts, for the badge colour. */
export function worstSeverity(lint: Pick<RowLint, 'errors' | 'warnings'>): 'error' | 'warning' | 'info' {
  return lint.errors > 0 ? 'error' : lint.warnings > 0 ? 'warning' : 'info';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function countsText(lint: Pick<RowLint, 'errors' | 'warnings' | 'infos'>): string {
  const parts = [lint.errors && plural(lint.errors, 'error'), lint.warnings && plural(lint.warnings, 'warning'), lint.infos && plural(lint.infos, 'note')].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no findings';
}

export function LintBadge({ lint }: { lint: RowLint }) {
  const total = lint.errors + lint.warnings + lint.infos;
  return (
    <span className={`badge lint-badge sev-${worstSeverity(lint)}`} data-testid="lint-badge" title={`Lint: ${countsText(lint)} — ${lint.rules.join(', ')}`}>
      {worstSeverity(lint) === 'info' ? 'ⓘ' : '⚠'} {total}
    </span>
  );
}

export function useRuleMap(): Map<string, LintRule> {
  const rules = useApp((s) => s.lintRules);
  return useMemo(() => new Map(rules.map((r) => [r.id, r])), [rules]);
}

/** One finding: the rule's title, what was seen on this exchange, the fix, why, where from, whom it breaks. */
export function FindingView({ finding, rule, onOpen, currentId }: { finding: LintFinding; rule?: LintRule; onOpen?: (exchangeId: string) => void; currentId?: string }) {
  return (
    <li className={`finding sev-${finding.severity}`} data-testid="finding" data-rule={finding.ruleId}>
      <div className="finding-title">
        <span className={`sev sev-${finding.severity}`}>{finding.severity}</span> <strong>{rule?.title ?? finding.ruleId}</strong> <code className="hint">{finding.ruleId}</code>
        {onOpen && finding.exchangeId !== currentId && (
          <button className="link" onClick={() => onOpen(finding.exchangeId)}>
            open exchange
          </button>
        )}
      </div>
      <p>
        <span className="what">Seen:</span> {finding.message}
      </p>
      <p>
        <span className="what">Fix:</span> {finding.fix}
      </p>
      {rule && rule.breaks.length > 0 && (
        <p>
          <span className="what">Breaks:</span> {clientNames(rule.breaks)}
        </p>
      )}
      {rule && (
        <details>
          <summary>Why it matters, and sources</summary>
          <p>{rule.explanation}</p>
          <ul className="sources">
            {rule.sources.map((source) => (
              <li key={source.title}>
                {source.url ? (
                  <a href={source.url} target="_blank" rel="noreferrer">
                    {source.title} ↗
                  </a>
                ) : (
                  source.title
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      {onOpen && finding.relatedExchangeIds && finding.relatedExchangeIds.length > 0 && (
        <p className="hint">
          Evidence also in:{' '}
          {finding.relatedExchangeIds.map((id) => (
            <button key={id} className="link" onClick={() => onOpen(id)}>
              {id.slice(0, 8)}
            </button>
          ))}
        </p>
      )}
    </li>
  );
}

export function FindingList({ findings, onOpen, currentId }: { findings: readonly LintFinding[]; onOpen?: (exchangeId: string) => void; currentId?: string }) {
  const rules = useRuleMap();
  return (
    <ul className="findings">
      {findings.map((f) => (
        <FindingView key={`${f.exchangeId}-${f.ruleId}`} finding={f} rule={rules.get(f.ruleId)} onOpen={onOpen} currentId={currentId} />
      ))}
    </ul>
  );
}

export function SummaryLine({ summary }: { summary: LintSummary }) {
  return (
    <span className={`lint-summary sev-${summary.errors || summary.warnings || summary.infos ? worstSeverity(summary) : 'none'}`} data-testid="lint-summary">
      {countsText(summary)} in {plural(summary.exchanges, 'exchange')}
    </span>
  );
}
