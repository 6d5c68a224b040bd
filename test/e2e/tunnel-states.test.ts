import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, describeViolations } from '../helpers/axe';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { FakeLocaltunnelServer, localhostResolveIPv4, tunnelFetch } from '../helpers/localtunnelServer';

// The Tunnel screen's waiting states in Chromium, against the localtunnel-protocol server on
// 127.0.0.1: a tunnel whose server goes away is "Reconnecting…" with the next attempt's time and
// comes back; a manual URL that leads nowhere is "Unreachable". Each state passes axe
// (WCAG 2.1 A/AA) as it is shown.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe('the Tunnel screen while a tunnel is away, in Chromium', () => {
  let tunnels: FakeLocaltunnelServer;
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    tunnels = await new FakeLocaltunnelServer().listen();
    control = await startControl({
      http: { rendererDir },
      // Long enough between attempts that the screen can be read; Retry now cuts it short.
      tunnelTuning: { fetch: tunnelFetch, resolveIPv4: localhostResolveIPv4, openTimeoutMs: 5000, sseSelfTest: { events: 2, intervalMs: 50 }, backoff: { initialMs: 30_000, maxMs: 30_000 } },
    });
    browser = await launchChromium({ bypassCSP: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
    await tunnels?.close();
  });

  it('reconnecting: when it was up, the next attempt time and Retry now, which brings it back once its server returns', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(control.url);
    await page.getByRole('tab', { name: 'Tunnel' }).click();
    await page.getByLabel('Subdomain').fill('e2e-away');
    await page.getByLabel('Tunnel server').fill(tunnels.origin);
    await page.getByTestId('tunnel-start').click();
    await page.locator('[data-testid=tunnel-state][data-state=up]').waitFor();

    const port = tunnels.port;
    await tunnels.close();
    await page.locator('[data-testid=tunnel-state][data-state=reconnecting]').waitFor();
    const next = page.getByTestId('tunnel-next');
    await next.getByText('Next attempt at').waitFor();
    expect(await next.textContent()).toMatch(/^It was up until \d\d:\d\d:\d\d\. It keeps trying until it is back, usually with the same URL\. Next attempt at \d\d:\d\d:\d\d\. The local server keeps working meanwhile\.$/);
    expect(await page.getByTestId('tunnel-mcp-url').textContent()).toBe(`http://e2e-away.localhost:${port}/mcp`);
    expect(await page.getByTestId('tunnel').textContent()).toContain('reconnecting'); // the status bar says so on every screen
    const violations = await audit(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'tunnel-reconnecting.png'), fullPage: true });

    // The server is back; the next attempt is 30 s away, so only Retry now makes this quick.
    await tunnels.listen(port);
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.locator('[data-testid=tunnel-state][data-state=up]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('tunnel-mcp-url').textContent()).toBe(`http://e2e-away.localhost:${port}/mcp`);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('[data-testid=tunnel-state][data-state=off]').waitFor();
    await page.close();
  });

  it('unreachable: a manual URL that leads nowhere is not "up", says why in words, and offers Check now', async () => {
    const nothing = createServer();
    await new Promise<void>((done) => nothing.listen(0, '127.0.0.1', done));
    const port = (nothing.address() as AddressInfo).port;
    await new Promise((done) => nothing.close(done));
    const page = await browser.context.newPage();
    await page.goto(control.url);
    await page.getByRole('tab', { name: 'Tunnel' }).click();
    await page.getByRole('radio', { name: 'My own URL' }).check();
    await page.getByLabel('Public URL').fill(`http://127.0.0.1:${port}`);
    await page.getByTestId('tunnel-start').click();
    await page.locator('[data-testid=tunnel-state][data-state=unreachable]').waitFor();
    expect(await page.locator('.tunnel-state-label').textContent()).toBe('Unreachable');
    expect(await page.getByTestId('tunnel-reason').textContent()).toBe(`http://127.0.0.1:${port} did not reach the inspector when requested from this machine: all three got no answer (connection refused: ECONNREFUSED)`);
    await page.getByRole('button', { name: 'Check now' }).waitFor();
    const violations = await audit(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'tunnel-unreachable.png'), fullPage: true });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('[data-testid=tunnel-state][data-state=off]').waitFor();
    await page.close();
  });
});
