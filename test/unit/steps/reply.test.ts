import { describe, expect, it } from 'vitest';
import { explainStep, validateRule } from '../../../src/main/core/proxy/rules';
import { runOnRequest } from './harness';

describe('step reply', () => {
  it('answers without the upstream: the client gets the status, headers and body, and the recording ends with them', async () => {
    const run = await runOnRequest({ type: 'reply', status: 503, headers: { 'Retry-After': '2' }, body: '{"error":"busy"}' });
    await run.done;
    expect(run.ctx.ended).toBe(true);
    const saw = await run.client();
    expect(saw).toMatchObject({ status: 503, body: '{"error":"busy"}' });
    expect(saw.headers).toMatchObject({ 'content-type': 'application/json', 'retry-after': '2', 'content-length': '16' });
    const { exchange } = run.recording;
    expect(exchange.response).toMatchObject({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '2' } });
    expect(exchange.response?.body).toMatchObject({ data: '{"error":"busy"}', size: 16 });
    expect(exchange.state).toBe('complete');
  });

  it('an empty reply records no body', async () => {
    const run = await runOnRequest({ type: 'reply', status: 204 });
    await run.done;
    expect(await run.client()).toMatchObject({ status: 204, body: '' });
    expect(run.recording.exchange.response?.body).toBeUndefined();
  });

  it('explains itself and wants an HTTP status, last in its rule', () => {
    expect(explainStep({ type: 'reply', status: 503 })).toBe('answer 503 without contacting the upstream');
    const rule = { id: 'r', description: '', enabled: true, match: [] };
    expect(validateRule({ ...rule, steps: [{ type: 'reply', status: 42 }] })).toEqual(['step 1: 42 is not an HTTP status']);
    expect(validateRule({ ...rule, steps: [{ type: 'reply', status: 200 }, { type: 'delay', ms: 1 }] })).toEqual(['step 1 (reply) ends the exchange, so it must be the last step']);
  });
});
