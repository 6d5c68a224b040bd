import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { runOnRequest } from './harness';

describe('step close', () => {
  it('ends the connection without an answer (a FIN, not a reset) and records why', async () => {
    const run = await runOnRequest({ type: 'close' });
    await run.done;
    expect(run.ctx.ended).toBe(true);
    expect(await run.client()).toEqual({ error: 'closed' });
    expect(run.recording.exchange.error).toMatchObject({ kind: 'proxy-error', message: 'A rule closed the connection without an answer' });
    expect(explainStep({ type: 'close' })).toBe('close the connection without an answer');
  });
});
