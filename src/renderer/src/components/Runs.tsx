import { useEffect, useRef, useState } from 'react';
import type { Boundary } from '../../../shared/exchange';
import { time } from '../lib/format';
import { defaultBoundaryLabel, runDuration, runOfText, startedByText, verdictText } from '../lib/runs';
import { useApp, useTimeline } from '../state/store';
import type { RunGroup } from '../state/timeline';
import { plural } from './Lint';
import './Runs.css';

// The timeline's client runs: a header per run (who, which run and why it began, the verdict
// from src/shared/outcome.ts, how long, lint), the boundary dividers, and the toolbar that
// turns grouping off, folds runs and marks a boundary.

/** The timeline's columns: a run header or a boundary is one cell across all of them. */
const COLUMNS = 8;

/**
 * One run's header row: a row of the timeline grid with one cell across every column. The fold
 * button (the client's name) carries aria-expanded, since a row of a grid may not; the whole row
 * folds on click too. "failed at" opens the failing exchange.
 */
export function RunHeader({ group, height, rowIndex }: { group: RunGroup; height: number; rowIndex?: number }) {
  const model = useTimeline();
  const setCollapsed = useApp((s) => s.setCollapsed);
  const reveal = useApp((s) => s.reveal);
  const run = model.describe(group);
  const collapsed = model.collapsed.has(group.key);
  const { verdict } = run;
  const shown = group.visibleIds.length;
  const toggle = () => setCollapsed(group.key, !collapsed);
  return (
    <div
      className={`row run-header run-${verdict.outcome}`}
      role="row"
      aria-rowindex={rowIndex}
      data-testid="run-header"
      data-run={group.key}
      data-outcome={verdict.outcome}
      data-collapsed={collapsed}
      style={{ height }}
      onClick={toggle}
      title={`${run.client} · ${runOfText(run)}${startedByText(run) ? ` (${startedByText(run)})` : ''} · started ${time(run.startedAt)}\n${verdictText(verdict, { long: true })}\nClick to ${collapsed ? 'show' : 'fold'} its exchanges`}
    >
      <div className="run-cell" role="gridcell" aria-colspan={COLUMNS}>
        <button
          className="run-fold"
          data-testid="run-fold"
          aria-expanded={!collapsed}
          onClick={(event) => {
            event.stopPropagation();
            toggle();
          }}
        >
          <span className="run-fold-mark" aria-hidden>
            {collapsed ? '▸' : '▾'}
          </span>
          <span className="run-client">{run.id ? run.client : 'Not part of a client run'}</span>
        </button>
        {run.id && (
          <span className="run-of" data-testid="run-of">
            {runOfText(run)}
            {startedByText(run) && <span className="run-began"> · {startedByText(run)}</span>}
          </span>
        )}
        <span className="run-verdict" data-testid="run-verdict">
          {verdict.outcome === 'failed' && verdict.failedAt ? (
            <>
              <button
                className="link run-failed-at"
                data-testid="run-failed-at"
                onClick={(event) => {
                  event.stopPropagation();
                  reveal(verdict.failedAt!);
                }}
                title="Select the exchange where it failed"
              >
                ✗ failed at {verdict.step ?? 'a step'}
              </button>
              {verdict.reason && <span className="run-reason">: {verdict.reason}</span>}
            </>
          ) : (
            verdictText(verdict)
          )}
        </span>
        <span className="run-meta">
          {shown < run.exchanges ? `${shown} of ${run.exchanges} exchanges` : plural(run.exchanges, 'exchange')} · {runDuration(run)}
          {run.lint.errors + run.lint.warnings > 0 && (
            <span className={`run-lint ${run.lint.errors ? 'sev-error' : 'sev-warning'}`} title="Lint findings on this run's exchanges">
              {' '}
              · ⚠ lint: {[run.lint.errors && plural(run.lint.errors, 'error'), run.lint.warnings && plural(run.lint.warnings, 'warning')].filter(Boolean).join(', ')}
            </span>
          )}
          {run.simulated && <span className="badge sim-badge">sim</span>}
        </span>
      </div>
    </div>
  );
}

const BOUNDARY_TITLE = 'Every client’s next exchange after this mark began a new run';

function BoundaryLine({ boundary }: { boundary: Boundary }) {
  return (
    <>
      <span className="boundary-line" aria-hidden />
      <span className="boundary-label">
        boundary{boundary.label ? ` “${boundary.label}”` : ''} · {time(boundary.at).slice(0, 8)}
      </span>
      <span className="boundary-line" aria-hidden />
    </>
  );
}

/** A boundary the user marked, as a divider between runs: a row of the timeline grid with one cell across every column. */
export function BoundaryRow({ boundary, height, rowIndex }: { boundary: Boundary; height: number; rowIndex?: number }) {
  return (
    <div className="row boundary-row" role="row" aria-rowindex={rowIndex} data-testid="boundary-row" data-id={boundary.id} style={{ height }} title={BOUNDARY_TITLE}>
      <div className="boundary-cell" role="gridcell" aria-colspan={COLUMNS}>
        <BoundaryLine boundary={boundary} />
      </div>
    </div>
  );
}

/** The same divider in a list (the Handshake screen's run list): no grid around it. */
export function BoundaryMark({ boundary }: { boundary: Boundary }) {
  return (
    <div className="boundary-row" data-testid="boundary-row" data-id={boundary.id} title={BOUNDARY_TITLE}>
      <BoundaryLine boundary={boundary} />
    </div>
  );
}

/** "Mark boundary": asks for a label (a default is filled in), Enter marks it, Escape cancels. */
export function MarkBoundary() {
  const markBoundary = useApp((s) => s.markBoundary);
  const capture = useApp((s) => s.source.capture);
  const [label, setLabel] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  const open = label !== undefined;
  // The default label is selected when the prompt opens: typing replaces it, Enter keeps it.
  useEffect(() => {
    if (open) input.current?.select();
  }, [open]);
  if (label === undefined) {
    return (
      <button
        className="mark-boundary"
        data-testid="mark-boundary"
        disabled={!!capture}
        onClick={() => setLabel(defaultBoundaryLabel())}
        title={capture ? 'Boundaries are marked in the live session' : 'Mark a boundary now (m): every client’s next exchange begins a new run'}
      >
        Mark boundary
      </button>
    );
  }
  const submit = () => {
    void markBoundary(label);
    setLabel(undefined);
  };
  return (
    <form
      className="mark-boundary-form"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <input
        ref={input}
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setLabel(undefined)}
        aria-label="Boundary label"
        placeholder="before toggle"
        maxLength={200}
        autoFocus
      />
      <button type="submit" className="primary" data-testid="mark-boundary-submit">
        Mark
      </button>
      <button type="button" onClick={() => setLabel(undefined)}>
        Cancel
      </button>
    </form>
  );
}

/** The timeline toolbar's run controls: grouping on/off, fold all, mark a boundary. */
export function RunControls() {
  const grouped = useApp((s) => s.grouped);
  const setGrouped = useApp((s) => s.setGrouped);
  const setCollapsed = useApp((s) => s.setCollapsed);
  return (
    <span className="run-controls">
      <label title="Rows under a header per client run, with its verdict">
        <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} aria-label="Group by run" /> Group by run
      </label>
      {grouped && (
        <>
          <button onClick={() => setCollapsed(undefined, true)} title="Fold every run to its header">
            Fold all
          </button>
          <button onClick={() => setCollapsed(undefined, false)} title="Show every run’s exchanges">
            Unfold all
          </button>
        </>
      )}
      <MarkBoundary />
    </span>
  );
}
