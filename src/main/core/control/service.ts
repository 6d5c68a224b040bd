import type {
  CaptureInfo,
  CommandEnvelope,
  CommandFailure,
  CommandName,
  CommandParams,
  CommandResult,
  ConnectionInfo,
  ConnectionRef,
  ControlEvent,
  ExchangeSource,
  ExchangeSummary,
  InspectorStatus,
  UpstreamStatus,
} from '../../../shared/controlApi';
import { isCommandName } from '../../../shared/controlApi';
import type { Boundary, Exchange, ExchangeEvent } from '../../../shared/exchange';
import type { LintFinding } from '../../../shared/lint';
import type { Rule } from '../../../shared/rules';
import { compareConnections } from '../compare/compare';
import type { Inspector } from '../inspector';
import { groupConnections, lintExchanges, summarize as summarizeLint } from '../lint/engine';
import { LINT_RULE_DEFINITIONS } from '../lint/rules';
import { InvalidRulesError, parseRules } from '../proxy/rules';
import { TOGGLES, UnknownToggleError } from '../proxy/toggles';
import { fromHar, toHar } from '../recorder/har';
import { CaptureNotFoundError, InvalidCaptureIdError } from '../recorder/captureStore';
import { describeRuns, isRunId, type Merge } from '../recorder/runs';
import { InvalidProfileError } from '../server/profile';
import { PRESETS, UnknownPresetError } from '../server/presets';
import { runScenario } from '../scenarioRunner';
import { checkUrl, PROFILES, profileById, SimulationInputError, UnknownClientError } from '../simulator';
import { scenarioById, SCENARIOS, UnknownScenarioError } from '../simulator/scenarios';
import { COMMAND_PARAMS } from './params';
import { tunnelToSave, type SettingsStore } from './settings';
import type { SupervisorTuning } from '../tunnel';
import { ensureConversations } from '../recorder/mrtr';
import { exchangeContains, summarize } from './summary';
import { probeUpstream } from './upstreamHealth';

// The control API, implemented once. Transports (Electron IPC, HTTP + SSE) only call
// `invoke` with untrusted input and forward `subscribe`'s event batches.

/** A failure whose message is meant for the user, with a code the transports map to statuses. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: CommandFailure['code'] = 'failed',
  ) {
    super(message);
  }
}

export interface ControlServiceOptions {
  /** Saves what the user changes between runs; absent in tests that don't care. */
  settings?: SettingsStore;
  /** Why the inspector did not start (port in use, …), shown by the UI. */
  startError?: string;
  /** The preset the profile started from. */
  presetId?: string;
  /** How often queued events go out, ms (default 50): many exchange updates become one message. */
  flushMs?: number;
  /** How often the upstream is probed while someone listens, ms (default 15 s; 0: never). */
  healthIntervalMs?: number;
  version?: string;
  /** How tunnels opened through `tunnel.open` are retried and checked (the defaults suit real tunnels; tests shorten them). */
  tunnelTuning?: SupervisorTuning;
}

type Handlers = { [K in CommandName]: (params: CommandParams<K>) => Promise<CommandResult<K>> };


/** Search results are ids for a filter: beyond this many the filter is not useful anyway. */
const MAX_SEARCH_RESULTS = 20_000;
/** Captures kept open at once: the timeline's, and the two sides of a comparison. */
const MAX_OPEN_CAPTURES = 3;
/**
 * Captures up to this size are linted when opened. Connection rules look at a connection's
 * earlier exchanges, so the cost grows faster than the size; `lint <capture>` in the CLI
 * judges a larger one.
 */
const MAX_LINTED_CAPTURE = 20_000;

/** A capture read from disk: its exchanges regrouped into connections and judged once. */
interface OpenedCapture {
  exchanges: Exchange[];
  boundaries: Boundary[];
  byId: Map<string, Exchange>;
  connectionOf: Map<string, string | undefined>;
  runOf: Map<string, string | undefined>;
  findings: Map<string, LintFinding[]>;
  linted: boolean;
}

/** The exchanges of a source with their connections and findings, live or from a capture. */
interface SourceView {
  /** "live session" or the capture id, for comparisons. */
  name: string;
  list: Exchange[];
  get(id: string): Exchange | undefined;
  connectionOf(exchange: Exchange): string | undefined;
  /** The run of its connection an exchange belongs to. */
  runOf(exchange: Exchange): string | undefined;
  /** The current id of a connection id the UI may have seen before a merge. */
  resolveConnection(id: string): string;
  boundaries: Boundary[];
  findingsFor(exchangeId: string): LintFinding[];
  /** False for a capture too large to lint when opened. */
  linted: boolean;
  row(exchange: Exchange): ExchangeSummary;
}

export class ControlService {
  private readonly listeners = new Set<(events: ControlEvent[]) => void>();
  /** Exchanges changed since the last flush, by id: one summary each per batch. */
  private readonly dirty = new Map<string, Exchange>();
  private queued: ControlEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private revision = 0;
  private readonly revisions = new WeakMap<Exchange, number>();
  private presetId?: string;
  private health: Pick<UpstreamStatus, 'health' | 'reason'> = { health: 'unknown' };
  private captureName?: string;
  /** Captures read from disk, least recently used first. */
  private readonly opened = new Map<string, OpenedCapture>();
  private readonly detach: () => void;

  constructor(
    readonly inspector: Inspector,
    private readonly options: ControlServiceOptions = {},
  ) {
    this.presetId = options.presetId ?? options.settings?.get().presetId ?? 'spec';
    const onEvent = (event: ExchangeEvent): void => this.onExchangeEvent(event);
    // Notes (checks, queue, idle) change the tunnel without a state change: they go out too.
    const onTunnel = (): void => this.pushTunnelStatus();
    // A finding changes its exchange's row (badge, filter): the row goes out again.
    const onFinding = (finding: LintFinding): void => this.touch(finding.exchangeId);
    // Groups and runs merge as a handshake unfolds (a token ties DCR to the session): the UI hears which, as it happens.
    const onMerge = (merge: Merge): void => this.emit({ type: merge.kind === 'connection' ? 'connection-merged' : 'run-merged', from: merge.from, into: merge.into });
    inspector.recorder.on('event', onEvent);
    inspector.recorder.on('merge', onMerge);
    inspector.on('tunnel:state', onTunnel);
    inspector.on('tunnel:note', onTunnel);
    inspector.lint.on('lint:finding', onFinding);
    this.detach = () => {
      inspector.recorder.off('event', onEvent);
      inspector.recorder.off('merge', onMerge);
      inspector.off('tunnel:state', onTunnel);
      inspector.off('tunnel:note', onTunnel);
      inspector.lint.off('lint:finding', onFinding);
    };
    if (inspector.info?.upstreamIsBuiltIn) this.health = { health: 'up' };
  }

  /** Stops listening to the recorder and the timers; subscribers get nothing more. */
  close(): void {
    this.detach();
    clearTimeout(this.flushTimer);
    clearInterval(this.healthTimer);
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ transport side

  /** Runs a command from a transport: the name and params are checked, failures become envelopes. */
  async invoke(name: unknown, params: unknown): Promise<CommandEnvelope> {
    try {
      if (!isCommandName(name)) throw new CommandError(`Unknown command ${JSON.stringify(name)}`, 'not-found');
      const parsed = COMMAND_PARAMS[name].safeParse(params);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
        throw new CommandError(`Invalid parameters for ${name}: ${problems.join('; ')}`, 'invalid-params');
      }
      const handler = this.handlers[name] as (p: unknown) => Promise<unknown>;
      return { ok: true, result: (await handler(parsed.data)) as never };
    } catch (err) {
      return { ok: false, error: toFailure(err) };
    }
  }

  /** Receives event batches; the first subscriber starts the upstream health probe. */
  subscribe(listener: (events: ControlEvent[]) => void): () => void {
    this.listeners.add(listener);
    this.startHealthProbe();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.healthTimer);
        this.healthTimer = undefined;
      }
    };
  }

  private onExchangeEvent(event: ExchangeEvent): void {
    const exchange = event.type === 'exchange:update' ? this.inspector.recorder.get(event.id) : event.exchange;
    if (!exchange) return; // already evicted from memory
    this.markDirty(exchange);
    if (event.type === 'exchange:end') this.noticeUpstreamHealth(exchange);
  }

  private touch(exchangeId: string): void {
    const exchange = this.inspector.recorder.get(exchangeId);
    if (exchange) this.markDirty(exchange);
  }

  private markDirty(exchange: Exchange): void {
    this.revisions.set(exchange, ++this.revision);
    this.dirty.set(exchange.id, exchange);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.listeners.size === 0) {
      if (this.listeners.size === 0) this.dirty.clear(); // nobody listens: the list command has it all
      return;
    }
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 50);
  }

  private emit(event: ControlEvent): void {
    this.queued.push(event);
    this.scheduleFlush();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.queued;
    this.queued = [];
    for (const exchange of this.dirty.values()) events.push({ type: 'exchange', exchange: this.summary(exchange) });
    this.dirty.clear();
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (err) {
        process.emitWarning(`A control event subscriber failed: ${(err as Error).message}`);
      }
    }
  }

  private summary(exchange: Exchange): ExchangeSummary {
    const { recorder } = this.inspector;
    return summarize(exchange, this.revisions.get(exchange) ?? 0, recorder.connectionOf(exchange), this.inspector.lint.findingsFor(exchange.id), recorder.runOf(exchange));
  }

  /** Every exchange says something about the upstream: an answer means up, a refusal down. */
  private noticeUpstreamHealth(exchange: Exchange): void {
    const kind = exchange.error?.kind;
    if (kind === 'upstream-refused' || kind === 'upstream-timeout' || kind === 'upstream-reset') {
      this.setHealth({ health: 'down', reason: exchange.error!.message });
    } else if (exchange.response && !kind && (exchange.upstreamResponse || exchange.appliedRules.every((rule) => rule.byServer))) {
      // (a rule that answered by itself says nothing about the upstream; a toggle the built-in server carried out does)
      this.setHealth({ health: 'up' });
    }
  }

  private setHealth(next: Pick<UpstreamStatus, 'health' | 'reason'>): void {
    if (next.health === this.health.health && next.reason === this.health.reason) return;
    this.health = next;
    void this.pushStatus();
  }

  private startHealthProbe(): void {
    const every = this.options.healthIntervalMs ?? 15_000;
    if (this.healthTimer || every <= 0) return;
    const probe = async () => {
      const info = this.inspector.info;
      if (!info || info.upstreamIsBuiltIn) return;
      this.setHealth(await probeUpstream(info.upstream));
    };
    void probe();
    this.healthTimer = setInterval(() => void probe(), every);
    this.healthTimer.unref();
  }

  private tunnelPushQueued = false;

  /** A state change is a note and a state event at once: one status push per burst. */
  private pushTunnelStatus(): void {
    if (this.tunnelPushQueued) return;
    this.tunnelPushQueued = true;
    queueMicrotask(() => {
      this.tunnelPushQueued = false;
      void this.pushStatus();
    });
  }

  private async pushStatus(): Promise<InspectorStatus> {
    const status = await this.status();
    if (this.listeners.size) this.emit({ type: 'status', status });
    return status;
  }

  // ------------------------------------------------------------------ commands

  private async status(): Promise<InspectorStatus> {
    const { inspector } = this;
    const info = inspector.info;
    const publicUrl = inspector.server.publicUrl;
    const status: InspectorStatus = {
      mcpUrl: info?.mcpUrl,
      legacySseUrl: info?.legacySseUrl,
      port: info?.port,
      publicOrigin: info?.publicOrigin,
      upstream: { url: info?.upstream, builtIn: info?.upstreamIsBuiltIn ?? true, ...this.health },
      error: this.options.startError,
      profile: inspector.server.profile,
      presetId: this.presetId,
      toggles: { ...inspector.toggles },
      rules: inspector.rules,
      exchangeCount: inspector.recorder.list().length,
      dataDir: this.options.settings?.dataDir,
    };
    const tunnel = inspector.tunnelStatus;
    if (tunnel.state !== 'off') status.tunnel = tunnel;
    else if (publicUrl) status.publicUrl = new URL(publicUrl).origin; // --public-url: a tunnel the user runs themselves
    if (info?.captureId) status.capture = { id: info.captureId, name: await this.liveCaptureName(info.captureId) };
    return status;
  }

  private async liveCaptureName(id: string): Promise<string> {
    this.captureName ??= (await this.inspector.captures?.list())?.find((c) => c.id === id)?.name ?? id;
    return this.captureName;
  }

  private requireCaptures() {
    const store = this.inspector.captures;
    if (!store) throw new CommandError('Captures are off in this run (started with --no-capture)');
    return store;
  }

  private async captureList(): Promise<CaptureInfo[]> {
    const live = this.inspector.info?.captureId;
    const list = await this.requireCaptures().list();
    return list.map((c) => ({ ...c, live: c.id === live })).sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * The view that holds exchange `id`: the source itself, or, for a live exchange the recorder
   * has let go of (it keeps the latest ones in memory), this run's capture on disk.
   */
  private async viewHolding(id: string, source: ExchangeSource): Promise<SourceView | undefined> {
    const view = await this.exchangesOf(source);
    if (view.get(id)) return view;
    const live = this.inspector.info?.captureId;
    if (source.capture || !live) return undefined;
    // A snapshot of the growing live capture opened earlier may predate the exchange: reopen once.
    const cached = this.opened.get(live);
    const onDisk = await this.exchangesOf({ capture: live });
    if (onDisk.get(id) || !cached) return onDisk.get(id) ? onDisk : undefined;
    this.opened.delete(live);
    const fresh = await this.exchangesOf({ capture: live });
    return fresh.get(id) ? fresh : undefined;
  }

  /** The exchanges of a source: the live recorder, or a capture read from disk (kept while viewed). */
  private async exchangesOf(source: ExchangeSource): Promise<SourceView> {
    if (!source.capture) {
      const { recorder, lint } = this.inspector;
      return {
        name: 'live session',
        list: recorder.list(),
        get: (id) => recorder.get(id),
        connectionOf: (e) => recorder.connectionOf(e),
        runOf: (e) => recorder.runOf(e),
        resolveConnection: (id) => recorder.connectionRoot(id) ?? id,
        boundaries: recorder.boundaries(),
        findingsFor: (id) => lint.findingsFor(id),
        linted: true,
        row: (e) => this.summary(e),
      };
    }
    const id = source.capture;
    let opened = this.opened.get(id);
    if (opened) this.opened.delete(id); // (re-added below as the most recently used)
    else opened = await this.openCapture(id);
    this.opened.set(id, opened);
    if (this.opened.size > MAX_OPEN_CAPTURES) this.opened.delete(this.opened.keys().next().value!);
    const { byId, connectionOf, runOf, findings } = opened;
    const findingsFor = (exchangeId: string) => findings.get(exchangeId) ?? [];
    return {
      name: id,
      list: opened.exchanges,
      get: (exchangeId) => byId.get(exchangeId),
      connectionOf: (e) => connectionOf.get(e.id),
      runOf: (e) => runOf.get(e.id),
      resolveConnection: (connectionId) => connectionId,
      boundaries: opened.boundaries,
      findingsFor,
      linted: opened.linted,
      row: (e) => summarize(e, 0, connectionOf.get(e.id), findingsFor(e.id), runOf.get(e.id)),
    };
  }

  /** Reads a capture, regroups its connections over the whole file and lints it like live traffic. */
  private async openCapture(id: string): Promise<OpenedCapture> {
    let read: { exchanges: Exchange[]; boundaries: Boundary[] };
    try {
      read = await this.requireCaptures().read(id);
    } catch (err) {
      throw new CommandError(`Cannot open capture ${id}: ${(err as Error).message}`, 'not-found');
    }
    const { exchanges, boundaries } = read;
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    const findings = new Map<string, LintFinding[]>();
    const grouping = groupConnections(exchanges, boundaries);
    // Rounds of multi-round-trip requests in a capture written before the recorder linked them.
    ensureConversations(exchanges, (e) => grouping.connectionOf.get(e.id));
    const opened = { exchanges, boundaries, byId, connectionOf: grouping.connectionOf, runOf: grouping.runOf, findings };
    if (exchanges.length > MAX_LINTED_CAPTURE) return { ...opened, linted: false };
    const report = lintExchanges(exchanges, { grouping });
    for (const finding of report.findings) findings.set(finding.exchangeId, [...(findings.get(finding.exchangeId) ?? []), finding]);
    return { ...opened, linted: true };
  }

  /** The live capture grows while the app runs: read it afresh next time. */
  private forgetOpened(id: string | undefined): void {
    if (id) this.opened.delete(id);
  }

  /** The exchanges of a run (`run:…`) or of a whole connection. */
  private connectionMembers(view: SourceView, connectionId: string): Exchange[] {
    if (isRunId(connectionId)) return view.list.filter((e) => view.runOf(e) === connectionId);
    const id = view.resolveConnection(connectionId);
    return view.list.filter((e) => view.connectionOf(e) === id);
  }

  /** One entry per client run, newest first, each with its verdict. */
  private connectionList(view: SourceView): ConnectionInfo[] {
    const runs = new Map<string, Exchange[]>();
    for (const exchange of view.list) {
      const id = view.runOf(exchange);
      if (!id) continue;
      const members = runs.get(id);
      if (members) members.push(exchange);
      else runs.set(id, [exchange]);
    }
    return describeRuns([...runs].map(([id, members]) => ({ id, connectionId: view.connectionOf(members[0]!) ?? id, members })), view.boundaries, (members, id) => {
      const rows = members.map((e) => view.row(e));
      return { rows, lint: summarizeLint(id, members.length, members.flatMap((e) => view.findingsFor(e.id))) };
    });
  }

  private async connectionInput(ref: ConnectionRef) {
    const view = await this.exchangesOf(ref);
    const exchanges = this.connectionMembers(view, ref.connectionId);
    if (exchanges.length === 0) throw new CommandError(`No connection ${ref.connectionId} in ${ref.capture ? `capture ${ref.capture}` : 'this session'}`, 'not-found');
    return {
      source: `${view.name}#${ref.connectionId}`,
      connectionId: view.resolveConnection(ref.connectionId),
      exchanges,
      findings: exchanges.flatMap((e) => view.findingsFor(e.id)),
    };
  }

  private saveSettings(patch: Parameters<SettingsStore['update']>[0]): void {
    try {
      this.options.settings?.update(patch);
    } catch (err) {
      // Not saving is worth a warning, not a failed command: the change itself applied.
      process.emitWarning(`Settings could not be saved: ${(err as Error).message}`);
    }
  }

  private readonly handlers: Handlers = {
    'status': () => this.status(),
    'settings.get': async () => this.options.settings?.get() ?? {},
    'upstream.set': async ({ upstream }) => {
      if (!this.inspector.info) throw new CommandError(`The inspector is not running${this.options.startError ? `: ${this.options.startError}` : ''}`);
      try {
        await this.inspector.setUpstream(upstream ?? undefined);
      } catch (err) {
        throw new CommandError(`Cannot switch the upstream to ${upstream}: ${(err as Error).message}`, err instanceof TypeError ? 'invalid-params' : 'failed');
      }
      this.saveSettings({ upstream: this.inspector.info.upstreamIsBuiltIn ? undefined : this.inspector.info.upstream });
      this.health = this.inspector.info.upstreamIsBuiltIn ? { health: 'up' } : await probeUpstream(this.inspector.info.upstream);
      return this.pushStatus();
    },
    'port.set': async ({ port }) => {
      this.saveSettings({ port });
      return this.options.settings?.get() ?? { port };
    },
    'presets.list': async () => [...PRESETS],
    'preset.apply': async ({ presetId }) => {
      this.inspector.applyPreset(presetId);
      this.presetId = presetId;
      this.saveSettings({ presetId });
      return this.pushStatus();
    },
    'profile.set': async ({ patch }) => {
      this.inspector.updateProfile(patch);
      this.presetId = undefined;
      return this.pushStatus();
    },
    'toggles.list': async () => [...TOGGLES],
    'toggles.set': async ({ toggleId, optionId }) => {
      this.inspector.setToggle(toggleId, optionId);
      this.saveSettings({ toggles: { ...this.inspector.toggles } });
      return this.pushStatus();
    },
    'rules.check': async ({ rules }) => {
      try {
        parseRules(rules);
        return { ok: true, problems: [] };
      } catch (err) {
        if (!(err instanceof InvalidRulesError)) throw err;
        return { ok: false, problems: rulesProblems(err) };
      }
    },
    'rules.set': async ({ rules }) => {
      let parsed: Rule[];
      try {
        parsed = parseRules(rules);
      } catch (err) {
        if (err instanceof InvalidRulesError) throw new CommandError(err.message, 'invalid-params');
        throw err;
      }
      this.inspector.rules = parsed;
      this.saveSettings({ rules: parsed });
      return this.pushStatus();
    },
    'exchanges.list': async (source) => {
      const view = await this.exchangesOf(source);
      return view.list.map((e) => view.row(e));
    },
    // Live: from the recorder's window, or read back from this run's capture when it has let go.
    'exchanges.get': async ({ id, ...source }) => (source.capture ? (await this.viewHolding(id, source))?.get(id) : await this.inspector.recorder.exchange(id)) ?? null,
    'exchanges.search': async ({ text, ...source }) => {
      const needle = text.toLowerCase();
      const ids: string[] = [];
      for (const exchange of (await this.exchangesOf(source)).list) {
        if (exchangeContains(exchange, needle)) ids.push(exchange.id);
        if (ids.length >= MAX_SEARCH_RESULTS) break;
      }
      return ids;
    },
    'exchanges.clear': async () => {
      this.inspector.recorder.clear();
      this.dirty.clear();
      this.emit({ type: 'cleared' });
      return this.pushStatus();
    },
    'exchanges.replay': async ({ id, edits, ...source }) => {
      const exchange = (await this.viewHolding(id, source))?.get(id);
      if (!exchange) throw new CommandError(`No exchange ${id} ${source.capture ? `in capture ${source.capture}` : 'in this session'}`, 'not-found');
      return this.inspector.replay(exchange, edits);
    },
    'breakpoints.resume': async ({ id, edits }) => ({ resumed: this.inspector.resume(id, edits) }),
    'captures.list': () => this.captureList(),
    'captures.rename': async ({ id, name }) => {
      await this.requireCaptures().rename(id, name);
      if (id === this.inspector.info?.captureId) {
        this.captureName = name;
        void this.pushStatus();
      }
      this.emit({ type: 'captures-changed' });
      return this.captureList();
    },
    'captures.delete': async ({ id }) => {
      if (id === this.inspector.info?.captureId) throw new CommandError('This run is recording into that capture; delete it after the run, or from another run.');
      await this.requireCaptures().delete(id);
      this.forgetOpened(id);
      this.emit({ type: 'captures-changed' });
      return this.captureList();
    },
    'captures.exportHar': async ({ id, redact }) => {
      const captureId = id ?? this.inspector.info?.captureId;
      const exchanges = captureId ? (await this.exchangesOf({ capture: captureId })).list : this.inspector.recorder.list();
      if (captureId === this.inspector.info?.captureId) this.forgetOpened(captureId);
      const har = toHar(exchanges, { redact: redact !== false, creatorVersion: this.options.version ?? '0.1.0' });
      const name = captureId ? ((await this.inspector.captures?.list())?.find((c) => c.id === captureId)?.name ?? captureId) : 'live-session';
      return { fileName: `${fileNameOf(name)}${redact === false ? '-raw' : ''}.har`, har: `${JSON.stringify(har, null, 2)}\n`, exchanges: exchanges.length };
    },
    'captures.importHar': async ({ har, name }) => {
      let exchanges: Exchange[];
      try {
        exchanges = fromHar(JSON.parse(har));
      } catch (err) {
        throw new CommandError(`Cannot import ${name}: ${(err as Error).message}`, 'invalid-params');
      }
      const writer = this.requireCaptures().create(name);
      for (const exchange of exchanges) {
        writer.append({ type: 'exchange:start', exchange });
        writer.append({ type: 'exchange:end', exchange });
      }
      writer.close();
      const imported = (await this.captureList()).find((c) => c.id === writer.id);
      if (!imported) throw new CommandError(`The imported capture ${writer.id} could not be read back`);
      this.emit({ type: 'captures-changed', imported });
      return imported;
    },
    'tunnel.open': async (options) => {
      if (options.provider === 'manual' && !options.publicUrl) throw new CommandError('A manual tunnel needs the public https URL that forwards to this port', 'invalid-params');
      await this.inspector.openTunnel({ ...this.options.tunnelTuning, ...options });
      this.saveSettings({ tunnel: tunnelToSave(options, true) });
      return this.pushStatus();
    },
    'tunnel.close': async () => {
      await this.inspector.closeTunnel();
      const saved = this.options.settings?.get().tunnel;
      if (saved?.open) this.saveSettings({ tunnel: { ...saved, open: false } });
      return this.pushStatus();
    },
    'tunnel.status': async () => this.inspector.tunnelStatus,
    'tunnel.recheck': async () => {
      const { state } = this.inspector.tunnelStatus;
      if (state !== 'up') throw new CommandError(`The tunnel is ${state}: the public URL can be checked once it is up`);
      await this.inspector.tunnel.recheck();
      return this.inspector.tunnelStatus;
    },
    'tunnel.retry': async () => {
      const { state, provider } = this.inspector.tunnelStatus;
      if (state === 'off' && provider === 'none') throw new CommandError('No tunnel was opened in this run: choose a provider and start one');
      await this.inspector.tunnel.retry();
      return this.pushStatus();
    },
    'tunnel.expectRequest': async () => {
      const { state } = this.inspector.tunnelStatus;
      if (state !== 'up') throw new CommandError(`The tunnel is ${state}: requests can only be watched for while it is up`);
      this.inspector.tunnel.expectRequest();
      return this.inspector.tunnelStatus;
    },
    'lint.rules': async () => LINT_RULE_DEFINITIONS.map(({ check: _check, looksAhead: _looksAhead, explain: _explain, ...rule }) => rule),
    'lint.findings': async ({ exchangeId, connectionId, ...source }) => {
      const view = await this.exchangesOf(source);
      if (!view.linted) throw new CommandError(`Capture ${source.capture} has more than ${MAX_LINTED_CAPTURE} exchanges and was not linted when opened; judge it with \`npm run cli -- lint ${source.capture}\``);
      if (exchangeId) {
        const holding = await this.viewHolding(exchangeId, source);
        if (!holding) throw new CommandError(`No exchange ${exchangeId} ${source.capture ? `in capture ${source.capture}` : 'in this session'}`, 'not-found');
        return { findings: holding.findingsFor(exchangeId) };
      }
      const members = connectionId ? this.connectionMembers(view, connectionId) : view.list;
      const findings = members.flatMap((e) => view.findingsFor(e.id));
      return connectionId ? { findings, summary: summarizeLint(view.resolveConnection(connectionId), members.length, findings) } : { findings };
    },
    'connections.list': async (source) => this.connectionList(await this.exchangesOf(source)),
    'boundaries.mark': async ({ label }) => {
      const boundary = this.inspector.recorder.markBoundary(label);
      this.emit({ type: 'boundary', boundary });
      return boundary;
    },
    'boundaries.list': async (source) => (await this.exchangesOf(source)).boundaries,
    'simulate.profiles': async () =>
      PROFILES.map(({ id, family, isDefault, client, variant, observed, sources, notes, transport, driver }) => ({ id, family, isDefault, client, variant, observed, sources, notes, transport, driver })),
    'simulate.run': async ({ client, url, headers, callTool }) => {
      if (!this.inspector.info) throw new CommandError(`The inspector is not running${this.options.startError ? `: ${this.options.startError}` : ''}`);
      const profile = profileById(client);
      if (url) {
        try {
          checkUrl(url);
        } catch {
          // (checkUrl words its message for the CLI's --url)
          throw new CommandError(`The target URL must be an absolute http or https URL such as https://example.com/mcp, got "${url}"`, 'invalid-params');
        }
      }
      // Without a URL the inspector picks its own MCP endpoint as clients know it (the public
      // URL when one is set, so the metadata's `resource` matches what the client used).
      return this.inspector.simulate(profile, { ...(url ? { url } : {}), headers, ...(callTool ? { callTool } : {}) });
    },
    'scenarios.list': async () => [...SCENARIOS],
    'scenarios.run': async ({ id, fixed }) => {
      const scenario = scenarioById(id);
      const run = await runScenario(scenario, { fixed, captureDir: this.inspector.captures?.root });
      if (run.result.captureId) this.emit({ type: 'captures-changed' });
      return run.result;
    },
    'compare.connections': async ({ left, right }) => compareConnections(await this.connectionInput(left), await this.connectionInput(right)),
  };
}

/** `Invalid rules: a; b` → ['a', 'b'], for the editor to show one per line. */
function rulesProblems(err: InvalidRulesError): string[] {
  return err.message.replace(/^Invalid rules: /, '').split('; ');
}

function fileNameOf(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'capture';
}

function toFailure(err: unknown): CommandFailure {
  if (err instanceof CommandError) return { message: err.message, code: err.code };
  if (err instanceof CaptureNotFoundError) return { message: err.message, code: 'not-found' };
  if (
    err instanceof InvalidCaptureIdError ||
    err instanceof InvalidProfileError ||
    err instanceof UnknownToggleError ||
    err instanceof UnknownPresetError ||
    err instanceof InvalidRulesError ||
    err instanceof UnknownClientError ||
    err instanceof SimulationInputError ||
    err instanceof UnknownScenarioError
  ) {
    return { message: err.message, code: 'invalid-params' };
  }
  return { message: (err as Error)?.message ?? String(err), code: 'failed' };
}
