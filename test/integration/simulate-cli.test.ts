import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ScenarioRunResult, SimulationResult } from '../../src/shared/simulator';
import { parseScenarioFile } from '../../src/main/core/simulator/scenarios';
import { readJunit } from '../helpers/ciFormats';
import { startInspector } from '../helpers/inspector';

// Each test starts the CLI as child processes (tsx compiles on start): on a loaded 2-core
// machine a start takes seconds, so the budget is per process started, not the unit default.
const CLI_TEST_TIMEOUT = 60_000;

// `simulate` and `scenario` as users run them: a real process, its stdout, its exit code.

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-sim-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MCP_INSPECTOR_DATA_DIR: dataDir } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

type Running = Awaited<ReturnType<typeof startInspector>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('CLI simulate', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('exits 0 with --json when the client connects, and 1 when it would fail', async () => {
    running = await startInspector({ preset: 'spec' });
    const ok = await cli(['simulate', '--client', 'claude-ai@2025-10', '--url', running.info.mcpUrl, '--json']);
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as SimulationResult;
    expect(result).toMatchObject({ ok: true, profileId: 'claude-ai@2025-10', summary: 'connected and listed 6 tools' });
    // The run went through the inspector's front door: recorded there, marked with its run id.
    expect(running.ended.filter((e) => e.simulationRun === result.runId).length).toBeGreaterThan(5);

    running.inspector.setToggle('get-stream', '501');
    const failing = await cli(['simulate', '--client', 'claude-ai@2025-10', '--url', running.info.mcpUrl]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('FAILED: would terminate: GET /mcp answered 501');
    expect(failing.stderr).toContain('would not connect');
  });

  it('--junit writes a case per step, and --expected-failures turns a known failure into a pass with a note for stale entries', async () => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('get-stream', '501');
    const junit = join(dataDir, 'simulate.xml');
    const failing = await cli(['simulate', '--client', 'claude-ai@2025-10', '--url', running.info.mcpUrl, '--junit', junit]);
    expect(failing.code).toBe(1);
    const [suite] = readJunit(readFileSync(junit, 'utf8'));
    expect(suite!.testcase.filter((c) => c.failure).map((c) => c.name)).toEqual([expect.stringMatching(/^get-stream: /)]);
    expect(suite!.testcase.find((c) => c.failure)!.failure!.text).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/mcp → 501$/m);

    const baseline = join(dataDir, 'expected.json');
    writeFileSync(baseline, JSON.stringify(['claude-ai@2025-10:get-stream', 'claude-ai@2025-10:initialize']));
    const known = await cli(['simulate', '--client', 'claude-ai@2025-10', '--url', running.info.mcpUrl, '--junit', junit, '--expected-failures', baseline]);
    expect(known.code, known.stderr).toBe(0);
    expect(known.stderr).toContain('note: expected to fail but passed (remove from --expected-failures): claude-ai@2025-10:initialize');
    const [passing] = readJunit(readFileSync(junit, 'utf8'));
    expect(passing!.failures).toBe(0);
    expect(passing!.testcase.find((c) => c.name.startsWith('get-stream: '))?.['system-out']).toContain('expected failure (claude-ai@2025-10:get-stream in --expected-failures)');

    writeFileSync(baseline, '{ not json');
    const broken = await cli(['simulate', '--client', 'claude-ai@2025-10', '--url', running.info.mcpUrl, '--expected-failures', baseline]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim()).toMatch(/^Error: --expected-failures: .*expected\.json is neither JSON nor YAML/);
  });

  it('--call has a 2026-07-28 client call a tool, answering each input_required round, and prints the rounds', async () => {
    running = await startInspector({ preset: 'conformance' });
    const run = await cli(['simulate', '--client', 'spec@2026-07-28', '--url', running.info.mcpUrl, '--call', 'test_input_required_result_multi_round']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/round 1, id \d+ → input_required: asked for step1 \(elicitation\/create\), with requestState/);
    expect(run.stdout).toMatch(/round 2, id \d+ → input_required: asked for step2 \(elicitation\/create\), with requestState/);
    expect(run.stdout).toMatch(/round 3, id \d+ → complete/);
  });

  it('exits 1 with a clear message for an unknown client, a bad URL and a server that is down', async () => {
    const unknown = await cli(['simulate', '--client', 'netscape', '--url', 'http://127.0.0.1:9/mcp']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown client "netscape". Known clients: claude-ai@2025-06');
    const badUrl = await cli(['simulate', '--client', 'claude-ai', '--url', 'example.com/mcp']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain('--url must be an absolute http(s) URL');

    running = await startInspector({ preset: 'spec' });
    const port = running.info.port;
    await running.close();
    running = undefined;
    const down = await cli(['simulate', '--client', 'claude-ai', '--url', `http://127.0.0.1:${port}/mcp`, '--json']);
    expect(down.code).toBe(1);
    expect((JSON.parse(down.stdout) as SimulationResult).summary).toContain('nothing is listening');
  });

  it('lists the profiles with their sources and observed dates', async () => {
    const listed = await cli(['simulate', '--list', '--json']);
    expect(listed.code).toBe(0);
    const profiles = JSON.parse(listed.stdout) as Array<{ id: string; observed: string; sources: unknown[] }>;
    expect(profiles.map((p) => p.id)).toContain('claude-ai@2025-06');
    expect(profiles.every((p) => p.observed && p.sources.length > 0)).toBe(true);
  });
});

describe('CLI scenario', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('runs a scenario, exports it with its run, and runs the exported file', async () => {
    const junit = join(dataDir, 'scenario.xml');
    const run = await cli(['scenario', 'run', 'ref001-pitfall3-get-501', '--json', '--junit', junit]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as ScenarioRunResult).reproduced).toBe(true);
    // The verdict is the case that counts; the client's steps report (the failing one as the report says).
    const [suite] = readJunit(readFileSync(junit, 'utf8'));
    expect(suite!.failures).toBe(0);
    expect(suite!.testcase[0]!.name).toMatch(/^reproduced: /);
    expect(suite!.testcase.find((c) => c.name.startsWith('get-stream: '))?.['system-out']).toMatch(/^failed, as the report says: /);

    const file = join(dataDir, 'pitfall2.json');
    const exported = await cli(['scenario', 'export', 'ref001-pitfall2-notification-204', file]);
    expect(exported.code).toBe(0);
    const parsed = parseScenarioFile(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.run?.reproduced).toBe(true);
    expect(parsed.run?.exchanges.length).toBeGreaterThan(5);
    // Tokens in the capture are redacted by default (the Claude.ai + Auth0 logs' server issues JWE tokens: eyJ…).
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/Bearer (eyJ[\w-]+\.)?\[redacted:\d+\]/);
    // Nothing of a token but its JOSE header is left: no segment follows the header but the pseudonym.
    expect(text).not.toMatch(/eyJ[\w-]{20,}\.[\w.-]/);

    const fromFile = await cli(['scenario', 'run', file]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain('REPRODUCED');

    const unknown = await cli(['scenario', 'run', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown scenario "nope"');
  });
});
