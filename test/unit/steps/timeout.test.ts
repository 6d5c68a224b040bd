import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { runOnRequest } from './harness';

describe('step timeout', () => {
  it('never answers: the exchange ends there with nothing sent, until the client gives up', async () => {
    const run = await runOnRequest({ type: 'timeout' });
    await run.done;
    expect(run.ctx.ended).toBe(true);
    expect(run.res.headersSent).toBe(false);
    expect(run.res.writableEnded).toBe(false);
    expect(run.recording.exchange.response).toBeUndefined();
    const saw = await run.client(true);
    expect(saw.status).toBeUndefined();
    expect(explainStep({ type: 'timeout' })).toBe('never answer');
  });
});
