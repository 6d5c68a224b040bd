import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Boundary } from '../../../shared/exchange';
import { nameClient, rowSighting } from '../../../shared/clientName';
import { runVerdict, type RunVerdict } from '../../../shared/outcome';
import { duration, time } from './format';

// Client runs as the UI names them: who (the client as its exchanges call it), which run of its
// connection, why it began, when, and how it went (src/shared/outcome.ts's `runVerdict`, the
// one meaning of "failed"). The timeline's group headers, the handshake's run list and the
// compare pickers all use these words, so one run reads the same everywhere.

/** What a run is, computed from its rows (live: recomputed as rows arrive). */
export interface RunDescription {
  /** The run id (`run:…`), or '' for rows that belong to no run. */
  id: string;
  /** The connection it belongs to (merges followed), when known. */
  connectionId?: string;
  client: string;
  /** Its number among its connection's runs, from 1, and how many the connection has. */
  run: number;
  runs: number;
  startedBy: 'first' | 'start-over' | 'boundary';
  /** The boundary that began it (for `boundary`). */
  boundary?: Boundary;
  startedAt: number;
  /** When its last exchange ended (or now-ish for one still running: its last start). */
  endedAt: number;
  exchanges: number;
  verdict: RunVerdict;
  lint: { errors: number; warnings: number };
  simulated: boolean;
}

/** The client a run's rows name best (src/shared/clientName.ts, as the core names runs). */
export function runClient(rows: readonly ExchangeSummary[]): string {
  return nameClient(rows.map(rowSighting)).name;
}

/** The clientInfo name an initialize (or a 2026-07-28 server/discover) carried, if the run has one. */
export function namedClient(rows: readonly ExchangeSummary[]): string | undefined {
  const { name, named } = nameClient(rows.map(rowSighting));
  return named ? name : undefined;
}

/**
 * Verdict, client, span and lint of one run's rows (any order). `knownClient`: the name an
 * earlier run of the same connection gave (a client that goes on after a boundary sends no
 * initialize, only its User-Agent).
 */
export function judgeRun(rows: readonly ExchangeSummary[], knownClient?: string): Pick<RunDescription, 'client' | 'verdict' | 'startedAt' | 'endedAt' | 'exchanges' | 'lint' | 'simulated'> {
  let startedAt = Infinity;
  let endedAt = 0;
  let errors = 0;
  let warnings = 0;
  let simulated = rows.length > 0;
  for (const r of rows) {
    startedAt = Math.min(startedAt, r.startedAt);
    endedAt = Math.max(endedAt, r.startedAt + (r.durationMs ?? 0));
    errors += r.lint?.errors ?? 0;
    warnings += r.lint?.warnings ?? 0;
    simulated &&= !!r.simulated;
  }
  const { name, named } = nameClient(rows.map(rowSighting));
  return { client: named ? name : (knownClient ?? name), verdict: runVerdict(rows), startedAt: rows.length ? startedAt : 0, endedAt, exchanges: rows.length, lint: { errors, warnings }, simulated };
}

/** "✓ complete", "✗ failed at GET stream: 501 …", "… in progress: waiting for token". */
export function verdictText(verdict: RunVerdict, options: { long?: boolean } = {}): string {
  switch (verdict.outcome) {
    case 'complete':
      return '✓ complete';
    case 'failed':
      return `✗ failed at ${verdict.step ?? 'a step'}${verdict.reason ? `: ${verdict.reason}` : ''}`;
    default:
      return options.long && verdict.reason ? `… in progress: ${verdict.reason}` : `… in progress${verdict.step ? ` (${verdict.step})` : ''}`;
  }
}

/** The short verdict for a picker: "✗ failed at GET stream" without the reason. */
export function verdictShort(verdict: RunVerdict): string {
  if (verdict.outcome === 'failed') return `✗ failed at ${verdict.step ?? 'a step'}`;
  if (verdict.outcome === 'complete') return '✓ complete';
  return '… in progress';
}

/** Why a run began, in words: "" for a connection's first run. */
export function startedByText(run: Pick<RunDescription, 'startedBy' | 'boundary'>): string {
  if (run.startedBy === 'start-over') return 'started over';
  if (run.startedBy === 'boundary') return run.boundary?.label ? `after boundary “${run.boundary.label}”` : 'after a boundary';
  return '';
}

/** "run 2 of 3", or "" for a connection with one run. */
export function runOfText(run: Pick<RunDescription, 'run' | 'runs'>): string {
  return run.runs > 1 ? `run ${run.run} of ${run.runs}` : 'run 1';
}

/**
 * A run's identity in one line, never a bare address: "Claude Code 2.1.204 · run 2 of 3 ·
 * 12:03:04 · ✗ failed at GET stream". The handshake's run list and the compare pickers use it.
 */
export function runLabel(run: Pick<RunDescription, 'client' | 'run' | 'runs' | 'startedAt' | 'verdict'> & { simulated?: boolean }): string {
  return [run.client, runOfText(run), time(run.startedAt).slice(0, 8), verdictShort(run.verdict), run.simulated ? 'simulated' : ''].filter(Boolean).join(' · ');
}

/** How long a run took, from its first request to its last answer. */
export function runDuration(run: Pick<RunDescription, 'startedAt' | 'endedAt'>): string {
  return duration(Math.max(0, run.endedAt - run.startedAt));
}

/** "boundary 12:03:04", the label a boundary gets when the user gives none. */
export function defaultBoundaryLabel(at = Date.now()): string {
  return `boundary ${time(at).slice(0, 8)}`;
}
