import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Holds the Nth event of an event stream back (the ones after it wait their turn). */
export const sseDelayEvent: StepExecutor<Extract<Step, { type: 'sse-delay-event' }>> = {
  schema: z.object({ type: z.literal('sse-delay-event'), index: z.number().int().nonnegative(), ms: z.number().nonnegative() }),
  stage: () => 'response',
  deferred: true,
  explain: (step) => `hold SSE event #${step.index} back ${step.ms} ms`,
  onResponse(step, ctx, applied) {
    ctx.onStream.push(() => {
      applied();
      ctx.sse.delays.set(step.index, step.ms);
    });
  },
};
