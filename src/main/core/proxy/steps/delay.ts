import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import { sleep, type StepExecutor } from './step';

type Delay = Extract<Step, { type: 'delay' }>;

/** Waits, then goes on: before the upstream, or before answering in a rule judged on the response. */
export const delay: StepExecutor<Delay> = {
  schema: z.object({ type: z.literal('delay'), ms: z.number().nonnegative() }),
  stage: () => 'either',
  explain: (step) => `wait ${step.ms} ms`,
  problems: (step) => (step.ms >= 0 ? [] : ['delay must be a non-negative number of ms']),
  onRequest: (step) => sleep(step.ms),
  onResponse: (step) => sleep(step.ms),
};
