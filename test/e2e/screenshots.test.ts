import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { MRTR_SCREEN, openUi, recordMrtrTraffic, recordTraffic, SCREENS } from '../helpers/uiScreens';

// A screenshot of every screen (and the timeline with the detail pane open) in both themes at
// a large and a small laptop size, with real traffic recorded: two simulator runs through the
// front door, toggles flipped between them. Written to test-artifacts/screens/
// <screen>-<theme>-<size>.png for people to look at; the checks here are what a look would
// catch first: nothing scrolls sideways, no timeline column is cut mid-word.

const SCREENS_DIR = resolve(import.meta.dirname, '../../test-artifacts/screens');
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];

/** Timeline header cells whose text does not fit their cell (would show "Duratic"). */
const clippedHeaders = (page: Page) =>
  page.$$eval('.header-row .cell', (cells) => cells.filter((cell) => cell.getBoundingClientRect().width > 0 && cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent));

describe('screenshots of every screen', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let rows = 0;

  beforeAll(async () => {
    rmSync(SCREENS_DIR, { recursive: true, force: true });
    mkdirSync(SCREENS_DIR, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir }, profile: { consent: 'auto' } });
    rows = (await recordTraffic(control)).length;
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await openUi(page, control, rows);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
  });

  for (const size of SIZES) {
    for (const theme of ['light', 'dark'] as const) {
      it(`${size.width}×${size.height}, ${theme}`, async () => {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: theme });
        for (const screen of SCREENS) {
          await screen.show(page);
          const file = join(SCREENS_DIR, `${screen.id}-${theme}-${size.width}x${size.height}.png`);
          await page.screenshot({ path: file });
          expect(statSync(file).size, file).toBeGreaterThan(5000);
          // The page itself never scrolls sideways: screens scroll inside, columns give way.
          expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${screen.id} scrolls sideways`).toBe(true);
          if (screen.id.startsWith('timeline')) expect(await clippedHeaders(page), `${screen.id}: clipped column headers`).toEqual([]);
        }
      }, 120_000);
    }
  }
});

describe('screenshots of a multi-round-trip conversation', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir }, preset: 'conformance' });
    const rows = (await recordMrtrTraffic(control)).length;
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await openUi(page, control, rows);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
  });

  for (const size of SIZES) {
    for (const theme of ['light', 'dark'] as const) {
      it(`${size.width}×${size.height}, ${theme}`, async () => {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: theme });
        await MRTR_SCREEN.show(page);
        const file = join(SCREENS_DIR, `${MRTR_SCREEN.id}-${theme}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        expect(statSync(file).size, file).toBeGreaterThan(5000);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the MRTR screen scrolls sideways').toBe(true);
        expect(await clippedHeaders(page), 'clipped column headers').toEqual([]);
      }, 120_000);
    }
  }
});
