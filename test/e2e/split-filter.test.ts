import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../src/shared/simulator';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';

// At the small size the issue names (1024×700): the status:changed filter finds what a toggle
// changed, and the divider between the timeline and the detail pane resizes it without
// clipping the timeline's columns, remembered across a reload. Real core, real Chromium.

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** Column headers whose text does not fit their cell (clipped), and whether the timeline scrolls sideways. */
const clipping = (page: Page) =>
  page.evaluate(() => {
    const headers = [...document.querySelectorAll<HTMLElement>('.header-row .cell')].filter((cell) => cell.offsetParent !== null);
    const timeline = document.querySelector<HTMLElement>('.timeline')!;
    return { clipped: headers.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent), sideways: timeline.scrollWidth > timeline.clientWidth + 1, shown: headers.map((cell) => cell.textContent) };
  });

describe('status:changed and the resizable split at 1024×700', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir } });
    browser = await launchChromium({ viewport: { width: 1024, height: 700 } });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    // A toggle on, then a client run: its notifications/initialized is answered 204 (was 202).
    expect((await control.api('toggles.set', { toggleId: 'notification-status', optionId: '204' })).ok).toBe(true);
    // The Claude.ai that opens a session: the stateless default sends no notification.
    const run = await control.api<SimulationResult>('simulate.run', { client: 'claude-ai@2026-03' });
    expect(run.ok, JSON.stringify(run.error)).toBe(true);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
  });

  it('status:changed keeps only the rows a toggle changed, named by the toggle', async () => {
    await page.goto(control.url);
    await page.locator('[data-testid=row]').first().waitFor();
    const all = await page.locator('[data-testid=row]').count();
    await page.getByLabel('Filter the timeline').fill('status:changed');
    const changed = page.locator('[data-testid=row]', { hasText: '204 (was 202)' });
    await changed.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].every((row) => row.textContent?.includes('(was ')));
    expect(await page.locator('[data-testid=row]').count()).toBeLessThan(all);
    expect(await changed.getByTestId('changed-by').textContent()).toBe('notifications → 204');
    await page.screenshot({ path: join(ARTIFACTS, 'status-changed-1024x700.png') });
  });

  it('drags the divider: the detail pane widens, no column is clipped, and the width is kept after a reload', async () => {
    await page.getByLabel('Filter the timeline').fill('');
    await page.locator('[data-testid=row]').first().click();
    const divider = page.getByTestId('split-divider');
    await divider.waitFor();
    const before = (await page.getByTestId('detail-slot').boundingBox())!.width;
    expect(await clipping(page)).toMatchObject({ clipped: [], sideways: false });

    const handle = (await divider.boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x - 200, handle.y + 200, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((width) => document.querySelector('[data-testid=detail-slot]')!.getBoundingClientRect().width > width + 150, before);
    const wider = await clipping(page);
    expect(wider).toMatchObject({ clipped: [], sideways: false });
    // Columns gave way rather than being cut: fewer shown, Method, Path and Status kept.
    expect(wider.shown).toEqual(expect.arrayContaining(['Method', 'Path', 'Status']));
    await page.screenshot({ path: join(ARTIFACTS, 'split-dragged-1024x700.png') });

    const dragged = (await page.getByTestId('detail-slot').boundingBox())!.width;
    await page.reload();
    await page.locator('[data-testid=row]').first().click();
    await page.getByTestId('detail-slot').waitFor();
    expect(Math.abs((await page.getByTestId('detail-slot').boundingBox())!.width - dragged)).toBeLessThan(12);

    // The keyboard moves it too: focus, Enter resets to the default.
    await divider.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((width) => Math.abs(document.querySelector('[data-testid=detail-slot]')!.getBoundingClientRect().width - width) < 12, before);
  });
});
