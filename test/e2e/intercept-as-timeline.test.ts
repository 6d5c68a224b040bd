import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { makeTestCertificates, reserveServer, sdkSessionOverTls, serveProtectedMcp, startHttpsAs, type RunningHttpsAs, type RunningProtectedMcp } from '../helpers/tlsAs';

// issue 17 item 3 in the web UI over a real --intercept-as capture: the MCP SDK 1.x client through
// the front door to an HTTPS authorization server on another origin. The timeline shows the AS
// legs in order with the browser's gap between the authorize row and the relayed authorization
// response (both in the authorization phase), and the Handshake screen draws the gap under the
// authorize arrow. Screenshots go to test-artifacts/.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

describe('an intercepted authorization server in the web UI', () => {
  let as: RunningHttpsAs;
  let mcp: RunningProtectedMcp;
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    const certs = await makeTestCertificates();
    const { server, mcpUrl } = await reserveServer();
    as = await startHttpsAs(certs, mcpUrl, { iss: true });
    mcp = serveProtectedMcp(server, mcpUrl, as);
    control = await startControl({ upstream: mcp.origin, interceptAs: true, interceptAsCa: certs.caPem, http: { rendererDir } });
    expect(await sdkSessionOverTls(control.proxyOrigin, 1, 'http://127.0.0.1:53740/callback', certs.caPem)).toBe('connected');
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(control.url);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
    await mcp?.close();
    await as?.close();
  });

  it('shows the AS legs in order, the gap between the authorize row and the relayed response, and the gap in the sequence diagram', async () => {
    const host = new URL(as.issuer).host;
    const gap = page.locator('[data-testid=gap-row]', { hasText: `the user was at ${host} from` });
    await gap.waitFor();
    const lines = await page.$$eval('[data-testid=row], [data-testid=gap-row]', (els) =>
      els.map((el) => (el.getAttribute('data-testid') === 'gap-row' ? 'gap' : `${el.getAttribute('data-phase')} ${el.textContent?.match(/\/_as\/(?:callback\/\d+|\d+(?:\/(?:register|authorize|token))?)/)?.[0] ?? ''}`.trim())),
    );
    const oauth = lines.filter((l) => l === 'gap' || l.includes('/_as/'));
    expect(oauth).toEqual([
      'discovery /_as/0',
      'registration /_as/0/register',
      'authorization /_as/0/authorize',
      'gap',
      'authorization /_as/callback/0',
      'token /_as/0/token',
    ]);
    await page.screenshot({ path: join(ARTIFACTS, 'intercept-as-timeline.png') });

    await page.locator('[data-testid=row][data-phase=authorization]', { hasText: '/_as/0/authorize' }).click();
    await page.getByRole('tab', { name: 'Handshake' }).click();
    await page.locator('[data-testid=seq-gap]', { hasText: host }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'intercept-as-sequence.png') });
  });
});
