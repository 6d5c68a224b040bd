import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspector } from '../helpers/inspector';
import type { RunningSdkUpstream } from '../helpers/sdkUpstream';
import { startEverythingServer } from './everythingServer';
import { node22 } from './node22';

// Transparency, judged by the official MCP conformance suite: `conformance server --url` runs
// every server scenario against an SDK-built upstream directly, then against the same upstream
// through the inspector's front door. Each scenario's verdict, and the status of each of its
// checks, must be the same both ways: a difference is the proxy changing what a client sees.
//
// The suite needs Node 22 (see node22.ts), so it runs in a child process while this test runs
// on any supported Node. Runtime: about 2 s per pass on the 2-core machine, plus a one-time
// download of Node 22 from the npm registry when the test itself runs on Node 20.

const require = createRequire(import.meta.url);
const CONFORMANCE_CLI = join(dirname(require.resolve('@modelcontextprotocol/conformance/package.json')), 'dist/index.js');
/** conformance 0.1.16 has 32 server scenarios in its "all" suite. */
const MIN_SCENARIOS = 30;
const SUITE_TIMEOUT_MS = 90_000;

type Status = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
interface Check {
  id: string;
  status: Status;
  errorMessage?: string;
}
interface SuiteRun {
  exitCode: number | null;
  output: string;
  /** Checks per scenario, from the suite's own results files. */
  scenarios: Map<string, Check[]>;
}

/** FAILURE if any check failed, else WARNING if any warned, else SUCCESS: the suite's verdict. */
function verdict(checks: Check[]): Status {
  if (checks.some((c) => c.status === 'FAILURE')) return 'FAILURE';
  if (checks.some((c) => c.status === 'WARNING')) return 'WARNING';
  return 'SUCCESS';
}

/** Per check id, the statuses in order: what must match between the two runs. */
function checkStatuses(checks: Check[]): string[] {
  return checks.map((c) => `${c.id}: ${c.status}`).sort();
}

async function runSuite(nodeBinary: string, url: string): Promise<SuiteRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'conformance-'));
  try {
    const child = spawn(nodeBinary, [CONFORMANCE_CLI, 'server', '--url', url, '--suite', 'all', '--output-dir', outputDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SUITE_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    const scenarios = new Map<string, Check[]>();
    for (const entry of await readdir(outputDir)) {
      // Results go to <dir>/server-<scenario>-<ISO timestamp with : and . as ->/checks.json.
      const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry)?.[1];
      if (!scenario) continue;
      scenarios.set(scenario, JSON.parse(await readFile(join(outputDir, entry, 'checks.json'), 'utf8')) as Check[]);
    }
    return { exitCode, output, scenarios };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

describe('official MCP conformance suite: direct vs through the inspector', () => {
  let upstream: RunningSdkUpstream;
  let direct: SuiteRun;
  let proxied: SuiteRun;
  let recorded: { exchanges: number; toolCalls: number; sseResponses: number };

  beforeAll(async () => {
    const node = await node22();
    upstream = await startEverythingServer();
    direct = await runSuite(node, upstream.mcpUrl);

    const inspector = await startInspector({ upstream: upstream.origin });
    try {
      proxied = await runSuite(node, inspector.info.mcpUrl);
      const jsonrpc = inspector.ended.filter((e) => e.classification.phase === 'jsonrpc');
      recorded = {
        exchanges: inspector.ended.length,
        toolCalls: jsonrpc.filter((e) => e.classification.jsonRpc?.methods.includes('tools/call')).length,
        sseResponses: jsonrpc.filter((e) => e.classification.stream === 'post-response').length,
      };
    } finally {
      await inspector.close();
    }
  }, 2 * SUITE_TIMEOUT_MS + 300_000);

  afterAll(async () => {
    await upstream?.close();
  });

  it('runs every server scenario against the SDK upstream directly, and they pass', () => {
    expect(direct.scenarios.size, direct.output).toBeGreaterThanOrEqual(MIN_SCENARIOS);
    const failing = [...direct.scenarios].filter(([, checks]) => verdict(checks) === 'FAILURE').map(([name, checks]) => ({ name, failed: checks.filter((c) => c.status === 'FAILURE') }));
    expect(failing, 'the upstream itself should satisfy the suite, so the comparison means something').toEqual([]);
    expect(direct.exitCode).toBe(0);
  });

  it('ran the proxied pass through the front door', () => {
    expect(proxied.scenarios.size, proxied.output).toBe(direct.scenarios.size);
    // Every scenario opens at least one session; the tool scenarios call tools on SSE streams.
    expect(recorded.exchanges).toBeGreaterThanOrEqual(3 * MIN_SCENARIOS);
    expect(recorded.toolCalls).toBeGreaterThanOrEqual(10);
    expect(recorded.sseResponses).toBeGreaterThanOrEqual(10);
  });

  it('gives the same verdict per scenario through the proxy as direct', () => {
    const verdicts = (run: SuiteRun) => Object.fromEntries([...run.scenarios].map(([name, checks]) => [name, verdict(checks)]));
    expect(verdicts(proxied)).toEqual(verdicts(direct));
    expect(proxied.exitCode).toBe(direct.exitCode);
  });

  it('gives the same status for every check of every scenario', () => {
    for (const [name, checks] of direct.scenarios) {
      expect(checkStatuses(proxied.scenarios.get(name) ?? []), `scenario ${name}`).toEqual(checkStatuses(checks));
    }
  });
});
