import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJunit } from '../helpers/ciFormats';
import { startInspector } from '../helpers/inspector';
import { freePort } from '../helpers/ports';

// The GitHub Actions workflow in docs/ci/mcp-clients.yml, run as a job would run it: its steps'
// shell scripts in order, in one workspace, with `npx --yes mcp-handshake-inspector` being this
// checkout's CLI and "your MCP server" the reference server (started here instead of the
// workflow's `npm start`). Once against a server clients connect to, once against one that
// serves its Protected Resource Metadata only at the path-suffixed URL (ChatGPT reads the root),
// where the failure() step exports the HAR.

const root = join(import.meta.dirname, '../..');
const workflow = parseYaml(readFileSync(join(root, 'docs/ci/mcp-clients.yml'), 'utf8')) as {
  jobs: { 'mcp-clients': { env: Record<string, string>; steps: Array<{ name?: string; run?: string; if?: string; uses?: string }> } };
};
const job = workflow.jobs['mcp-clients'];
const step = (name: string) => {
  const found = job.steps.find((s) => s.name === name);
  if (!found?.run) throw new Error(`the workflow has no step "${name}" with a script`);
  return found;
};

const tsx = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
const cli = `"${process.execPath}" --import ${tsx} "${join(root, 'src/main/cli.ts')}"`;
const workspace = mkdtempSync(join(tmpdir(), 'mcp-inspector-workflow-'));
const groups: number[] = [];


/** Runs one step's script with bash -e, as Actions does, in its own process group (what it leaves running is stopped at the end). */
function runStep(name: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const script = step(name).run!.replaceAll('npx --yes mcp-handshake-inspector', cli);
  const child = spawn('bash', ['-e', '-c', script], { cwd: workspace, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.push(child.pid!);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

let server: Awaited<ReturnType<typeof startInspector>>;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startInspector({ preset: 'spec' });
  env = { MCP_SERVER: server.origin, INSPECTOR_PORT: String(await freePort()), INSPECTOR_DATA: join(workspace, 'inspector-data') };
  expect(Object.keys(job.env).sort()).toEqual(Object.keys(env).sort());
  const recording = await runStep('Record through the inspector', env);
  expect(recording.code, recording.output).toBe(0);
}, 90_000);

afterAll(async () => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGINT');
    } catch {
      // that step left nothing running
    }
  }
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('the documented GitHub Actions workflow', { timeout: 120_000 }, () => {
  it('passes when the clients connect, with a JUnit report of every step', async () => {
    const simulated = await runStep('Simulate the clients', env);
    expect(simulated.code, simulated.output).toBe(0);
    expect(simulated.output).toMatch(/client\s+verdict\s+summary/);
    const suites = readJunit(readFileSync(join(workspace, 'reports/mcp-clients.xml'), 'utf8'));
    expect(suites.map((s) => s.testcase[0]!.classname)).toEqual([expect.stringMatching(/^claude-ai@/), expect.stringMatching(/^chatgpt@/)]);
    expect(suites.every((s) => s.failures === 0 && s.testcase.length > 3)).toBe(true);
    expect(step('Export the handshake as HAR').if).toBe('failure()');
  });

  it('fails when a client would fail, and the failure() step exports the handshake as a redacted HAR', async () => {
    server.inspector.setToggle('hide-metadata', 'hide-root');
    const simulated = await runStep('Simulate the clients', env);
    expect(simulated.code).not.toBe(0);
    expect(simulated.output).toContain('would not connect');
    const [, chatgpt] = readJunit(readFileSync(join(workspace, 'reports/mcp-clients.xml'), 'utf8'));
    expect(chatgpt!.failures).toBe(1);
    expect(chatgpt!.testcase.find((c) => c.failure)?.failure?.message).toContain('/.well-known/oauth-protected-resource answered 404');

    const exported = await runStep('Export the handshake as HAR', env);
    expect(exported.code, exported.output).toBe(0);
    const harFile = join(workspace, 'reports/handshake.har');
    expect(existsSync(harFile)).toBe(true);
    const har = JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: Array<{ request: { method: string; url: string; headers: Array<{ name: string; value: string }> }; response: { status: number } }> } };
    expect(har.log.entries.some((e) => e.request.url.endsWith('/.well-known/oauth-protected-resource') && e.response.status === 404)).toBe(true);
    // Secrets are redacted: no bearer token leaves the job.
    const authorization = har.log.entries.flatMap((e) => e.request.headers.filter((h) => h.name.toLowerCase() === 'authorization'));
    expect(authorization.length).toBeGreaterThan(0);
    // (a token keeps only its JOSE header in front of its pseudonym: how it is made, not what it grants)
    expect(authorization.every((h) => /^Bearer (eyJ[\w-]+\.)?\[redacted:\d+\]$/.test(h.value)), JSON.stringify(authorization)).toBe(true);
  });
});
