import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

// Runs the official suite (pinned in package.json) in a child process on Node 22 (see node22.ts):
// `conformance server` against an MCP server, `conformance authorization` against an
// authorization server, and reads each scenario's checks back from the suite's results files.

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

/**
 * Watches the suite's output as it comes: called with everything printed so far after each
 * chunk. A rejection stops the suite (the child is killed) and fails the run with that error.
 */
export type OutputWatcher = (output: string) => Promise<void> | void;

/** The FAILURE checks of the named scenarios, one block per scenario, for an assertion message. */
export function failureDetails(run: SuiteRun, scenarios: string[]): string {
  return scenarios
    .map((s) => `${s}:\n${(run.scenarios.get(s) ?? []).filter((c) => c.status === 'FAILURE').map((c) => `  ${c.id}: ${c.errorMessage ?? ''}`).join('\n')}`)
    .join('\n');
}

/** Runs the suite's CLI, collecting stdout + stderr and the exit code. */
async function runCli(nodeBinary: string, args: string[], watch?: OutputWatcher): Promise<{ exitCode: number | null; output: string }> {
  const child = spawn(nodeBinary, [CONFORMANCE_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: SUITE_TIMEOUT_MS });
  let output = '';
  let failure: unknown;
  const watching: Promise<void>[] = [];
  const onChunk = (chunk: Buffer) => {
    output += chunk.toString();
    if (!watch || failure) return;
    const seen = output;
    watching.push(
      Promise.resolve()
        .then(() => watch(seen))
        .catch((error: unknown) => {
          failure ??= error;
          child.kill();
        }),
    );
  };
  child.stdout.on('data', onChunk);
  child.stderr.on('data', onChunk);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  await Promise.all(watching);
  if (failure) throw new Error(`stopped the conformance suite: ${failure instanceof Error ? failure.message : String(failure)}\n${output}`, { cause: failure });
  return { exitCode, output };
}

/** The suite's commands that judge a peer, and the prefix of the results directories each writes. */
const RESULTS_PREFIX = { server: 'server', authorization: 'authorization-server' } as const;
export type SuiteCommand = keyof typeof RESULTS_PREFIX;

/** `conformance <command> <args...>` with an output directory, each scenario's checks read back. */
export async function runSuite(nodeBinary: string, command: SuiteCommand, args: string[], watch?: OutputWatcher): Promise<SuiteRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'conformance-'));
  try {
    const { exitCode, output } = await runCli(nodeBinary, [command, ...args, '--output-dir', outputDir], watch);
    const scenarios = new Map<string, Check[]>();
    const directory = new RegExp(`^${RESULTS_PREFIX[command]}-(.+)-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`);
    for (const entry of await readdir(outputDir)) {
      // Results go to <dir>/<prefix>-<scenario>-<ISO timestamp with : and . as ->/checks.json.
      // A scenario the suite skips (not applicable to the wire it runs) leaves its directory
      // without a checks.json: it did not run.
      const scenario = directory.exec(entry)?.[1];
      const file = join(outputDir, entry, 'checks.json');
      if (!scenario || !existsSync(file)) continue;
      scenarios.set(scenario, JSON.parse(await readFile(file, 'utf8')) as Check[]);
    }
    return { exitCode, output, scenarios };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** `conformance server --url <url> <args...>`: the suite plays the client against an MCP server. */
export const runServerSuite = (nodeBinary: string, url: string, args: string[]): Promise<SuiteRun> => runSuite(nodeBinary, 'server', ['--url', url, ...args]);

/** What `conformance authorization` needs to know about the client it acts as (registered beforehand). */
export interface AuthorizationSuiteClient {
  clientId: string;
  /** Omitted for a public client: the suite then authenticates with `none`. */
  clientSecret?: string;
  /** RFC 8707 `resource`: the MCP server the token is for. */
  resource?: string;
  /** Port of the suite's callback server; the client's redirect URI is http://127.0.0.1:<port>/callback. */
  callbackPort: number;
}

/**
 * `conformance authorization --url <issuer>`: the suite plays the client against an
 * authorization server. Its authorization-code-grant scenario prints an authorization URL for a
 * person to open in a browser and waits for the redirect on its callback port; `browse` is that
 * person: it gets each printed URL and must bring the redirect to the callback.
 */
export async function runAuthorizationSuite(nodeBinary: string, issuer: string, client: AuthorizationSuiteClient, browse: (authorizationUrl: URL) => Promise<void>): Promise<SuiteRun> {
  const args = ['--url', issuer, '--client-id', client.clientId, '--port', String(client.callbackPort)];
  if (client.clientSecret) args.push('--client-secret', client.clientSecret);
  if (client.resource) args.push('--resource', client.resource);
  const opened = new Set<string>();
  return runSuite(nodeBinary, 'authorization', args, async (output) => {
    for (const [, url] of output.matchAll(/Access the following URL in your browser[^\n]*\n(\S+)\n/g)) {
      if (opened.has(url!)) continue;
      opened.add(url!);
      await browse(new URL(url!));
    }
  });
}

export { freePort } from '../helpers/ports';

/** The scenario names listed under a heading of `conformance list` ("Server scenarios", ...). */
function listedScenarios(output: string, heading: string): string[] {
  const section = new RegExp(`^${heading}[^\\n]*\\n((?:\\s+- .+\\n)+)`, 'm').exec(output)?.[1];
  if (!section) throw new Error(`no ${heading.toLowerCase()} in:\n${output}`);
  return section
    .split('\n')
    .map((line) => /^\s+- (\S+)/.exec(line)?.[1])
    .filter((s): s is string => !!s);
}

/** The server scenarios a spec revision requires (scores), from `conformance list --requirements`. */
export async function requiredServerScenarios(nodeBinary: string, revision: string): Promise<string[]> {
  const { exitCode, output } = await runCli(nodeBinary, ['list', '--requirements', revision]);
  if (exitCode !== 0) throw new Error(`conformance list --requirements ${revision} exited ${exitCode}:\n${output}`);
  return listedScenarios(output, 'Server scenarios');
}

/** Every authorization server scenario the suite has, from `conformance list --authorization`. */
export async function authorizationScenarios(nodeBinary: string): Promise<string[]> {
  const { exitCode, output } = await runCli(nodeBinary, ['list', '--authorization']);
  if (exitCode !== 0) throw new Error(`conformance list --authorization exited ${exitCode}:\n${output}`);
  return listedScenarios(output, 'Authorization server scenarios');
}

/** The server scenarios `conformance list --server` tags `[extension]`: off the spec timeline, never scored. */
export async function extensionServerScenarios(nodeBinary: string): Promise<string[]> {
  const { exitCode, output } = await runCli(nodeBinary, ['list', '--server']);
  if (exitCode !== 0) throw new Error(`conformance list --server exited ${exitCode}:\n${output}`);
  return [...output.matchAll(/^\s+- (\S+) \[extension\]$/gm)].map((match) => match[1]!);
}
