import type { Boundary, ExchangeEvent } from './exchange';
import type { LintFinding } from './lint';
import type { TunnelNote, TunnelStatus } from './tunnel';

/**
 * The inspector's one event stream, in the order things happened: the recorder's exchange
 * lifecycle (start, updates, end), then what each part concluded from it. The capture writer,
 * the control API and the CLI subscribe to it (`Inspector.subscribe`); nothing polls.
 */
export type InspectorEvent =
  | ExchangeEvent
  /** Lint judged a finished exchange (it follows that exchange's end; a later exchange of its connection can add more). */
  | { type: 'lint:finding'; finding: LintFinding }
  /** The tunnel changed state (connecting, up, reconnecting, unreachable, failed, off). */
  | { type: 'tunnel:state'; status: TunnelStatus }
  /** A line for the tunnel's timeline: a state change or a finding of its checks. */
  | { type: 'tunnel:note'; note: TunnelNote; status: TunnelStatus }
  /** Two connections (or two runs of one) turned out to be one: `from` now answers to `into`. */
  | { type: 'connection:merged'; kind: 'connection' | 'run'; from: string; into: string }
  /** The user marked a boundary between runs: every client's next exchange begins a new run. */
  | { type: 'boundary:marked'; boundary: Boundary }
  /** The exchanges held in memory were forgotten (the capture on disk keeps them). */
  | { type: 'exchanges:cleared' }
  /** What the wire does changed: preset, profile fields, toggles, rules or the upstream. */
  | { type: 'behavior:changed'; what: 'profile' | 'toggles' | 'rules' | 'upstream' };

export type InspectorEventType = InspectorEvent['type'];
