import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/**
 * Pauses the exchange until the user resumes it (maybe edited) or it times out (breakpoints.ts):
 * before the upstream, its edits go upstream; before the client, the response is held (a
 * stream before its headers) and paused once its body is known.
 */
export const breakpoint: StepExecutor<Extract<Step, { type: 'breakpoint' }>> = {
  schema: z.object({ type: z.literal('breakpoint'), stage: z.enum(['request', 'response']), timeoutMs: z.number().int().positive().max(600_000).optional() }),
  stage: (step) => step.stage,
  explain: (step) => `pause before the ${step.stage === 'request' ? 'request goes upstream' : 'response reaches the client'}`,
  async onRequest(step, ctx) {
    ctx.edits = { ...ctx.edits, ...(await ctx.pause('request', step.timeoutMs)) };
  },
  onResponse(step, ctx) {
    ctx.breakpoint = { timeoutMs: step.timeoutMs };
  },
};
