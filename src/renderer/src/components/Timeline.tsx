import { useMemo, useRef } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import { FILTERS, filterValue, withFilter } from '../lib/filters';
import { duration, phaseBadge, shortId, statusClass, time } from '../lib/format';
import { useApp, useTimeline } from '../state/store';
import { DetailPane } from './DetailPane';
import { EmptyState } from './EmptyState';
import { LintBadge } from './Lint';
import { BoundaryRow, RunControls, RunHeader } from './Runs';
import { VirtualList } from './VirtualList';

export const ROW_HEIGHT = 26;

export function StatusCell({ row }: { row: Pick<ExchangeSummary, 'status' | 'upstreamStatus' | 'state' | 'error'> }) {
  if (row.status === undefined) return <span className="status pending">{row.error ? 'failed' : row.state === 'pending' ? '…' : row.state}</span>;
  if (row.upstreamStatus !== undefined) {
    return (
      <span className={`status changed ${statusClass(row.status)}`} title={`The upstream answered ${row.upstreamStatus}; a rule or toggle changed it to ${row.status}`}>
        was {row.upstreamStatus} → now {row.status}
      </span>
    );
  }
  return <span className={`status ${statusClass(row.status)}`}>{row.status}</span>;
}

function Row({ row, selected, onSelect }: { row: ExchangeSummary; selected: boolean; onSelect: () => void }) {
  const className = ['row', selected ? 'selected' : '', row.paused ? 'paused' : '', row.error ? 'failed' : '', row.appliedRules.length ? 'ruled' : ''].join(' ');
  return (
    <div className={className} role="row" aria-selected={selected} data-testid="row" data-id={row.id} data-phase={row.phase} data-status={row.status ?? ''} onClick={onSelect} style={{ height: ROW_HEIGHT }}>
      <span className="cell time">{time(row.startedAt)}</span>
      <span className="cell method">{row.method}</span>
      <span className="cell path" title={row.url}>
        {row.url}
      </span>
      <span className="cell badge-cell">
        <span className={`badge phase-${row.phase}`} data-testid="phase-badge">
          {phaseBadge(row)}
        </span>
        {row.paused && <span className="badge paused-badge">paused</span>}
        {row.replayOf && <span className="badge replay-badge">replay</span>}
        {row.simulated && (
          <span className="badge sim-badge" title={`Sent by the simulator (run ${row.simulationRun ?? '?'})`}>
            sim
          </span>
        )}
        {row.lint && <LintBadge lint={row.lint} />}
      </span>
      <span className="cell status-cell" title={row.appliedRules.join('\n')}>
        <StatusCell row={row} />
      </span>
      <span className="cell duration">{row.state === 'streaming' ? `streaming · ${row.sseEventCount} events` : duration(row.durationMs)}</span>
      <span className="cell client" title={row.clientLabel}>
        {row.clientLabel}
      </span>
      <span className="cell session" title={row.sessionId ?? row.connectionId}>
        {shortId(row.sessionId ?? row.connectionId)}
      </span>
    </div>
  );
}

const PHASES = ['', 'discovery', 'dcr', 'authorize', 'token', 'jsonrpc', 'sse', 'delete'];
const STATUSES = ['', '2xx', '3xx', '4xx', '5xx', 'changed', 'pending'];
const LINT = ['', 'any', 'error', 'warning'];

export function FilterBar({ inputRef }: { inputRef: React.RefObject<HTMLInputElement | null> }) {
  const query = useApp((s) => s.query);
  const problems = useApp((s) => s.queryProblems);
  const setQuery = useApp((s) => s.setQuery);
  const model = useTimeline();
  const version = useApp((s) => s.version);
  const families = useMemo(() => [...model.families].sort(), [model, version]);
  const select = (key: string, options: string[], label: string) => (
    <label className="filter-select">
      {label}
      <select value={filterValue(query, key)} onChange={(e) => setQuery(withFilter(query, key, e.target.value))} aria-label={`Filter by ${label.toLowerCase()}`}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o || 'any'}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="filter-bar">
      <input
        ref={inputRef}
        type="search"
        placeholder="Filter: text, phase:token status:4xx client:claude-user session:… rpc:tools/call is:paused lint:error   ( / )"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label="Filter the timeline"
        title={FILTERS.map((f) => `${f.syntax} — ${f.description}`).join('\n')}
        list="filter-syntax"
      />
      <datalist id="filter-syntax">
        {FILTERS.map((f) => (
          <option key={f.key} value={`${f.key}:`}>
            {f.description}
          </option>
        ))}
      </datalist>
      {select('phase', PHASES, 'Phase')}
      {select('status', STATUSES, 'Status')}
      {select('client', ['', ...families], 'Client')}
      {select('lint', LINT, 'Lint')}
      <RunControls />
      {problems.length > 0 && (
        <span className="filter-problem" role="alert">
          {problems.join('; ')}
        </span>
      )}
    </div>
  );
}

export function Timeline({ filterRef }: { filterRef: React.RefObject<HTMLInputElement | null> }) {
  const model = useTimeline();
  useApp((s) => s.version);
  const selectedId = useApp((s) => s.selectedId);
  const select = useApp((s) => s.select);
  const status = useApp((s) => s.status);
  const source = useApp((s) => s.source);
  const liveWhileAway = useApp((s) => s.liveWhileAway);
  const backToLive = useApp((s) => s.backToLive);
  const query = useApp((s) => s.query);
  useApp((s) => s.grouped);
  const listRef = useRef<HTMLDivElement>(null);
  const visible = model.visible;
  // Rows under their run's header (or flat), with boundary dividers: see TimelineModel.display.
  const display = model.display;
  const selectedIndex = selectedId ? display.indexOf(selectedId) : -1;

  return (
    <div className="timeline-screen">
      {source.capture && (
        <div className="banner info">
          Showing the capture “{source.name}” from disk{liveWhileAway ? ` (${liveWhileAway} live updates since)` : ''}. <button onClick={() => void backToLive()}>Back to live</button>
        </div>
      )}
      <FilterBar inputRef={filterRef} />
      <div className="split">
        <div className="timeline" ref={listRef}>
          <div className="row header-row" role="row">
            <span className="cell time">Time</span>
            <span className="cell method">Method</span>
            <span className="cell path">Path</span>
            <span className="cell badge-cell">Phase</span>
            <span className="cell status-cell">Status</span>
            <span className="cell duration">Duration</span>
            <span className="cell client">Client</span>
            <span className="cell session">Session</span>
          </div>
          {model.size === 0 ? (
            <EmptyState status={status} capture={source.capture} />
          ) : visible.length === 0 ? (
            <div className="empty">
              <p>No exchange matches “{query}”.</p>
              <p className="hint">Clear the filter (Esc in the filter box) to see all {model.size}.</p>
            </div>
          ) : (
            <VirtualList
              label="Exchanges"
              count={display.length}
              rowHeight={ROW_HEIGHT}
              scrollToIndex={selectedIndex}
              renderRow={(index) => {
                const item = display.at(index);
                if (typeof item !== 'string') {
                  return item.kind === 'run' ? (
                    <RunHeader key={`run:${item.group.key}`} group={item.group} height={ROW_HEIGHT} />
                  ) : (
                    <BoundaryRow key={`boundary:${item.boundary.id}`} boundary={item.boundary} height={ROW_HEIGHT} />
                  );
                }
                return <Row key={item} row={model.byId.get(item)!} selected={item === selectedId} onSelect={() => select(item)} />;
              }}
            />
          )}
        </div>
        {selectedId && model.byId.get(selectedId) && <DetailPane summary={model.byId.get(selectedId)!} />}
      </div>
    </div>
  );
}
