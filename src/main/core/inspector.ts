import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Exchange, HttpHeaders } from '../../shared/exchange';
import type { BreakpointEdits, Rule } from '../../shared/rules';
import type { Toggle, ToggleOption, ToggleSelection } from '../../shared/toggles';
import type { TunnelNote, TunnelStatus } from '../../shared/tunnel';
import { ToggleUnavailableError, toggleOption } from './proxy/toggles';
import { serverToggleEffects } from './proxy/toggleEffects';
import { FrontDoor } from './proxy/frontDoor';
import { checkUpstreamUrl } from './proxy/originRewrite';
import { LiveLint } from './lint/live';
import type { LintOptions } from './lint/rule';
import { CaptureStore, type CaptureAttachment } from './recorder/captureStore';
import { Recorder } from './recorder/recorder';
import { composeProfile, ReferenceServer, type ReferenceServerOptions } from './server';
import type { BehaviorProfile, BehaviorProfilePatch } from '../../shared/profile';
import { LEGACY_SSE_PATH, MCP_ENDPOINT_PATH } from './server/urls';
import { TunnelSupervisor, type TunnelOptions } from './tunnel';
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

/** What the inspector emits besides the recorder's exchange events. */
export interface InspectorEvents {
  /** The tunnel changed state (starting, up, reconnecting, failed, off). */
  'tunnel:state': [TunnelStatus];
  /** A line for the timeline: a state change or a finding of the tunnel checks. */
  'tunnel:note': [TunnelNote, TunnelStatus];
}

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
  /** The capture this run records into, when capturing. */
  captureId?: string;
}

/** Raised when the chosen port is taken, with the flag that changes it. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`Port ${port} is already in use. Stop whatever is listening there or choose another port with --port <number>.`);
  }
}

/**
 * The one object the Electron main process, the CLI and the tests construct. Clients talk to
 * the front door (proxy + recorder); behind it is the built-in reference server on a private
 * loopback port, or the developer's own server.
 */
export class Inspector extends EventEmitter<InspectorEvents> {
  readonly recorder: Recorder;
  /**
   * The public tunnel to the front door (never to the control API). Its public URL becomes
   * the reference server's `publicUrl` the moment it is known, and goes back when it closes.
   */
  readonly tunnel = new TunnelSupervisor({ onPublicUrl: (url) => this.usePublicUrl(url), mcpPath: MCP_ENDPOINT_PATH });
  /** Judges every finished exchange: `lint.findingsFor(id)`, `lint.summary(connection)`, 'lint:finding'. */
  readonly lint: LiveLint;
  /** The user's own rules (rules file, rules editor). */
  rules: Rule[];
  /** The option chosen for each toggle that is not at its default. */
  readonly toggles: ToggleSelection = {};
  private readonly toggleRules = new Map<string, Rule[]>();
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
  readonly captures?: CaptureStore;
  private detachCapture?: CaptureAttachment;
  /** Where the built-in reference server listens, once started. */
  private builtInAddress?: AddressInfo;
  /** Where the front door forwards to now. */
  private upstream?: string;

  private constructor(
    readonly server: ReferenceServer,
    private readonly options: InspectorOptions,
  ) {
    super();
    this.profileBase = { preset: options.preset, patch: { ...options.profile } };
    this.rules = options.rules ?? [];
    this.recorder = new Recorder(options.memoryWindow, options.memoryWindowBytes);
    this.lint = new LiveLint(this.recorder, {
      ...options.lint,
      maxExchanges: options.memoryWindow,
      // Toggles the built-in server plays through its profile leave no rule on the exchange.
      serverToggles: () => Object.fromEntries([...this.serverToggles.keys()].map((id) => [id, this.toggles[id]!])),
    });
    if (options.captureDir) this.captures = new CaptureStore(options.captureDir);
    this.tunnel.on('state', (status) => this.emit('tunnel:state', status));
    this.tunnel.on('note', (note, status) => this.emit('tunnel:note', note, status));
    // The tunnel counts what came through it (queueing, "nothing arrived") from the one event stream.
    this.recorder.on('event', (event) => {
      if (event.type === 'exchange:start') this.tunnel.observeStart(event.exchange);
      else if (event.type === 'exchange:end') this.tunnel.observeEnd(event.exchange);
      else if (event.type === 'exchange:update' && event.patch?.response && this.serverToggles.size) this.attributeServerToggles(event.id);
    });
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
    this.detachCapture = this.captures?.attach(this.recorder, this.options.captureName);
    this.server.allowedHosts.push(...bindHostnames(host));
    this.listening = this.describe(host, address.port);
    const tunnel = this.options.tunnel;
    if (tunnel && tunnel.provider !== 'none') await this.tunnel.start({ host, port: address.port }, tunnel);
    return this.listening;
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
      rules: () => [...[...this.toggleRules.values()].flat(), ...this.rules],
      publicUrl: () => this.server.publicUrl,
      selfCheck: this.tunnel.selfChecks.claim,
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
      captureId: this.detachCapture?.writer.id,
    };
  }

  /**
   * Points the front door at another upstream (undefined: the built-in server) on the same
   * port. Open connections through the old front door are closed; clients reconnect. Toggles
   * are applied again, as profile fields or rules depending on the new upstream.
   */
  async setUpstream(upstream: string | undefined): Promise<ListeningInfo> {
    if (upstream !== undefined) upstream = checkUpstreamUrl(upstream); // throws before anything is closed
    const selection = { ...this.toggles };
    for (const toggleId of Object.keys(selection)) this.setToggle(toggleId, 'off');
    this.options.upstream = upstream;
    if (this.listening) {
      const { host, port } = this.listening;
      await this.frontDoor?.close();
      await this.openFrontDoor(port, host);
    }
    for (const [toggleId, optionId] of Object.entries(selection)) {
      try {
        this.setToggle(toggleId, optionId);
      } catch (err) {
        // A built-in-only option does not follow to another upstream: the toggle goes back to off.
        if (!(err instanceof ToggleUnavailableError)) throw err;
      }
    }
    if (this.listening) this.listening = this.describe(this.listening.host, this.listening.port);
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

  get tunnelStatus(): TunnelStatus {
    return this.tunnel.status;
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
    const { toggle, option } = toggleOption(toggleId, optionId);
    const builtIn = !this.options.upstream;
    if (!builtIn && option.id !== 'off' && option.rules.length === 0) {
      throw new ToggleUnavailableError(`"${toggle.title}: ${option.label}" changes the built-in reference server only; the front door can't do it in front of ${this.options.upstream}`);
    }
    this.toggleRules.delete(toggleId);
    this.serverToggles.delete(toggleId);
    delete this.toggles[toggleId];
    if (option.id !== 'off') {
      this.toggles[toggleId] = option.id;
      if (builtIn && option.profile) {
        this.serverToggles.set(toggleId, { toggle, option });
      } else {
        this.toggleRules.set(toggleId, option.rules);
        this.frontDoor?.resetRuleUses(option.rules.map((rule) => rule.id)); // "next 3 requests" counts from now
      }
    }
    this.composeServerProfile();
  }

  /** Replaces the built-in server's preset; the user's profile edits go, toggles stay on and apply on top. */
  applyPreset(presetId: string): BehaviorProfile {
    composeProfile(presetId, {}); // throws UnknownPresetError before anything changes
    this.profileBase = { preset: presetId, patch: {} };
    return this.composeServerProfile();
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
      if (Object.keys(option.profile ?? {}).some((field) => fields.includes(field))) this.setToggle(toggleId, 'off');
    }
    return this.composeServerProfile();
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
