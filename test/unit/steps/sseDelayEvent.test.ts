import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { events, responseContext, runOnResponse, throughSseWriter } from './harness';

describe('step sse-delay-event', () => {
  it('holds the Nth event back, and the ones after it wait their turn', async () => {
    const ctx = responseContext(200, { 'content-type': 'text/event-stream' });
    const { applied } = await runOnResponse({ type: 'sse-delay-event', index: 0, ms: 60 }, ctx);
    for (const act of ctx.onStream) act();
    expect(applied()).toBe(1);
    expect(ctx.sse.delays.get(0)).toBe(60);
    const { text, at } = await throughSseWriter(ctx.sse, events('first', 'second'));
    expect(text).toBe('data: first\n\ndata: second\n\n');
    expect(at[0]).toBeGreaterThanOrEqual(59);
    expect(explainStep({ type: 'sse-delay-event', index: 0, ms: 60 })).toBe('hold SSE event #0 back 60 ms');
  });
});
