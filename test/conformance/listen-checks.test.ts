import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { node22 } from './node22';
import { runServerSuite, SUITE_TIMEOUT_MS, type Check } from './suite';

// The official suite's subscriptions/listen checks (SEP-2575, scenario server-stateless) against
// `serve --profile conformance`. The scenario as a whole is scored in reference-server.test.ts;
// here each listen check must be SUCCESS, not SKIPPED (a server advertising no listChanged
// skips them) and not a mere WARNING (the list-changed ones are SHOULDs).

const LISTEN_CHECKS = [
  'sep-2575-server-sends-subscription-ack',
  'sep-2575-server-tags-subscription-id',
  'sep-2575-server-honors-notification-filter',
  'sep-2575-server-sends-prompts-list-changed-on-subscription',
  'sep-2575-server-sends-tools-list-changed-on-subscription',
];

describe('official suite, server-stateless: subscriptions/listen checks', () => {
  let server: RunningServer;
  let checks: Check[];
  beforeAll(async () => {
    server = await startReferenceServer({ preset: 'conformance' });
    const run = await runServerSuite(await node22(), server.mcpUrl, ['--scenario', 'server-stateless', '--spec-version', '2026-07-28']);
    checks = run.scenarios.get('server-stateless') ?? [];
  }, SUITE_TIMEOUT_MS + 300_000);
  afterAll(() => server?.close());

  it.each(LISTEN_CHECKS)('%s passes', (id) => {
    const check = checks.find((c) => c.id === id);
    expect(check, `checks seen: ${checks.map((c) => c.id).join(', ')}`).toBeDefined();
    expect(check!.status, check!.errorMessage).toBe('SUCCESS');
  });
});
