import { describe, expect, it } from 'vitest';
import { ConnectionModel, groupExchanges, type Merge } from '../../src/main/core/recorder/runs';
import type { Exchange } from '../../src/shared/exchange';
import { exchange, type ExchangeSpec } from '../helpers/exchangeFactory';

// Connections and runs over a list of exchanges (the model the recorder uses live), from the
// wire facts alone: strong keys tie, address + User-Agent only fills in.

const NODE = { 'user-agent': 'node' };
const BROWSER = { 'user-agent': 'Mozilla/5.0 Chrome/142' };
const JSON_BODY = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...NODE };
const FORM = { 'content-type': 'application/x-www-form-urlencoded', ...NODE };
const initialize = (id = 1) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'sdk', version: '1' } } });

let clock = 1_000;
const at = (spec: ExchangeSpec): Exchange => exchange({ startedAt: clock++, ...spec });

/** One SDK-like OAuth run: challenge, discovery, DCR, authorize + consent, token, initialize. */
function oauthRun(clientId: string, token: string, session: string): Exchange[] {
  return [
    at({ headers: JSON_BODY, body: initialize(0), response: { status: 401, headers: { 'www-authenticate': 'Bearer' } } }),
    at({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', headers: NODE, response: { status: 200, body: { resource: 'x' } } }),
    at({ method: 'GET', url: '/.well-known/oauth-authorization-server', headers: NODE, response: { status: 200, body: { issuer: 'x' } } }),
    at({ url: '/register', headers: JSON_BODY, body: { redirect_uris: ['http://127.0.0.1:1/cb'] }, response: { status: 201, body: { client_id: clientId } } }),
    at({ method: 'GET', url: `/authorize?response_type=code&client_id=${clientId}&state=st-${clientId}&code_challenge=ch-${clientId}`, headers: NODE, response: { status: 200, headers: { 'content-type': 'text/html' } } }),
    at({ url: '/authorize', headers: FORM, body: 'transaction=t&decision=approve', response: { status: 302, headers: { location: `http://127.0.0.1:1/cb?code=code-${clientId}&state=st-${clientId}` } } }),
    at({ url: '/token', headers: FORM, body: `grant_type=authorization_code&code=code-${clientId}&client_id=${clientId}`, response: { status: 200, body: { access_token: token, token_type: 'Bearer' } } }),
    at({ headers: { ...JSON_BODY, authorization: `Bearer ${token}` }, body: initialize(1), response: { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': session }, body: { jsonrpc: '2.0', id: 1, result: {} } } }),
    at({ headers: { ...JSON_BODY, authorization: `Bearer ${token}`, 'mcp-session-id': session }, body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, response: { status: 200, body: { jsonrpc: '2.0', id: 2, result: { tools: [] } } } }),
  ];
}

/** The distinct values of a map, in the order the exchanges come. */
const distinct = (exchanges: Exchange[], map: Map<string, string | undefined>) => [...new Set(exchanges.map((e) => map.get(e.id)))];

describe('connections and runs', () => {
  it('keeps two runs of one client program from one address apart, discovery included', () => {
    const first = oauthRun('c-1', 'at-1', 'S1');
    const second = oauthRun('c-2', 'at-2', 'S2');
    const { connectionOf, runOf } = groupExchanges([...first, ...second]);
    expect(distinct(first, connectionOf)).toHaveLength(1);
    expect(distinct(second, connectionOf)).toHaveLength(1);
    expect(connectionOf.get(first[0]!.id)).not.toBe(connectionOf.get(second[0]!.id));
    expect(distinct([...first, ...second], runOf)).toHaveLength(2);
  });

  it('never lets address + User-Agent merge two clients that each have a session', () => {
    const a = at({ headers: { ...JSON_BODY, 'mcp-session-id': 'A' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, response: { status: 200 } });
    const b = at({ headers: { ...JSON_BODY, 'mcp-session-id': 'B' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, response: { status: 200 } });
    const a2 = at({ headers: { ...JSON_BODY, 'mcp-session-id': 'A' }, body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, response: { status: 200 } });
    const { connectionOf } = groupExchanges([a, b, a2]);
    expect(connectionOf.get(a.id)).toBe(connectionOf.get(a2.id));
    expect(connectionOf.get(b.id)).not.toBe(connectionOf.get(a.id));
  });

  it('ties a browser’s authorize leg with a metadata-document client id to the client that discovered the authorization server', () => {
    const cimd = encodeURIComponent('https://claude.ai/oauth/claude-code-client-metadata');
    const challenge = at({ headers: { ...JSON_BODY, 'user-agent': 'claude-code/2.1' }, body: initialize(0), response: { status: 401, headers: { 'www-authenticate': 'Bearer' } } });
    const asMetadata = at({ method: 'GET', url: '/.well-known/oauth-authorization-server', headers: { 'user-agent': 'claude-code/2.1' }, response: { status: 200 } });
    const authorize = at({ method: 'GET', url: `/authorize?response_type=code&client_id=${cimd}&state=s1&code_challenge=c1`, headers: BROWSER, response: { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Error</h1>' } });
    const { connectionOf, runOf } = groupExchanges([challenge, asMetadata, authorize]);
    expect(connectionOf.get(authorize.id)).toBe(connectionOf.get(challenge.id));
    expect(runOf.get(authorize.id)).toBe(runOf.get(challenge.id));
  });

  it('keeps an authless client’s discovery after its initialize in the same run', () => {
    const init = at({ headers: JSON_BODY, body: initialize(1), response: { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': 'S9' }, body: { jsonrpc: '2.0', id: 1, result: {} } } });
    const prm = at({ method: 'GET', url: '/.well-known/oauth-protected-resource/mcp', headers: NODE, response: { status: 200 } });
    const { runOf } = groupExchanges([init, prm]);
    expect(runOf.get(prm.id)).toBe(runOf.get(init.id));
  });

  it('begins a new run of the same connection when a client initializes again after a finished run', () => {
    const run = oauthRun('c-3', 'at-3', 'S3');
    const again = at({ headers: { ...JSON_BODY, authorization: 'Bearer at-3' }, body: initialize(5), response: { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': 'S4' }, body: { jsonrpc: '2.0', id: 5, result: {} } } });
    const { connectionOf, runOf } = groupExchanges([...run, again]);
    expect(connectionOf.get(again.id)).toBe(connectionOf.get(run[0]!.id));
    expect(runOf.get(again.id)).not.toBe(runOf.get(run[0]!.id));
  });

  it('splits a continuing session at a marked boundary', () => {
    const run = oauthRun('c-4', 'at-4', 'S5');
    const boundaryAt = clock++;
    const later = at({ headers: { ...JSON_BODY, authorization: 'Bearer at-4', 'mcp-session-id': 'S5' }, body: { jsonrpc: '2.0', id: 9, method: 'tools/list' }, response: { status: 200 } });
    const { runOf } = groupExchanges([...run, later], [{ id: 'b', at: boundaryAt }]);
    expect(distinct(run, runOf)).toHaveLength(1);
    expect(runOf.get(later.id)).not.toBe(runOf.get(run[0]!.id));
  });

  it('gives every simulator run its own connection, even for one profile from one address', () => {
    const one = at({ headers: JSON_BODY, body: initialize(1), simulationRun: 'sim-1', response: { status: 200 } });
    const two = at({ headers: JSON_BODY, body: initialize(1), simulationRun: 'sim-2', response: { status: 200 } });
    const { connectionOf } = groupExchanges([one, two]);
    expect(connectionOf.get(one.id)).not.toBe(connectionOf.get(two.id));
  });
});

describe('merge events', () => {
  it('tell the UI every merge as it happens: the ids it saw, merged as told, are the final grouping', () => {
    const merges: Merge[] = [];
    const model = new ConnectionModel((merge) => merges.push(merge));
    const exchanges = [...oauthRun('c-9', 'at-9', 'S9'), ...oauthRun('c-10', 'at-10', 'S10')];
    // What the UI was told when each exchange was placed (its row then), as the recorder does.
    const seen = exchanges.map((original) => {
      const placed: Exchange = { ...original, runId: undefined, connectionId: undefined };
      const { connectionId, runId } = model.assign(placed);
      if (connectionId) placed.connectionId = connectionId;
      model.ended(placed);
      return { placed, connectionId, runId };
    });
    expect(merges.some((m) => m.kind === 'connection')).toBe(true);
    const follow = (kind: Merge['kind'], id: string | undefined) => {
      for (let changed = true; changed && id !== undefined; ) {
        changed = false;
        for (const merge of merges) if (merge.kind === kind && merge.from === id) [id, changed] = [merge.into, true];
      }
      return id;
    };
    for (const { placed, connectionId, runId } of seen) {
      expect(follow('connection', connectionId)).toBe(model.connectionOf(placed.connectionId));
      expect(follow('run', runId)).toBe(model.runOf(placed.runId));
    }
  });
});
