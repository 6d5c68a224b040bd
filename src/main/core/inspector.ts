import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Boundary, Exchange, ExchangeEvent, HttpHeaders } from '../../shared/exchange';
import type { InspectorEvent } from '../../shared/inspectorEvents';
import type { LintFinding, LintSummary } from '../../shared/lint';
import type { BreakpointEdits, Rule } from '../../shared/rules';
import { toggleUnavailable, type Toggle, type ToggleOption, type ToggleSelection } from '../../shared/toggles';
import type { TunnelStatus } from '../../shared/tunnel';
import { ToggleUnavailableError, toggleOption } from './proxy/toggles';
import { serverToggleEffects } from './proxy/toggleEffects';
import { FrontDoor } from './proxy/frontDoor';
import { checkUpstreamUrl } from './proxy/originRewrite';
import { LiveLint } from './lint/live';
import type { LintOptions } from './lint/rule';
import { CaptureStore, type CaptureAttachment, type CaptureSummary } from './recorder/captureStore';
import { Recorder } from './recorder/recorder';
import type { Merge } from './recorder/runs';
import { composeProfile, ReferenceServer, type ReferenceServerOptions } from './server';
import type { BehaviorProfile, BehaviorProfilePatch } from '../../shared/profile';
import { LEGACY_SSE_PATH, MCP_ENDPOINT_PATH } from './server/urls';
import { TunnelSupervisor, type RetryOutcome, type TunnelOptions } from './tunnel';
import type { ClientProfile, SimulationResult } from '../../shared/simulator';
import { profileById, simulate, type SimulateOptions } from './simulator';

export interface InspectorOptions extends ReferenceServerOptions {
  /** Port of the front door (default 7420); 0 picks a free one. */
  port?: number;
  host?: string;
  /** The developer's own server; the built-in reference server when absent. */
  upstream?: string;
  /** Swap the upstream's origin for the client's in metadata (default on). */
  rewriteOrigins?: boolean;
  /** Send the upstream its own Host (for servers with DNS-rebinding protection). */
  rewriteHost?: boolean;
  /**
   * --intercept-as: the front door also fronts the upstream's authorization server(s) on other
   * origins, so their legs are recorded (docs/intercept-as.md). Needs origin rewriting; ignored
   * for the built-in server (its AS is on its own origin).
   */
  interceptAs?: boolean;
  /** More CA certificates (PEM) trusted for intercepted authorization servers, besides Node's roots and NODE_EXTRA_CA_CERTS. */
  interceptAsCa?: string;
  rules?: Rule[];
  /** Body bytes kept in memory per exchange (default 1 MiB); the rest is counted and marked truncated. */
  bodyCap?: number;
  /** Record every exchange into a capture under this folder (the CLI and app pass the data dir's). */
  captureDir?: string;
  captureName?: string;
  /** A public tunnel to open once the front door listens (none by default). */
  tunnel?: TunnelOptions;
  /** Lint settings (the idle limit for SSE streams). */
  lint?: LintOptions;
  /** Finished exchanges kept in memory (default 1000); older ones are read from the capture on disk. */
  memoryWindow?: number;
  /** Body bytes of the exchanges kept in memory (default 64 MB); beyond them older ones are read from the capture. */
  memoryWindowBytes?: number;
}

export type { InspectorEvent } from '../../shared/inspectorEvents';

export const DEFAULT_PORT = 7420;

export interface ListeningInfo {
  host: string;
  port: number;
  /** The MCP endpoint a client connects to (through the front door). */
  mcpUrl: string;
  legacySseUrl: string;
  /** The origin clients are told about in metadata (public URL when configured). */
  publicOrigin: string;
  /** Where the front door forwards to. */
  upstream: string;
  upstreamIsBuiltIn: boolean;
  /** The front door also fronts the upstream's authorization server(s) (--intercept-as). */
  interceptAs: boolean;
  /** The capture this run records into, when capturing. */
  captureId?: string;
}

/** Raised when the chosen port is taken, with the flag that changes it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use. Stop whatever is listening there or choose another port with --port <number>.`);
  }
}

/** Raised by the capture commands of an inspector started without a capture folder. */
export class CapturesOffError extends Error {
  constructor() {
    super('Captures are off in this run (started with --no-capture)');
  }
}

/** Raised when a capture command would delete the capture this run is recording into. */
export class LiveCaptureError extends Error {
  constructor() {
    super('This run is recording into that capture; delete it after the run, or from another run.');
  }
}

/**
 * The one object the Electron main process, the CLI and the tests construct. Clients talk to
 * the front door (proxy + recorder); behind it is the built-in reference server on a private
 * loopback port, or the developer's own server. Its parts are its own: users change behaviour
 * through its methods and learn what happened from its one event stream (`subscribe`).
 */
export class Inspector {
  private readonly recorder: Recorder;
  /**
   * The public tunnel to the front door (never to the control API). Its public URL becomes
   * the reference server's `publicUrl` the moment it is known, and goes back when it closes.
   */
  private readonly tunnel = new TunnelSupervisor({ onPublicUrl: (url) => this.usePublicUrl(url), mcpPath: MCP_ENDPOINT_PATH });
  /** Judges every finished exchange. */
  private readonly lint: LiveLint;
  /** The user's own rules (rules file, rules editor). */
  private userRules: Rule[];
  /** The option chosen for each toggle that is not at its default. */
  private readonly toggleSelection: ToggleSelection = {};
  private readonly toggleRules = new Map<string, Rule[]>();
  /** The toggles' rules then the user's, composed when either changes (the front door reads them per request). */
  private activeRules?: readonly Rule[];
  /**
   * What the built-in server's profile is made of: a preset and the user's edits. The server
   * gets preset ⊕ edits ⊕ the profile patches of the toggles that are on (composeServerProfile),
   * recomputed on every change, so what the UI shows is what the wire does in any order of commands.
   */
  private profileBase: { preset?: string; patch: BehaviorProfilePatch };
  /** Toggles the built-in server carries out itself (profile fields): exchanges they change are attributed to them. */
  private readonly serverToggles = new Map<string, { toggle: Toggle; option: ToggleOption }>();
  private frontDoor?: FrontDoor;
  private listening?: ListeningInfo;
  /** The capture store, when this inspector records to disk. */
  private readonly captures?: CaptureStore;
  private detachCapture?: CaptureAttachment;
  /** Where the built-in reference server listens, once started. */
  private builtInAddress?: AddressInfo;
  /** Where the front door forwards to now. */
  private upstream?: string;
  /**
   * Subscribers of the event stream. Replaced, never changed in place, when one comes or goes,
   * so publishing walks it as it is without copying it (the stream carries every SSE event).
   */
  private subscribers: ReadonlyArray<(event: InspectorEvent) => void> = [];

  private constructor(
    private readonly server: ReferenceServer,
    private readonly options: InspectorOptions,
  ) {
    this.profileBase = { preset: options.preset, patch: { ...options.profile } };
    this.userRules = options.rules ?? [];
    this.recorder = new Recorder(options.memoryWindow, options.memoryWindowBytes);
    // Subscribed before lint, so an exchange's end reaches subscribers before the findings it leads to.
    this.recorder.on('event', this.onExchangeEvent);
    this.recorder.on('merge', (merge: Merge) => this.publish({ type: 'connection:merged', kind: merge.kind, from: merge.from, into: merge.into }));
    this.recorder.on('boundary', (boundary: Boundary) => this.publish({ type: 'boundary:marked', boundary }));
    this.lint = new LiveLint(this.recorder, {
      ...options.lint,
      maxExchanges: options.memoryWindow,
      // Toggles the built-in server plays through its profile leave no rule on the exchange.
      serverToggles: () => Object.fromEntries([...this.serverToggles.keys()].map((id) => [id, this.toggleSelection[id]!])),
    });
    this.lint.on('lint:finding', (finding) => this.publish({ type: 'lint:finding', finding }));
    if (options.captureDir) this.captures = new CaptureStore(options.captureDir);
    this.tunnel.on('state', (status) => this.publish({ type: 'tunnel:state', status }));
    this.tunnel.on('note', (note, status) => this.publish({ type: 'tunnel:note', note, status }));
  }

  /**
   * The recorder's events, passed on as they are (no copy: the same object every subscriber
   * sees) after the inspector's own parts have taken what they need from them.
   */
  private readonly onExchangeEvent = (event: ExchangeEvent): void => {
    // The tunnel counts what came through it (queueing, "nothing arrived").
    if (event.type === 'exchange:start') this.tunnel.observeStart(event.exchange);
    else if (event.type === 'exchange:end') this.tunnel.observeEnd(event.exchange);
    else if (event.patch?.response && this.serverToggles.size) this.attributeServerToggles(event.id);
    this.publish(event);
  };

  /**
   * Hears every event from now on, synchronously and in order (the capture writer relies on
   * it: an exchange's end is appended before the front door sends its last byte). Returns the
   * function that stops it.
   */
  subscribe(listener: (event: InspectorEvent) => void): () => void {
    this.subscribers = [...this.subscribers, listener];
    return () => {
      this.subscribers = this.subscribers.filter((l) => l !== listener);
    };
  }

  private publish(event: InspectorEvent): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) {
      // A failing subscriber must never break recording, the proxy or the other subscribers.
      try {
        subscribers[i]!(event);
      } catch (err) {
        process.emitWarning(`An inspector event subscriber failed: ${(err as Error).message}`);
      }
    }
  }

  static async create(options: InspectorOptions = {}): Promise<Inspector> {
    return new Inspector(await ReferenceServer.create(options), options);
  }

  async start(): Promise<ListeningInfo> {
    const host = this.options.host ?? '127.0.0.1';
    const requested = this.options.port ?? DEFAULT_PORT;
    let address: AddressInfo;
    try {
      address = await this.openFrontDoor(requested, host);
    } catch (err) {
      await this.server.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(requested);
      throw err;
    }
    const recorder = this.recorder;
    this.detachCapture = this.captures?.attach(
      { exchanges: () => recorder.list(), subscribe: (listener) => this.subscribe(listener), addDurabilityBarrier: (flushed) => recorder.addDurabilityBarrier(flushed), addArchive: (read) => recorder.addArchive(read) },
      this.options.captureName,
    );
    this.server.allowedHosts.push(...bindHostnames(host));
    this.listening = this.describe(host, address.port);
    const tunnel = this.options.tunnel;
    if (tunnel && tunnel.provider !== 'none') await this.tunnel.start({ host, port: address.port }, tunnel);
    return this.listening;
  }

  /** Whether the front door fronts the upstream's authorization servers: asked for, on a developer's upstream, with origins rewritten. */
  private interceptsAs(): boolean {
    return !!this.options.interceptAs && !!this.options.upstream && this.options.rewriteOrigins !== false;
  }

  /** The upstream URL, starting the built-in server on a private port when there is none. */
  private async upstreamUrl(): Promise<string> {
    if (this.options.upstream) return this.options.upstream;
    this.builtInAddress ??= await this.server.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${this.builtInAddress.port}`;
  }

  private async openFrontDoor(port: number, host: string): Promise<AddressInfo> {
    const upstream = await this.upstreamUrl();
    const frontDoor = new FrontDoor(this.recorder, {
      upstream,
      rewriteOrigins: this.options.rewriteOrigins,
      rewriteHost: this.options.rewriteHost,
      // The built-in server judges the client's Host itself (through X-Forwarded-Host, and its
      // host-validation toggle); a developer's server behind --rewrite-host cannot any more.
      checkHost: !!this.options.rewriteHost && !!this.options.upstream,
      bodyCap: this.options.bodyCap,
      rules: () => (this.activeRules ??= [...[...this.toggleRules.values()].flat(), ...this.userRules]),
      publicUrl: () => this.server.publicUrl,
      selfCheck: this.tunnel.selfChecks.claim,
      interceptAs: this.interceptsAs() ? { extraCa: this.options.interceptAsCa } : undefined,
    });
    const address = await frontDoor.listen(port, host);
    this.frontDoor = frontDoor;
    this.upstream = upstream;
    return address;
  }

  private describe(host: string, port: number): ListeningInfo {
    const builtIn = !this.options.upstream;
    const local = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const origin = this.server.publicUrl ? new URL(this.server.publicUrl).origin : local;
    return {
      host,
      port,
      mcpUrl: `${origin}${MCP_ENDPOINT_PATH}`,
      legacySseUrl: `${origin}${LEGACY_SSE_PATH}`,
      publicOrigin: origin,
      upstream: this.upstream!,
      upstreamIsBuiltIn: builtIn,
      interceptAs: this.interceptsAs(),
      captureId: this.detachCapture?.writer.id,
    };
  }

  /**
   * Points the front door at another upstream (undefined: the built-in server) on the same
   * port. Open connections through the old front door are closed; clients reconnect. Toggles
   * are applied again, as profile fields or rules depending on the new upstream.
   */
  async setUpstream(upstream: string | undefined, options: { interceptAs?: boolean } = {}): Promise<ListeningInfo> {
    if (upstream !== undefined) upstream = checkUpstreamUrl(upstream); // throws before anything is closed
    if (options.interceptAs !== undefined) this.options.interceptAs = options.interceptAs;
    const selection = { ...this.toggleSelection };
    // (one 'behavior:changed' at the end: subscribers never see the toggles off mid-switch)
    for (const toggleId of Object.keys(selection)) this.applyToggle(toggleId, 'off');
    this.options.upstream = upstream;
    if (this.listening) {
      const { host, port } = this.listening;
      await this.frontDoor?.close();
      await this.openFrontDoor(port, host);
    }
    for (const [toggleId, optionId] of Object.entries(selection)) {
      try {
        this.applyToggle(toggleId, optionId);
      } catch (err) {
        // A built-in-only option does not follow to another upstream: the toggle goes back to off.
        if (!(err instanceof ToggleUnavailableError)) throw err;
      }
    }
    if (this.listening) this.listening = this.describe(this.listening.host, this.listening.port);
    this.publish({ type: 'behavior:changed', what: 'upstream' });
    return this.listening!;
  }

  /** Opens (or replaces) the public tunnel; its progress arrives as 'tunnel:state' events. */
  async openTunnel(options: TunnelOptions): Promise<void> {
    if (!this.listening) throw new Error('The inspector is not running');
    if (options.provider === 'none') return this.tunnel.stop();
    await this.tunnel.start({ host: this.listening.host, port: this.listening.port }, options);
  }

  closeTunnel(): Promise<void> {
    return this.tunnel.stop();
  }

  /** Opens the last tunnel again at once, with the same options. */
  retryTunnel(): Promise<RetryOutcome> {
    return this.tunnel.retry();
  }

  /** Checks the tunnel's public URL again (reachability, SSE self-test); resolves when done. */
  recheckTunnel(): Promise<void> {
    return this.tunnel.recheck();
  }

  /** A connector was just added: warn again if no request comes through within the idle window. */
  expectTunnelRequest(): void {
    this.tunnel.expectRequest();
  }

  get tunnelStatus(): TunnelStatus {
    return this.tunnel.status;
  }

  /** The public URL clients are told about: the tunnel's while it is up, else --public-url (or none: derived per request). */
  get publicUrl(): string | undefined {
    return this.server.publicUrl;
  }

  /** The tunnel's URL while it is up, else the configured public URL (or none: derived per request). */
  private usePublicUrl(url: string | undefined): void {
    this.server.publicUrl = url ?? this.options.publicUrl;
    if (!this.listening) return;
    const local = `http://${this.listening.host.includes(':') ? `[${this.listening.host}]` : this.listening.host}:${this.listening.port}`;
    const origin = this.server.publicUrl ? new URL(this.server.publicUrl).origin : local;
    this.listening = { ...this.listening, mcpUrl: `${origin}${MCP_ENDPOINT_PATH}`, legacySseUrl: `${origin}${LEGACY_SSE_PATH}`, publicOrigin: origin };
  }

  /**
   * Flips a toggle. With the built-in reference server, an option that is a profile field
   * changes the server itself (the wire shows the server's own answer); otherwise its rules
   * change exchanges in the front door.
   */
  setToggle(toggleId: string, optionId: string): void {
    this.applyToggle(toggleId, optionId);
    this.publish({ type: 'behavior:changed', what: 'toggles' });
  }

  private applyToggle(toggleId: string, optionId: string): void {
    const { toggle, option } = toggleOption(toggleId, optionId);
    const builtIn = !this.options.upstream;
    const unavailable = toggleUnavailable(option, { builtIn, interceptAs: this.interceptsAs() });
    if (unavailable) throw new ToggleUnavailableError(`"${toggle.title}: ${option.label}" ${unavailable} (${this.options.upstream})`);
    this.toggleRules.delete(toggleId);
    this.activeRules = undefined;
    this.serverToggles.delete(toggleId);
    delete this.toggleSelection[toggleId];
    if (option.id !== 'off') {
      this.toggleSelection[toggleId] = option.id;
      if (builtIn && option.profile) {
        this.serverToggles.set(toggleId, { toggle, option });
      } else {
        this.toggleRules.set(toggleId, option.rules);
        this.frontDoor?.resetRuleUses(option.rules.map((rule) => rule.id)); // "next 3 requests" counts from now
      }
    }
    this.composeServerProfile();
  }

  /** The option chosen for each toggle that is not at its default (a copy). */
  get toggles(): ToggleSelection {
    return { ...this.toggleSelection };
  }

  /** The user's own rules, applied after the toggles' (already checked: parseRules). */
  setRules(rules: Rule[]): void {
    this.userRules = rules;
    this.activeRules = undefined;
    this.publish({ type: 'behavior:changed', what: 'rules' });
  }

  get rules(): readonly Rule[] {
    return this.userRules;
  }

  /** The built-in server's effective profile: preset ⊕ the user's edits ⊕ the toggles that are on. */
  get profile(): BehaviorProfile {
    return this.server.profile;
  }

  /** Replaces the built-in server's preset; the user's profile edits go, toggles stay on and apply on top. */
  applyPreset(presetId: string): BehaviorProfile {
    composeProfile(presetId, {}); // throws UnknownPresetError before anything changes
    this.profileBase = { preset: presetId, patch: {} };
    const profile = this.composeServerProfile();
    this.publish({ type: 'behavior:changed', what: 'profile' });
    return profile;
  }

  /**
   * Edits profile fields (validated: throws InvalidProfileError). The user's edit is the latest
   * word: a toggle that sets one of these fields goes back to its default.
   */
  updateProfile(patch: unknown): BehaviorProfile {
    const edited = { ...this.profileBase.patch, ...(patch as BehaviorProfilePatch) };
    composeProfile(this.profileBase.preset, edited); // validates before anything changes
    this.profileBase = { ...this.profileBase, patch: edited };
    const fields = Object.keys(patch as object);
    for (const [toggleId, { option }] of [...this.serverToggles]) {
      if (Object.keys(option.profile ?? {}).some((field) => fields.includes(field))) this.applyToggle(toggleId, 'off');
    }
    const profile = this.composeServerProfile();
    this.publish({ type: 'behavior:changed', what: 'profile' });
    return profile;
  }

  /** preset ⊕ user edits ⊕ server toggles (fields replace, breaks add up), given to the server. */
  private composeServerProfile(): BehaviorProfile {
    const profile = composeProfile(this.profileBase.preset, this.profileBase.patch);
    for (const { option } of this.serverToggles.values()) {
      const { breaks: added, ...fields } = option.profile ?? {};
      Object.assign(profile, fields);
      if (added) profile.breaks = [...new Set([...profile.breaks, ...added])];
    }
    this.server.setProfile(profile);
    return profile;
  }

  /**
   * Names the toggles the built-in server carried out on an exchange whose answer just arrived
   * (recorded with it, before its end reaches lint, the capture and the UI). An answer a rule
   * gave without asking the server is not the server's doing.
   */
  private attributeServerToggles(id: string): void {
    const exchange = this.recorder.get(id);
    if (!exchange?.response || !this.builtInAddress || this.options.upstream) return;
    if (!exchange.upstreamResponse && exchange.appliedRules.some((rule) => rule.setStatus !== undefined && !rule.byServer)) return;
    const upstreamStatus = (exchange.upstreamResponse ?? exchange.response).status;
    for (const effect of serverToggleEffects(exchange, upstreamStatus, [...this.serverToggles.values()])) {
      if (!exchange.appliedRules.some((rule) => rule.ruleId === effect.ruleId)) exchange.appliedRules.push(effect);
    }
  }

  // ------------------------------------------------------------------ the live session

  /** The exchanges held in memory, oldest first (older ones are in the capture on disk). */
  exchanges(): Exchange[] {
    return this.recorder.list();
  }

  /** An exchange held in memory, by id. */
  exchange(id: string): Exchange | undefined {
    return this.recorder.get(id);
  }

  /** The body bytes the exchanges held in memory carry now (the window is bounded by them and by count). */
  get windowBytes(): number {
    return this.recorder.windowBytes;
  }

  /** An exchange by id with its bodies: from memory, else (beyond the memory window) from this run's capture. */
  readExchange(id: string): Promise<Exchange | undefined> {
    return this.recorder.exchange(id);
  }

  /** Forgets the exchanges held in memory (the capture on disk keeps them). */
  clearExchanges(): void {
    this.recorder.clear();
    this.publish({ type: 'exchanges:cleared' });
  }

  /** The current connection id of an exchange (connections merge as a handshake unfolds). */
  connectionOf(exchange: Exchange): string | undefined {
    return this.recorder.connectionOf(exchange);
  }

  /** The current id of an exchange's run. */
  runOf(exchange: Exchange): string | undefined {
    return this.recorder.runOf(exchange);
  }

  /** The current id of a connection id seen before a merge. */
  connectionRoot(connectionId: string): string | undefined {
    return this.recorder.connectionRoot(connectionId);
  }

  /** Marks a boundary now: every client's next exchange begins a new run ('boundary:marked'). */
  markBoundary(label?: string): Boundary {
    return this.recorder.markBoundary(label);
  }

  /** The boundaries marked in this session, oldest first. */
  boundaries(): Boundary[] {
    return this.recorder.boundaries();
  }

  /** Every lint finding on the exchanges held. */
  findings(): LintFinding[] {
    return this.lint.findings();
  }

  findingsFor(exchangeId: string): LintFinding[] {
    return this.lint.findingsFor(exchangeId);
  }

  /** A connection's (or run's) findings counted, with its verdict. */
  lintSummary(connectionId: string): LintSummary {
    return this.lint.summary(connectionId);
  }

  // ------------------------------------------------------------------ captures on disk

  /** The folder captures are kept in, or undefined with captures off. */
  get captureDir(): string | undefined {
    return this.captures?.root;
  }

  listCaptures(): Promise<CaptureSummary[]> {
    return this.captureStore().list();
  }

  readCapture(id: string): ReturnType<CaptureStore['read']> {
    return this.captureStore().read(id);
  }

  renameCapture(id: string, name: string): Promise<void> {
    return this.captureStore().rename(id, name);
  }

  /** Deletes a capture, never the one this run is recording into. */
  deleteCapture(id: string): Promise<void> {
    if (id === this.listening?.captureId) throw new LiveCaptureError();
    return this.captureStore().delete(id);
  }

  /** Writes finished exchanges (an imported HAR) as a new capture; returns its id. */
  importCapture(name: string, exchanges: Exchange[]): string {
    const writer = this.captureStore().create(name);
    for (const exchange of exchanges) {
      writer.append({ type: 'exchange:start', exchange });
      writer.append({ type: 'exchange:end', exchange });
    }
    writer.close();
    return writer.id;
  }

  private captureStore(): CaptureStore {
    if (!this.captures) throw new CapturesOffError();
    return this.captures;
  }

  /**
   * Sends a recorded request again, as-is or with edits; the answer is a new exchange linked
   * to the original. A body the recorder truncated can't be replayed as-is.
   */
  async replay(exchange: string | Exchange, edits: { method?: string; url?: string; headers?: HttpHeaders; body?: string } = {}): Promise<{ status: number; exchangeId?: string }> {
    if (!this.frontDoor) throw new Error('The inspector is not running');
    // A recorded exchange (from a capture on disk) can be replayed as well as a live one.
    const original = typeof exchange === 'string' ? this.recorder.get(exchange) : exchange;
    if (!original) throw new Error(`No exchange ${String(exchange)} in this session`);
    const exchangeId = original.id;
    const recorded = original.request.body;
    if (recorded?.truncated && edits.body === undefined) {
      throw new Error(`The request body of ${exchangeId} was truncated at ${recorded.data.length} of ${recorded.size} bytes, so it can't be replayed as-is; give an edited body`);
    }
    const body = edits.body !== undefined ? Buffer.from(edits.body) : recorded ? Buffer.from(recorded.data, recorded.encoding === 'base64' ? 'base64' : 'utf8') : undefined;
    return this.frontDoor.replay({
      replayOf: exchangeId,
      method: edits.method ?? original.request.method,
      url: edits.url ?? original.request.url,
      // Recorded names are lower case: an edited Content-Type replaces content-type.
      headers: { ...original.request.headers, ...Object.fromEntries(Object.entries(edits.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])) },
      body,
    });
  }

  /**
   * Runs a client profile through this inspector's front door (or at `options.url`), so its
   * traffic is recorded like a real client's, marked simulated. With the built-in server, a
   * client's Client ID Metadata Document is handed to it directly instead of being fetched
   * from the client's real host (claude.ai, vscode.dev), which an offline run cannot reach.
   */
  async simulate(client: ClientProfile | string, options: Partial<SimulateOptions> = {}): Promise<SimulationResult> {
    if (!this.listening) throw new Error('The inspector is not running');
    const profile = typeof client === 'string' ? profileById(client) : client;
    const url = options.url ?? (profile.transport === 'legacy-sse' ? this.listening.legacySseUrl : this.listening.mcpUrl);
    const builtIn = !this.options.upstream;
    const hooks = {
      ...options.hooks,
      ...(builtIn ? { onClientMetadataDocument: (clientId: string, document: Record<string, unknown>) => this.server.authorizationServer.rememberClientMetadataDocument(clientId, document) } : {}),
    };
    return simulate(profile, { ...options, url, hooks });
  }

  /** Lets an exchange paused at a breakpoint go on, with edits. False when it isn't paused. */
  resume(exchangeId: string, edits?: BreakpointEdits): boolean {
    return this.frontDoor?.resume(exchangeId, edits) ?? false;
  }

  get info(): ListeningInfo | undefined {
    return this.listening;
  }

  async stop(): Promise<void> {
    await this.tunnel.stop();
    await this.frontDoor?.close();
    this.builtInAddress = undefined;
    this.detachCapture?.();
    this.detachCapture = undefined;
    await this.server.close();
    this.listening = undefined;
  }
}

/**
 * The names clients reach a front door bound to `host` by, besides loopback ones (which the
 * built-in server always accepts): the address itself, or every local interface's when it is
 * bound to all of them. IP literals can't be rebound, so they are safe to accept.
 */
function bindHostnames(host: string): string[] {
  const literal = (address: string) => (address.includes(':') ? `[${address.replace(/%.*$/, '')}]` : address);
  if (host === '0.0.0.0' || host === '::') {
    return Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((a) => literal(a.address)));
  }
  return [literal(host).toLowerCase()];
}
