import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Runs `conformance server` (the official suite, pinned in package.json) in a child process on
// Node 22 (see node22.ts) and reads each scenario's checks back from the suite's results files.

const require = createRequire(import.meta.url);
export const CONFORMANCE_CLI = join(dirname(require.resolve('@modelcontextprotocol/conformance/package.json')), 'dist/index.js');
export const SUITE_TIMEOUT_MS = 90_000;

export type Status = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
export interface Check {
  id: string;
  status: Status;
  errorMessage?: string;
}
export interface SuiteRun {
  exitCode: number | null;
  output: string;
  /** Checks per scenario, from the suite's own results files. */
  scenarios: Map<string, Check[]>;
}

/** FAILURE if any check failed, else WARNING if any warned, else SUCCESS: the suite's verdict. */
export function verdict(checks: Check[]): Status {
  if (checks.some((c) => c.status === 'FAILURE')) return 'FAILURE';
  if (checks.some((c) => c.status === 'WARNING')) return 'WARNING';
  return 'SUCCESS';
}

/** Collects a child's stdout + stderr and its exit code. */
async function runCli(nodeBinary: string, args: string[]): Promise<{ exitCode: number | null; output: string }> {
  const child = spawn(nodeBinary, [CONFORMANCE_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: SUITE_TIMEOUT_MS });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { exitCode, output };
}

/** `conformance server --url <url> <args...>` with an output directory, results read back. */
export async function runServerSuite(nodeBinary: string, url: string, args: string[]): Promise<SuiteRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'conformance-'));
  try {
    const { exitCode, output } = await runCli(nodeBinary, ['server', '--url', url, ...args, '--output-dir', outputDir]);
    const scenarios = new Map<string, Check[]>();
    for (const entry of await readdir(outputDir)) {
      // Results go to <dir>/server-<scenario>-<ISO timestamp with : and . as ->/checks.json.
      // A scenario the suite skips (not applicable to the wire it runs) leaves its directory
      // without a checks.json: it did not run.
      const scenario = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry)?.[1];
      const file = join(outputDir, entry, 'checks.json');
      if (!scenario || !existsSync(file)) continue;
      scenarios.set(scenario, JSON.parse(await readFile(file, 'utf8')) as Check[]);
    }
    return { exitCode, output, scenarios };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** The server scenarios a spec revision requires (scores), from `conformance list --requirements`. */
export async function requiredServerScenarios(nodeBinary: string, revision: string): Promise<string[]> {
  const { exitCode, output } = await runCli(nodeBinary, ['list', '--requirements', revision]);
  if (exitCode !== 0) throw new Error(`conformance list --requirements ${revision} exited ${exitCode}:\n${output}`);
  const section = /^Server scenarios[^\n]*\n((?:\s+- .+\n)+)/m.exec(output)?.[1];
  if (!section) throw new Error(`no server scenarios in:\n${output}`);
  return section
    .split('\n')
    .map((line) => /^\s+- (\S+)/.exec(line)?.[1])
    .filter((s): s is string => !!s);
}

/** The server scenarios `conformance list --server` tags `[extension]`: off the spec timeline, never scored. */
export async function extensionServerScenarios(nodeBinary: string): Promise<string[]> {
  const { exitCode, output } = await runCli(nodeBinary, ['list', '--server']);
  if (exitCode !== 0) throw new Error(`conformance list --server exited ${exitCode}:\n${output}`);
  return [...output.matchAll(/^\s+- (\S+) \[extension\]$/gm)].map((match) => match[1]!);
}
