import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/** Sets and removes response headers (names are case-insensitive). */
export const setHeaders: StepExecutor<Extract<Step, { type: 'set-headers' }>> = {
  schema: z.object({ type: z.literal('set-headers'), set: z.record(z.string(), z.string()).optional(), remove: z.array(z.string()).optional() }),
  stage: () => 'response',
  explain(step) {
    const parts = [...Object.entries(step.set ?? {}).map(([k, v]) => `set ${k}: ${v}`), ...(step.remove ?? []).map((k) => `remove ${k}`)];
    return parts.join(', ') || 'leave the headers';
  },
  onResponse(step, ctx) {
    for (const [name, value] of Object.entries(step.set ?? {})) ctx.headers[name.toLowerCase()] = value;
    for (const name of step.remove ?? []) delete ctx.headers[name.toLowerCase()];
  },
};
