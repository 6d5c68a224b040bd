import { describe, expect, it } from 'vitest';
import { patchJsonText, patchMessage, pointerTokens } from '../../src/main/core/proxy/jsonPatch';
import { explainStep, parseRules } from '../../src/main/core/proxy/rules';

// The patch-json rule step: RFC 6901 pointers (with `*` for every array element), remove and
// replace only where the target exists.

describe('patch-json', () => {
  it('reads JSON Pointers with their escapes, and refuses one without a leading slash', () => {
    expect(pointerTokens('/result/_meta/io.modelcontextprotocol~1serverInfo')).toEqual(['result', '_meta', 'io.modelcontextprotocol/serverInfo']);
    expect(pointerTokens('/a~0b/~01')).toEqual(['a~b', '~1']);
    expect(() => pointerTokens('result/resultType')).toThrow(/must start with "\/"/);
  });

  it('removes and replaces where the target exists and leaves other messages alone', () => {
    const result = { jsonrpc: '2.0', id: 1, result: { resultType: 'complete', ttlMs: 0, _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's' }, keep: 1 } } };
    expect(patchMessage(result, { type: 'patch-json', remove: ['/result/resultType', '/result/_meta/io.modelcontextprotocol~1serverInfo', '/result/absent'], replace: { '/result/ttlMs': -1, '/result/cacheScope': 'shared' } })).toBe(true);
    expect(result).toEqual({ jsonrpc: '2.0', id: 1, result: { ttlMs: -1, _meta: { keep: 1 } } });
    const notification = { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } };
    expect(patchMessage(notification, { type: 'patch-json', remove: ['/result/resultType'], replace: { '/id': null } })).toBe(false);
    expect(notification).toEqual({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } });
  });

  it('applies `*` to every element of an array, removing elements from the last', () => {
    const list = { result: { tools: [{ name: 'a', inputSchema: { $schema: 'x', type: 'object' } }, { name: 'b', inputSchema: { type: 'object', allOf: [] } }] } };
    patchMessage(list, { type: 'patch-json', remove: ['/result/tools/*/inputSchema/$schema', '/result/tools/*/inputSchema/allOf'] });
    expect(list.result.tools).toEqual([{ name: 'a', inputSchema: { type: 'object' } }, { name: 'b', inputSchema: { type: 'object' } }]);
    const items = { a: [1, 2, 3] };
    patchMessage(items, { type: 'patch-json', remove: ['/a/*'] });
    expect(items).toEqual({ a: [] });
  });

  it('patches each message of a batch; says nothing changed for other JSON and for text that is not JSON', () => {
    const batch = JSON.stringify([{ jsonrpc: '2.0', id: 1, error: { code: -32601 } }, { jsonrpc: '2.0', id: 2, result: {} }]);
    expect(JSON.parse(patchJsonText(batch, [{ type: 'patch-json', replace: { '/id': null } }])!)).toEqual([{ jsonrpc: '2.0', id: null, error: { code: -32601 } }, { jsonrpc: '2.0', id: null, result: {} }]);
    expect(patchJsonText('{"jsonrpc":"2.0","method":"x"}', [{ type: 'patch-json', remove: ['/result'] }])).toBeUndefined();
    expect(patchJsonText('not json', [{ type: 'patch-json', remove: ['/result'] }])).toBeUndefined();
  });

  it('is a rule step that explains itself and is checked when parsed', () => {
    expect(explainStep({ type: 'patch-json', remove: ['/result/resultType'], replace: { '/id': null } })).toBe('in each JSON-RPC message, remove /result/resultType, set /id to null');
    const steps = (step: unknown) => [{ id: 'p', match: [], steps: [step] }];
    expect(parseRules(steps({ type: 'patch-json', remove: ['/result/resultType'] }))[0]!.steps[0]).toEqual({ type: 'patch-json', remove: ['/result/resultType'] });
    expect(() => parseRules(steps({ type: 'patch-json' }))).toThrow(/patch-json needs a "remove" or "replace" path/);
    expect(() => parseRules(steps({ type: 'patch-json', remove: ['result'] }))).toThrow(/"result" is not a JSON Pointer/);
  });
});
