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
  };

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
  }
}
