import { useEffect, useMemo, useState } from 'react';
import type { LintFinding, LintSummary } from '../../../shared/lint';
import { handshakeSteps, LANES, sequence, type Lane } from '../lib/handshake';
import { shortId } from '../lib/format';
import { useApp, useTimeline } from '../state/store';
import { FindingList, SummaryLine } from './Lint';

const laneIndex = (lane: Lane) => LANES.findIndex((l) => l.id === lane);

/** The connection's lint findings, asked again only when one of its rows' findings changed. */
function ConnectionLint({ connectionId, signature, open }: { connectionId: string; signature: string; open: (id: string) => void }) {
  const run = useApp((s) => s.run);
  const capture = useApp((s) => s.source.capture);
  const [answer, setAnswer] = useState<{ findings: LintFinding[]; summary?: LintSummary }>();
  useEffect(() => {
    let cancelled = false;
    void run('lint.findings', { connectionId, capture }).then((result) => !cancelled && setAnswer(result));
    return () => {
      cancelled = true;
    };
  }, [connectionId, signature, capture, run]);
  if (!answer?.summary) return null;
  return (
    <section className="connection-lint" aria-label="Lint of this connection">
      <h3>
        Lint: <SummaryLine summary={answer.summary} />
      </h3>
      {answer.findings.length === 0 ? <p className="hint">Nothing in this connection goes against the spec or what real clients need.</p> : <FindingList findings={answer.findings} onOpen={open} />}
    </section>
  );
}

/** One client connection as a sequence diagram, and how far its handshake got. */
export function HandshakeView() {
  const model = useTimeline();
  const version = useApp((s) => s.version);
  const select = useApp((s) => s.select);
  const setView = useApp((s) => s.setView);
  const connections = useMemo(() => model.connections(), [model, version]);
  const [chosen, setChosen] = useState<string | undefined>();
  const connectionId = chosen && connections.some((c) => c.id === model.resolveConnection(chosen)) ? model.resolveConnection(chosen) : connections[0]?.id;
  const rows = useMemo(() => (connectionId ? model.connection(connectionId) : []), [model, connectionId, version]);
  const steps = useMemo(() => handshakeSteps(rows), [rows]);
  const arrows = useMemo(() => sequence(rows), [rows]);
  const lintSignature = useMemo(() => `${rows.length}|${rows.map((r) => (r.lint ? `${r.id}:${r.lint.rules.join(',')}` : '')).join('|')}`, [rows]);
  const open = (id?: string) => {
    if (!id) return;
    select(id);
    setView('timeline');
  };

  if (connections.length === 0) {
    return (
      <div className="empty">
        <h2>No connection yet</h2>
        <p>When a client connects, its handshake is drawn here step by step: discovery, registration, authorization, token, initialize, tools.</p>
      </div>
    );
  }
  return (
    <div className="handshake">
      <label>
        Connection{' '}
        <select value={connectionId} onChange={(e) => setChosen(e.target.value)} aria-label="Connection">
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.client} · {shortId(c.id)} · {c.rows} exchanges
            </option>
          ))}
        </select>
      </label>
      {connectionId && <ConnectionLint connectionId={connectionId} signature={lintSignature} open={open} />}
      <ol className="checklist" aria-label="Handshake steps">
        {steps.map((step) => (
          <li key={step.id} className={`step step-${step.state}`} data-testid={`step-${step.id}`} data-state={step.state}>
            <div className="step-title">
              <span className="step-mark" aria-hidden>
                {step.state === 'done' ? '✓' : step.state === 'failed' ? '✗' : '○'}
              </span>
              <strong>{step.title}</strong>
              {step.evidence && (
                <button className="link" onClick={() => open(step.evidence)}>
                  open exchange
                </button>
              )}
            </div>
            <p>
              <span className="what">What happened:</span> {step.happened}
            </p>
            <p>
              <span className="what">The spec expects:</span> {step.expects}{' '}
              <a href={step.spec.url} target="_blank" rel="noreferrer">
                {step.spec.label} ↗
              </a>
            </p>
          </li>
        ))}
      </ol>
      <div className="sequence" role="group" aria-label="Sequence diagram">
        <div className="lanes">
          {LANES.map((lane) => (
            <span key={lane.id} className="lane-title">
              {lane.title}
            </span>
          ))}
        </div>
        {arrows.map((arrow) => {
          const from = laneIndex(arrow.from);
          const to = laneIndex(arrow.to);
          const via = arrow.viaTunnel ? 'via-tunnel' : 'direct';
          return (
            <button key={arrow.id} className={`arrow-row ${via}`} onClick={() => open(arrow.id)} title="Open in the timeline">
              <span className="arrow" style={{ left: `${(from + 0.5) * 20}%`, width: `${(to - from) * 20}%` }}>
                <span className="arrow-label">{arrow.request}</span>
              </span>
              <span className={`arrow back ${arrow.status !== undefined && arrow.status >= 400 ? 'bad' : ''}`} style={{ left: `${(from + 0.5) * 20}%`, width: `${(to - from) * 20}%` }}>
                <span className="arrow-label">{arrow.status === undefined ? '…' : arrow.changedFrom !== undefined ? `${arrow.changedFrom} → ${arrow.status} (changed in the inspector)` : arrow.status}</span>
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
