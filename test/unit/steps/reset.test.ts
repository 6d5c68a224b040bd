import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { runOnRequest } from './harness';

describe('step reset', () => {
  it('resets the connection: the client reads ECONNRESET, and the recording says a rule did it', async () => {
    const run = await runOnRequest({ type: 'reset' });
    await run.done;
    expect(run.ctx.ended).toBe(true);
    const saw = await run.client();
    expect(saw.error).toMatch(/ECONNRESET|closed/);
    expect(saw.status).toBeUndefined();
    expect(run.recording.exchange.error).toMatchObject({ kind: 'proxy-error', message: 'A rule reset the connection' });
    expect(explainStep({ type: 'reset' })).toBe('reset the connection');
  });
});
