import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { events, responseContext, runOnResponse, throughSseWriter } from './harness';

describe('step sse-close-after', () => {
  it('ends the stream after N events and stops the upstream', async () => {
    const ctx = responseContext(200, { 'content-type': 'text/event-stream' });
    const { applied } = await runOnResponse({ type: 'sse-close-after', count: 2 }, ctx);
    expect(ctx.sse.closeAfter).toBeUndefined();
    for (const act of ctx.onStream) act();
    expect(applied()).toBe(1);
    const { text, stopped } = await throughSseWriter(ctx.sse, events('1', '2', '3'));
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
    expect(stopped).toBe(true);
    expect(explainStep({ type: 'sse-close-after', count: 2 })).toBe('close the stream after 2 events');
  });
});
