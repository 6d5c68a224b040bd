import type { AddressInfo } from 'node:net';
import type { BehaviorProfile } from '../../shared/profile';
import type { HttpHeaders } from '../../shared/exchange';
import type { BreakpointEdits, Rule } from '../../shared/rules';
import type { ToggleSelection } from '../../shared/toggles';
import { toggleOption } from './proxy/toggles';
import { FrontDoor } from './proxy/frontDoor';
import { LiveLint } from './lint/live';
import type { LintOptions } from './lint/rule';
import { CaptureStore, type CaptureAttachment } from './recorder/captureStore';
import { Recorder } from './recorder/recorder';
import { ReferenceServer, type ReferenceServerOptions } from './server';
import { LEGACY_SSE_PATH, MCP_ENDPOINT_PATH } from './server/urls';

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
  /** Lint settings (the idle limit for SSE streams). */
  lint?: LintOptions;
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
export class Inspector {
  readonly recorder = new Recorder();
  /** Judges every finished exchange: `lint.findingsFor(id)`, `lint.summary(connection)`, 'lint:finding'. */
  readonly lint: LiveLint;
  /** The user's own rules (rules file, rules editor). */
  rules: Rule[];
  /** The option chosen for each toggle that is not at its default. */
  readonly toggles: ToggleSelection = {};
  private readonly toggleRules = new Map<string, Rule[]>();
  /** Profile values a toggle replaced, restored when it goes back to its default. */
  private readonly toggleRestore = new Map<string, Partial<BehaviorProfile>>();
  private frontDoor?: FrontDoor;
  private listening?: ListeningInfo;
  /** The capture store, when this inspector records to disk. */
  readonly captures?: CaptureStore;
  private detachCapture?: CaptureAttachment;

  private constructor(
    readonly server: ReferenceServer,
    private readonly options: InspectorOptions,
  ) {
    this.rules = options.rules ?? [];
    this.lint = new LiveLint(this.recorder, options.lint);
    if (options.captureDir) this.captures = new CaptureStore(options.captureDir);
  }

  static async create(options: InspectorOptions = {}): Promise<Inspector> {
    return new Inspector(await ReferenceServer.create(options), options);
  }

  async start(): Promise<ListeningInfo> {
    const host = this.options.host ?? '127.0.0.1';
    const builtIn = !this.options.upstream;
    const upstream = builtIn ? `http://127.0.0.1:${(await this.server.listen(0, '127.0.0.1')).port}` : this.options.upstream!;
    this.frontDoor = new FrontDoor(this.recorder, {
      upstream,
      rewriteOrigins: this.options.rewriteOrigins,
      rewriteHost: this.options.rewriteHost,
      bodyCap: this.options.bodyCap,
      rules: () => [...[...this.toggleRules.values()].flat(), ...this.rules],
      publicUrl: () => this.server.publicUrl,
    });
    const requested = this.options.port ?? DEFAULT_PORT;
    let address: AddressInfo;
    try {
      address = await this.frontDoor.listen(requested, host);
    } catch (err) {
      await this.server.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(requested);
      throw err;
    }
    this.detachCapture = this.captures?.attach(this.recorder, this.options.captureName);
    const local = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    const origin = this.server.publicUrl ? new URL(this.server.publicUrl).origin : local;
    this.listening = {
      host,
      port: address.port,
      mcpUrl: `${origin}${MCP_ENDPOINT_PATH}`,
      legacySseUrl: `${origin}${LEGACY_SSE_PATH}`,
      publicOrigin: origin,
      upstream,
      upstreamIsBuiltIn: builtIn,
      captureId: this.detachCapture?.writer.id,
    };
    return this.listening;
  }

  /**
   * Flips a toggle. With the built-in reference server, an option that is a profile field
   * changes the server itself (the wire shows the server's own answer); otherwise its rules
   * change exchanges in the front door.
   */
  setToggle(toggleId: string, optionId: string): void {
    const { option } = toggleOption(toggleId, optionId);
    const restore = this.toggleRestore.get(toggleId);
    if (restore) {
      this.server.updateProfile(restore);
      this.toggleRestore.delete(toggleId);
    }
    this.toggleRules.delete(toggleId);
    delete this.toggles[toggleId];
    if (option.id === 'off') return;
    this.toggles[toggleId] = option.id;
    const builtIn = !this.options.upstream;
    if (builtIn && option.profile) {
      const current = this.server.profile;
      this.toggleRestore.set(toggleId, Object.fromEntries(Object.keys(option.profile).map((k) => [k, current[k as keyof BehaviorProfile]])));
      this.server.updateProfile(option.profile);
    } else {
      this.toggleRules.set(toggleId, option.rules);
      this.frontDoor?.resetRuleUses(option.rules.map((rule) => rule.id)); // "next 3 requests" counts from now
    }
  }

  /**
   * Sends a recorded request again, as-is or with edits; the answer is a new exchange linked
   * to the original. A body the recorder truncated can't be replayed as-is.
   */
  async replay(exchangeId: string, edits: { method?: string; url?: string; headers?: HttpHeaders; body?: string } = {}): Promise<{ status: number; exchangeId?: string }> {
    if (!this.frontDoor) throw new Error('The inspector is not running');
    const original = this.recorder.get(exchangeId);
    if (!original) throw new Error(`No exchange ${exchangeId} in this session`);
    const recorded = original.request.body;
    if (recorded?.truncated && edits.body === undefined) {
      throw new Error(`The request body of ${exchangeId} was truncated at ${recorded.data.length} of ${recorded.size} bytes, so it can't be replayed as-is; give an edited body`);
    }
    const body = edits.body !== undefined ? Buffer.from(edits.body) : recorded ? Buffer.from(recorded.data, recorded.encoding === 'base64' ? 'base64' : 'utf8') : undefined;
    return this.frontDoor.replay({
      replayOf: exchangeId,
      method: edits.method ?? original.request.method,
      url: edits.url ?? original.request.url,
      headers: { ...original.request.headers, ...edits.headers },
      body,
    });
  }

  /** Lets an exchange paused at a breakpoint go on, with edits. False when it isn't paused. */
  resume(exchangeId: string, edits?: BreakpointEdits): boolean {
    return this.frontDoor?.resume(exchangeId, edits) ?? false;
  }

  get info(): ListeningInfo | undefined {
    return this.listening;
  }

  async stop(): Promise<void> {
    await this.frontDoor?.close();
    this.detachCapture?.();
    this.detachCapture = undefined;
    await this.server.close();
    this.listening = undefined;
  }
}
