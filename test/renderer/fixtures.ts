import type { ExchangeSummary } from '../../src/shared/controlApi';

let revision = 0;

/** A timeline row with plausible defaults; tests override what they look at. */
export function row(overrides: Partial<ExchangeSummary> = {}): ExchangeSummary {
  revision++;
  return {
    id: `ex-${revision}`,
    revision,
    startedAt: 1_700_000_000_000 + revision,
    method: 'POST',
    url: '/mcp',
    phase: 'jsonrpc',
    label: 'tools/list',
    rpcMethods: ['tools/list'],
    state: 'complete',
    status: 200,
    clientFamily: 'mcp-sdk',
    clientLabel: 'MCP SDK',
    sseEventCount: 0,
    appliedRules: [],
    outcome: 'ok',
    ...overrides,
  };
}
