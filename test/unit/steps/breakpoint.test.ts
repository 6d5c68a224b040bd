import { describe, expect, it } from 'vitest';
import { explainStep, validateRule } from '../../../src/main/core/proxy/rules';
import { stageOf } from '../../../src/main/core/proxy/steps';
import { responseContext, runOnResponse, runOnRequest } from './harness';

describe('step breakpoint', () => {
  it('before the upstream: holds the exchange until resumed, and keeps the edits for the request', async () => {
    const run = await runOnRequest({ type: 'breakpoint', stage: 'request', timeoutMs: 60_000 });
    let resumed = false;
    void run.done.then(() => (resumed = true));
    expect(run.recording.exchange.paused?.stage).toBe('request');
    expect(resumed).toBe(false);
    expect(run.breakpoints.resume(run.recording.exchange.id, { headers: { 'X-Edited': '1' } })).toBe(true);
    await run.done;
    expect(run.ctx.edits).toEqual({ headers: { 'X-Edited': '1' } });
    expect(run.recording.exchange.paused).toBeUndefined();
    expect(run.ctx.ended).toBeUndefined();
    run.res.end();
    await run.client();
  });

  it('before the client: marks the response to pause once its body is known', async () => {
    const ctx = responseContext();
    const { applied } = await runOnResponse({ type: 'breakpoint', stage: 'response', timeoutMs: 5000 }, ctx);
    expect(ctx.breakpoint).toEqual({ timeoutMs: 5000 });
    expect(applied()).toBe(0); // recorded by the runner as its rule reaches it, not deferred
  });

  it('acts at its own stage, explains itself, and a status rule may only pause the response', () => {
    const rule = { id: 'r', description: '', enabled: true, match: [] };
    expect(stageOf({ ...rule, steps: [] }, { type: 'breakpoint', stage: 'request' })).toBe('request');
    expect(stageOf({ ...rule, steps: [] }, { type: 'breakpoint', stage: 'response' })).toBe('response');
    expect(explainStep({ type: 'breakpoint', stage: 'response' })).toBe('pause before the response reaches the client');
    const onStatus = { ...rule, match: [{ type: 'status' as const, statuses: [500] }] };
    expect(validateRule({ ...onStatus, steps: [{ type: 'breakpoint', stage: 'request' }] })).toEqual(['a rule that matches on the upstream status can only change the response']);
  });
});

