import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Resets the connection (TCP RST): the client sees ECONNRESET. */
export const reset: StepExecutor<Extract<Step, { type: 'reset' }>> = {
  schema: z.object({ type: z.literal('reset') }),
  stage: () => 'request',
  final: true,
  explain: () => 'reset the connection',
  onRequest(_step, ctx) {
    ctx.recording.fail('proxy-error', 'A rule reset the connection');
    ctx.req.socket.resetAndDestroy();
    ctx.ended = true;
  },
};
