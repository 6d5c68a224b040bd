import { describe, expect, it } from 'vitest';
import { McpError, parseJsonRpcBody } from '../../src/main/core/server/mcp/jsonrpc';

const parse = (text: string) => parseJsonRpcBody(Buffer.from(text));

describe('JSON-RPC body parsing', () => {
  it('parses single messages and batches', () => {
    expect(parse('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({ messages: [{ jsonrpc: '2.0', id: 1, method: 'ping' }], batch: false });
    expect(parse('[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":"a","result":{}}]').messages).toHaveLength(2);
  });

  it.each([
    ['{not json', -32700],
    ['[]', -32600],
    ['{"foo":1}', -32600],
    ['{"jsonrpc":"1.0","id":1,"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":{},"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}', -32600],
    ['{"jsonrpc":"2.0","id":1}', -32600],
  ])('rejects %s with %i and HTTP 400', (text, code) => {
    try {
      parse(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(code);
      expect((err as McpError).httpStatus).toBe(400);
    }
  });
});
