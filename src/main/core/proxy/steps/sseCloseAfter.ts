import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Ends an event stream after N events, as a server that closes it would (an end, not a failure). */
export const sseCloseAfter: StepExecutor<Extract<Step, { type: 'sse-close-after' }>> = {
  schema: z.object({ type: z.literal('sse-close-after'), count: z.number().int().positive() }),
  stage: () => 'response',
  deferred: true,
  explain: (step) => `close the stream after ${step.count} events`,
  onResponse(step, ctx, applied) {
    ctx.onStream.push(() => {
      applied();
      ctx.sse.closeAfter = step.count;
    });
  },
};
