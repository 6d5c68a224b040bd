import type { Rule, Step } from '../../../shared/rules';
import type { ExchangeRecording } from '../recorder/recorder';
import type { MatchInput } from './matchers';
import { ruleMatches } from './rules';
import { executorOf, needsResponse, stageOf } from './steps';
import type { RequestStepContext, ResponseStepContext } from './steps/step';

// Running the rules on an exchange: which apply at each stage (one selection, used at both),
// their `limit`s, and each step through its executor (steps/), recorded as it acts.

export class RuleRunner {
  /** How many exchanges each rule changed, for rules with a `limit`. */
  private readonly uses = new Map<string, number>();

  /**
   * The rules that may act on this exchange at a stage. On the request: those that match it,
   * and those waiting for the upstream's status; on the response, of those, the ones that match
   * with the status. A `limit` is checked each time, so overlapping requests cannot all take the
   * last use.
   */
  select(rules: readonly Rule[], input: MatchInput, stage: 'request' | 'response', recording: ExchangeRecording): Rule[] {
    const selected: Rule[] = [];
    for (const rule of rules) {
      const judged = stage === 'response' || !needsResponse(rule) ? ruleMatches(rule, input) : rule.enabled;
      if (judged && this.withinLimit(rule, recording)) selected.push(rule);
    }
    return selected;
  }

  /** Runs the request-stage steps of the selected rules, until one ends the exchange. */
  async runRequest(rules: readonly Rule[], ctx: RequestStepContext): Promise<void> {
    for (const rule of rules) {
      for (const step of rule.steps) {
        const executor = executorOf(step);
        // (A step that can't act at this stage is refused by validateRule; a rule that skipped validation skips it.)
        if (stageOf(rule, step) !== 'request' || !executor.onRequest) continue;
        this.applied(rule, step, ctx.recording);
        await executor.onRequest(step, ctx);
        if (ctx.ended) return;
      }
    }
  }

  /** Runs the response-stage steps of the selected rules on the upstream's answer. */
  async runResponse(rules: readonly Rule[], ctx: ResponseStepContext, recording: ExchangeRecording): Promise<void> {
    for (const rule of rules) {
      for (const step of rule.steps) {
        const executor = executorOf(step);
        if (stageOf(rule, step) !== 'response' || !executor.onResponse) continue;
        const applied = () => this.applied(rule, step, recording);
        if (!executor.deferred) applied();
        await executor.onResponse(step, ctx, applied);
      }
    }
  }

  /** Counts these rules' uses afresh: a toggle chosen again re-arms its limited rules. */
  resetUses(ruleIds: string[]): void {
    for (const id of ruleIds) this.uses.delete(id);
  }

  private withinLimit(rule: Rule, recording: ExchangeRecording): boolean {
    if (rule.limit === undefined || recording.exchange.appliedRules.some((r) => r.ruleId === rule.id)) return true;
    return (this.uses.get(rule.id) ?? 0) < rule.limit;
  }

  /** Records that a rule's step acted on this exchange (and counts the rule's first step). */
  private applied(rule: Rule, step: Step, recording: ExchangeRecording): void {
    if (!recording.exchange.appliedRules.some((r) => r.ruleId === rule.id)) this.uses.set(rule.id, (this.uses.get(rule.id) ?? 0) + 1);
    const executor = executorOf(step);
    const status = executor.status?.(step);
    recording.ruleApplied({ ruleId: rule.id, explanation: `${rule.description}: ${executor.explain(step)}`, ...(status !== undefined ? { setStatus: status } : {}) });
  }
}
