import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Never answers: the client gives up by itself, and the response's close records that. */
export const timeout: StepExecutor<Extract<Step, { type: 'timeout' }>> = {
  schema: z.object({ type: z.literal('timeout') }),
  stage: () => 'request',
  final: true,
  explain: () => 'never answer',
  onRequest(_step, ctx) {
    ctx.ended = true;
  },
};
