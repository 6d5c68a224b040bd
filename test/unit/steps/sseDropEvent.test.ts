import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { events, responseContext, runOnResponse, throughSseWriter } from './harness';

describe('step sse-drop-event', () => {
  it('acts only on a stream, then the Nth event (comments not counted) never reaches the client', async () => {
    const ctx = responseContext(200, { 'content-type': 'text/event-stream' });
    const { applied } = await runOnResponse({ type: 'sse-drop-event', index: 1 }, ctx);
    expect(ctx.sse.drop.size).toBe(0); // not a stream until the front door says so
    expect(applied()).toBe(0);
    for (const act of ctx.onStream) act();
    expect(applied()).toBe(1);
    const { text } = await throughSseWriter(ctx.sse, [{ kind: 'comment', comment: 'hi' }, ...events('a', 'b', 'c')]);
    expect(text).toBe(': hi\n\ndata: a\n\ndata: c\n\n');
    expect(explainStep({ type: 'sse-drop-event', index: 1 })).toBe('drop SSE event #1');
  });
});
