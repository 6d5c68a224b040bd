import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Drops the Nth event (0-based, comments not counted) of an event stream. */
export const sseDropEvent: StepExecutor<Extract<Step, { type: 'sse-drop-event' }>> = {
  schema: z.object({ type: z.literal('sse-drop-event'), index: z.number().int().nonnegative() }),
  stage: () => 'response',
  deferred: true,
  explain: (step) => `drop SSE event #${step.index}`,
  onResponse(step, ctx, applied) {
    ctx.onStream.push(() => {
      applied();
      ctx.sse.drop.add(step.index);
    });
  },
};
