import { describe, expect, it } from 'vitest';
import { explainStep, validateRule } from '../../../src/main/core/proxy/rules';
import { executorOf, stageOf } from '../../../src/main/core/proxy/steps';
import { responseContext, runOnRequest } from './harness';

describe('step delay', () => {
  it('waits before the upstream, and the exchange goes on (not ended)', async () => {
    const started = performance.now();
    const run = await runOnRequest({ type: 'delay', ms: 40 });
    await run.done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(run.ctx.ended).toBeUndefined();
    run.res.end();
    await run.client();
  });

  it('waits before answering in a rule judged on the response, changing nothing', async () => {
    const ctx = responseContext(500);
    const started = performance.now();
    await executorOf({ type: 'delay', ms: 30 }).onResponse!({ type: 'delay', ms: 30 }, ctx, () => undefined);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(ctx).toEqual(responseContext(500));
  });

  it('acts where its rule is judged', () => {
    const step = { type: 'delay', ms: 5 } as const;
    const rule = { id: 'r', description: '', enabled: true, match: [], steps: [step] };
    expect(stageOf(rule, step)).toBe('request');
    expect(stageOf({ ...rule, match: [{ type: 'status', statuses: [500] }] }, step)).toBe('response');
    expect(validateRule({ ...rule, steps: [{ type: 'delay', ms: -5 }] })).toEqual(['step 1: delay must be a non-negative number of ms']);
    expect(explainStep(step)).toBe('wait 5 ms');
  });
});
