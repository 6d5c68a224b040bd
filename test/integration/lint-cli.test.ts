import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/shared/compare';
import type { LintFinding } from '../../src/shared/lint';
import { capturesDir } from '../../src/main/core/dataDir';
import { Inspector } from '../../src/main/core/inspector';
import { assertValidSarif, readJunit } from '../helpers/ciFormats';
import { sdkSession } from '../helpers/sdkSession';

// Each test starts the CLI as child processes (tsx compiles on start): on a loaded 2-core
// machine a start takes seconds, so the budget is per process started, not the unit default.
const CLI_TEST_TIMEOUT = 60_000;

// `lint` and `compare` as users run them: real processes on captures of real sessions. The
// MCP SDK client connects to the server of the published Claude.ai + Auth0 logs before its fixes (it rejects its own fresh
// token on initialize) and after them; each run is recorded to the capture store and one is
// exported as a redacted HAR with the `export` command.

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-lint-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Records one SDK session against a preset into the capture store; returns the capture id and how it ended. */
async function recordSession(preset: string): Promise<{ captureId: string; outcome: string }> {
  const inspector = await Inspector.create({ port: 0, preset, captureDir: capturesDir(dataDir), captureName: preset });
  const started = new Set<string>();
  const ended = new Set<string>();
  inspector.subscribe((event) => {
    if (event.type === 'exchange:start') started.add(event.exchange.id);
    if (event.type === 'exchange:end') ended.add(event.exchange.id);
  });
  const info = await inspector.start();
  const origin = `http://127.0.0.1:${info.port}`;
  const outcome = await sdkSession({ origin, fetch: (path, init) => fetch(`${origin}${path}`, init) });
  // Every exchange that started has ended before the capture closes (events, no polling).
  await new Promise<void>((resolve) => {
    const check = () => [...started].every((id) => ended.has(id)) && (unsubscribe(), resolve());
    const unsubscribe = inspector.subscribe(check);
    check();
  });
  await inspector.stop();
  return { captureId: info.captureId!, outcome };
}

describe('CLI lint and compare', { timeout: CLI_TEST_TIMEOUT }, () => {
  let before: { captureId: string; outcome: string };
  let after: { captureId: string; outcome: string };
  const beforeHar = join(dataDir, 'reference-001-before-fixes.har');

  beforeAll(async () => {
    before = await recordSession('reference-001-before-fixes');
    after = await recordSession('reference-001-after-fixes');
    const exported = await runCli(['export', '--har', beforeHar, '--capture', before.captureId]);
    expect(exported.code, exported.stderr).toBe(0);
  }, 60_000);

  it('recorded a failing and a working session', () => {
    expect(before.outcome).toMatch(/^after OAuth: /);
    expect(after.outcome).toBe('connected');
  });

  it('lints a HAR exported from the buggy session: exit 1, the finding, the fix', async () => {
    const result = await runCli(['lint', beforeHar]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('token-validated-on-initialize');
    expect(result.stdout).toContain('POST /mcp → 401');
    expect(result.stdout).toMatch(/Fix: Make token validation accept every token/);
  });

  it('lints a capture by id, as JSON', async () => {
    const result = await runCli(['lint', before.captureId, '--json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: LintFinding[]; connections: Array<{ errors: number }> };
    expect(report.findings.map((f) => f.ruleId)).toContain('token-validated-on-initialize');
    expect(report.connections.some((c) => c.errors > 0)).toBe(true);
  });

  it('exits 0 when the capture has warnings but no errors', async () => {
    const result = await runCli(['lint', after.captureId, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { findings: LintFinding[] };
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    // The logs' fix lets initialize through without a token: fine for Claude.ai of those
    // logs, a "no auth" signal for today's (anthropics/claude-ai-mcp#1064). Auth0's token of
    // those logs is still encrypted without kid (the fix validated it through /userinfo).
    expect(report.findings.map((f) => f.ruleId)).toEqual(['lazy-auth-initialize', 'access-token-without-kid']);
  });

  it('writes SARIF 2.1.0 and JUnit for CI, and a baseline turns known errors into a pass', async () => {
    const sarifFile = join(dataDir, 'lint.sarif');
    const junitFile = join(dataDir, 'lint.junit.xml');
    const failing = await runCli(['lint', beforeHar, '--sarif', sarifFile, '--junit', junitFile]);
    expect(failing.code, failing.stderr).toBe(1);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } }; results: Array<{ ruleId: string; level: string; suppressions?: unknown[]; locations: Array<{ logicalLocations: Array<{ name: string }> }> }> }> };
    assertValidSarif(sarif);
    const [run] = sarif.runs;
    const result = run!.results.find((r) => r.ruleId === 'token-validated-on-initialize');
    expect(result).toMatchObject({ level: 'error', locations: [{ logicalLocations: [{ name: expect.stringMatching(/^POST \/mcp/) }] }] });
    expect(result!.suppressions).toBeUndefined();
    expect(run!.tool.driver.rules.find((r) => r.id === 'token-validated-on-initialize')?.helpUri).toMatch(/^https:\/\//);
    const [suite] = readJunit(readFileSync(junitFile, 'utf8'));
    // One case per lint rule; the rule that found errors fails, with the fix in its details.
    expect(suite!.testcase.length).toBeGreaterThan(20);
    const failed = suite!.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual([expect.stringMatching(/^token-validated-on-initialize: /)]);
    expect(failed[0]!.failure!.text).toMatch(/Fix: /);

    const baseline = join(dataDir, 'lint-baseline.yaml');
    writeFileSync(baseline, '# the 2025-10 logs server, kept as it was\n- token-validated-on-initialize\n- get-mcp-501\n');
    const passing = await runCli(['lint', beforeHar, '--expected-failures', baseline, '--sarif', sarifFile, '--junit', junitFile]);
    expect(passing.code, passing.stderr).toBe(0);
    // A listed rule that found nothing is a note: the baseline can shrink.
    expect(passing.stderr).toContain('note: expected to fail but passed (remove from --expected-failures): get-mcp-501');
    const suppressed = JSON.parse(readFileSync(sarifFile, 'utf8')) as typeof sarif;
    assertValidSarif(suppressed);
    expect(suppressed.runs[0]!.results.find((r) => r.ruleId === 'token-validated-on-initialize')?.suppressions).toHaveLength(1);
    expect(readJunit(readFileSync(junitFile, 'utf8'))[0]!.failures).toBe(0);

    writeFileSync(baseline, 'rules: [token-validated-on-initialize]\n');
    const wrongShape = await runCli(['lint', beforeHar, '--expected-failures', baseline]);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongShape.stderr).toContain('must be a list of strings');
  });

  it('compares before and after the fixes, step by step', async () => {
    const text = await runCli(['compare', beforeHar, after.captureId]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/≠ initialize/);
    expect(text.stdout).toContain('lint token-validated-on-initialize on the left only');

    const json = await runCli(['compare', beforeHar, after.captureId, '--json']);
    const comparison = JSON.parse(json.stdout) as Comparison;
    const withToken = comparison.steps.find((s) => s.stage === 'initialize' && s.left?.label.includes('with token') && s.right);
    expect(withToken?.left?.status).toBe(401);
    expect(withToken?.right?.status).toBe(200);
    expect(withToken?.differences).toContainEqual({ kind: 'status', left: '401', right: '200' });
    // Registration and the code exchange went the same way on both sides.
    for (const stage of ['registration', 'token'] as const) {
      const step = comparison.steps.find((s) => s.stage === stage && s.left && s.right);
      // The left HAR is redacted, yet its token kept its JOSE header: lint flags the missing kid on both sides alike.
      expect(step?.differences, stage).toEqual([]);
    }
    // Only the working session listed and called tools.
    expect(comparison.steps.some((s) => s.stage === 'list' && !s.left && s.right)).toBe(true);
    expect(comparison.left.lint.errors).toBeGreaterThan(0);
  });

  it('names bad input and exits 1', async () => {
    const missing = await runCli(['lint', join(dataDir, 'nope.har')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is neither a file nor a capture id');

    const notJson = join(dataDir, 'not-json.har');
    writeFileSync(notJson, '<html>');
    const broken = await runCli(['lint', notJson]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not valid JSON');

    const notHar = join(dataDir, 'not-har.har');
    writeFileSync(notHar, JSON.stringify({ entries: [] }));
    const wrong = await runCli(['lint', notHar]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Not a HAR file');

    const noConnection = await runCli(['compare', `${beforeHar}#99`, after.captureId]);
    expect(noConnection.code).toBe(1);
    expect(noConnection.stderr).toMatch(/No single connection "99" .* Its connections: #1 /);
  });
});
