import type { ControlEvent, ExchangeSummary, InspectorStatus, UpstreamStatus } from '../../../shared/controlApi';
import type { Exchange } from '../../../shared/exchange';
import type { InspectorEvent } from '../../../shared/inspectorEvents';
import type { Inspector } from '../inspector';
import { summarize } from './summary';
import { probeUpstream } from './upstreamHealth';

// The control API's side of the inspector's event stream: what happened becomes batches of
// ControlEvents for the UI (many updates of one exchange become one row per batch), and the
// upstream's health is judged from the exchanges and, while someone listens, probed.

export interface ControlEventsOptions {
  /** How often queued events go out, ms (default 50): many exchange updates become one message. */
  flushMs?: number;
  /** How often the upstream is probed while someone listens, ms (default 15 s; 0: never). */
  healthIntervalMs?: number;
}

export type UpstreamHealth = Pick<UpstreamStatus, 'health' | 'reason'>;

export class ControlEvents {
  private readonly listeners = new Set<(events: ControlEvent[]) => void>();
  /** Exchanges changed since the last flush, by id: one summary each per batch. */
  private readonly dirty = new Map<string, Exchange>();
  private queued: ControlEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private revision = 0;
  private readonly revisions = new WeakMap<Exchange, number>();
  private statusPushQueued = false;
  private upstreamHealth: UpstreamHealth = { health: 'unknown' };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly inspector: Inspector,
    /** The status as the `status` command answers it, pushed when it changes. */
    private readonly status: () => Promise<InspectorStatus>,
    private readonly options: ControlEventsOptions = {},
  ) {
    this.unsubscribe = inspector.subscribe(this.onEvent);
    if (inspector.info?.upstreamIsBuiltIn) this.upstreamHealth = { health: 'up' };
  }

  private readonly onEvent = (event: InspectorEvent): void => {
    switch (event.type) {
      case 'exchange:start':
        return this.markDirty(event.exchange);
      case 'exchange:update':
        return this.touch(event.id);
      case 'exchange:end':
        this.markDirty(event.exchange);
        return this.noticeUpstreamHealth(event.exchange);
      // A finding changes its exchange's row (badge, filter): the row goes out again.
      case 'lint:finding':
        return this.touch(event.finding.exchangeId);
      // Groups and runs merge as a handshake unfolds (a token ties DCR to the session): the UI hears which, as it happens.
      case 'connection:merged':
        return this.emit({ type: event.kind === 'connection' ? 'connection-merged' : 'run-merged', from: event.from, into: event.into });
      case 'boundary:marked':
        return this.emit({ type: 'boundary', boundary: event.boundary });
      case 'exchanges:cleared':
        this.dirty.clear();
        this.emit({ type: 'cleared' });
        return this.pushStatusSoon();
      case 'behavior:changed':
        // Another upstream's health is unknown until it answers or is probed.
        if (event.what === 'upstream') this.upstreamHealth = this.inspector.info?.upstreamIsBuiltIn ? { health: 'up' } : { health: 'unknown' };
        return this.pushStatusSoon();
      // Notes (checks, queue, idle) change the tunnel without a state change: they go out too.
      case 'tunnel:state':
      case 'tunnel:note':
        return this.pushStatusSoon();
    }
  };

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

  /** Stops listening to the inspector and the timers; subscribers get nothing more. */
  close(): void {
    this.unsubscribe();
    clearTimeout(this.flushTimer);
    clearInterval(this.healthTimer);
    this.listeners.clear();
  }

  /** A live exchange's timeline row, with the revision of its latest change. */
  readonly row = (exchange: Exchange): ExchangeSummary => {
    const { inspector } = this;
    return summarize(exchange, this.revisions.get(exchange) ?? 0, inspector.connectionOf(exchange), inspector.findingsFor(exchange.id), inspector.runOf(exchange));
  };

  get health(): UpstreamHealth {
    return this.upstreamHealth;
  }

  /** Queues an event for the next batch (only while someone listens). */
  emit(event: ControlEvent): void {
    this.queued.push(event);
    this.scheduleFlush();
  }

  /** Computes the status and queues it; returns it. */
  async pushStatus(): Promise<InspectorStatus> {
    const status = await this.status();
    if (this.listeners.size) this.emit({ type: 'status', status });
    return status;
  }

  /** One status push per burst (a tunnel state change is a note and a state event at once). */
  private pushStatusSoon(): void {
    if (this.statusPushQueued) return;
    this.statusPushQueued = true;
    queueMicrotask(() => {
      this.statusPushQueued = false;
      void this.pushStatus();
    });
  }

  private touch(exchangeId: string): void {
    const exchange = this.inspector.exchange(exchangeId);
    if (exchange) this.markDirty(exchange); // (else already out of the in-memory window)
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

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.queued;
    this.queued = [];
    for (const exchange of this.dirty.values()) events.push({ type: 'exchange', exchange: this.row(exchange) });
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

  /** Sets the upstream's health (from an exchange or a probe); a change is pushed. */
  setHealth(next: UpstreamHealth): void {
    if (next.health === this.upstreamHealth.health && next.reason === this.upstreamHealth.reason) return;
    this.upstreamHealth = next;
    void this.pushStatus();
  }

  /**
   * Nothing in the process hears that the developer's server went away or came back while no
   * client talks to it, so while someone watches it is asked now and then.
   */
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
}
