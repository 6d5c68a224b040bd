import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/shared/exchange';
import { SIMULATION_HEADER } from '../../src/shared/simulator';
import { runScenario } from '../../src/main/core/scenarioRunner';
import { PROFILES, simulate } from '../../src/main/core/simulator';
import { SCENARIOS } from '../../src/main/core/simulator/scenarios';
import { startInspector } from '../helpers/inspector';
import { completeAuthorization } from '../helpers/server';

// Every client profile against the reference server, through the front door, over real
// sockets: in the spec-correct preset each must connect and list the tools; in each bug
// scenario its client must fail exactly where the reference says the real client failed.

type Running = Awaited<ReturnType<typeof startInspector>>;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const TOOLS = ['echo', 'add', 'best_person', 'slow_count', 'fail', 'regional_echo'];

describe('every profile against the spec-correct reference server, through the front door', () => {
  it.each(PROFILES.filter((p) => !p.clientBug).map((p) => [p.id, p] as const))('%s connects and lists the tools', async (_id, profile) => {
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate(profile);
    expect(result.summary).toBe('connected and listed 6 tools');
    expect(result.ok).toBe(true);
    expect(result.tools).toEqual(TOOLS);
    expect(result.steps.every((s) => s.outcome === 'ok')).toBe(true);

    // The recorder saw every request the simulator made, each marked with the run.
    const recorded = await running.runExchanges(result.runId);
    const sent = result.steps.flatMap((s) => s.requests);
    expect(recorded.length).toBe(sent.length);
    expect(recorded.every((e) => e.simulated === true)).toBe(true);
    // The marker header is the front door's business: the upstream never sees it.
    expect(recorded.some((e) => SIMULATION_HEADER in e.request.headers)).toBe(false);
    // And OAuth really happened on the wire (or, for SDK profiles, inside the real SDK).
    expect(recorded.some((e) => e.classification.phase === 'token' && e.response?.status === 200)).toBe(true);
    expect(recorded.some((e) => e.classification.jsonRpc?.methods.includes('tools/list') && e.response && e.response.status < 300)).toBe(true);
  });
});

describe('profiles that replay a reported client bug', () => {
  const buggy = PROFILES.filter((p) => p.clientBug).map((p) => [p.id, p] as const);
  it('there are some', () => expect(buggy.length).toBeGreaterThan(0));
  it.each(buggy)('%s fails against the spec-correct server where its report says, and connects where the bug does not bite', async (_id, profile) => {
    const bug = profile.clientBug!;
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate(profile);
    expect(result.ok).toBe(false);
    expect(result.failedAt).toBe(bug.step);
    expect(result.steps.find((s) => s.step === bug.step && s.outcome === 'fail')?.message).toContain(bug.messageIncludes);
    await running.close();
    running = undefined;
    if (!bug.connectsWith) return;
    running = await startInspector({ preset: bug.connectsWith });
    const tolerant = await running.inspector.simulate(profile);
    expect(tolerant.summary).toBe('connected and listed 6 tools');
  });
});

describe('what a profile does on the wire', () => {
  it('Claude.ai 2025-06 sends its recorded DCR body, scope claudeai, and switches User-Agent after OAuth', async () => {
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate('claude-ai@2025-06');
    const exchanges = await running.runExchanges(result.runId);
    const register = exchanges.find((e) => e.classification.phase === 'registration')!;
    expect(JSON.parse(register.request.body!.data)).toMatchObject({ client_name: 'claudeai', scope: 'claudeai', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] });
    const authorize = exchanges.find((e) => e.request.url.startsWith('/authorize?'))!;
    expect(new URLSearchParams(authorize.request.url.split('?')[1]).get('scope')).toBe('claudeai');
    const initializes = exchanges.filter((e) => e.classification.jsonRpc?.methods[0] === 'initialize');
    expect(initializes.map((e) => e.request.headers['user-agent'])).toEqual(['python-httpx/0.27.0', 'Claude-User']);
    expect(initializes[0]!.classification.jsonRpc?.clientInfo).toEqual({ name: 'claude-ai', version: '0.1.0' });
  });

  it('Claude Code 1.0.108 probes the /sse path-suffixed documents for an SSE URL and never sends its configured header', async () => {
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate('claude-code@1.0.108', { url: running.info.legacySseUrl, headers: { 'X-API-Key': 'k' } });
    const paths = (await running.runExchanges(result.runId)).map((e) => `${e.request.method} ${e.request.url.split('?')[0]}`);
    expect(paths[0]).toBe('GET /.well-known/oauth-protected-resource/sse');
    expect(result.steps[0]).toMatchObject({ step: 'config', outcome: 'warn' });
    const recorded = await running.runExchanges(result.runId);
    expect(recorded.some((e) => 'x-api-key' in e.request.headers)).toBe(false);
  });

  it('ChatGPT reads the metadata before any 401 and sends no GET and no DELETE', async () => {
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate('chatgpt');
    const exchanges = await running.runExchanges(result.runId);
    const firstMcp = exchanges.findIndex((e) => e.request.url === '/mcp');
    expect(exchanges.slice(0, firstMcp).every((e) => e.request.url.startsWith('/.well-known/'))).toBe(true);
    expect(exchanges.some((e) => e.request.url === '/mcp' && ['GET', 'DELETE'].includes(e.request.method))).toBe(false);
  });

  it('VS Code falls back to the legacy transport when POST answers 405', async () => {
    running = await startInspector({ preset: 'spec' });
    const result = await running.inspector.simulate('vscode', { url: running.info.legacySseUrl });
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toContain('initialize.legacy-sse');
    expect(result.steps.find((s) => s.step === 'initialize' && s.message.includes('falls back'))?.message).toContain('405');
  });

  it('MCP Inspector (a browser page) fails where CORS is missing; Claude Code does not care', async () => {
    running = await startInspector({
      preset: 'spec',
      rules: [{ id: 'no-cors', description: 'CORS headers stripped', enabled: true, match: [], steps: [{ type: 'set-headers', remove: ['Access-Control-Allow-Origin'] }] }],
    });
    const browser = await running.inspector.simulate('mcp-inspector@0.19');
    expect(browser.ok).toBe(false);
    expect(browser.failedAt).toBe('initialize');
    expect(browser.summary).toContain('blocked by CORS');
    const cli = await running.inspector.simulate('claude-code');
    expect(cli.ok).toBe(true);
  });

  it.each(['claude-ai@2026-03', 'claude-ai@2026-09'])('%s uses CIMD only when the AS lists "none" next to it, else registers a new client on every connection (lion-reader#1519)', async (id) => {
    running = await startInspector({ preset: 'spec' });
    const registrations = async () => (await running!.runExchanges((await running!.inspector.simulate(id)).runId)).filter((e) => e.classification.phase === 'registration');
    const cimd = await running.inspector.simulate(id);
    expect(cimd.ok).toBe(true);
    expect(cimd.steps.find((s) => s.step === 'oauth.register')?.message).toContain('https://claude.ai/oauth/mcp-oauth-client-metadata');
    expect((await running.runExchanges(cimd.runId)).some((e) => e.classification.phase === 'registration')).toBe(false);
    // The same AS without "none" among its token endpoint auth methods: DCR, silently, each time.
    running.inspector.setRules([
      {
        id: 'no-none',
        description: '"none" dropped from token_endpoint_auth_methods_supported',
        enabled: true,
        match: [{ type: 'path', glob: '/.well-known/**' }],
        steps: [{ type: 'patch-json', replace: { '/token_endpoint_auth_methods_supported': ['client_secret_basic', 'client_secret_post'] } }],
      },
    ]);
    const first = await registrations();
    const second = await registrations();
    expect([first.length, second.length]).toEqual([1, 1]);
    const clientIds = [...first, ...second].map((e) => (JSON.parse(e.response!.body!.data) as { client_id: string }).client_id);
    expect(new Set(clientIds).size).toBe(2);
  });

  it('the default Claude.ai against an AS that lists private_key_jwt without "none" (the toggle): DCR instead of its metadata document, and lint says why', async () => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('private-key-jwt', 'without-none');
    const result = await running.inspector.simulate('claude-ai');
    expect(result.profileId).toBe('claude-ai@2026-09');
    expect(result.ok).toBe(true);
    expect(result.steps.find((s) => s.step === 'oauth.register')?.title).toBe('Dynamic Client Registration (RFC 7591)');
    const exchanges = await running.runExchanges(result.runId);
    expect(exchanges.filter((e) => e.classification.phase === 'registration')).toHaveLength(1);
    const runIds = new Set(exchanges.map((e) => e.id));
    const findings = running.inspector.findings().filter((f) => f.ruleId === 'cimd-without-none' && runIds.has(f.exchangeId));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ severity: 'warning', causedBy: { kind: 'toggle', id: 'private-key-jwt', option: 'without-none' } });
    expect(findings[0]!.message).toContain('Claude.ai will silently fall back to DCR and register a new client on every connection');
  });

  it('VS Code 2026-05 authorizes from a random loopback port: an AS that matches the port exactly refuses it (vscode#278512), while 33418 itself passes', async () => {
    running = await startInspector({ preset: 'spec' });
    running.inspector.setToggle('redirect-uri-matching', 'exact');
    const random = await running.inspector.simulate('vscode@2026-05');
    expect(random.failedAt).toBe('oauth.authorize');
    expect(random.summary).toContain('is not one the client registered');
    const registered = await running.inspector.simulate('vscode@2026-04');
    expect(registered.summary).toBe('connected and listed 6 tools');
  });

  it('VS Code refuses Protected Resource Metadata whose resource is not the URL it was given', async () => {
    running = await startInspector({
      preset: 'spec',
      rules: [{ id: 'prm-origin', description: 'resource without the path', enabled: true, match: [{ type: 'path', glob: '/.well-known/oauth-protected-resource/**' }], steps: [{ type: 'reply', status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resource: 'https://elsewhere.example/', authorization_servers: ['https://elsewhere.example'] }) }] }],
    });
    const result = await running.inspector.simulate('vscode');
    expect(result.failedAt).toBe('oauth.prm');
    expect(result.summary).toContain('does not match target server url');
  });

  it('pauses for a person when the authorization server shows a login page of its own', async () => {
    running = await startInspector({
      preset: 'spec',
      // A browser (the simulator plays Chrome) gets a login page the simulator must not fill in.
      rules: [{ id: 'login', description: 'external login page', enabled: true, match: [{ type: 'path', glob: '/authorize' }, { type: 'header', name: 'user-agent', contains: 'Chrome' }], steps: [{ type: 'reply', status: 200, headers: { 'Content-Type': 'text/html' }, body: '<form>Sign in to Example</form>' }] }],
    });
    const asked: string[] = [];
    const result = await running.inspector.simulate('spec', {
      hooks: {
        // The "person": logs in with their own browser (no Chrome UA: the real consent page) and pastes the redirect.
        onAuthorizationRequired: async (url) => {
          asked.push(url);
          return (await completeAuthorization(url)).href;
        },
      },
    });
    expect(asked).toHaveLength(1);
    expect(new URL(asked[0]!).pathname).toBe('/authorize');
    expect(result.ok).toBe(true);
    expect(result.steps.find((s) => s.step === 'oauth.authorize')?.outcome).toBe('warn');
  });

  it('treats a 200 on the unauthenticated first request as "no auth needed" and skips OAuth', async () => {
    running = await startInspector({ preset: 'no-auth' });
    for (const client of ['claude-ai@2025-06', 'claude-ai@2026-03', 'claude-ai@2026-09']) {
      const result = await running.inspector.simulate(client);
      expect(result.summary, client).toBe('connected and listed 6 tools');
      expect(result.steps.some((s) => s.step.startsWith('oauth.')), client).toBe(false);
    }
    // Claude Code 1.0.108 forces OAuth whatever the server says: with no metadata it falls back
    // to /register, /authorize and /token on the origin (which this server happens to serve).
    const forced = await running.inspector.simulate('claude-code@1.0.108');
    expect(forced.steps.find((s) => s.step === 'oauth.as')?.message).toContain('using the default endpoints');
    expect(forced.steps.some((s) => s.step === 'oauth.register')).toBe(true);
  });

  it('says clearly when nothing listens at the URL', async () => {
    running = await startInspector({ preset: 'spec' });
    const port = running.info.port;
    await running.close();
    running = undefined;
    const result = await simulate('claude-ai', { url: `http://127.0.0.1:${port}/mcp`, timeoutMs: 2000 });
    expect(result.ok).toBe(false);
    expect(result.summary).toContain(`nothing is listening at 127.0.0.1:${port}`);
  });
});

describe('bug-report scenarios', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: the client fails where the reference says, and connects with the fix', async (_id, scenario) => {
    const broken = await runScenario(scenario);
    expect(broken.result.explanation).toMatch(/as the report says/);
    expect(broken.result.reproduced).toBe(true);
    const failing = broken.result.simulation.steps.find((s) => s.step === scenario.expect.step && s.outcome === scenario.expect.outcome);
    expect(failing).toBeDefined();
    if (scenario.expect.outcome === 'fail') expect(broken.result.simulation.failedAt).toBe(scenario.expect.step);
    expect(broken.exchanges.every((e) => e.simulated)).toBe(true);
    // The lint would have told the developer: each expected finding is on the broken capture…
    if (!scenario.lintGap) expect(scenario.expectedLint.length).toBeGreaterThan(0);
    expect(broken.result.lint.found, broken.result.explanation).toEqual(expect.arrayContaining(scenario.expectedLint));

    const fixed = await runScenario(scenario, { fixed: true });
    expect(fixed.result.explanation).toContain('with the fix');
    expect(fixed.result.reproduced).toBe(true);
    expect(fixed.result.simulation.summary).toMatch(/^connected and listed 6 tools/);
    // …and gone once the server is fixed.
    for (const id of scenario.expectedLint) expect(fixed.result.lint.found, fixed.result.explanation).not.toContain(id);
  });

  it('Claude.ai + Auth0 logs, GET → 501: the recorder shows GET → 501 followed at once by DELETE', async () => {
    const { exchanges } = await runScenario(SCENARIOS.find((s) => s.id === 'ref001-pitfall3-get-501')!);
    const tail = exchanges.slice(-2).map((e) => `${e.request.method} ${e.response?.status}`);
    expect(tail).toEqual(['GET 501', 'DELETE 200']);
  });

  it('claude-code#7290: the API-key server answers discovery and /register with FastAPI 404s, and no request carries X-API-Key', async () => {
    const { exchanges } = await runScenario(SCENARIOS.find((s) => s.id === 'ref003-claude-code-headers-ignored')!);
    expect(exchanges.map((e) => `${e.request.method} ${e.request.url} ${e.response?.status}`)).toEqual([
      'GET /.well-known/oauth-protected-resource/mcp 404',
      'GET /.well-known/oauth-authorization-server/mcp 404',
      'GET /.well-known/openid-configuration/mcp 404',
      'GET /mcp/.well-known/openid-configuration 404',
      'POST /register 404',
    ]);
    expect(exchanges.at(-1)!.response!.body!.data).toBe('{"detail":"Not Found"}');
    expect(exchanges.some((e) => 'x-api-key' in e.request.headers)).toBe(false);
  });
});
