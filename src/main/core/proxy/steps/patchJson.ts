import { z } from 'zod';
import type { Step } from '../../../../shared/rules';
import type { StepExecutor } from './step';

/**
 * Edits the JSON-RPC messages of a JSON body or of every SSE event (jsonPatch.ts). It acts, and
 * is recorded, only where it changes something: the body's kind is known after the head.
 */
export const patchJson: StepExecutor<Extract<Step, { type: 'patch-json' }>> = {
  schema: z.object({ type: z.literal('patch-json'), remove: z.array(z.string()).optional(), replace: z.record(z.string(), z.unknown()).optional() }),
  stage: () => 'response',
  deferred: true,
  explain(step) {
    const parts = [...(step.remove ?? []).map((p) => `remove ${p}`), ...Object.entries(step.replace ?? {}).map(([p, v]) => `set ${p} to ${JSON.stringify(v)}`)];
    return `in each JSON-RPC message, ${parts.join(', ')}`;
  },
  problems(step) {
    const pointers = [...(step.remove ?? []), ...Object.keys(step.replace ?? {})];
    if (pointers.length === 0) return ['patch-json needs a "remove" or "replace" path'];
    return pointers.filter((pointer) => !pointer.startsWith('/')).map((pointer) => `"${pointer}" is not a JSON Pointer (it starts with "/")`);
  },
  onResponse(step, ctx, applied) {
    ctx.jsonRpcEdits.push({ step, applied });
  },
};
