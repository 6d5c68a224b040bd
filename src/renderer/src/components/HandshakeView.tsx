import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Boundary } from '../../../shared/exchange';
import type { LintFinding, LintSummary } from '../../../shared/lint';
import { duration, time } from '../lib/format';
import { AUTH_PATH_NAMES, runHandshake, sequence, TRANSPORT_PATH_NAMES, type ChecklistStep, type Sequence } from '../lib/handshake';
import { runDuration, runLabel, runOfText, startedByText, verdictShort, type RunDescription } from '../lib/runs';
import { useApp, useTimeline } from '../state/store';
import type { RunGroup } from '../state/timeline';
import { FindingList, SummaryLine, useRuleMap } from './Lint';
import { BoundaryMark } from './Runs';
import './Runs.css';
import { GapMark } from './BrowserGap';

// One client RUN at a time (not a merged connection): pick it from the run list (newest first,
// with the boundaries you marked between them), read its verdict, the checklist of the path it
// took, and the sequence diagram, which stays in view while the checklist scrolls.

/** The run's lint findings, asked again only when one of its rows' findings changed. */
function RunLint({ connectionId, signature, open }: { connectionId: string; signature: string; open: (id: string) => void }) {
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
    <section className="connection-lint" aria-label="Lint of this run">
      <h3>
        Lint: <SummaryLine summary={answer.summary} />
      </h3>
      {answer.findings.length === 0 ? <p className="hint">Nothing in this run goes against the spec or what real clients need.</p> : <FindingList findings={answer.findings} onOpen={open} />}
    </section>
  );
}

const MARKS: Record<ChecklistStep['state'], string> = { done: '✓', failed: '✗', warned: '⚠', waiting: '○', skipped: '–' };

/** What an attempt's outcome means, next to its status (src/shared/outcome.ts). */
const OUTCOME_NOTES: Record<string, string> = {
  challenge: 'challenge',
  'probe-miss': 'not offered here; the client moves on',
  'closed-by-client': 'closed by the client',
  'input-required': 'the server asked for input; the client retries',
  failed: 'failed',
};

function attemptClass(outcome: string, lint?: string, unexpected?: boolean): string {
  if (outcome === 'failed' || lint === 'error') return 'bad';
  if (lint === 'warning' || unexpected) return 'warn';
  if (outcome === 'challenge') return 'challenge';
  return outcome === 'ok' || outcome === 'closed-by-client' || outcome === 'input-required' ? 'ok' : '';
}

function StepItem({ step, open }: { step: ChecklistStep; open: (id: string) => void }) {
  return (
    <li className={`step step-${step.state}`} data-testid={`step-${step.id}`} data-state={step.state}>
      <div className="step-title">
        <span className="step-mark" aria-hidden>
          {MARKS[step.state]}
        </span>
        <strong>{step.title}</strong>
        {step.optional && step.state === 'skipped' && <span className="hint">optional</span>}
        {step.evidence && (
          <button className="link" onClick={() => open(step.evidence!)}>
            open exchange
          </button>
        )}
      </div>
      {step.happened && <p>{step.happened}</p>}
      {step.attempts.length > 0 && (
        <ul className="attempts" aria-label={`${step.title}: what happened`}>
          {step.attempts.map((a) => (
            <li key={`${a.id}`} data-testid="attempt">
              <code>{a.request}</code> → <span className={`attempt-status ${attemptClass(a.outcome, a.lint, a.unexpected)}`}>{a.status}</span>
              {OUTCOME_NOTES[a.outcome] && <span className="hint"> ({OUTCOME_NOTES[a.outcome]})</span>}
              {a.count > 1 && <span className="attempt-count"> ×{a.count}</span>}
            </li>
          ))}
        </ul>
      )}
      {step.reason && (
        <p className="step-reason" data-testid="step-reason">
          <span className="what">{step.state === 'failed' ? 'Why it failed:' : 'Note:'}</span> {step.reason}
        </p>
      )}
      <p>
        <span className="what">The spec expects:</span> {step.expects}{' '}
        <a href={step.spec.url} target="_blank" rel="noreferrer">
          {step.spec.label} ↗
        </a>
      </p>
    </li>
  );
}

const offset = (ms: number) => (ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

/** The run as a sequence diagram: a time axis, a lane per party that took part, arrows coloured by outcome and lint. */
function SequenceDiagram({ seq, selectedId, open, scrollRef }: { seq: Sequence; selectedId?: string; open: (id: string) => void; scrollRef: React.RefObject<HTMLDivElement | null> }) {
  const n = seq.lanes.length;
  const center = (lane: string) => ((seq.lanes.findIndex((l) => l.id === lane) + 0.5) / n) * 100;
  const lifelines = seq.lanes.map((lane) => <span key={lane.id} className="seq-lifeline" style={{ left: `${center(lane.id)}%` }} aria-hidden />);
  return (
    <section className="seq" aria-label="Sequence diagram" data-testid="sequence">
      <div className="seq-head">
        <span className="seq-axis-title">
          time
        </span>
        <div className="seq-lanes-head">
          {seq.lanes.map((lane) => (
            <span key={lane.id} className="seq-lane-title" data-testid="lane" title={lane.id === 'as' ? 'Authorization server' : lane.title}>
              {lane.title}
            </span>
          ))}
        </div>
      </div>
      <div className="seq-scroll" ref={scrollRef}>
        {seq.arrows.map((arrow) => {
          const left = center(arrow.from);
          const width = center(arrow.to) - left;
          const geometry = { left: `${left}%`, width: `${width}%` };
          return (
            <Fragment key={arrow.id}>
              {arrow.gapBefore !== undefined && (
                <div className="seq-gap" aria-hidden>
                  <span className="seq-axis" />
                  <span className="seq-gap-text">… {duration(arrow.gapBefore)} later</span>
                </div>
              )}
              <button
                className={`seq-row ${arrow.id === selectedId ? 'selected' : ''}`}
                data-testid="seq-arrow"
                data-outcome={arrow.outcome}
                data-lint={arrow.lint ?? ''}
                onClick={() => open(arrow.id)}
                title={`${arrow.request}\n← ${arrow.response}${arrow.note ? `\n${arrow.note}` : ''}${arrow.viaTunnel ? '\n(through the tunnel)' : ''}\nClick to open it in the timeline`}
              >
                <span className="seq-axis">{offset(arrow.at)}</span>
                <span className="seq-track">
                  {lifelines}
                  <span className="seq-arrow request" style={geometry}>
                    <span className="seq-label">{arrow.request}</span>
                  </span>
                  <span className={`seq-arrow response out-${arrow.outcome}${arrow.lint ? ` lint-${arrow.lint}` : ''}`} style={geometry} data-testid="seq-response">
                    <span className="seq-label">{arrow.response}</span>
                  </span>
                </span>
              </button>
              {arrow.browserGap && <GapMark gap={arrow.browserGap} onOpen={open} />}
            </Fragment>
          );
        })}
      </div>
      <div className="seq-legend" aria-label="Arrow colours">
        <span>
          <span className="key out-ok" />
          ok
        </span>
        <span>
          <span className="key out-challenge" />
          401 challenge
        </span>
        <span>
          <span className="key out-failed" />
          failed
        </span>
        <span>
          <span className="key out-closed-by-client" />
          closed by the client
        </span>
        <span>
          <span className="key lint-warning" />
          flagged by lint
        </span>
      </div>
    </section>
  );
}

/** Runs newest first, with the boundaries between them. */
function runListItems(groups: RunGroup[], boundaries: readonly Boundary[]): Array<RunGroup | Boundary> {
  const items: Array<RunGroup | Boundary> = [];
  let next = 0;
  for (const group of groups) {
    while (next < boundaries.length && boundaries[next]!.at <= group.start) items.push(boundaries[next++]!);
    items.push(group);
  }
  while (next < boundaries.length) items.push(boundaries[next++]!);
  return items.reverse();
}

function RunOption({ run, selected, onPick }: { run: RunDescription; selected: boolean; onPick: () => void }) {
  const began = startedByText(run);
  return (
    <button className={`run-option run-${run.verdict.outcome}`} aria-current={selected ? 'true' : undefined} title={runLabel(run)} data-testid="run-option" data-run={run.id} data-outcome={run.verdict.outcome} onClick={onPick}>
      <span className="run-option-client">{run.id ? run.client : 'Not part of a client run'}</span>
      <span className="run-option-meta">
        {runOfText(run)}
        {began ? ` · ${began}` : ''} · {time(run.startedAt).slice(0, 8)} · {run.exchanges} ex.
      </span>
      <span className="run-option-verdict">{verdictShort(run.verdict)}</span>
    </button>
  );
}

/** One client run: its verdict, the checklist of its path and its sequence diagram. */
export function HandshakeView() {
  const model = useTimeline();
  const version = useApp((s) => s.version);
  const selectedId = useApp((s) => s.selectedId);
  const reveal = useApp((s) => s.reveal);
  const setView = useApp((s) => s.setView);
  const rules = useRuleMap();
  const groups = useMemo(() => model.runGroups().filter((g) => g.rowIds.length > 0), [model, version]);
  const [chosen, setChosen] = useState<string | undefined>();
  // The run picked here; else the run of the row selected in the timeline; else the newest handshake.
  const fallback = (selectedId ? model.groupOf(selectedId) : undefined) ?? [...groups].reverse().find((g) => g.rowIds.length > 1) ?? groups[groups.length - 1];
  const group = (chosen !== undefined ? model.run(chosen) : undefined) ?? fallback;
  const key = group?.key;
  const run = group ? model.describe(group) : undefined;
  const rows = useMemo(() => (group ? model.runRows(group.key) : []), [model, group, version]);
  const handshake = useMemo(() => runHandshake(rows, (id) => rules.get(id)?.title ?? id), [rows, rules]);
  const seq = useMemo(() => sequence(rows, model.browserGaps()), [rows, model, version]);
  const lintSignature = useMemo(() => `${rows.length}|${rows.map((r) => (r.lint ? `${r.id}:${r.lint.rules.join(',')}` : '')).join('|')}`, [rows]);
  const detailRef = useRef<HTMLDivElement>(null);
  const seqRef = useRef<HTMLDivElement>(null);
  // Another run starts at its top, checklist and diagram both.
  useLayoutEffect(() => {
    if (detailRef.current) detailRef.current.scrollTop = 0;
    if (seqRef.current) seqRef.current.scrollTop = 0;
  }, [key]);
  const open = (id?: string) => {
    if (!id) return;
    reveal(id);
    setView('timeline');
  };

  if (groups.length === 0 || !group || !run) {
    return (
      <div className="empty">
        <h2>No client run yet</h2>
        <p>When a client connects, each of its runs is drawn here step by step: discovery, registration, authorization, token, initialize, tools.</p>
      </div>
    );
  }
  const { verdict } = handshake;
  const lintId = group.key || run.connectionId;
  return (
    <div className="run-handshake" data-testid="handshake">
      <nav className="run-list" aria-label="Client runs">
        <h3>Runs (newest first)</h3>
        <ol>
          {runListItems(groups, model.boundaries).map((item) =>
            'key' in item ? (
              <li key={`run:${item.key}`}>
                <RunOption run={model.describe(item)} selected={item.key === group.key} onPick={() => setChosen(item.key)} />
              </li>
            ) : (
              <li key={`boundary:${item.id}`}>
                <BoundaryMark boundary={item} />
              </li>
            ),
          )}
        </ol>
      </nav>
      <div className="run-detail" ref={detailRef} data-testid="run-detail" data-run={group.key}>
        <div className="run-title">
          <h2 data-testid="run-title">{run.id ? run.client : 'Exchanges outside any client run'}</h2>
          <span className="hint">
            {runOfText(run)}
            {startedByText(run) ? ` · ${startedByText(run)}` : ''} · started {time(run.startedAt)} · {run.exchanges} exchanges · {runDuration(run)}
            {run.simulated ? ' · simulated' : ''}
          </span>
        </div>
        <div className={`run-verdict-banner run-${verdict.outcome}`} data-testid="run-verdict-banner" data-outcome={verdict.outcome}>
          <strong>{verdict.outcome === 'failed' ? `✗ Failed at ${verdict.step ?? 'a step'}` : verdict.outcome === 'complete' ? '✓ Complete: the client reached MCP' : '… In progress'}</strong>
          {verdict.outcome === 'failed' && verdict.reason && <span>: {verdict.reason}</span>}
          {verdict.outcome === 'in-progress' && verdict.reason && <span>: {verdict.reason}</span>}
          {verdict.failedAt && (
            <button className="link" onClick={() => open(verdict.failedAt)}>
              open exchange
            </button>
          )}
        </div>
        <div className="run-paths" data-testid="run-paths" data-auth={handshake.path.auth} data-transport={handshake.path.transport}>
          <span className="path-chip">{AUTH_PATH_NAMES[handshake.path.auth]}</span>
          <span className="path-chip">{TRANSPORT_PATH_NAMES[handshake.path.transport]}</span>
        </div>
        <div className="run-body">
          <div className="checklist-column">
            <ol className="hs-checklist" aria-label="Handshake steps">
              {handshake.steps.map((step) => (
                <StepItem key={step.id} step={step} open={open} />
              ))}
            </ol>
            {lintId && <RunLint connectionId={lintId} signature={lintSignature} open={(id) => open(id)} />}
          </div>
          <SequenceDiagram seq={seq} selectedId={selectedId} open={open} scrollRef={seqRef} />
        </div>
      </div>
    </div>
  );
}
