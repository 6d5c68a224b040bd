import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { node22 } from './node22';
import { runServerSuite, SUITE_TIMEOUT_MS, type SuiteRun } from './suite';

// SEP-2243 request metadata headers, judged by the official suite against `--profile
// conformance`: `http-header-validation` (Mcp-Method / Mcp-Name vs the body, header names
// case-insensitive, values case-sensitive, whitespace trimmed) and
// `http-custom-header-server-validation` (Mcp-Param-* of an x-mcp-header tool: Base64 decoded,
// bad padding and characters refused, unwrapped values literal, an omitted header refused).
// The second is not scored by the 2026-07-28 requirement set, but it is the spec: every check
// must pass, none may be "not testable".

const SCENARIOS = ['http-header-validation', 'http-custom-header-server-validation'];

describe('SEP-2243 routing headers, official conformance suite, 2026-07-28', () => {
  let server: RunningServer | undefined;
  const runs = new Map<string, SuiteRun>();

  beforeAll(async () => {
    const node = await node22();
    server = await startReferenceServer({ preset: 'conformance' });
    for (const scenario of SCENARIOS) runs.set(scenario, await runServerSuite(node, server.mcpUrl, ['--scenario', scenario, '--spec-version', '2026-07-28']));
  }, 2 * SUITE_TIMEOUT_MS);
  afterAll(async () => server?.close());

  it.each(SCENARIOS)('%s: every check passes', (scenario) => {
    const run = runs.get(scenario)!;
    const checks = run.scenarios.get(scenario);
    expect(checks, run.output.slice(0, 3000)).toBeDefined();
    // More than the schema check: the header cases themselves ran.
    expect(checks!.filter((c) => c.id.startsWith('sep-2243-')).length).toBeGreaterThanOrEqual(9);
    expect(checks!.filter((c) => c.status !== 'SUCCESS')).toEqual([]);
  });
});
