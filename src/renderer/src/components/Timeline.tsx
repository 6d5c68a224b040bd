import { useMemo, useRef } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import { FILTERS, filterValue, withFilter } from '../lib/filters';
import { duration, phaseBadge, shortId, time } from '../lib/format';
import { useApp, useTimeline } from '../state/store';
import { isFailed } from '../../../shared/outcome';
import { DetailPane } from './DetailPane';
import { ResizableDetail } from './Split';
import { StatusCell, statusTitle } from './StatusChips';
import { EmptyState } from './EmptyState';
import { LintBadge } from './Lint';
import { BoundaryRow, RunControls, RunHeader } from './Runs';
import { roundTitle } from './MrtrSection';
import { VirtualList } from './VirtualList';
import { GapRow } from './BrowserGap';

export const ROW_HEIGHT = 26;

export { StatusCell } from './StatusChips';

function Row({ row, index, selected, onSelect, runClient, rounds }: { row: ExchangeSummary; index: number; selected: boolean; onSelect: () => void; runClient?: string; rounds?: number }) {
  // A row with only a User-Agent ("node") shows the name its run's client gave in initialize.
  const client = row.clientFamily === 'unknown' && runClient ? runClient : row.clientLabel;
  const retry = (row.mrtr?.round ?? 1) > 1;
  const className = ['row', selected ? 'selected' : '', row.paused ? 'paused' : '', isFailed(row.outcome) ? 'failed' : '', row.appliedRules.length ? 'ruled' : '', retry ? 'mrtr-retry' : ''].join(' ');
  return (
    <div className={className} role="row" aria-rowindex={index + 2} aria-selected={selected} data-testid="row" data-id={row.id} data-phase={row.phase} data-status={row.status ?? ''} data-outcome={row.outcome} onClick={onSelect} style={{ height: ROW_HEIGHT }}>
      <span role="gridcell" className="cell time">{time(row.startedAt)}</span>
      <span role="gridcell" className="cell method">{row.method}</span>
      <span role="gridcell" className="cell path" title={row.url}>
        {row.url}
      </span>
      <span role="gridcell" className="cell badge-cell">
        <span className={`badge phase-${row.phase}`} data-testid="phase-badge">
          {phaseBadge(row)}
        </span>
        {row.mrtr && (
          // Compact in the row ("↳ 2/3"); the tooltip and the detail pane say "round 2 of 3".
          <span className="badge mrtr-badge" data-testid="mrtr-badge" data-round={row.mrtr.round} title={`${roundTitle(row, rounds ?? row.mrtr.round)}: one round of a multi-round-trip request (the server answered input_required; the client retries with inputResponses)`}>
            {retry && <span aria-hidden="true">↳ </span>}
            {row.mrtr.round}/{rounds ?? '?'}
          </span>
        )}

        {row.paused && <span className="badge paused-badge">paused</span>}
        {row.replayOf && <span className="badge replay-badge">replay</span>}
        {row.simulated && (
          <span className="badge sim-badge" title={`Sent by the simulator (run ${row.simulationRun ?? '?'})`}>
            sim
          </span>
        )}
        {row.lint && <LintBadge lint={row.lint} />}
      </span>
      <span role="gridcell" className="cell status-cell" title={statusTitle(row)}>
        <StatusCell row={row} />
      </span>
      <span role="gridcell" className="cell duration">{row.state === 'streaming' ? `streaming · ${row.sseEventCount} events` : duration(row.durationMs)}</span>
      <span role="gridcell" className="cell client" title={client === row.clientLabel ? row.clientLabel : `${client} (User-Agent: ${row.clientLabel})`}>
        {client}
      </span>
      <span role="gridcell" className="cell session" title={row.sessionId ? `Mcp-Session-Id ${row.sessionId}` : 'No session yet: the server has not issued an Mcp-Session-Id to this client'}>
        {row.sessionId ? shortId(row.sessionId) : '—'}
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
  // Rows under their run's header (or flat), with boundary dividers and browser gaps: see TimelineModel.display.
  const display = model.display;
  const selectedIndex = selectedId ? display.indexOf(selectedId) : -1;
  /** The header and the lines form one grid while there are rows to show. */
  const grid = visible.length > 0;

  return (
    <div className="timeline-screen">
      {source.capture && (
        <div className="banner info">
          Showing the capture “{source.name}” from disk{liveWhileAway ? ` (${liveWhileAway} live updates since)` : ''}. <button onClick={() => void backToLive()}>Back to live</button>
        </div>
      )}
      <FilterBar inputRef={filterRef} />
      <div className="split">
        <div className="timeline" ref={listRef} role={grid ? 'grid' : undefined} aria-label={grid ? 'Exchanges' : undefined} aria-rowcount={grid ? display.length + 1 : undefined}>
          <div role={grid ? 'rowgroup' : undefined}>
            <div className="row header-row" role={grid ? 'row' : undefined} aria-rowindex={grid ? 1 : undefined}>
              <span role={grid ? 'columnheader' : undefined} className="cell time">Time</span>
              <span role={grid ? 'columnheader' : undefined} className="cell method">Method</span>
              <span role={grid ? 'columnheader' : undefined} className="cell path">Path</span>
              <span role={grid ? 'columnheader' : undefined} className="cell badge-cell">Phase</span>
              <span role={grid ? 'columnheader' : undefined} className="cell status-cell">Status</span>
              <span role={grid ? 'columnheader' : undefined} className="cell duration">Duration</span>
              <span role={grid ? 'columnheader' : undefined} className="cell client">Client</span>
              <span role={grid ? 'columnheader' : undefined} className="cell session">Session</span>
            </div>
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
              role="rowgroup"
              count={display.length}
              rowHeight={ROW_HEIGHT}
              scrollToIndex={selectedIndex}
              renderRow={(index) => {
                const item = display.at(index);
                if (typeof item !== 'string') {
                  if (item.kind === 'gap') return <GapRow key={`gap:${item.gap.authorizeId}`} gap={item.gap} height={ROW_HEIGHT} rowIndex={index + 2} />;
                  return item.kind === 'run' ? (
                    <RunHeader key={`run:${item.group.key}`} group={item.group} height={ROW_HEIGHT} rowIndex={index + 2} />
                  ) : (
                    <BoundaryRow key={`boundary:${item.boundary.id}`} boundary={item.boundary} height={ROW_HEIGHT} rowIndex={index + 2} />
                  );
                }
                const row = model.byId.get(item)!;
                return (
                  <Row
                    key={item}
                    row={row}
                    index={index}
                    selected={item === selectedId}
                    onSelect={() => select(item)}
                    runClient={row.clientFamily === 'unknown' ? model.runClientOf(item) : undefined}
                    rounds={row.mrtr ? model.conversation(row.mrtr.conversation).length : undefined}
                  />
                );
              }}
            />
          )}
        </div>
        {selectedId && model.byId.get(selectedId) && (
          <ResizableDetail>
            <DetailPane summary={model.byId.get(selectedId)!} />
          </ResizableDetail>
        )}
      </div>
    </div>
  );
}
