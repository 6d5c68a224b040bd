import type { Rule } from './rules';
import type { Comparison } from './compare';
import type { BrowserLeg } from './browserGap';
import type { Boundary, ClientFamily, DiscoveryKind, Exchange, ExchangeState, MrtrRound, Phase } from './exchange';
import type { ExchangeOutcome, RunVerdict } from './outcome';
import type { LintFinding, LintRule, LintRuleId, LintSummary } from './lint';
import type { BehaviorPreset, BehaviorProfile } from './profile';
import type { ClientProfile, Scenario, ScenarioRunResult, SimulationResult } from './simulator';
import type { Toggle, ToggleSelection } from './toggles';
import type { TunnelStatus } from './tunnel';
import type { CommandInput as In, TunnelOpenParams } from './commandParams';

export type { CheckedParams, ReplayEdits, SimulateRunParams, TunnelOpenParams } from './commandParams';

// The one contract between the UI and the core. Every command is one entry in
// `ControlCommands` (its params and its result), one name in `COMMAND_NAMES` and one schema in
// `COMMAND_PARAMS` (commandParams.ts), from which its params type is derived; the core
// implements it once (core/control/handlers.ts) and two transports carry it unchanged:
// Electron IPC (preload → main/ipc.ts) and HTTP + SSE (core/control/httpServer.ts).
// Adding a command is one entry here, one name in the list below, one schema and one handler;
// the compiler says which is missing.

/** The upstream, and whether it answers. */
export interface UpstreamStatus {
  /** Where the front door forwards to. */
  url?: string;
  builtIn: boolean;
  /** The front door also fronts the upstream's authorization server(s) (--intercept-as). */
  interceptAs?: boolean;
  health: 'up' | 'down' | 'unknown';
  /** Why it is down, in words for the user. */
  reason?: string;
}

export interface InspectorStatus {
  /** The MCP endpoint clients connect to, or undefined while not listening. */
  mcpUrl?: string;
  legacySseUrl?: string;
  /** The front door's port. */
  port?: number;
  publicOrigin?: string;
  upstream: UpstreamStatus;
  /** The public tunnel, while one is asked for (its state, URL, checks and notes). */
  tunnel?: TunnelStatus;
  /** A public URL given with --public-url and no tunnel: the user runs their own. */
  publicUrl?: string;
  /** Why the core is not listening (e.g. port in use), in words for the user. */
  error?: string;
  profile: BehaviorProfile;
  /** The preset the profile was last set from, while no field was changed since. */
  presetId?: string;
  toggles: ToggleSelection;
  rules: Rule[];
  /** The capture this run records into. */
  capture?: { id: string; name: string };
  /** Exchanges held in memory by the live recorder. */
  exchangeCount: number;
  /** Where settings and captures live. */
  dataDir?: string;
}

/**
 * One timeline row: the metadata of an exchange without its bodies (bodies are fetched with
 * `exchanges.get` when a row is opened, so a list of 100k rows stays small).
 */
export interface ExchangeSummary {
  id: string;
  /** Grows on every change of the exchange, so a stale copy never replaces a newer one. */
  revision: number;
  startedAt: number;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  phase: Phase;
  /** "PRM (path-suffixed)", "token: authorization_code", "tools/list". */
  label: string;
  /** Which well-known document a discovery request asked for. */
  discovery?: DiscoveryKind;
  /** The token request's grant_type. */
  grantType?: string;
  /** JSON-RPC methods the request carried. */
  rpcMethods: string[];
  /** tools/call tool name, prompts/get name, resources/read uri. */
  rpcTarget?: string;
  /** Came through a tunnel or proxy (X-Forwarded-For / -Host present). */
  forwarded?: boolean;
  /** What the client saw. */
  status?: number;
  /** The upstream's own status when a rule or toggle changed it. */
  upstreamStatus?: number;
  state: ExchangeState;
  /** Milliseconds from start to end (or to now for a running exchange, at summary time). */
  durationMs?: number;
  clientFamily: ClientFamily;
  clientLabel: string;
  /** The client connection this exchange belongs to (session id, client id, token, …). */
  connectionId?: string;
  /** The run of that connection it belongs to (`ConnectionInfo.id`): a client that starts over begins a new run. */
  runId?: string;
  /** How it ended for the client (src/shared/outcome.ts: the one meaning of "failed"). */
  outcome: ExchangeOutcome;
  /** Why, in words: the error page's or JSON's reason for a failure. */
  outcomeReason?: string;
  /** The Mcp-Session-Id it carried or received. */
  sessionId?: string;
  sseEventCount: number;
  /** Why a rule changed this exchange, one sentence each. */
  appliedRules: string[];
  /** The toggles and rules that changed what the client saw, by name ("notifications → 204", a rule's id), once each. */
  changedBy?: string[];
  /**
   * A toggle or rule set the status the client saw: which one, and the status it replaced when
   * known (the upstream's own, or the spec answer a built-in server toggle replaced).
   */
  statusChange?: { by: string; was?: number };
  error?: string;
  paused?: Exchange['paused'];
  replayOf?: string;
  simulated?: boolean;
  /** The simulator run that sent it (`simulate.run` returns the same id). */
  simulationRun?: string;
  /** Its round in a multi-round-trip request (2026-07-28 input_required and retries): rows of one conversation share `mrtr.conversation`. */
  mrtr?: MrtrRound;
  /** Its leg of the browser's trip to another origin's authorization server (shared/browserGap.ts): the timeline pairs them into gaps. */
  browserLeg?: BrowserLeg;
  /**
   * Lint findings on this exchange, counted (absent: none). A finding can arrive after the
   * exchange ended (a later exchange of its connection makes the case): the row is then sent
   * again with a higher revision, so the timeline needs no separate finding events.
   */
  lint?: RowLint;
}

/** What a timeline row needs of its lint findings: counts for the badge, rule ids for the filter. */
export interface RowLint {
  errors: number;
  warnings: number;
  infos: number;
  rules: LintRuleId[];
}

/**
 * One client run of a source (a connection's attempt from its start to where it started over),
 * for the timeline's groups, the handshake and compare pickers. Handshake, compare and
 * `lint.findings` take its `id` (or a whole connection's id) as `connectionId`.
 */
export interface ConnectionInfo extends RunVerdict {
  /** The run's id. */
  id: string;
  /** The client connection it belongs to: runs of one client (same token, client id or session) share it. */
  connectionId: string;
  /** Its number among the connection's runs, from 1, and how many the connection has. */
  run: number;
  runs: number;
  /** Why this run began: the connection's first exchange, the client starting over, or a boundary the user marked. */
  startedBy: 'first' | 'start-over' | 'boundary';
  /** The client as its exchanges name it ("Claude Code 2.1.204", "MCP SDK 1.32 (node)"), never a bare address. */
  client: string;
  exchanges: number;
  startedAt: number;
  /** When its last exchange started. */
  lastAt: number;
  /** Every exchange was sent by the simulator (the run id when it was one run). */
  simulated?: boolean;
  simulationRun?: string;
  lint: LintSummary;
}

/** A client connection in the live session or in a capture. */
export type ConnectionRef = ExchangeSource & { connectionId: string };

/** A client profile as the Simulate screen lists it: who, which variant, when observed, from where. */
export type ClientProfileInfo = Pick<ClientProfile, 'id' | 'family' | 'isDefault' | 'client' | 'variant' | 'observed' | 'sources' | 'notes' | 'transport' | 'driver'>;

export interface CaptureInfo {
  id: string;
  name: string;
  createdAt: number;
  exchanges: number;
  sizeBytes: number;
  /** The capture this run is recording into. */
  live: boolean;
}

/** Where the timeline's rows come from: the live recorder, or a capture opened from disk. */
export type ExchangeSource = { capture?: string };

/** Settings kept between runs in the data dir (settings.json). */
export interface Settings {
  /** The developer's own server; absent means the built-in reference server. */
  upstream?: string;
  /** The upstreams whose authorization servers the front door fronts (--intercept-as), remembered per upstream. */
  interceptAs?: string[];
  /** The front door's port at the next start. */
  port?: number;
  toggles?: ToggleSelection;
  rules?: Rule[];
  presetId?: string;
  /** The tunnel last chosen in the UI (never its ngrok auth token); see SavedTunnel. */
  tunnel?: SavedTunnel;
}

/** What a rule file or editor text would do, without applying it. */
export interface RulesCheck {
  ok: boolean;
  /** One per problem, with its place (`rules[0].steps.0.status: …`). */
  problems: string[];
}

export interface ControlCommands {
  'status': { params: In<'status'>; result: InspectorStatus };
  'settings.get': { params: In<'settings.get'>; result: Settings };
  /** Switches the upstream now (null: the built-in server); saved for the next start. */
  'upstream.set': { params: In<'upstream.set'>; result: InspectorStatus };
  /** Saves the front door's port for the next start (the port in use can't change under clients). */
  'port.set': { params: In<'port.set'>; result: Settings };
  'presets.list': { params: In<'presets.list'>; result: BehaviorPreset[] };
  'preset.apply': { params: In<'preset.apply'>; result: InspectorStatus };
  'profile.set': { params: In<'profile.set'>; result: InspectorStatus };
  'toggles.list': { params: In<'toggles.list'>; result: Toggle[] };
  'toggles.set': { params: In<'toggles.set'>; result: InspectorStatus };
  'rules.check': { params: In<'rules.check'>; result: RulesCheck };
  'rules.set': { params: In<'rules.set'>; result: InspectorStatus };
  'exchanges.list': { params: In<'exchanges.list'>; result: ExchangeSummary[] };
  /** The whole exchange, bodies included; null when it is no longer kept. */
  'exchanges.get': { params: In<'exchanges.get'>; result: Exchange | null };
  /** Ids of the exchanges whose URL, headers, bodies or SSE data contain the text (case-insensitive). */
  'exchanges.search': { params: In<'exchanges.search'>; result: string[] };
  /** Forgets the live exchanges held in memory (the capture on disk keeps them). */
  'exchanges.clear': { params: In<'exchanges.clear'>; result: InspectorStatus };
  'exchanges.replay': { params: In<'exchanges.replay'>; result: { status: number; exchangeId?: string } };
  /** Lets an exchange held at a breakpoint go on, maybe edited. */
  'breakpoints.resume': { params: In<'breakpoints.resume'>; result: { resumed: boolean } };
  'captures.list': { params: In<'captures.list'>; result: CaptureInfo[] };
  'captures.rename': { params: In<'captures.rename'>; result: CaptureInfo[] };
  'captures.delete': { params: In<'captures.delete'>; result: CaptureInfo[] };
  /** A HAR 1.2 file of a capture (the live one when no id); secrets redacted unless redact is false. */
  'captures.exportHar': { params: In<'captures.exportHar'>; result: { fileName: string; har: string; exchanges: number } };
  'captures.importHar': { params: In<'captures.importHar'>; result: CaptureInfo };
  /** Opens (or replaces) the public tunnel; its progress arrives as `status` events. */
  'tunnel.open': { params: In<'tunnel.open'>; result: InspectorStatus };
  'tunnel.close': { params: In<'tunnel.close'>; result: InspectorStatus };
  /** The tunnel with its notes, also while off (then the last run's notes, if any). */
  'tunnel.status': { params: In<'tunnel.status'>; result: TunnelStatus };
  /** Checks the public URL again (reachability per client kind, SSE self-test); resolves when done. */
  'tunnel.recheck': { params: In<'tunnel.recheck'>; result: TunnelStatus };
  /** Opens the last tunnel again at once, with the same options (after `failed`, or to skip a backoff wait). */
  'tunnel.retry': { params: In<'tunnel.retry'>; result: InspectorStatus };
  /** A connector was just added: warn again if no request arrives within the idle window. */
  'tunnel.expectRequest': { params: In<'tunnel.expectRequest'>; result: TunnelStatus };
  /** The lint rule catalogue: id, severity, title, why, sources, clients it breaks, fix. */
  'lint.rules': { params: In<'lint.rules'>; result: LintRule[] };
  /**
   * Findings of one exchange, or of one connection (with its summary), or of the whole source.
   * Captures are judged when opened, by the same rules as the live session.
   */
  'lint.findings': { params: In<'lint.findings'>; result: { findings: LintFinding[]; summary?: LintSummary } };
  /** The client connections of a source, newest first. */
  'connections.list': { params: In<'connections.list'>; result: ConnectionInfo[] };
  /**
   * Marks a boundary now ("before toggle" | "after toggle"): every client's next exchange begins
   * a new run. The mark is an event in the capture and in the timeline.
   */
  'boundaries.mark': { params: In<'boundaries.mark'>; result: Boundary };
  /** The boundaries marked in a source, oldest first. */
  'boundaries.list': { params: In<'boundaries.list'>; result: Boundary[] };
  'simulate.profiles': { params: In<'simulate.profiles'>; result: ClientProfileInfo[] };
  /** Runs a client profile (through the front door by default); its exchanges are recorded, marked simulated. */
  /** With `compareWith`: the simulated run aligned with that real client's run, profile on the left. */
  'simulate.run': { params: In<'simulate.run'>; result: SimulationResult & { comparison?: Comparison } };
  'scenarios.list': { params: In<'scenarios.list'>; result: Scenario[] };
  /**
   * Runs a bug-report scenario in an inspector of its own (its server must misbehave without
   * touching this one's toggles and rules); its exchanges go to a capture of their own.
   */
  'scenarios.run': { params: In<'scenarios.run'>; result: ScenarioRunResult };
  /** Two connections side by side, aligned by handshake stage, with what differs. */
  'compare.connections': { params: In<'compare.connections'>; result: Comparison };
}

/**
 * The tunnel form as last used in the UI, kept in settings.json. `serve` (and the desktop app)
 * open it again at the next start when `open` is true and no tunnel flag is given. The ngrok
 * auth token is deliberately absent: it stays in NGROK_AUTHTOKEN or is typed again.
 */
export interface SavedTunnel extends Omit<TunnelOpenParams, 'authtoken'> {
  /** Whether the tunnel was running when last changed (Stop clears it, keeping the form). */
  open: boolean;
}

export type CommandName = keyof ControlCommands;
export type CommandParams<K extends CommandName> = ControlCommands[K]['params'];
export type CommandResult<K extends CommandName> = ControlCommands[K]['result'];

/** Every command, checked against the contract both ways by the `satisfies` below. */
const COMMANDS = {
  'status': true,
  'settings.get': true,
  'upstream.set': true,
  'port.set': true,
  'presets.list': true,
  'preset.apply': true,
  'profile.set': true,
  'toggles.list': true,
  'toggles.set': true,
  'rules.check': true,
  'rules.set': true,
  'exchanges.list': true,
  'exchanges.get': true,
  'exchanges.search': true,
  'exchanges.clear': true,
  'exchanges.replay': true,
  'breakpoints.resume': true,
  'captures.list': true,
  'captures.rename': true,
  'captures.delete': true,
  'captures.exportHar': true,
  'captures.importHar': true,
  'tunnel.open': true,
  'tunnel.close': true,
  'tunnel.status': true,
  'tunnel.recheck': true,
  'tunnel.retry': true,
  'tunnel.expectRequest': true,
  'lint.rules': true,
  'lint.findings': true,
  'connections.list': true,
  'boundaries.mark': true,
  'boundaries.list': true,
  'simulate.profiles': true,
  'simulate.run': true,
  'scenarios.list': true,
  'scenarios.run': true,
  'compare.connections': true,
} as const satisfies Record<CommandName, true>;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(COMMANDS, name);
}

/** What the core pushes to the UI, in batches (one message per batch on either transport). */
export type ControlEvent =
  /** An exchange started or changed: the newest summary (upsert by id, highest revision wins). */
  | { type: 'exchange'; exchange: ExchangeSummary }
  /** Two client connections turned out to be one (a token tied DCR to a session): `from` is now `into`. */
  | { type: 'connection-merged'; from: string; into: string }
  /** Two runs turned out to be one (a browser's authorize leg tied to its client by a code or state): `from` is now `into`. */
  | { type: 'run-merged'; from: string; into: string }
  /** The user marked a boundary between runs. */
  | { type: 'boundary'; boundary: Boundary }
  /** The live exchanges were cleared. */
  | { type: 'cleared' }
  /** Captures were added, renamed or deleted; `imported` names a capture just imported. */
  | { type: 'captures-changed'; imported?: CaptureInfo }
  /** Something in the status changed (toggles, rules, upstream health, tunnel). */
  | { type: 'status'; status: InspectorStatus };

/** A command failure as it crosses a transport: the message is meant for the user. */
export interface CommandFailure {
  message: string;
  /** `invalid-params`, `not-found`, `failed`. */
  code: 'invalid-params' | 'not-found' | 'failed';
}

/** What the renderer talks to, whatever the transport. */
export interface ControlClient {
  call<K extends CommandName>(name: K, ...params: CommandParams<K> extends undefined ? [] : [CommandParams<K>]): Promise<CommandResult<K>>;
  /** Receives event batches until the returned function is called. */
  subscribe(listener: (events: ControlEvent[]) => void, onConnection?: (state: ConnectionState) => void): () => void;
}

/** The event stream's health as the UI sees it (IPC is always open; HTTP can drop and retry). */
export type ConnectionState = { state: 'open' } | { state: 'reconnecting'; reason: string } | { state: 'unauthorized'; reason: string };

export type CommandEnvelope<K extends CommandName = CommandName> = { ok: true; result: CommandResult<K> } | { ok: false; error: CommandFailure };

/**
 * What the preload exposes as `window.inspector`: one named function per command, each
 * invoking the one command channel, plus `onEvents`. Failures come back as envelopes so the
 * user reads the core's message, not Electron's "Error invoking remote method" wrapper.
 */
export type InspectorBridge = { readonly [K in CommandName]: (params?: CommandParams<K>) => Promise<CommandEnvelope<K>> } & {
  onEvents(listener: (events: ControlEvent[]) => void): () => void;
};

/** IPC channel names: the only ones the preload uses. */
export const IPC_CHANNELS = {
  command: 'inspector:command',
  events: 'inspector:events',
} as const;

/** HTTP paths of the headless control API (served on the UI port only, never the proxy's). */
export const HTTP_API = {
  commandPrefix: '/api/commands/',
  events: '/api/events',
  tokenCookie: 'mhi_token',
} as const;
