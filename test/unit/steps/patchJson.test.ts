import { describe, expect, it } from 'vitest';
import type { Step } from '../../../src/shared/rules';
import { JsonRpcEdits } from '../../../src/main/core/proxy/jsonPatch';
import { explainStep, validateRule } from '../../../src/main/core/proxy/rules';
import { responseContext, runOnResponse } from './harness';

describe('step patch-json', () => {
  it('waits for the body: it records itself once, the first time it changes a message', async () => {
    const ctx = responseContext();
    const step: Step = { type: 'patch-json', remove: ['/result/resultType'] };
    const { applied } = await runOnResponse(step, ctx);
    expect(applied()).toBe(0);
    expect(ctx.jsonRpcEdits).toHaveLength(1);
    const edits = new JsonRpcEdits(ctx.jsonRpcEdits);
    expect(edits.apply('{"jsonrpc":"2.0","method":"notifications/progress"}')).toBeUndefined();
    expect(applied()).toBe(0);
    expect(JSON.parse(edits.apply('{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","tools":[]}}')!)).toEqual({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
    expect(edits.apply('{"jsonrpc":"2.0","id":2,"result":{"resultType":"complete"}}')).toBeDefined();
    expect(applied()).toBe(1);
  });

  it('explains itself and wants JSON Pointers', () => {
    expect(explainStep({ type: 'patch-json', remove: ['/a'], replace: { '/b': 1 } })).toBe('in each JSON-RPC message, remove /a, set /b to 1');
    const rule = { id: 'r', description: '', enabled: true, match: [] };
    expect(validateRule({ ...rule, steps: [{ type: 'patch-json' }] })).toEqual(['step 1: patch-json needs a "remove" or "replace" path']);
    expect(validateRule({ ...rule, steps: [{ type: 'patch-json', remove: ['result'] }] })).toEqual(['step 1: "result" is not a JSON Pointer (it starts with "/")']);
  });
});
