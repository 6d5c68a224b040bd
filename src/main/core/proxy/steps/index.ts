import type { Rule, Step } from '../../../../shared/rules';
import { breakpoint } from './breakpoint';
import { close } from './close';
import { delay } from './delay';
import { patchJson } from './patchJson';
import { replaceBody } from './replaceBody';
import { reply } from './reply';
import { reset } from './reset';
import { setHeaders } from './setHeaders';
import { setStatus } from './setStatus';
import { sseCloseAfter } from './sseCloseAfter';
import { sseDelayEvent } from './sseDelayEvent';
import { sseDropEvent } from './sseDropEvent';
import type { StepExecutor, StepStage } from './step';
import { timeout } from './timeout';

// The step registry: one executor per `Step['type']`, in the spirit of mockttp's
// request-step-definitions (plain data, src/shared/rules.ts) vs request-step-impls (here).
//
// Adding a step type:
//   1. its member of the `Step` union in src/shared/rules.ts (the data a rules file carries);
//   2. one executor file in this folder: its zod schema, stage, explain(), problems() if its
//      values need more than the schema says, and onRequest/onResponse (step.ts says what each
//      stage may change), with its test in test/unit/steps/;
//   3. its line in STEPS below: the mapped type makes the compiler refuse a table without it.
// Parsing (proxy/rules.ts), validation, explanations and the front door's execution all read
// this table. (lint/causes.ts sorts steps by what they change, with a default for a new type.)

type Executors = { [K in Step['type']]: StepExecutor<Extract<Step, { type: K }>> };

export const STEPS: Executors = {
  delay,
  reply,
  close,
  reset,
  timeout,
  'set-status': setStatus,
  'set-headers': setHeaders,
  'replace-body': replaceBody,
  'patch-json': patchJson,
  'sse-drop-event': sseDropEvent,
  'sse-delay-event': sseDelayEvent,
  'sse-close-after': sseCloseAfter,
  breakpoint,
};

/** The executor of a step, typed for it. */
export function executorOf<S extends Step>(step: S): StepExecutor<S> {
  return STEPS[step.type] as unknown as StepExecutor<S>;
}

/** A sentence for the timeline and the rules editor. */
export function explainStep(step: Step): string {
  return executorOf(step).explain(step);
}

/** Whether a rule's matchers can only be judged once the upstream answered. */
export function needsResponse(rule: Rule): boolean {
  return rule.match.some((m) => m.type === 'status');
}

/**
 * Where a rule's step acts: a rule judged on the upstream's answer acts there with every step
 * (validateRule allows only steps that can); otherwise each step where its executor says.
 */
export function stageOf(rule: Rule, step: Step): 'request' | 'response' {
  if (needsResponse(rule)) return 'response';
  const stage: StepStage = executorOf(step).stage(step);
  return stage === 'either' ? 'request' : stage;
}

/** What is wrong with a rule's steps: a final step that is not last, values out of range, steps its stage can't run. */
export function stepProblems(rule: Rule): string[] {
  const problems: string[] = [];
  rule.steps.forEach((step, i) => {
    const executor = executorOf(step);
    if (!executor) return void problems.push(`step ${i + 1}: unknown step type ${JSON.stringify((step as { type: unknown }).type)}`);
    if (executor.final && i !== rule.steps.length - 1) problems.push(`step ${i + 1} (${step.type}) ends the exchange, so it must be the last step`);
    for (const problem of executor.problems?.(step) ?? []) problems.push(`step ${i + 1}: ${problem}`);
  });
  if (needsResponse(rule) && rule.steps.some((step) => executorOf(step)?.stage(step) === 'request')) {
    problems.push('a rule that matches on the upstream status can only change the response');
  }
  return problems;
}
