import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { MemoryOAuthProvider } from '../helpers/oauthProvider';
import { completeAuthorization } from '../helpers/server';

// The detail pane's OAuth and MCP views in Debian's Chromium against a real headless core
// (built-in reference server): a real MCP SDK client runs the OAuth handshake through the front
// door with a state that carries JSON, then calls a slow tool whose progress travels on the GET
// stream while the server pings it. Screenshots of each view, light and dark, go to test-artifacts/.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** A client that packs where to return into `state`, as web apps do (base64url JSON). */
class StatefulProvider extends MemoryOAuthProvider {
  readonly statePayload = { returnTo: '/chat/e2e', nonce: 'detail-views' };
  state() {
    return Buffer.from(JSON.stringify(this.statePayload)).toString('base64url');
  }
}

async function shoot(page: Page, target: Locator, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await target.screenshot({ path: join(ARTIFACTS, `detail-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('detail views for OAuth and MCP in Chromium', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let client: Client | undefined;
  const provider = new StatefulProvider();
  const progress: number[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    // Pings every 100 ms on open streams, so the GET stream has some to hide.
    control = await startControl({ profile: { consent: 'auto', pingIntervalMs: 100 }, http: { rendererDir } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    // Tall enough that the detail pane's screenshots show whole views.
    await page.setViewportSize({ width: 1400, height: 1500 });
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(control.url);
    await page.getByTestId('empty-state').waitFor();

    const url = new URL(`${control.proxyOrigin}/mcp`);
    const first = new StreamableHTTPClientTransport(url, { authProvider: provider });
    await expect(new Client({ name: 'detail-e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    const callback = await completeAuthorization(provider.authorizationUrls[0]!);
    expect(callback.searchParams.get('state')).toBe(provider.state());
    await first.finishAuth(callback.searchParams.get('code')!);
    const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
    client = new Client({ name: 'detail-e2e', version: '1.0.0' });
    await client.connect(transport);
    // The GET stream is open once its exchange is recorded streaming, with pings on it.
    const events = control.events();
    await events.opened;
    await events.exchange((s) => s.phase === 'sse-stream' && s.state === 'streaming' && s.sseEventCount >= 2);
    events.close();
    await client.callTool({ name: 'slow_count', arguments: { steps: 3, delayMs: 120 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    // The answer (on the POST) can overtake the last progress (on the GET stream): the SDK then
    // drops it, but the recorder has all three; the page waits for them below.
    expect(progress[0]).toBe(1);
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    await browser?.close();
    await control?.close();
  });

  const detail = () => page.getByTestId('detail');
  const paramValue = (table: Locator, name: string) => table.locator(`[data-testid=param-row][data-name="${name}"] td`);

  it('shows the authorize request as a decoded parameter table: client_id, code_challenge, state decoded, resource matched', async () => {
    await page.locator('[data-testid=row][data-phase=authorization]').first().click();
    const table = detail().locator('[data-testid=param-table][data-source=query]');
    await table.waitFor();
    const authorizationUrl = provider.authorizationUrls[0]!;
    expect(await paramValue(table, 'client_id').locator('code.param-text').textContent()).toBe(provider.client!.client_id);
    expect(await paramValue(table, 'code_challenge').locator('code.param-text').textContent()).toBe(authorizationUrl.searchParams.get('code_challenge'));
    expect(await paramValue(table, 'code_challenge_method').locator('code.param-text').textContent()).toBe('S256');
    // redirect_uri decoded, not percent-encoded.
    expect(await paramValue(table, 'redirect_uri').locator('code.param-text').textContent()).toBe(provider.redirectUri);
    // state: the client's base64url JSON, decoded.
    const state = paramValue(table, 'state').getByTestId('state-decoded');
    expect(await state.textContent()).toContain('"returnTo"');
    expect(await state.textContent()).toContain('"/chat/e2e"');
    // resource: the SDK sends the MCP URL the front door serves.
    expect(await paramValue(table, 'resource').locator('code.param-text').textContent()).toBe(`${control.proxyOrigin}/mcp`);
    const check = paramValue(table, 'resource').getByTestId('resource-check');
    expect(await check.getAttribute('data-verdict')).toBe('match');
    expect(await paramValue(table, 'code_challenge').locator('a').getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc7636#section-4.2');
    await shoot(page, detail(), 'authorize-params');

    // The redirect back to the client: code, the same state, iss.
    await detail().getByRole('tab', { name: 'Response' }).click();
    const redirect = detail().locator('[data-testid=param-table][data-source=redirect-query]');
    await redirect.waitFor();
    const names = await redirect.locator('[data-testid=param-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names).toEqual(expect.arrayContaining(['code', 'state']));
    expect(await paramValue(redirect, 'state').getByTestId('state-decoded').textContent()).toContain('"nonce"');
    expect(await paramValue(redirect, 'state').getByTestId('state-echo').getAttribute('data-same')).toBe('true');
    await shoot(page, detail(), 'authorize-redirect');
  });

  it('puts the token answer’s JSON first with its headers folded, and explains the token form', async () => {
    await page.locator('[data-testid=row][data-phase=token]').first().click();
    await detail().getByRole('tab', { name: 'Request' }).click(); // the pane keeps the last tab
    const form = detail().locator('[data-testid=param-table][data-source=form]');
    await form.waitFor();
    expect(await paramValue(form, 'grant_type').locator('code.param-text').textContent()).toBe('authorization_code');
    expect(await paramValue(form, 'code_verifier').textContent()).toContain('PKCE');
    await detail().getByRole('tab', { name: 'Response' }).click();
    const folded = detail().getByTestId('folded-headers');
    await folded.waitFor();
    expect(await folded.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect(await folded.locator('summary').textContent()).toMatch(/^Headers \(\d+\)$/);
    // The body is above the fold: its top is inside the viewport, the headers come after it.
    const bodyBox = (await detail().locator('[data-testid=body-first] .body-view').boundingBox())!;
    const foldBox = (await folded.boundingBox())!;
    expect(bodyBox.y).toBeLessThan(foldBox.y);
    expect(bodyBox.y).toBeLessThan(600);
    await shoot(page, detail(), 'token-response');
  });

  it('opens capabilities and serverInfo of the initialize answer without a click', async () => {
    await page.locator('[data-testid=row][data-status="200"]').filter({ has: page.locator('[data-testid=phase-badge]', { hasText: /^initialize$/ }) }).first().click();
    await detail().getByRole('tab', { name: 'Response' }).click();
    const body = detail().getByTestId('body-first');
    await body.waitFor();
    await expect.poll(() => body.textContent()).toContain('"serverInfo"');
    const text = (await body.textContent())!;
    expect(text).toContain('"listChanged"'); // result → capabilities → tools → listChanged: four levels down
    await shoot(page, detail(), 'initialize-response');
  });

  it('shows the GET stream as an event table; Hide pings hides the pings; progress links to its tools/call', async () => {
    await page.locator('[data-testid=row][data-phase=sse-stream]').first().click();
    await detail().getByRole('tab', { name: /^SSE/ }).click();
    const table = detail().getByTestId('sse-table');
    await table.waitFor();
    const pings = table.locator('[data-testid=sse-row][data-ping=true]');
    const progressRows = table.locator('[data-testid=sse-row]', { hasText: 'notifications/progress' });
    await progressRows.nth(2).waitFor();
    await pings.first().waitFor();
    expect(await pings.first().locator('td').nth(3).textContent()).toBe('ping');
    expect(await progressRows.first().locator('td').nth(4).textContent()).toContain('progress 1/3');
    // Live: pings keep arriving while the stream is open.
    const before = await table.locator('[data-testid=sse-row]').count();
    await expect.poll(() => table.locator('[data-testid=sse-row]').count(), { timeout: 10_000 }).toBeGreaterThan(before);
    await shoot(page, detail(), 'sse-table');

    // A click opens the event's JSON.
    await progressRows.first().locator('td').first().click();
    const eventDetail = detail().getByTestId('sse-event-detail');
    await eventDetail.waitFor();
    expect(await eventDetail.textContent()).toContain('"progressToken"');
    expect(await eventDetail.textContent()).toContain('belongs to tools/call');

    await detail().getByTestId('hide-pings').check();
    await expect.poll(() => pings.count()).toBe(0);
    expect(await progressRows.count()).toBe(3);
    await shoot(page, detail(), 'sse-table-no-pings');

    // One click on "belongs to tools/call #n": the tools/call opens on its JSON-RPC tab,
    // listing its notifications and showing its paired response.
    await eventDetail.getByTestId('open-link').first().click();
    const notifications = detail().getByTestId('rpc-notifications');
    await notifications.waitFor();
    expect(await notifications.getByTestId('rpc-notification').count()).toBe(3);
    expect(await notifications.textContent()).toContain('GET /mcp');
    const paired = detail().getByTestId('paired-response');
    expect(await paired.textContent()).toContain('Counted to 3.');
    expect(await detail().getByRole('tab', { selected: true }).textContent()).toBe('JSON-RPC');
    await shoot(page, detail(), 'tools-call-links');
  });
});
