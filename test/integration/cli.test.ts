import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../helpers/server';
import { FakeLocaltunnelServer, tunnelFetch } from '../helpers/localtunnelServer';
import { runCli as runCliProcess, whenListening, type CliProcess } from '../helpers/cliProcess';

// Each test starts the CLI as child processes (tsx compiles on start): on a loaded 2-core
// machine a start takes seconds, so the budget is per process started, not the unit default.
const CLI_TEST_TIMEOUT = 60_000;

// `serve` as users run it: a real process, real port, real signals.

type Served = CliProcess;

/** Every CLI run records into its own temporary data dir, never the user's. */
const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const runCli = (args: string[], env: NodeJS.ProcessEnv = {}): Served => runCliProcess(args, { dataDir, env });
const listeningPort = async (served: Served): Promise<number> => (await whenListening(served)).port;

describe('CLI serve', { timeout: CLI_TEST_TIMEOUT }, () => {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  let blocker: Server | undefined;
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
    blocker?.close();
    blocker = undefined;
  });

  it('starts the reference server, prints what listens where, and stops cleanly on Ctrl-C', async () => {
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--consent', 'auto']);
    children.push(served.child);
    const port = await listeningPort(served);
    expect(served.stdout()).toContain(`MCP endpoint (Streamable HTTP):  http://127.0.0.1:${port}/mcp`);
    expect(served.stdout()).toContain('consent: auto');
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(response.status).toBe(401);
    // The web UI's URL carries the token; the control API answers with it and only with it.
    const ui = new URL(/Inspector UI[^\n]*\n\s+(http:\S+)/.exec(served.stdout())![1]!);
    expect(ui.hostname).toBe('127.0.0.1');
    expect(ui.port).not.toBe(String(port));
    const command = (token?: string) =>
      fetch(`${ui.origin}/api/commands/status`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    expect((await command()).status).toBe(401);
    const status = (await (await command(ui.searchParams.get('token')!)).json()) as { result: { port: number } };
    expect(status.result.port).toBe(port);
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toContain('SIGINT received, shutting down');
  });

  it('says which flag to change when the UI port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const uiPort = (blocker.address() as { port: number }).port;
    const ownDataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-data-'));
    cleanups.push(async () => rmSync(ownDataDir, { recursive: true, force: true }));
    const served = runCli(['serve', '--port', '0', '--ui-port', String(uiPort), '--data-dir', ownDataDir]);
    children.push(served.child);
    expect(await served.exited).toBe(1);
    expect(served.stderr()).toContain(`UI port ${uiPort} is already in use`);
    expect(served.stderr()).toContain('--ui-port');
    expect(readdirSync(join(ownDataDir, 'captures'))).toEqual([]); // no empty capture left from the failed start
  });

  it('names the metadata after --public-url and applies --profile', async () => {
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--public-url', 'https://demo.example.com/ignored-path', '--profile', 'no-auth']);
    children.push(served.child);
    const port = await listeningPort(served);
    expect(served.stdout()).toContain('https://demo.example.com/mcp');
    expect(served.stdout()).toMatch(/Protected resource metadata:\s+not served \(profile\)/);
    const prm = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`);
    expect(prm.status).toBe(404); // no-auth serves no OAuth metadata
    const initialize = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } }),
    });
    expect(initialize.status).toBe(200);
  });

  it('--allow-private-cimd lets the built-in server fetch a client metadata document from 127.0.0.1', async () => {
    const cimdHost = createHttpServer((req, res) => {
      const body = JSON.stringify({ client_id: `${origin}/client.json`, client_name: 'LAN client', redirect_uris: ['http://127.0.0.1:53682/callback'] });
      res.writeHead(req.url === '/client.json' ? 200 : 404, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => cimdHost.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { cimdHost.close(resolve); cimdHost.closeAllConnections(); }));
    const origin = `http://127.0.0.1:${(cimdHost.address() as { port: number }).port}`;
    const authorize = (port: number) => {
      const url = new URL(`http://127.0.0.1:${port}/authorize`);
      const challenge = createHash('sha256').update('v'.repeat(43)).digest('base64url');
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: `${origin}/client.json`, redirect_uri: 'http://127.0.0.1:53682/callback', code_challenge: challenge, code_challenge_method: 'S256', state: 's' })) url.searchParams.set(k, v);
      return fetch(url, { redirect: 'manual' });
    };

    const allowed = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-ui', '--no-capture', '--fresh', '--consent', 'auto', '--allow-private-cimd']);
    children.push(allowed.child);
    const port = await listeningPort(allowed);
    expect(allowed.stdout()).toContain('--allow-private-cimd');
    const granted = await authorize(port);
    expect(granted.status, await granted.clone().text()).toBe(302);
    expect(new URL(granted.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const refused = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-ui', '--no-capture', '--fresh', '--consent', 'auto']);
    children.push(refused.child);
    const refusedPort = await listeningPort(refused);
    const page = await authorize(refusedPort);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/--allow-private-cimd/);
  });

  it('starts with the settings the UI saved, unless --fresh', async () => {
    const ownDataDir = await mkdtemp(join(tmpdir(), 'mcp-inspector-settings-'));
    cleanups.push(() => rm(ownDataDir, { recursive: true, force: true }));
    await writeFile(join(ownDataDir, 'settings.json'), JSON.stringify({ upstream: 'http://127.0.0.1:9/', presetId: 'no-auth' }));
    const withSaved = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-capture', '--data-dir', ownDataDir]);
    children.push(withSaved.child);
    await listeningPort(withSaved);
    expect(withSaved.stdout()).toContain('proxying to http://127.0.0.1:9/');

    const fresh = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-capture', '--data-dir', ownDataDir, '--fresh']);
    children.push(fresh.child);
    await listeningPort(fresh);
    expect(fresh.stdout()).toContain('built-in reference server (profile: spec,');
    expect(fresh.stdout()).not.toContain('proxying to');
  });

  it('exits non-zero naming the port and the flag when the port is in use', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const served = runCli(['serve', '--ui-port', '0', '--port', String(port)]);
    children.push(served.child);
    expect(await served.exited).toBe(1);
    expect(served.stderr()).toContain(`Port ${port} is already in use`);
    expect(served.stderr()).toContain('--port');
  });

  it('proxies to --upstream with --rules applied, and prints each exchange as it ends', async () => {
    const upstream = await startReferenceServer({ profile: { tokenRequired: 'none' } });
    cleanups.push(upstream.close);
    const dir = await mkdtemp(join(tmpdir(), 'mcp-inspector-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const rulesFile = join(dir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify([{ id: 'get-501', description: 'GET /mcp answered 501', match: [{ type: 'method', methods: ['GET'] }, { type: 'path', glob: '/mcp' }], steps: [{ type: 'reply', status: 501, body: '{}' }] }]));
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--upstream', upstream.origin, '--rules', rulesFile]);
    children.push(served.child);
    const port = await listeningPort(served);
    expect(served.stdout()).toContain(`proxying to ${upstream.origin}/`);
    expect(served.stdout()).toContain(`1 from ${rulesFile}`);
    const init = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(init.status).toBe(200);
    const get = await fetch(`http://127.0.0.1:${port}/mcp`, { headers: { accept: 'text/event-stream', 'mcp-session-id': init.headers.get('mcp-session-id')! } });
    expect(get.status).toBe(501);
    await new Promise<void>((resolve) => {
      const check = () => /GET\s+501\s+GET stream/.test(served.stdout()) && resolve();
      served.child.stdout!.on('data', check);
      check();
    });
    expect(served.stdout()).toMatch(/POST\s+200\s+initialize/);
  });

  it.each([
    [['serve', '--upstream', 'ftp://example.com'], '--upstream must use http or https'],
    [['serve', '--upstream', 'localhost:8001'], '--upstream "localhost:8001" has no scheme: write http://localhost:8001'],
    [['serve', '--upstream', 'http://127.0.0.1:8001/base?k=v'], '--upstream must not carry a query or fragment ("?k=v")'],
    [['serve', '--rules', '/nonexistent/rules.json'], 'Cannot read the rules file /nonexistent/rules.json'],
    [['serve', '--consent', 'sometimes'], '--consent must be "manual" or "auto"'],
    [['serve', '--profile', 'nope'], 'Unknown profile preset "nope". Known presets: spec,'],
    [['serve', '--port', 'eighty'], '--port must be a whole number'],
    [['serve', '--public-url', 'not a url'], '--public-url must be an absolute http(s) URL'],
    [['serve', '--bogus'], "Unknown option '--bogus'"],
    [['serve', 'extra'], "Unexpected argument 'extra'"],
    [['serve', '--tunnel', 'bogus'], '--tunnel must be one of localtunnel, cloudflared, ngrok, manual, none, got "bogus"'],
    [['serve', '--tunnel', 'manual'], '--tunnel manual needs --public-url'],
    [['serve', '--subdomain', 'Bad_Name'], '--subdomain must be 4 to 63 lowercase letters'],
    [['serve', '--tunnel-host', 'ftp://tunnels.example.com'], '--tunnel-host must be an absolute http(s) URL'],
    [['serve', '--tunnel', 'cloudflared', '--subdomain', 'my-name'], '--tunnel-host and --subdomain apply to --tunnel localtunnel, not cloudflared'],
    [['serve', '--tunnel', 'localtunnel', '--public-url', 'https://x.example.com'], '--public-url names your own public URL'],
    [['frobnicate'], 'Unknown command "frobnicate"'],
  ])('rejects %j with a clear message', async (args, message) => {
    const served = runCli(args);
    children.push(served.child);
    expect(await served.exited).toBe(1);
    expect(served.stderr()).toContain(message);
    expect(served.stderr()).not.toContain('Unexpected error');
  });

  it('serve --help lists the conformance preset among the profiles, and --allow-private-cimd', async () => {
    const run = runCli(['serve', '--help']);
    expect(await run.exited).toBe(0);
    const profiles = /--profile <preset>\s+Behaviour preset \(default spec\): ([^\n]+)/.exec(run.stdout())?.[1];
    expect(profiles?.split(', '), run.stdout()).toContain('conformance');
    expect(run.stdout()).toMatch(/^\s+--allow-private-cimd\s+\S/m);
  });

  it.each([['captures'], ['export'], ['replay'], ['lint'], ['scenario']])('answers %s --help with its own usage', async (command) => {
    const run = runCli([command, '--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(new RegExp(`^Usage: mcp-handshake-inspector ${command} `));
  });
});

describe('CLI serve --tunnel', { timeout: CLI_TEST_TIMEOUT }, () => {
  const children: ChildProcess[] = [];
  let tunnels: FakeLocaltunnelServer | undefined;
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await tunnels?.close();
    tunnels = undefined;
  });

  /** Resolves once stdout matches (or rejects when serve exits first). */
  function printed(served: Served, pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(served.stdout());
        if (match) resolve(match);
      };
      served.child.stdout!.on('data', check);
      check();
      void served.exited.then((code) => reject(new Error(`serve exited with ${code}: ${served.stdout()}${served.stderr()}`)));
    });
  }

  it('opens a localtunnel on --tunnel-host with --subdomain and prints what to paste into Claude.ai', async () => {
    tunnels = await new FakeLocaltunnelServer().listen();
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--tunnel-host', tunnels.origin, '--subdomain', 'cli-tunnel']);
    children.push(served.child);
    const port = await listeningPort(served);
    const publicUrl = `http://cli-tunnel.localhost:${tunnels.port}`;
    await printed(served, /Paste into Claude\.ai: .*\n/);
    expect(served.stdout()).toContain(`[tunnel] connecting: Opening localtunnel via ${tunnels.origin} (subdomain cli-tunnel)`);
    expect(served.stdout()).toContain(`[tunnel] up: Up at ${publicUrl}`);
    expect(served.stdout()).toContain(`Paste into Claude.ai:  ${publicUrl}/mcp → Claude.ai → Settings → Connectors → Add custom connector`);
    expect(served.stdout().match(/Paste into Claude\.ai/g)).toHaveLength(1);
    // The local URLs keep working, and both name the tunnel in metadata.
    expect(served.stdout()).toContain(`MCP endpoint (Streamable HTTP):  http://127.0.0.1:${port}/mcp`);
    const prm = (await (await tunnelFetch(`${publicUrl}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string };
    expect(prm.resource).toBe(`${publicUrl}/mcp`);
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toContain('[tunnel] off: Tunnel closed');
  });

  it('reopens the tunnel the UI left running, unless a tunnel flag says otherwise', async () => {
    tunnels = await new FakeLocaltunnelServer().listen();
    const ownDataDir = await mkdtemp(join(tmpdir(), 'mcp-inspector-settings-'));
    try {
      await writeFile(join(ownDataDir, 'settings.json'), JSON.stringify({ tunnel: { provider: 'localtunnel', host: tunnels.origin, subdomain: 'saved-tunnel', open: true } }));
      const saved = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-capture', '--data-dir', ownDataDir]);
      children.push(saved.child);
      await printed(saved, /\[tunnel\] up: .*\n/);
      expect(saved.stdout()).toContain(`localtunnel (reopened from ${join(ownDataDir, 'settings.json')}; --tunnel none or --fresh skips it)`);
      expect(saved.stdout()).toContain(`[tunnel] up: Up at http://saved-tunnel.localhost:${tunnels.port}`);

      const none = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-capture', '--data-dir', ownDataDir, '--tunnel', 'none']);
      children.push(none.child);
      await listeningPort(none);
      expect(none.stdout()).not.toContain('[tunnel]');
      expect(tunnels.registrations).toEqual(['/saved-tunnel']);
    } finally {
      await rm(ownDataDir, { recursive: true, force: true });
    }
  });

  it('calls a manual URL that does not lead here unreachable (in plain words, never "up"), and retries at once on SIGUSR2', async () => {
    const nothing = createHttpServer();
    await new Promise<void>((resolve) => nothing.listen(0, '127.0.0.1', resolve));
    const port = (nothing.address() as { port: number }).port;
    await new Promise((resolve) => nothing.close(resolve));
    const publicUrl = `http://127.0.0.1:${port}`;
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--no-capture', '--tunnel', 'manual', '--public-url', publicUrl]);
    children.push(served.child);
    await printed(served, /\[tunnel\] To retry at once: send SIGUSR2 \(kill -USR2 \d+\)\n/);
    const out = served.stdout();
    expect(out).toContain(`[tunnel] unreachable: ${publicUrl} did not reach the inspector when requested from this machine: all three got no answer (connection refused: ECONNREFUSED); next attempt in`);
    expect(out).toContain(`[tunnel] Reachability of ${publicUrl}: not reachable. Requested it from this machine as a browser, as python-httpx and as Claude-User`);
    expect(out).toContain('DNS: 127.0.0.1 is not a public IPv4 address: hosted connectors need a public IPv4 address.');
    expect(out).not.toContain('[tunnel] up:');
    expect(out).not.toContain('Paste into Claude.ai');
    // SIGUSR2 would end a process without a handler: it retries instead.
    served.child.kill('SIGUSR2');
    await printed(served, /\[tunnel\] (Retrying now|An attempt is under way already)\n/);
    expect(served.child.exitCode).toBeNull();
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('keeps serving locally when the tunnel cannot open, and says what to install', async () => {
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--tunnel', 'cloudflared'], { PATH: '/nonexistent' });
    children.push(served.child);
    const port = await listeningPort(served);
    await printed(served, /\[tunnel\] failed: .*\n/);
    expect(served.stdout()).toContain('[tunnel] failed: cloudflared is not on PATH. Install it');
    expect(served.stdout()).toContain('The local server keeps working.');
    const local = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`);
    expect(((await local.json()) as { resource: string }).resource).toBe(`http://127.0.0.1:${port}/mcp`);
    expect(served.child.exitCode).toBeNull();
  });
});

describe('CLI rules file validation', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('names the bad rule and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-inspector-cli-'));
    const rulesFile = join(dir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify([{ id: 'x', steps: [{ type: 'reply', status: 200 }, { type: 'set-status', status: 204 }] }]));
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--rules', rulesFile]);
    expect(await served.exited).toBe(1);
    expect(served.stderr()).toContain('rules[0] (x): step 1 (reply) ends the exchange, so it must be the last step');
    await rm(dir, { recursive: true, force: true });
  });
});

describe('CLI captures, export, import, replay', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('records a run, lists and shows it, exports redacted HAR, imports it back and replays an exchange', async () => {
    const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--capture-name', 'cli test run']);
    const port = await listeningPort(served);
    try {
      const captureId = /Capture:\s+(\S+)/.exec(served.stdout())![1]!;
      const initialize = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer secret-token-value' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      });
      expect(initialize.status).toBe(401); // the token is not one of ours
      await new Promise<void>((resolve) => {
        const check = () => /POST\s+401\s+initialize/.test(served.stdout()) && resolve();
        served.child.stdout!.on('data', check);
        check();
      });

      const list = runCli(['captures', 'list']);
      expect(await list.exited).toBe(0);
      expect(list.stdout()).toMatch(new RegExp(`${captureId}\\s+1 exchanges .* cli test run`));

      const show = runCli(['captures', 'show', captureId]);
      expect(await show.exited).toBe(0);
      const exchangeId = /^(\S+)\s.*initialize/m.exec(show.stdout())![1]!;

      const harFile = join(dataDir, 'out.har');
      const exported = runCli(['export', '--har', harFile, '--capture', captureId]);
      expect(await exported.exited).toBe(0);
      expect(exported.stdout()).toContain('secrets redacted');
      const har = readFileSync(harFile, 'utf8');
      expect(JSON.parse(har).log.entries).toHaveLength(1);
      expect(har).not.toContain('secret-token-value');
      const unwritable = runCli(['export', '--har', join(dataDir, 'no-such-dir', 'out.har'), '--capture', captureId]);
      expect(await unwritable.exited).toBe(1);
      expect(unwritable.stderr()).toMatch(/^Error: Cannot write .*no-such-dir.*ENOENT/);

      const imported = runCli(['import', harFile, '--name', 'reimported']);
      expect(await imported.exited).toBe(0);
      expect(imported.stdout()).toMatch(/Imported 1 exchanges/);

      const replay = runCli(['replay', captureId, exchangeId.slice(0, 8), '--to', `http://127.0.0.1:${port}`]);
      expect(await replay.exited).toBe(0);
      expect(replay.stdout()).toContain(`POST http://127.0.0.1:${port}/mcp → 401 (recorded: 401)`);
      const badTarget = runCli(['replay', captureId, exchangeId.slice(0, 8), '--to', 'notaurl']);
      expect(await badTarget.exited).toBe(1);
      expect(badTarget.stderr()).toContain('Error: --to must be an origin such as http://127.0.0.1:7420, got "notaurl"');
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  it('replays to the port saved in the data dir when --to is not given', async () => {
    const ownDataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-data-'));
    const upstream = await startReferenceServer({ profile: { tokenRequired: 'none' } });
    try {
      const served = runCli(['serve', '--ui-port', '0', '--port', '0', '--upstream', upstream.origin, '--data-dir', ownDataDir]);
      const port = await listeningPort(served);
      await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' }).then((r) => r.text());
      served.child.kill('SIGINT'); // Ctrl-C: a clean stop, the capture closed
      await served.exited;
      const captureId = readdirSync(join(ownDataDir, 'captures'))[0]!;
      const show = runCli(['captures', 'show', captureId, '--data-dir', ownDataDir]);
      expect(await show.exited).toBe(0);
      const exchangeId = show.stdout().split(' ')[0]!;
      // The UI saved another port: replay goes there.
      await writeFile(join(ownDataDir, 'settings.json'), JSON.stringify({ port: Number(new URL(upstream.origin).port) }));
      const replay = runCli(['replay', captureId, exchangeId, '--data-dir', ownDataDir]);
      expect(await replay.exited).toBe(0);
      expect(replay.stdout()).toContain(`POST ${upstream.origin}/mcp → `); // it reached the saved port
    } finally {
      await upstream.close();
      rmSync(ownDataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [['captures', 'show', '../etc'], 'Cannot open capture "../etc"'],
    [['captures', 'delete', 'nope'], 'Cannot delete capture "nope"'],
    [['export'], 'Usage: export --har'],
    [['import', '/nonexistent.har'], 'Cannot import /nonexistent.har'],
    [['replay', 'only-one-arg'], 'Usage: replay <capture> <exchange-id>'],
  ])('explains %j', async (args, message) => {
    const run = runCli(args);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(message);
  });
});
