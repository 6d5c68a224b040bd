import { describe, expect, it } from 'vitest';
import { explainStep } from '../../../src/main/core/proxy/rules';
import { responseContext, runOnResponse } from './harness';

describe('step set-headers', () => {
  it('sets and removes headers whatever the case of their names', async () => {
    const ctx = responseContext(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' });
    await runOnResponse({ type: 'set-headers', set: { 'X-Added': 'yes', 'Content-Type': 'text/plain' }, remove: ['Mcp-Session-Id', 'absent'] }, ctx);
    expect(ctx.headers).toEqual({ 'content-type': 'text/plain', 'x-added': 'yes' });
    expect(ctx.status).toBe(200);
  });

  it('explains each change, or that it leaves the headers', () => {
    expect(explainStep({ type: 'set-headers', set: { 'x-a': '1' }, remove: ['mcp-session-id'] })).toBe('set x-a: 1, remove mcp-session-id');
    expect(explainStep({ type: 'set-headers' })).toBe('leave the headers');
  });
});
