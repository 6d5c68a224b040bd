import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { FakeLocaltunnelServer, localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization, startReferenceServer, type RunningServer } from '../helpers/server';

// The headless web UI in Debian's Chromium, end to end: a real MCP SDK client runs the OAuth
// handshake through the front door (in front of a reference server acting as "your own
// server"), and the page shows it live. Screenshots go to test-artifacts/.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

async function sdkHandshake(mcpUrl: string, provider: MemoryOAuthProvider): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const url = new URL(mcpUrl);
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await expect(new Client({ name: 'e2e-client', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const callback = await completeAuthorization(provider.authorizationUrls[0]!);
  await first.finishAuth(callback.searchParams.get('code')!);
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  const client = new Client({ name: 'e2e-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** Phase and badge of every timeline row, top to bottom. */
const rowsOf = (page: Page) =>
  page.$$eval('[data-testid=row]', (rows) =>
    rows.map((row) => ({ phase: row.getAttribute('data-phase'), badge: row.querySelector('[data-testid=phase-badge]')?.textContent, status: row.getAttribute('data-status') })),
  );

describe('inspector web UI in Chromium', () => {
  let upstream: RunningServer;
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const provider = new MemoryOAuthProvider();
  let session: Awaited<ReturnType<typeof sdkHandshake>>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    upstream = await startReferenceServer();
    control = await startControl({ upstream: upstream.origin, http: { rendererDir } });
    browser = await launchChromium({ downloadsPath: join(control.dataDir, 'downloads') });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
  }, 300_000);

  afterAll(async () => {
    await session?.client.close();
    await browser?.close();
    await control?.close();
    await upstream?.close();
  });

  it('opens with the token, drops it from the address bar, and tells a first-time user what to do', async () => {
    await page.goto(control.url);
    await page.getByTestId('empty-state').waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.getByTestId('mcp-url').textContent()).toBe(`${control.proxyOrigin}/mcp`);
    await page.getByText('Settings → Connectors → Add custom connector').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'empty-state.png') });
  });

  it('shows the SDK client’s OAuth handshake live, in order, with the right phase badges', async () => {
    session = await sdkHandshake(`${control.proxyOrigin}/mcp`, provider);
    await session.client.listTools();
    await session.client.callTool({ name: 'echo', arguments: { message: 'hello from e2e' } });
    const expected = (await control.api<Array<{ phase: string }>>('exchanges.list', {})).result!;
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid=row]').length >= count, expected.length);
    const rows = await rowsOf(page);
    expect(rows.map((r) => r.phase)).toEqual(expected.map((e) => e.phase));
    // The handshake in the spec's order: 401 on initialize, discovery, DCR, authorize, token, initialize, tools.
    const badges = rows.map((r) => r.badge);
    const order = ['initialize', 'discovery', 'DCR', 'authorize', 'token', 'notifications/initialized', 'tools/list', 'tools/call'];
    const positions = order.map((badge) => badges.indexOf(badge));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(rows[0]).toMatchObject({ badge: 'initialize', status: '401' });
    expect(rows.find((r) => r.badge === 'DCR')?.status).toBe('201');
    await page.screenshot({ path: join(ARTIFACTS, 'timeline.png') });
  });

  it('decodes the access token in the detail pane', async () => {
    await page.locator('[data-testid=row]', { hasText: 'tools/list' }).first().click();
    const jwt = page.getByTestId('jwt').first();
    await jwt.waitFor();
    const text = await jwt.textContent();
    expect(text).toContain('authorization header');
    expect(text).toContain('"kid"');
    expect(text).toContain(`"aud"`);
    expect(text).toContain(`${control.proxyOrigin}/mcp`); // the audience is the MCP URL the client used
    await page.screenshot({ path: join(ARTIFACTS, 'detail-jwt.png') });
  });

  it('shows “204 (was 202)” with the toggle’s name once the notification toggle is flipped to 204', async () => {
    await page.getByRole('tab', { name: 'Toggles & rules' }).click();
    const toggle = page.getByTestId('toggle-notification-status');
    await toggle.getByLabel('204 instead of 202').click(); // checked once the core confirms
    await toggle.locator('label.chosen', { hasText: '204 instead of 202' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'toggles.png') });

    // A notification from the same client, with its session and token.
    const response = await fetch(`${control.proxyOrigin}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${provider.savedTokens!.access_token}`,
        'mcp-session-id': session.transport.sessionId!,
        'mcp-protocol-version': session.transport.protocolVersion!, // the negotiated one, as the SDK sends it
      },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' }),
    });
    expect(response.status).toBe(204);
    await page.getByRole('tab', { name: 'Timeline' }).click();
    const changed = page.locator('[data-testid=row]', { hasText: '204 (was 202)' });
    await changed.waitFor();
    expect(await changed.count()).toBe(1);
    expect(await changed.getByTestId('changed-by').textContent()).toBe('notifications → 204');
    await page.getByTestId('toggle-chip').getByText('notifications → 204').waitFor(); // the status bar says it is on
    await changed.click();
    await page.getByRole('tab', { name: 'Upstream’s original' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'changed-status.png') });

    // Lint judged the 204 the client saw: a badge on the row, the finding in the detail pane, a
    // warning that names the toggle (the user asked for it), not the server's error.
    await changed.locator('[data-testid=lint-badge].sev-warning').waitFor();
    const finding = page.locator('[data-testid=lint-section] [data-testid=finding][data-rule=notification-not-202]');
    await finding.waitFor();
    expect(await finding.textContent()).toContain('Breaks: Claude.ai');
    expect(await finding.textContent()).toContain('You asked for this with the toggle');
    await page.screenshot({ path: join(ARTIFACTS, 'detail-lint.png') });
  });

  it('checks off every step of the handshake and draws the sequence', async () => {
    await page.getByRole('tab', { name: 'Handshake' }).click();
    for (const step of ['challenge', 'prm', 'as-metadata', 'registered', 'authorized', 'token', 'initialized', 'notified', 'tools-listed', 'tool-called']) {
      await page.locator(`[data-testid=step-${step}][data-state=done]`).waitFor();
    }
    expect(await page.locator('[data-testid=seq-arrow]').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(ARTIFACTS, 'handshake.png'), fullPage: true });
  });

  it('filters by phase and free text, and moves through rows with the keyboard', async () => {
    await page.getByRole('tab', { name: 'Timeline' }).click();
    await page.getByLabel('Filter by phase').selectOption('token');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((r) => r.getAttribute('data-phase') === 'token'));
    expect(await page.locator('[data-testid=row]').count()).toBe(1);
    await page.getByLabel('Filter the timeline').fill('hello from e2e');
    // Free text reaches into bodies through the core: only the tools/call carries it.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=row]')];
      return rows.length === 1 && rows[0]!.textContent!.includes('tools/call');
    });
    await page.getByLabel('Filter the timeline').press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=row]').length > 5);
    await page.keyboard.press('Home');
    await page.locator('[data-testid=row][aria-selected=true][data-phase=jsonrpc]').waitFor();
    await page.keyboard.press('j');
    await page.locator('[data-testid=row][aria-selected=true][data-phase=discovery]').waitFor();
  });

  it('exports the capture as HAR (secrets redacted) that imports back and opens', async () => {
    await page.getByRole('tab', { name: 'Captures' }).click();
    const live = page.locator('[data-testid=capture-row]', { has: page.locator('.live-badge') });
    await live.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), live.getByRole('button', { name: 'Export HAR' }).click()]);
    const file = join(ARTIFACTS, 'capture.har');
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    const har = JSON.parse(text) as { log: { entries: unknown[] } };
    expect(har.log.entries.length).toBeGreaterThan(8);
    expect(text).toMatch(/"Bearer (eyJ[\w-]+\.)?\[redacted:\d+\]"/);
    expect(text).not.toContain(provider.savedTokens!.access_token);

    await page.getByLabel('Import HAR').setInputFiles(file);
    await page.getByRole('button', { name: 'Open it' }).click();
    await page.getByText('Showing the capture “capture.har” from disk').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=row]').length > 8);
    await page.getByRole('tab', { name: 'Captures' }).click();
    await page.locator('[data-testid=capture-row]').nth(1).waitFor();
    expect(await page.locator('[data-testid=capture-row]').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'captures.png') });
  });

  it('runs a simulation from the Simulate screen: verdicts, and its rows in the timeline marked simulated', async () => {
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    await page.getByRole('tab', { name: 'Simulate' }).click();
    await page.getByLabel('Client profile').selectOption('spec@2025-06-18');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    const summary = page.getByTestId('sim-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('spec@2025-06-18: connected and listed 6 tools');
    expect(await page.locator('[data-testid=verdict][data-outcome=ok]').count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=verdict]:not([data-outcome=ok])').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'simulate.png'), fullPage: true });

    await page.getByRole('button', { name: 'show its exchanges in the timeline' }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=row]')];
      return rows.length > 5 && rows.every((r) => r.querySelector('.sim-badge'));
    });
  });

  it('compares the SDK client’s connection with the simulated one, step by step', async () => {
    await page.getByRole('tab', { name: 'Compare' }).click();
    // By default the newest handshake (the simulation) on the left, the one before it (the SDK's) on the right.
    const chosen = (side: string) => page.getByLabel(`${side} run`).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '');
    await page.waitForFunction(() => (document.querySelector('select[aria-label="Left run"]') as HTMLSelectElement | null)?.value);
    expect(await chosen('Left')).toContain('simulated');
    expect(await chosen('Right')).not.toContain('simulated');
    await page.locator('.compare button.primary:not([disabled])').click();
    const summary = page.getByTestId('cmp-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/\d+ of \d+ steps differ/);
    expect(await page.locator('[data-testid=cmp-row][data-stage=initialize]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
  });
});

describe('the Tunnel screen in Chromium', () => {
  // The browser only talks to the UI; the tunnel runs in the core, against the
  // localtunnel-protocol server on 127.0.0.1 (its *.localhost names resolved by tunnelFetch).
  let tunnels: FakeLocaltunnelServer;
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    tunnels = await new FakeLocaltunnelServer({ interstitial: true }).listen();
    control = await startControl({
      http: { rendererDir },
      tunnelTuning: { fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, openTimeoutMs: 5000, sseSelfTest: { events: 4, intervalMs: 100 } },
    });
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
    await tunnels?.close();
  });

  it('starts localtunnel from the form and shows it up, with the public MCP URL, the checks and what to paste where', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(control.url);
    await page.getByRole('tab', { name: 'Tunnel' }).click();
    await page.locator('[data-testid=tunnel-state][data-state=off]').waitFor();
    await page.getByLabel('Subdomain').fill('e2e-tunnel');
    await page.getByLabel('Tunnel server').fill(tunnels.origin);
    await page.getByTestId('tunnel-start').click();

    const mcpUrl = `http://e2e-tunnel.localhost:${tunnels.port}/mcp`;
    await page.locator('[data-testid=tunnel-state][data-state=up]').waitFor();
    expect(await page.getByTestId('tunnel-mcp-url').textContent()).toBe(mcpUrl);
    expect(await page.getByTestId('tunnel-paste-hint').textContent()).toContain('Claude.ai → Settings → Connectors → Add custom connector');
    // The checks run in the core after `up` and arrive as live notes: this server shows
    // browsers loca.lt's reminder page, so the screen explains the tunnel password.
    await page.getByTestId('tunnel-sse').waitFor();
    expect(await page.getByTestId('probe-browser').textContent()).toContain('stopped by an interstitial page');
    expect(await page.getByTestId('probe-claude-user').textContent()).toContain('reached the inspector');
    expect(await page.getByTestId('tunnel-interstitial').textContent()).toContain('The tunnel password is this machine’s public IP address. Any “what is my IP” page opened on this machine shows it.');
    expect(await page.getByTestId('tunnel').textContent()).toContain(mcpUrl); // the status bar follows
    await page.screenshot({ path: join(ARTIFACTS, 'tunnel.png'), fullPage: true });

    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('[data-testid=tunnel-state][data-state=off]').waitFor();
    await page.close();
  });
});
