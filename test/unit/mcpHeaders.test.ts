import { describe, expect, it } from 'vitest';
import {
  decodeHeaderValue,
  encodeHeaderValue,
  headerProblems,
  headerSaysValue,
  InvalidHeaderValueError,
  paramHeaderDeclarations,
  paramText,
} from '../../src/shared/mcpHeaders';

// SEP-2243 value encoding (2026-07-28 transports, value encoding) and what a request's headers
// must mirror. The wire side (the reference server answering -32020) is in
// test/integration/stateless-era.test.ts and test/conformance/routing-headers.test.ts.

describe('Mcp-Param / Mcp-Name value encoding', () => {
  // The spec's table of encoding examples, both ways.
  const SPEC_EXAMPLES: Array<[string, string]> = [
    ['us-west1', 'us-west1'],
    ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
    [' padded ', '=?base64?IHBhZGRlZCA=?='],
    ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
    ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
  ];

  it.each(SPEC_EXAMPLES)('%j travels as %s and decodes back', (value, header) => {
    expect(encodeHeaderValue(value)).toBe(header);
    expect(decodeHeaderValue(header)).toBe(value);
  });

  it('keeps internal spaces plain, wraps a leading tab, a trailing space, control characters and CR LF', () => {
    expect(encodeHeaderValue('us west 1')).toBe('us west 1');
    for (const value of ['\tindented', 'us-west1 ', ' us-west1', 'a\u0001b', 'line1\r\nline2']) {
      const header = encodeHeaderValue(value);
      expect(header, JSON.stringify(value)).toMatch(/^=\?base64\?[A-Za-z0-9+/=]+\?=$/);
      expect(decodeHeaderValue(header)).toBe(value);
    }
  });

  it('trims optional whitespace around a field value, plain or encoded (RFC 9110 section 5.5)', () => {
    expect(decodeHeaderValue(' \ttools/call \t')).toBe('tools/call');
    expect(decodeHeaderValue(`  ${encodeHeaderValue('héllo')} `)).toBe('héllo');
    expect(decodeHeaderValue('a b')).toBe('a b');
  });

  it('takes a value missing either marker literally', () => {
    expect(decodeHeaderValue('SGVsbG8=')).toBe('SGVsbG8=');
    expect(decodeHeaderValue('=?base64?SGVsbG8=')).toBe('=?base64?SGVsbG8=');
    expect(decodeHeaderValue('SGVsbG8=?=')).toBe('SGVsbG8=?=');
    // The markers are case-sensitive.
    expect(decodeHeaderValue('=?BASE64?SGVsbG8=?=')).toBe('=?BASE64?SGVsbG8=?=');
  });

  it('refuses bad padding, characters outside the Base64 alphabet, non-UTF-8 bytes and raw non-ASCII', () => {
    for (const bad of ['=?base64?SGVsbG8?=', '=?base64?SGVs!!!bG8=?=', '=?base64?SGVsbG8-?=', '=?base64?SGVsbG8_?=', '=?base64?/w==?=', 'Hello, 世界', 'a\u007fb']) {
      expect(() => decodeHeaderValue(bad), bad).toThrow(InvalidHeaderValueError);
    }
    expect(decodeHeaderValue('=?base64??=')).toBe('');
  });

  it('renders arguments as header text: strings as they are, integers in decimal, booleans in lower case; nothing else', () => {
    expect([paramText('x'), paramText(''), paramText(42), paramText(-7), paramText(true), paramText(false)]).toEqual(['x', '', '42', '-7', 'true', 'false']);
    for (const none of [null, undefined, 3.5, 2 ** 53, { a: 1 }, ['a']]) expect(paramText(none), JSON.stringify(none)).toBeUndefined();
  });

  it('compares integers as numbers and everything else as text', () => {
    expect(headerSaysValue('42', 42)).toBe(true);
    expect(headerSaysValue('42.0', 42)).toBe(true);
    expect(headerSaysValue('4.2e1', 42)).toBe(true);
    expect(headerSaysValue('', 0)).toBe(false);
    expect(headerSaysValue('0x2a', 42)).toBe(false);
    expect(headerSaysValue('true', true)).toBe(true);
    expect(headerSaysValue('True', true)).toBe(false);
    expect(headerSaysValue('us-west1', 'us-west1')).toBe(true);
    expect(headerSaysValue('US-WEST1', 'us-west1')).toBe(false);
  });
});

describe('what a 2026-07-28 request must mirror', () => {
  const SCHEMA = {
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      priority: { type: 'integer', 'x-mcp-header': 'Priority' },
      options: { type: 'object', properties: { tenant: { type: 'string', 'x-mcp-header': 'Tenant' } } },
      list: { type: 'array', items: { type: 'object', properties: { hidden: { type: 'string', 'x-mcp-header': 'Hidden' } } } },
      query: { type: 'string' },
    },
  };
  const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
  const call = (args: Record<string, unknown>) => ({ method: 'tools/call', params: { name: 'deploy', arguments: args, _meta: META } });
  const from = (headers: Record<string, string>) => (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const STANDARD = { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'deploy' };

  it('reads x-mcp-header only along chains of properties (not through items)', () => {
    expect(paramHeaderDeclarations(SCHEMA)).toEqual([
      { name: 'Region', path: ['region'] },
      { name: 'Priority', path: ['priority'] },
      { name: 'Tenant', path: ['options', 'tenant'] },
    ]);
    expect(paramHeaderDeclarations(undefined)).toEqual([]);
  });

  it('finds nothing wrong with headers that mirror the body, names compared case-insensitively', () => {
    const headers = { ...STANDARD, 'mcp-param-region': 'eu', 'MCP-PARAM-PRIORITY': '3', 'Mcp-Param-Tenant': encodeHeaderValue('Zürich') };
    expect(headerProblems(call({ region: 'eu', priority: 3, options: { tenant: 'Zürich' }, query: 'q' }), from(headers), SCHEMA)).toEqual([]);
  });

  it('expects no header for an argument that is absent or null', () => {
    expect(headerProblems(call({ region: 'eu', priority: null }), from({ ...STANDARD, 'Mcp-Param-Region': 'eu' }), SCHEMA)).toEqual([]);
  });

  it('names every header that is missing, different, malformed or has nothing to mirror', () => {
    const headers = { 'MCP-Protocol-Version': '2025-11-25', 'Mcp-Method': 'tools/call', 'Mcp-Param-Region': 'us', 'Mcp-Param-Priority': '=?base64?SGVsbG8?=', 'Mcp-Param-Tenant': 't' };
    expect(headerProblems(call({ region: 'eu', priority: 3 }), from(headers), SCHEMA)).toEqual([
      { header: 'MCP-Protocol-Version', kind: 'mismatch', value: '2025-11-25', expected: '2026-07-28' },
      { header: 'Mcp-Name', kind: 'missing', expected: 'deploy' },
      { header: 'Mcp-Param-Region', kind: 'mismatch', value: 'us', expected: 'eu' },
      { header: 'Mcp-Param-Priority', kind: 'invalid', value: '=?base64?SGVsbG8?=', reason: expect.stringContaining('not valid Base64') },
      { header: 'Mcp-Param-Tenant', kind: 'unexpected', value: 't' },
    ]);
  });

  it('mirrors params.uri for resources/read and params.name for prompts/get; other methods carry no Mcp-Name', () => {
    const read = { method: 'resources/read', params: { uri: 'file:///a b', _meta: META } };
    expect(headerProblems(read, from({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'resources/read', 'Mcp-Name': encodeHeaderValue('file:///a b') }))).toEqual([]);
    const get = { method: 'prompts/get', params: { name: 'p', _meta: META } };
    expect(headerProblems(get, from({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'q' }))).toEqual([{ header: 'Mcp-Name', kind: 'mismatch', value: 'q', expected: 'p' }]);
    const list = { method: 'tools/list', params: { _meta: META } };
    expect(headerProblems(list, from({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/list' }))).toEqual([]);
    // A method named like an Object property is no method with an Mcp-Name.
    const odd = { method: 'toString', params: { _meta: META } };
    expect(headerProblems(odd, from({ 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'toString' }))).toEqual([]);
  });
});
