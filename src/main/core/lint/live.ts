import { EventEmitter } from 'node:events';
import type { ExchangeEvent } from '../../../shared/exchange';
import type { LintFinding, LintRuleId, LintSummary } from '../../../shared/lint';
import type { Recorder } from '../recorder/recorder';
import { LintEngine, type LintEngineOptions } from './engine';
import type { LintOptions, LintRuleDefinition } from './rule';
import { LINT_RULE_DEFINITIONS, lintRule } from './rules';

/**
 * Lint on the live event stream: every exchange is judged when it ends, and each finding is
 * announced as 'lint:finding' (the UI shows badges from it) and kept for `findingsFor` and
 * `summary`. It only listens: the recorder and the capture are not changed.
 */
export class LiveLint extends EventEmitter<{ 'lint:finding': [LintFinding] }> {
  private readonly engine: LintEngine;
  private readonly onEvent = (event: ExchangeEvent): void => {
    if (event.type !== 'exchange:end') return;
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

  /** Stops listening to the recorder. */
  detach(): void {
    this.recorder.off('event', this.onEvent);
    this.recorder.off('merge', this.onMerge);
    this.recorder.off('evict', this.onEvict);
  }
}
