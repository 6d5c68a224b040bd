import { EventEmitter } from 'node:events';
import type { ExchangeEvent } from '../../../shared/exchange';
import type { LintFinding, LintRuleId, LintSummary } from '../../../shared/lint';
import type { Recorder } from '../recorder/recorder';
import { LintEngine, type LintEngineOptions } from './engine';
import { DEFAULT_SSE_IDLE_LIMIT_MS, type LintOptions, type LintRuleDefinition } from './rule';
import { isLongLivedStream } from './checks/transport';
import { LINT_RULE_DEFINITIONS, lintRule } from './rules';

/**
 * Lint on the live event stream: every exchange is judged when it ends, and each finding is
 * announced as 'lint:finding' (the UI shows badges from it) and kept for `findingsFor` and
 * `summary`. It only listens: the recorder and the capture are not changed.
 */
export class LiveLint extends EventEmitter<{ 'lint:finding': [LintFinding] }> {
  private readonly engine: LintEngine;
  /** Open long-lived streams, each with the timer that judges it once it has been silent past the idle limit. */
  private readonly openStreams = new Map<string, NodeJS.Timeout>();
  private readonly idleLimitMs: number;
  private readonly onEvent = (event: ExchangeEvent): void => {
    if (event.type !== 'exchange:end') {
      this.watch(event.type === 'exchange:start' ? event.exchange.id : event.id);
      return;
    }
    this.unwatch(event.exchange.id);
    for (const finding of this.engine.add(event.exchange)) this.emit('lint:finding', finding);
    // Let go of by the window while still in flight (a long stream): judged, but not kept.
    if (!this.recorder.get(event.exchange.id)) this.engine.forget(event.exchange.id);
  };
  private readonly onMerge = (): void => this.engine.connectionsChanged();
  /** Lint keeps what the recorder's window keeps, so it never holds an evicted exchange's bodies. */
  private readonly onEvict = (id: string): void => this.engine.forget(id);

  constructor(
    private readonly recorder: Recorder,
    options: LintOptions & Pick<LintEngineOptions, 'maxExchanges' | 'serverToggles'> = {},
  ) {
    super();
    this.engine = new LintEngine({
      ...options,
      connectionOf: (e) => recorder.connectionOf(e),
      resolveConnection: (id) => recorder.connectionRoot(id),
    });
    this.idleLimitMs = options.sseIdleLimitMs ?? DEFAULT_SSE_IDLE_LIMIT_MS;
    recorder.on('event', this.onEvent);
    recorder.on('merge', this.onMerge);
    recorder.on('evict', this.onEvict);
  }

  get rules(): readonly LintRuleDefinition[] {
    return LINT_RULE_DEFINITIONS;
  }

  explain(ruleId: LintRuleId): string {
    return lintRule(ruleId).explain();
  }

  findingsFor(exchangeId: string): LintFinding[] {
    return this.engine.findingsFor(exchangeId);
  }

  findings(): LintFinding[] {
    return this.engine.findings();
  }

  summary(connectionId: string): LintSummary {
    return this.engine.summary(connectionId);
  }

  /**
   * (Re)arms the idle timer of a long-lived stream at each sign of life: a stream silent past
   * the limit is judged while still open (sse-without-pings), not only when it ends.
   */
  private watch(id: string): void {
    const e = this.recorder.get(id);
    if (!e || !isLongLivedStream(e)) return;
    clearTimeout(this.openStreams.get(id));
    const timer = setTimeout(() => {
      this.openStreams.delete(id);
      const open = this.recorder.get(id);
      if (!open || open.timings.end !== undefined) return;
      for (const finding of this.engine.judgeOpen(open, Date.now())) this.emit('lint:finding', finding);
    }, this.idleLimitMs + 1);
    timer.unref();
    this.openStreams.set(id, timer);
  }

  private unwatch(id: string): void {
    clearTimeout(this.openStreams.get(id));
    this.openStreams.delete(id);
  }

  /** Stops listening to the recorder. */
  detach(): void {
    for (const id of [...this.openStreams.keys()]) this.unwatch(id);
    this.recorder.off('event', this.onEvent);
    this.recorder.off('merge', this.onMerge);
    this.recorder.off('evict', this.onEvict);
  }
}
