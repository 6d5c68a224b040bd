import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Replaces the response body (and its content type, when given); the length is set afresh. */
export const replaceBody: StepExecutor<Extract<Step, { type: 'replace-body' }>> = {
  schema: z.object({ type: z.literal('replace-body'), body: z.string(), contentType: z.string().optional() }),
  stage: () => 'response',
  explain: () => 'replace the body',
  onResponse(step, ctx) {
    ctx.replacement = Buffer.from(step.body);
    if (step.contentType) ctx.headers['content-type'] = step.contentType;
  },
};
