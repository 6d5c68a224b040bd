import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Ends the connection gracefully (TCP FIN) without an answer: clients read it as "closed", not "reset". */
export const close: StepExecutor<Extract<Step, { type: 'close' }>> = {
  schema: z.object({ type: z.literal('close') }),
  stage: () => 'request',
  final: true,
  explain: () => 'close the connection without an answer',
  onRequest(_step, ctx) {
    ctx.recording.fail('proxy-error', 'A rule closed the connection without an answer');
    ctx.req.socket.end();
    ctx.ended = true;
  },
};
