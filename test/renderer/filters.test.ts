import { describe, expect, it } from 'vitest';
import { matchesQuery, parseQuery, withFilter, filterValue, type FilterContext } from '../../src/renderer/src/lib/filters';
import { row } from './fixtures';

const ctx: FilterContext = { resolveConnection: (id) => (id === 'old' ? 'new' : id) };
const matches = (query: string, r = row(), context = ctx) => matchesQuery(r, parseQuery(query), context);

describe('timeline filters', () => {
  it('matches phases by name and alias, several at once', () => {
    expect(matches('phase:dcr', row({ phase: 'registration' }))).toBe(true);
    expect(matches('phase:token,authorize', row({ phase: 'authorization' }))).toBe(true);
    expect(matches('phase:token', row({ phase: 'jsonrpc' }))).toBe(false);
    expect(parseQuery('phase:nonsense').problems[0]).toContain('unknown phase nonsense');
  });

  it('matches status classes, codes, changed and pending', () => {
    expect(matches('status:4xx', row({ status: 401 }))).toBe(true);
    expect(matches('status:4xx', row({ status: 200 }))).toBe(false);
    expect(matches('status:202', row({ status: 202 }))).toBe(true);
    expect(matches('status:changed', row({ status: 204, upstreamStatus: 202 }))).toBe(true);
    expect(matches('status:changed', row({ status: 204 }))).toBe(false);
    expect(matches('status:pending', row({ status: undefined, state: 'pending' }))).toBe(true);
    expect(parseQuery('status:abc').problems).toHaveLength(1);
  });

  it('negates with a leading minus', () => {
    expect(matches('-phase:jsonrpc', row({ phase: 'jsonrpc' }))).toBe(false);
    expect(matches('-phase:jsonrpc', row({ phase: 'token' }))).toBe(true);
  });

  it('matches JSON-RPC methods exactly or by prefix, clients by family or name, sessions through merges', () => {
    expect(matches('rpc:tools/call', row({ rpcMethods: ['tools/call'] }))).toBe(true);
    expect(matches('rpc:tools/call', row({ rpcMethods: ['tools/list'] }))).toBe(false);
    expect(matches('rpc:notifications/*', row({ rpcMethods: ['notifications/initialized'] }))).toBe(true);
    expect(matches('client:claude-user', row({ clientFamily: 'claude-user', clientLabel: 'Claude-User' }))).toBe(true);
    expect(matches('client:httpx', row({ clientFamily: 'claude-ai-discovery', clientLabel: 'Claude.ai (discovery, python-httpx)' }))).toBe(true);
    expect(matches('session:ab12', row({ sessionId: 'AB12cd' }))).toBe(true);
    expect(matches('session:new', row({ connectionId: 'old' }))).toBe(true); // "old" merged into "new"
  });

  it('matches free words in the row, or anywhere the core found them (headers, bodies)', () => {
    const r = row({ url: '/.well-known/oauth-protected-resource/mcp', phase: 'discovery', label: 'PRM (path-suffixed)' });
    expect(matches('protected', r)).toBe(true);
    expect(matches('protected nothing', r)).toBe(false);
    expect(matches('secret-in-body', r)).toBe(false);
    expect(matches('secret-in-body', r, { ...ctx, searchHits: new Set([r.id]) })).toBe(true);
  });

  it('edits one key of a query without touching the rest', () => {
    expect(withFilter('jwt phase:token', 'phase', 'dcr')).toBe('jwt phase:dcr');
    expect(withFilter('jwt -phase:token', 'phase', '')).toBe('jwt');
    expect(filterValue('a status:4xx b', 'status')).toBe('4xx');
  });
});
