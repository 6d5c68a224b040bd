import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import { statusProblems, type StepExecutor } from './step';

/** Replaces the upstream's status; headers and body go on as they came. */
export const setStatus: StepExecutor<Extract<Step, { type: 'set-status' }>> = {
  schema: z.object({ type: z.literal('set-status'), status: z.number().int() }),
  stage: () => 'response',
  explain: (step) => `change the status to ${step.status}`,
  status: (step) => step.status,
  problems: (step) => statusProblems(step.status),
  onResponse(step, ctx) {
    ctx.status = step.status;
  },
};
