import { useEffect, useState } from 'react';
import type { ConnectionInfo, ConnectionRef } from '../../../shared/controlApi';
import type { CompareDifference, CompareSide, CompareStep, Comparison } from '../../../shared/compare';
import { runLabel } from '../lib/runs';
import { useApp } from '../state/store';
import { countsText } from './Lint';

// Two client runs side by side (Claude.ai's capture vs a simulated profile, before vs after a
// fix), aligned by handshake stage, with what differs highlighted. A run, not a whole
// connection: a client that started over nine times is nine runs, each compared on its own.

/** A run as the picker names it: client, run n of N, start time, verdict (never a bare address). */
export function runOptionLabel(c: ConnectionInfo): string {
  return `${runLabel({ ...c, verdict: c })} · ${c.exchanges} exchanges · ${countsText(c.lint)}`;
}

/** Picks a source (live or a capture) and one of its client runs. */
function ConnectionPicker({ side, value, onChange, onInfo }: { side: string; value?: ConnectionRef; onChange: (ref: ConnectionRef | undefined) => void; onInfo: (info: ConnectionInfo | undefined) => void }) {
  const run = useApp((s) => s.run);
  const captures = useApp((s) => s.captures);
  const version = useApp((s) => s.version);
  const [capture, setCapture] = useState(value?.capture ?? '');
  const [connections, setConnections] = useState<ConnectionInfo[]>([]);
  // The live list follows the timeline; a capture's is read once.
  const liveVersion = capture ? 0 : version;
  useEffect(() => {
    let cancelled = false;
    void run('connections.list', capture ? { capture } : {}).then((list) => !cancelled && list && setConnections(list));
    return () => {
      cancelled = true;
    };
  }, [capture, liveVersion, run]);
  useEffect(() => {
    // Keep the choice while it exists; otherwise take the newest (left) or the one after it
    // (right), skipping one-exchange fragments (a browser's consent POST) when there is more.
    if (value && value.capture === (capture || undefined) && connections.some((c) => c.id === value.connectionId)) return;
    const handshakes = connections.filter((c) => c.exchanges > 1);
    const candidates = handshakes.length ? handshakes : connections;
    const pick = candidates[side === 'Left' ? 0 : Math.min(1, candidates.length - 1)];
    onChange(pick ? { ...(capture ? { capture } : {}), connectionId: pick.id } : undefined);
  }, [connections, capture, side, value, onChange]);
  // The chosen run as the list describes it, for the comparison's column headers.
  const info = value && value.capture === (capture || undefined) ? connections.find((c) => c.id === value.connectionId) : undefined;
  useEffect(() => onInfo(info), [info, onInfo]);
  return (
    <fieldset className="picker">
      <legend>{side}</legend>
      <label>
        From{' '}
        <select value={capture} onChange={(e) => setCapture(e.target.value)} aria-label={`${side} source`}>
          <option value="">this session (live)</option>
          {captures.map((c) => (
            <option key={c.id} value={c.id}>
              capture: {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Run{' '}
        <select value={value?.connectionId ?? ''} onChange={(e) => onChange({ ...(capture ? { capture } : {}), connectionId: e.target.value })} aria-label={`${side} run`}>
          {connections.length === 0 && <option value="">no client run</option>}
          {connections.map((c) => (
            <option key={c.id} value={c.id} title={c.outcome === 'failed' && c.reason ? c.reason : undefined}>
              {runOptionLabel(c)}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

function SideCell({ side, differences }: { side?: CompareSide; differences: CompareDifference[] }) {
  if (!side) return <td className="cmp-side missing">—</td>;
  const differs = (kind: CompareDifference['kind']) => differences.some((d) => d.kind === kind);
  return (
    <td className="cmp-side">
      <span className="hint">#{side.position}</span> <strong className={differs('method') ? 'diff' : ''}>{side.method}</strong>{' '}
      <code className={differs('path') ? 'diff' : ''}>{side.path}</code> →{' '}
      <span className={`cmp-status ${differs('status') ? 'diff' : ''}`} data-testid="cmp-status">
        {side.status ?? '…'}
      </span>
      <div className={differs('request') ? 'diff' : 'hint'}>{side.label}</div>
      {side.findings.length > 0 && (
        <div>
          {side.findings.map((f) => (
            <span key={f.ruleId} className={`badge lint-badge sev-${f.severity}`} title={f.ruleId}>
              {f.ruleId}
            </span>
          ))}
        </div>
      )}
    </td>
  );
}

function describe(d: CompareDifference): string {
  const both = (l?: string, r?: string) => `${l ?? '(none)'} ≠ ${r ?? '(none)'}`;
  switch (d.kind) {
    case 'only-left':
      return 'only on the left';
    case 'only-right':
      return 'only on the right';
    case 'lint':
      return `lint ${d.name}: only on the ${d.left ? 'left' : 'right'}`;
    case 'request-header':
      return `request ${d.name}: ${both(d.left, d.right)}`;
    case 'response-header':
      return `response ${d.name}: ${both(d.left, d.right)}`;
    case 'protocol-version':
      return `protocol version: ${both(d.left, d.right)}`;
    case 'oauth-param':
      return `${d.name}: ${both(d.left, d.right)}`;
    case 'order':
      return `order of ${d.name}: ${both(d.left, d.right)}`;
    case 'negotiated-version':
      return `negotiated protocol version: ${both(d.left, d.right)}`;
    case 'registration':
      return `registration: ${both(d.left, d.right)}`;
    default:
      return `${d.kind}: ${both(d.left, d.right)}`;
  }
}

function StepRow({ step, firstOfStage }: { step: CompareStep; firstOfStage: boolean }) {
  const differs = step.differences.length > 0;
  return (
    <tr className={differs ? 'cmp-row differs' : 'cmp-row'} data-testid="cmp-row" data-stage={step.stage} data-differs={differs}>
      <th scope="row">{firstOfStage ? step.stage : ''}</th>
      <SideCell side={step.left} differences={step.differences} />
      <SideCell side={step.right} differences={step.differences} />
      <td className="cmp-diffs">
        {differs ? (
          <ul>
            {step.differences.map((d, i) => (
              <li key={i}>{describe(d)}</li>
            ))}
          </ul>
        ) : (
          <span className="hint">same</span>
        )}
      </td>
    </tr>
  );
}

export function CompareScreen() {
  const run = useApp((s) => s.run);
  const refreshCaptures = useApp((s) => s.refreshCaptures);
  const [left, setLeft] = useState<ConnectionRef>();
  const [right, setRight] = useState<ConnectionRef>();
  const [leftInfo, setLeftInfo] = useState<ConnectionInfo>();
  const [rightInfo, setRightInfo] = useState<ConnectionInfo>();
  const captures = useApp((s) => s.captures);
  /** The comparison, with its two runs named as the pickers named them when it was made. */
  const [compared, setCompared] = useState<{ comparison: Comparison; left?: string; right?: string }>();
  const comparison = compared?.comparison;
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const profiles = useApp((s) => s.profiles);
  const loadSimulator = useApp((s) => s.loadSimulator);
  /** A client profile to simulate now on the left, instead of a recorded run. */
  const [profile, setProfile] = useState('');
  const [simulating, setSimulating] = useState(false);
  useEffect(() => void refreshCaptures(), [refreshCaptures]);
  useEffect(() => void loadSimulator(), [loadSimulator]);

  const compare = async () => {
    if (!right || (!profile && !left)) return;
    if (profile) {
      // The profile runs against this inspector and is aligned with the real client's run.
      setSimulating(true);
      const result = await run('simulate.run', { client: profile, compareWith: right });
      setSimulating(false);
      if (result?.comparison) setCompared({ comparison: result.comparison, left: `${profile}, simulated: ${result.summary}`, right: sideName(right, rightInfo) });
      return;
    }
    const result = await run('compare.connections', { left: left!, right });
    if (result) setCompared({ comparison: result, left: sideName(left!, leftInfo), right: sideName(right, rightInfo) });
  };
  const sideName = (ref: ConnectionRef, info?: ConnectionInfo) => {
    if (!info) return undefined;
    const from = ref.capture ? `capture ${captures.find((c) => c.id === ref.capture)?.name ?? ref.capture}: ` : '';
    return `${from}${runLabel({ ...info, verdict: info })}`;
  };
  const steps = comparison ? comparison.steps.filter((s) => !onlyDifferences || s.differences.length > 0) : [];

  return (
    <div className="compare">
      <h2>Compare two client runs</h2>
      <p className="hint">Two clients against one server, or one client before and after a fix: each run’s steps are paired with the same steps of the other run, stage by stage.</p>
      <label className="cmp-profile">
        Left is{' '}
        <select value={profile} onChange={(e) => setProfile(e.target.value)} aria-label="Left is a recorded run or a simulated profile">
          <option value="">a recorded run</option>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id}, simulated now: {p.client}
            </option>
          ))}
        </select>
      </label>
      <div className="pickers">
        {!profile && <ConnectionPicker side="Left" value={left} onChange={setLeft} onInfo={setLeftInfo} />}
        <ConnectionPicker side="Right" value={right} onChange={setRight} onInfo={setRightInfo} />
      </div>
      <div className="actions">
        <button className="primary" disabled={!right || (!profile && !left) || simulating} onClick={() => void compare()}>
          {simulating ? 'Simulating…' : profile ? 'Simulate and compare' : 'Compare'}
        </button>
        <label>
          <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} /> only steps that differ
        </label>
      </div>
      {comparison && (
        <>
          <p data-testid="cmp-summary">
            <strong>
              {comparison.differingSteps} of {comparison.steps.length} steps differ.
            </strong>{' '}
            Left: {comparison.left.client}, {comparison.left.exchanges} exchanges, {countsText(comparison.left.lint)}. Right: {comparison.right.client}, {comparison.right.exchanges} exchanges,{' '}
            {countsText(comparison.right.lint)}.
          </p>
          {(comparison.differences ?? []).length > 0 && (
            <ul className="cmp-whole" data-testid="cmp-whole" aria-label="Differences of the runs as wholes">
              {comparison.differences!.map((d, i) => (
                <li key={i}>{describe(d)}</li>
              ))}
            </ul>
          )}
          <table className="cmp-table">
            <thead>
              <tr>
                <th>Stage</th>
                <th title={comparison.left.source}>
                  Left<span className="cmp-run">{compared.left ?? comparison.left.source}</span>
                </th>
                <th title={comparison.right.source}>
                  Right<span className="cmp-run">{compared.right ?? comparison.right.source}</span>
                </th>
                <th>Differences</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((step, i) => (
                <StepRow key={i} step={step} firstOfStage={i === 0 || steps[i - 1]!.stage !== step.stage} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
