import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../helpers/server';
import { node22 } from './node22';
import { failureDetails, requiredServerScenarios, runServerSuite, SUITE_TIMEOUT_MS, verdict, type SuiteRun } from './suite';

// Our reference server (`serve --profile conformance`, started in-process on 127.0.0.1) judged by
// the official MCP conformance suite, pinned in package.json, one spec revision at a time:
// `conformance server --url ... --requirements <revision>` runs exactly the server scenarios that
// revision requires (scored) plus some it reports but never scores (extensions, pending ones).
//
// Each revision has an expected-failures baseline of scored scenarios. The test fails when a
// scored scenario fails that is not in the baseline, AND when a baseline scenario passes: an
// entry must then be removed, so the list only shrinks. A scenario fails when one of its checks
// is FAILURE, as the suite scores it (WARNINGs do not fail it). We parse the suite's results
// files instead of using its --expected-failures option because that option also counts
// WARNINGs as failures.
//
// Runtime: a few seconds per revision on the 2-core machine once Node 22 is cached (node22.ts).

/** 2025-11-25: every scored scenario passes. */
const EXPECTED_FAILURES_2025_11_25: string[] = [];

/** 2026-07-28: every scored scenario passes (MRTR included). */
const EXPECTED_FAILURES_2026_07_28: string[] = [];

interface Judged {
  run: SuiteRun;
  scored: string[];
}

async function judge(revision: string): Promise<Judged> {
  const node = await node22();
  let server: RunningServer | undefined;
  try {
    server = await startReferenceServer({ preset: 'conformance' });
    const [scored, run] = await Promise.all([requiredServerScenarios(node, revision), runServerSuite(node, server.mcpUrl, ['--requirements', revision])]);
    return { run, scored };
  } finally {
    await server?.close();
  }
}

function failingScored({ run, scored }: Judged): string[] {
  return scored.filter((s) => verdict(run.scenarios.get(s) ?? []) === 'FAILURE').sort();
}

describe.each([
  { revision: '2025-11-25', expected: EXPECTED_FAILURES_2025_11_25 },
  { revision: '2026-07-28', expected: EXPECTED_FAILURES_2026_07_28 },
])('official MCP conformance suite against the reference server, --requirements $revision', ({ revision, expected }) => {
  let judged: Judged;
  beforeAll(async () => {
    judged = await judge(revision);
  }, SUITE_TIMEOUT_MS + 300_000);

  it('ran every scored scenario', () => {
    expect(judged.scored.length).toBeGreaterThan(20);
    const missing = judged.scored.filter((s) => !judged.run.scenarios.has(s));
    expect(missing, judged.run.output).toEqual([]);
  });

  it('fails no scored scenario outside the baseline', () => {
    const unexpected = failingScored(judged).filter((s) => !expected.includes(s));
    expect(unexpected, failureDetails(judged.run, unexpected)).toEqual([]);
  });

  it('still fails every baseline scenario (remove an entry once it passes)', () => {
    const stale = expected.filter((s) => !failingScored(judged).includes(s));
    expect(stale).toEqual([]);
    expect(judged.scored).toEqual(expect.arrayContaining(expected));
  });

  it("exits as the suite scores it: 0 when no scored scenario fails, else 1", () => {
    expect(judged.run.exitCode, judged.run.output).toBe(expected.length === 0 ? 0 : 1);
  });
});
