import type { ExchangeSummary, InspectorStatus } from '../../../shared/controlApi';
import { toggleOptionName, type Toggle } from '../../../shared/toggles';
import { statusClass } from '../lib/format';
import { useApp } from '../state/store';
import './StatusChips.css';

// What an exchange's status means to the client (its `outcome`, src/shared/outcome.ts), which
// toggle or rule changed it, and the toggles that are on: shown the same way everywhere.

type StatusRow = Pick<ExchangeSummary, 'status' | 'upstreamStatus' | 'state' | 'outcome' | 'outcomeReason' | 'statusChange' | 'changedBy' | 'appliedRules'>;

/** A word after the status for outcomes that are not plain success or failure. */
const OUTCOME_NOTE: Partial<Record<ExchangeSummary['outcome'], string>> = {
  challenge: 'challenge',
  'closed-by-client': 'closed by client',
  'probe-miss': 'not here',
  'input-required': 'input required',
};

/** The status cell's tooltip: why it ended so, and who changed it. */
export function statusTitle(row: StatusRow): string {
  const lines: string[] = [];
  if (row.outcomeReason) lines.push(row.outcome === 'failed' ? `Failed: ${row.outcomeReason}` : row.outcomeReason);
  const was = row.statusChange?.was ?? row.upstreamStatus;
  if (row.statusChange) lines.push(`Status set by ${row.statusChange.by}${was !== undefined ? ` (it was ${was})` : ''}`);
  else if (row.upstreamStatus !== undefined) lines.push(`The upstream answered ${row.upstreamStatus}; a rule or toggle changed it to ${row.status}`);
  lines.push(...row.appliedRules.map((rule) => `Changed: ${rule}`));
  return lines.join('\n');
}

/** The status as the client experienced it: "204 (was 202)", "401 challenge", "200 closed by client". */
export function StatusCell({ row, showChanger = true }: { row: StatusRow; showChanger?: boolean }) {
  const outcome = row.outcome ?? 'in-progress';
  const changed = row.statusChange !== undefined || row.upstreamStatus !== undefined;
  const was = row.statusChange?.was ?? row.upstreamStatus;
  const className = `status outcome-${outcome} ${statusClass(row.status)}${changed ? ' changed' : ''}`;
  const changer = row.statusChange?.by ?? (changed ? row.changedBy?.[0] : undefined);
  if (row.status === undefined) {
    return <span className={className}>{outcome === 'failed' ? 'failed' : row.state === 'pending' ? '…' : row.state}</span>;
  }
  const note = OUTCOME_NOTE[outcome];
  return (
    <>
      <span className={className} data-testid="status">
        {row.status}
        {note && <span className="outcome-note"> {note}</span>}
        {was !== undefined && <span className="was"> (was {was})</span>}
      </span>
      {showChanger && changer && (
        <span className="changed-by" data-testid="changed-by">
          {changer}
        </span>
      )}
    </>
  );
}

/** The toggles not at their default, named as rows name them ("notifications → 204"). */
export function activeToggles(status: InspectorStatus | undefined, catalogue: Toggle[]): Array<{ toggle: Toggle; name: string; off: string }> {
  if (!status) return [];
  return Object.entries(status.toggles).flatMap(([toggleId, optionId]) => {
    const toggle = catalogue.find((t) => t.id === toggleId);
    const option = toggle?.options.find((o) => o.id === optionId);
    if (!toggle || !option || option.id === toggle.options[0]?.id) return [];
    return [{ toggle, name: toggleOptionName(toggle, option), off: toggle.options[0]!.id }];
  });
}

/** One active toggle with its one-click off button. */
export function ActiveToggle({ toggle, name, off }: { toggle: Toggle; name: string; off: string }) {
  const run = useApp((s) => s.run);
  return (
    <span className="active-toggle" data-testid="active-toggle" title={`${toggle.title}: ${name}`}>
      {name}
      <button className="chip-off" aria-label={`Turn off ${name}`} title={`Turn off: back to “${toggle.options[0]?.label}”`} onClick={() => void run('toggles.set', { toggleId: toggle.id, optionId: off })}>
        ×
      </button>
    </span>
  );
}

/** The status bar's chip: which toggles (and how many custom rules) change the wire right now. */
export function ToggleChip() {
  const status = useApp((s) => s.status);
  const catalogue = useApp((s) => s.toggles);
  const setView = useApp((s) => s.setView);
  const active = activeToggles(status, catalogue);
  const rules = status?.rules.filter((rule) => rule.enabled).length ?? 0;
  return (
    <span className={`item toggle-chip${active.length ? ' on' : ''}`} data-testid="toggle-chip">
      <button className="link" onClick={() => setView('toggles')} title="Open the Toggles & rules screen">
        {active.length === 0 ? 'No toggles on' : `${active.length} toggle${active.length === 1 ? '' : 's'} on:`}
      </button>
      {active.map((entry) => (
        <ActiveToggle key={entry.toggle.id} {...entry} />
      ))}
      {rules > 0 && (
        <span className="rule-count">
          {' '}
          + {rules} rule{rules === 1 ? '' : 's'}
        </span>
      )}
    </span>
  );
}

const OUTCOME_HEAD: Record<ExchangeSummary['outcome'], string> = {
  ok: '',
  'in-progress': '',
  failed: 'Failed',
  challenge: 'Challenge (expected)',
  'closed-by-client': 'Closed by the client',
  'probe-miss': 'Not at this location',
  'input-required': 'Input required (one round of a multi-round-trip request)',
};

/** The detail pane header's line on how the exchange ended: the reason for a failure, a neutral note otherwise. */
export function OutcomeLine({ row }: { row: Pick<ExchangeSummary, 'outcome' | 'outcomeReason' | 'error'> }) {
  const head = OUTCOME_HEAD[row.outcome];
  const reason = row.outcomeReason ?? (row.outcome === 'failed' ? row.error : undefined);
  if (!head && !reason) return null;
  return (
    <div className={`detail-outcome outcome-${row.outcome}`} data-testid="detail-outcome" role={row.outcome === 'failed' ? 'alert' : undefined}>
      {head && <strong>{head}</strong>}
      {head && reason ? ': ' : ''}
      {reason}
    </div>
  );
}
