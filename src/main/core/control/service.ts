import type { CommandEnvelope, ControlEvent, InspectorStatus } from '../../../shared/controlApi';
import { COMMAND_PARAMS } from '../../../shared/commandParams';
import { isCommandName } from '../../../shared/controlApi';
import type { Inspector } from '../inspector';
import type { SupervisorTuning } from '../tunnel';
import { CommandError, toFailure } from './errors';
import { ControlEvents, type ControlEventsOptions } from './events';
import { commandHandlers, type Handlers } from './handlers';
import type { SettingsStore } from './settings';
import { Sources } from './sources';

export { CommandError } from './errors';

// The control API, implemented once. Transports (Electron IPC, HTTP + SSE) only call
// `invoke` with untrusted input and forward `subscribe`'s event batches. The work is in three
// parts: events (batches for subscribers, upstream health), sources (the live session and
// captures opened from disk) and handlers (one per command).

export interface ControlServiceOptions extends ControlEventsOptions {
  /** Saves what the user changes between runs; absent in tests that don't care. */
  settings?: SettingsStore;
  /** Why the inspector did not start (port in use, …), shown by the UI. */
  startError?: string;
  /** The preset the profile started from. */
  presetId?: string;
  version?: string;
  /** How tunnels opened through `tunnel.open` are retried and checked (the defaults suit real tunnels; tests shorten them). */
  tunnelTuning?: SupervisorTuning;
}

export class ControlService {
  private readonly events: ControlEvents;
  private readonly sources: Sources;
  private readonly handlers: Handlers;
  private readonly state: { presetId?: string };

  constructor(
    readonly inspector: Inspector,
    private readonly options: ControlServiceOptions = {},
  ) {
    this.state = { presetId: options.presetId ?? options.settings?.get().presetId ?? 'spec' };
    const status = () => this.status();
    this.events = new ControlEvents(inspector, status, options);
    this.sources = new Sources(inspector, this.events.row);
    const { settings, startError, version, tunnelTuning } = options;
    this.handlers = commandHandlers({ inspector, events: this.events, sources: this.sources, status, state: this.state, settings, startError, version, tunnelTuning });
  }

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
    return this.events.subscribe(listener);
  }

  /** Stops listening to the inspector and the timers; subscribers get nothing more. */
  close(): void {
    this.events.close();
  }

  private async status(): Promise<InspectorStatus> {
    const { inspector } = this;
    const info = inspector.info;
    const publicUrl = inspector.publicUrl;
    const status: InspectorStatus = {
      mcpUrl: info?.mcpUrl,
      legacySseUrl: info?.legacySseUrl,
      port: info?.port,
      publicOrigin: info?.publicOrigin,
      upstream: { url: info?.upstream, builtIn: info?.upstreamIsBuiltIn ?? true, interceptAs: info?.interceptAs, ...this.events.health },
      error: this.options.startError,
      profile: inspector.profile,
      presetId: this.state.presetId,
      toggles: inspector.toggles,
      rules: [...inspector.rules],
      exchangeCount: inspector.exchanges().length,
      dataDir: this.options.settings?.dataDir,
    };
    const tunnel = inspector.tunnelStatus;
    if (tunnel.state !== 'off') status.tunnel = tunnel;
    else if (publicUrl) status.publicUrl = new URL(publicUrl).origin; // --public-url: a tunnel the user runs themselves
    if (info?.captureId) status.capture = { id: info.captureId, name: await this.sources.liveCaptureName(info.captureId) };
    return status;
  }
}
