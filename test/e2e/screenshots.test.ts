import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MRTR_SCREEN, recordMrtrTraffic, recordTraffic, SCREENS, uiSession, type UiSession } from '../helpers/uiScreens';

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

/** Screenshots `screen` and checks what a look would catch first. */
async function shoot(page: Page, screen: { id: string; show(page: Page): Promise<void> }, theme: 'light' | 'dark', size: { width: number; height: number }): Promise<void> {
  await screen.show(page);
  const file = join(SCREENS_DIR, `${screen.id}-${theme}-${size.width}x${size.height}.png`);
  await page.screenshot({ path: file });
  expect(statSync(file).size, file).toBeGreaterThan(5000);
  // The page itself never scrolls sideways: screens scroll inside, columns give way.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${screen.id} scrolls sideways`).toBe(true);
  if (screen.id.startsWith('timeline')) expect(await clippedHeaders(page), `${screen.id}: clipped column headers`).toEqual([]);
}

/** One test per size and theme, each showing `screens` in turn. */
function shootAll(session: UiSession, screens: Array<{ id: string; show(page: Page): Promise<void> }>): void {
  for (const size of SIZES) {
    for (const theme of ['light', 'dark'] as const) {
      it(`${size.width}×${size.height}, ${theme}`, async () => {
        await session.page.setViewportSize(size);
        await session.page.emulateMedia({ colorScheme: theme });
        for (const screen of screens) await shoot(session.page, screen, theme, size);
      }, 120_000);
    }
  }
}

rmSync(SCREENS_DIR, { recursive: true, force: true });
mkdirSync(SCREENS_DIR, { recursive: true });

describe('screenshots of every screen', () => {
  shootAll(uiSession({ control: { profile: { consent: 'auto' } }, record: recordTraffic }), SCREENS);
});

describe('screenshots of a multi-round-trip conversation', () => {
  shootAll(uiSession({ control: { preset: 'conformance' }, record: recordMrtrTraffic }), [MRTR_SCREEN]);
});
