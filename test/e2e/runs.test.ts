import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/shared/simulator';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization } from '../helpers/server';

// Client runs in the headless web UI, end to end in Chromium against a real core: a real MCP
// SDK client and three simulator runs (two that connect, one that fails after toggles) show as
// separate groups with their verdicts; a boundary marked from the toolbar divides the SDK
// client's next run from its first; the Handshake screen shows one run's checklist; Compare
// names runs by client and verdict. Screenshots go to test-artifacts/.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** Every run header in the timeline, top to bottom (fold them all first to see them all). */
const headersOf = (page: Page) =>
  page.$$eval('[data-testid=run-header]', (headers) =>
    headers.map((h) => ({
      run: h.getAttribute('data-run'),
      outcome: h.getAttribute('data-outcome'),
      text: h.textContent ?? '',
    })),
  );

describe('client runs in the web UI', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let sdk: { client: Client; transport: StreamableHTTPClientTransport } | undefined;
  const provider = new MemoryOAuthProvider();
  const simulations: Record<string, SimulationResult> = {};
  const runOf = async (simulationRun: string) => {
    const rows = (await control.api<Array<{ simulationRun?: string; runId?: string }>>('exchanges.list', {})).result!;
    return rows.find((r) => r.simulationRun === simulationRun)!.runId!;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(control.url);
    await page.getByTestId('empty-state').waitFor();
  }, 300_000);

  afterAll(async () => {
    await sdk?.client.close();
    await browser?.close();
    await control?.close();
  });

  const simulate = async (client: string) => {
    const answer = await control.api<SimulationResult>('simulate.run', { client });
    expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
    simulations[client] = answer.result!;
    return answer.result!;
  };

  it('shows each client run as its own group with its verdict, live', async () => {
    // A real MCP SDK client through the front door: 401, discovery, DCR, authorize, token, initialize.
    const url = new URL(`${control.proxyOrigin}/mcp`);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(new Client({ name: 'e2e-runs', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await completeAuthorization(provider.authorizationUrls[0]!);
    await first.finishAuth(callback.searchParams.get('code')!);
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    const client = new Client({ name: 'e2e-runs', version: '1.0.0' });
    await client.connect(transport);
    await client.listTools();
    sdk = { client, transport };

    expect((await simulate('spec@2025-06-18')).summary).toContain('connected');
    expect((await simulate('claude-code@2.1')).summary).toContain('connected');
    // The Auth0 write-up's second and third fixes as toggles: notifications answered 204, GET /mcp 501.
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: '204' });
    await control.api('toggles.set', { toggleId: 'get-stream', optionId: '501' });
    expect((await simulate('claude-ai@2025-10')).summary).toContain('501');

    const failedRun = await runOf(simulations['claude-ai@2025-10']!.runId);
    const failedHeader = page.locator(`[data-testid=run-header][data-run="${failedRun}"]`);
    await failedHeader.waitFor();
    await page.locator(`[data-testid=run-header][data-run="${failedRun}"][data-outcome=failed]`).waitFor();
    expect(await failedHeader.getByTestId('run-verdict').textContent()).toMatch(/^✗ failed at GET stream: 501: Not Implemented/);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-timeline.png') });

    // Folded, every run is one line: four runs, in the order they began.
    await page.getByRole('button', { name: 'Fold all', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=row]').length === 0);
    const headers = await headersOf(page);
    expect(headers.map((h) => h.outcome)).toEqual(['complete', 'complete', 'complete', 'failed']);
    expect(headers[0]!.text).toContain('e2e-runs');
    expect(headers[1]!.run).toBe(await runOf(simulations['spec@2025-06-18']!.runId));
    expect(headers[2]!.text).toContain('Claude Code 2.1.204');
    expect(headers[3]!.text).toContain('Claude.ai (Claude-User)');
    for (const h of headers) expect(h.text).toMatch(/run 1.*\d+ exchanges · [\d.]+ (ms|s)/);
    expect(headers[3]!.text).toMatch(/⚠ lint: 2 warnings/);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-folded.png') });
    await page.getByRole('button', { name: 'Unfold all', exact: true }).click();
  });

  it('selects the failing exchange from “failed at”', async () => {
    const failedRun = await runOf(simulations['claude-ai@2025-10']!.runId);
    await page.locator(`[data-testid=run-header][data-run="${failedRun}"] [data-testid=run-failed-at]`).click();
    const selected = page.locator('[data-testid=row][aria-selected=true]');
    await selected.waitFor();
    expect(await selected.getAttribute('data-status')).toBe('501');
    await page.getByTestId('detail').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'runs-failed-at.png') });
    await page.keyboard.press('Escape');
  });

  it('marks a boundary from the toolbar: a divider, and the same client’s next request is run 2 after it', async () => {
    await page.getByRole('button', { name: 'Mark boundary' }).click();
    const label = page.getByLabel('Boundary label');
    await label.fill('after toggle');
    await label.press('Enter');
    const divider = page.locator('[data-testid=boundary-row]', { hasText: 'boundary “after toggle”' });
    await divider.waitFor();
    const boundaries = (await control.api<Array<{ label?: string }>>('boundaries.list', {})).result!;
    expect(boundaries.map((b) => b.label)).toEqual(['after toggle']);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-boundary.png') });

    // The SDK client goes on with its token and session: the core begins its run 2.
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    await control.api('toggles.set', { toggleId: 'get-stream', optionId: 'off' });
    await sdk!.client.callTool({ name: 'echo', arguments: { message: 'after the boundary' } });
    const second = page.locator('[data-testid=run-header]', { hasText: 'run 2 of 2' });
    await second.waitFor();
    expect(await second.getByTestId('run-of').textContent()).toBe('run 2 of 2 · after boundary “after toggle”');
    // Named as its run 1 named itself (this run has no initialize, only the SDK's User-Agent).
    expect(await second.locator('.run-client').textContent()).toBe('e2e-runs 1.0.0');
    await page.locator('[data-testid=run-header][data-outcome=complete]', { hasText: 'run 2 of 2' }).waitFor();
    // The divider sits right above the run it began.
    const order = await page.$$eval('[data-testid=run-header], [data-testid=boundary-row]', (lines) => lines.map((l) => l.getAttribute('data-testid')));
    expect(order.slice(-2)).toEqual(['boundary-row', 'run-header']);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-after-boundary.png') });
  });

  it('shows one run’s handshake: the verdict, the failing step in red, the flagged 204 not green', async () => {
    await page.getByRole('tab', { name: 'Handshake' }).click();
    const failedRun = await runOf(simulations['claude-ai@2025-10']!.runId);
    const option = page.locator(`[data-testid=run-option][data-run="${failedRun}"]`);
    expect(await option.getAttribute('title')).toMatch(/^Claude\.ai \(Claude-User\) · run 1 · \d\d:\d\d:\d\d · ✗ failed at GET stream · simulated$/);
    await option.click();
    await page.locator(`[data-testid=run-detail][data-run="${failedRun}"]`).waitFor();
    expect(await page.getByTestId('run-verdict-banner').textContent()).toContain('✗ Failed at GET stream: 501: Not Implemented');
    await page.locator('[data-testid=step-get-stream][data-state=failed]').waitFor();
    await page.locator('[data-testid=step-notified][data-state=warned]').waitFor();
    expect(await page.getByTestId('step-notified').textContent()).toContain('204 (spec: 202)');
    const notification = page.locator('[data-testid=seq-arrow]', { hasText: 'notifications/initialized' });
    expect(await notification.getByTestId('seq-response').getAttribute('class')).toContain('lint-warning');
    // A boundary in the run list, between the runs before it and the SDK client's run 2.
    await page.locator('.run-list [data-testid=boundary-row]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'runs-handshake-failed.png') });

    // The checklist scrolls; the sequence diagram stays in view beside it.
    const detail = page.getByTestId('run-detail');
    await detail.evaluate((el) => (el.scrollTop = 700));
    await page.waitForFunction(() => document.querySelector('[data-testid=run-detail]')!.scrollTop > 0);
    const [detailBox, sequenceBox] = await Promise.all([detail.boundingBox(), page.getByTestId('sequence').boundingBox()]);
    expect(sequenceBox!.y).toBeGreaterThanOrEqual(detailBox!.y - 1);
    expect(sequenceBox!.y).toBeLessThan(detailBox!.y + 40);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-handshake-scrolled.png') });

    // Another run starts at its top; the CIMD client's checklist has no registration step.
    await page.getByTestId('run-detail').evaluate((el) => (el.scrollTop = 300));
    const cimdRun = await runOf(simulations['claude-code@2.1']!.runId);
    await page.locator(`[data-testid=run-option][data-run="${cimdRun}"]`).click();
    await page.locator(`[data-testid=run-detail][data-run="${cimdRun}"]`).waitFor();
    expect(await page.getByTestId('run-detail').evaluate((el) => el.scrollTop)).toBe(0);
    await page.locator('[data-testid=step-client-id-document][data-state=done]').waitFor();
    expect(await page.locator('[data-testid=step-registered]').count()).toBe(0);
    expect(await page.getByTestId('run-paths').getAttribute('data-auth')).toBe('cimd');
    await page.screenshot({ path: join(ARTIFACTS, 'runs-handshake-cimd.png') });
  });

  it('names runs in the compare pickers by client, run and verdict', async () => {
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.waitForFunction(() => (document.querySelector('select[aria-label="Left run"]') as HTMLSelectElement | null)?.value);
    const options = await page.locator('select[aria-label="Left run"] option').allTextContents();
    expect(options).toHaveLength(5);
    expect(options).toContainEqual(expect.stringMatching(/^Claude\.ai \(Claude-User\) · run 1 · \d\d:\d\d:\d\d · ✗ failed at GET stream · simulated · 10 exchanges/));
    expect(options).toContainEqual(expect.stringMatching(/^e2e-runs 1\.0\.0 · run 1 of 2 · /));
    expect(options).toContainEqual(expect.stringMatching(/ · run 2 of 2 · \d\d:\d\d:\d\d · ✓ complete · 1 exchanges/));
    for (const option of options) expect(option).not.toMatch(/127\.0\.0\./);
    await page.screenshot({ path: join(ARTIFACTS, 'runs-compare.png') });
  });

  it('shows the browser’s time at a hosted authorization server between the authorize row and the callback (issue 17)', async () => {
    // The front door's answer to an intercepted authorize (a redirect to the AS's own origin), played by a rule.
    const query = 'response_type=code&client_id=gap&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&code_challenge=x&code_challenge_method=S256&state=st-e2e-gap';
    const toTenant = { id: 'authorize-to-tenant', description: 'authorize redirected to the hosted AS', enabled: true, match: [{ type: 'path', glob: '/_as/0/authorize' }], steps: [{ type: 'reply', status: 302, headers: { location: `https://tenant.auth0.example/authorize?${query}` }, body: '' }] };
    expect((await control.api('rules.set', { rules: [toTenant] })).ok).toBe(true);
    const browser = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' };
    try {
      await (await fetch(`${control.proxyOrigin}/_as/0/authorize?${query}`, { redirect: 'manual', headers: browser })).text();
      await page.getByRole('tab', { name: 'Timeline' }).click();
      await page.locator('[data-testid=gap-row]', { hasText: 'has not come back' }).waitFor();
      await (await fetch(`${control.proxyOrigin}/_as/callback/0?code=c0de&state=st-e2e-gap`, { redirect: 'manual', headers: browser })).text();
      const gap = page.locator('[data-testid=gap-row]', { hasText: 'the user was at tenant.auth0.example from' });
      await gap.waitFor();
      expect(await gap.textContent()).toMatch(/the user was at tenant\.auth0\.example from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d/);
      // The line sits right under the authorize row.
      const lines = await page.$$eval('[data-testid=row], [data-testid=gap-row]', (els) => els.map((el) => (el.getAttribute('data-testid') === 'gap-row' ? 'gap' : (el.getAttribute('data-phase') ?? ''))));
      expect(lines[lines.indexOf('gap') - 1]).toBe('authorization');
      await page.screenshot({ path: join(ARTIFACTS, 'browser-gap-timeline.png') });
      // The sequence diagram draws it under the authorize arrow.
      await page.locator('[data-testid=row][data-phase=authorization]', { hasText: '/_as/0/authorize' }).click();
      await page.getByRole('tab', { name: 'Handshake' }).click();
      await page.locator('[data-testid=seq-gap]', { hasText: 'tenant.auth0.example' }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'browser-gap-sequence.png') });
    } finally {
      await control.api('rules.set', { rules: [] });
    }
  });
});
