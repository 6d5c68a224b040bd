import { describe, expect, it } from 'vitest';
import { explainStep, validateRule } from '../../../src/main/core/proxy/rules';
import { executorOf } from '../../../src/main/core/proxy/steps';
import { responseContext, runOnResponse } from './harness';

describe('step set-status', () => {
  it("replaces the upstream's status and nothing else, and says which status it set", async () => {
    const ctx = responseContext(202, { 'content-type': 'application/json', 'mcp-session-id': 's1' });
    await runOnResponse({ type: 'set-status', status: 204 }, ctx);
    expect(ctx.status).toBe(204);
    expect(ctx.headers).toEqual({ 'content-type': 'application/json', 'mcp-session-id': 's1' });
    expect(ctx.replacement).toBeUndefined();
    expect(executorOf({ type: 'set-status', status: 204 }).status?.({ type: 'set-status', status: 204 })).toBe(204);
  });

  it('explains itself and wants an HTTP status', () => {
    expect(explainStep({ type: 'set-status', status: 204 })).toBe('change the status to 204');
    expect(validateRule({ id: 'r', description: '', enabled: true, match: [], steps: [{ type: 'set-status', status: 600 }] })).toEqual(['step 1: 600 is not an HTTP status']);
  });
});
