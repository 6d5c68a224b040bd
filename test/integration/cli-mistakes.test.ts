import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli';

// The examples of the README and docs/cli.md, mistyped the way people mistype them: each gets one line on
// stderr that says what is wrong and where the command's options are, and exit code 1; never
// the whole usage, never a stack trace. In-process (main() is what the bin runs), so the table
// stays cheap; every case fails before anything listens.

const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-mistakes-'));
const previousDataDir = process.env.MCP_INSPECTOR_DATA_DIR;
beforeAll(() => {
  process.env.MCP_INSPECTOR_DATA_DIR = dataDir;
});
afterAll(() => {
  if (previousDataDir === undefined) delete process.env.MCP_INSPECTOR_DATA_DIR;
  else process.env.MCP_INSPECTOR_DATA_DIR = previousDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(argv: string[]): Promise<{ stdout: string; stderr: string; code: number | string | undefined | null }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  await main(argv);
  vi.restoreAllMocks();
  return { stdout, stderr, code: process.exitCode };
}

const MISTAKES: Array<{ typed: string; says: RegExp; help: string }> = [
  { typed: 'serve --port 74a0', says: /--port must be a whole number from 0 to 65535, got "74a0"/, help: 'serve' },
  { typed: 'serve --ui-port 99999', says: /--ui-port must be a whole number from 0 to 65535, got "99999"/, help: 'serve' },
  { typed: 'serve --port', says: /Option '--port <value>' argument missing/, help: 'serve' },
  { typed: 'serve --consent yes', says: /--consent must be "manual" or "auto", got "yes"/, help: 'serve' },
  { typed: 'serve --upstream 127.0.0.1:8001', says: /--upstream/, help: 'serve' },
  { typed: 'serve --tunnel manual', says: /--tunnel manual needs --public-url/, help: 'serve' },
  { typed: 'serve --tunnel localtunel', says: /--tunnel must be one of/, help: 'serve' },
  { typed: 'serve --tunel localtunnel', says: /Unknown option '--tunel'/, help: 'serve' },
  { typed: 'serve --rules no-such-rules.json', says: /no-such-rules\.json/, help: 'serve' },
  { typed: 'serve --toggle notification-status=205', says: /Toggle "notification-status" has no option "205"\. Options: off, 204, 200/, help: 'serve' },
  { typed: 'serve --toggle notification-status:204', says: /--toggle must look like id=option/, help: 'serve' },
  { typed: 'serve --profile sepc', says: /sepc/, help: 'serve' },
  { typed: 'serve --intercept-as', says: /--intercept-as fronts the authorization server of your own server: give it with --upstream <url>/, help: 'serve' },
  { typed: 'serve --upstream http://127.0.0.1:8001 --intercept-as --no-rewrite-origins', says: /it cannot work with --no-rewrite-origins/, help: 'serve' },
  { typed: 'serve --upstream http://127.0.0.1:8001 --intercept-as --intercept-as-ca no-such-ca.pem', says: /Cannot read the CA file no-such-ca\.pem/, help: 'serve' },
  { typed: 'simulate --client claude-ai', says: /simulate needs --url/, help: 'simulate' },
  { typed: 'simulate --client claud-ai --url http://127.0.0.1:7420/mcp', says: /Unknown client "claud-ai"/, help: 'simulate' },
  { typed: 'simulate --client claude-ai --url my-server.example/mcp', says: /--url must be an absolute http\(s\) URL/, help: 'simulate' },
  { typed: 'simulate --clinet claude-ai --url http://127.0.0.1:7420/mcp', says: /Unknown option '--clinet'/, help: 'simulate' },
  { typed: 'scenario run ref001-pitfall9', says: /ref001-pitfall9/, help: 'scenario' },
  { typed: 'lint', says: /Usage: lint <capture\.har \| capture-id>/, help: 'lint' },
  { typed: 'lint no-such-capture', says: /"no-such-capture" is neither a file nor a capture id/, help: 'lint' },
  { typed: 'compare before.har', says: /Usage: compare/, help: 'compare' },
  { typed: 'export --capture latest', says: /Usage: export --har/, help: 'export' },
  { typed: 'captures shwo', says: /shwo/, help: 'captures' },
  { typed: 'simulte --client claude-ai', says: /Unknown command "simulte"/, help: '' },
];

describe('every mistyped README example: one line, what is wrong, and where --help is', () => {
  it.each(MISTAKES)('$typed', async ({ typed, says, help }) => {
    const { stdout, stderr, code } = await run(typed.split(' '));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: /);
    expect(lines[0]).toMatch(says);
    expect(lines[0]).toContain(help ? `Run \`mcp-handshake-inspector ${help} --help\` for its options.` : 'Run `mcp-handshake-inspector --help` for the commands.');
  });

  it('each command has its own --help: its options and examples, not the overview', async () => {
    const serve = await run(['serve', '--help']);
    expect(serve.stdout).toMatch(/^Usage: mcp-handshake-inspector serve \[options\]/);
    expect(serve.stdout).toContain('--toggle <id=option>');
    expect(serve.stdout).toContain('Examples:');
    const lint = await run(['lint', '-h']);
    expect(lint.stdout).toMatch(/^Usage: mcp-handshake-inspector lint /);
    expect(lint.stdout).toContain('--sarif <file>');
    expect(lint.stdout).not.toContain('--tunnel');
    const overview = await run(['--help']);
    expect(overview.stdout).toContain('Run `mcp-handshake-inspector <command> --help`');
    expect(overview.stdout.split('\n').length).toBeLessThan(20);
  });

  it('serve --toggles lists every toggle id with its options', async () => {
    const { stdout, code } = await run(['serve', '--toggles']);
    expect(code).toBeUndefined();
    expect(stdout).toMatch(/^notification-status\s+Status for notifications\n\s+off \(default\), 204, 200$/m);
    expect(stdout).toMatch(/^get-stream\s/m);
    // Profile-only options say they need the built-in server (not in front of --upstream, nor on an --intercept-as AS).
    expect(stdout).toMatch(/^\s+off \(default\), added \(built-in server only\), removed \(built-in server only\)$/m);
  });
});
