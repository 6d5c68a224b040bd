// Renders resources/icon.svg to resources/icon.png (512×512, transparent corners), the icon the
// desktop packages use (electron-builder derives every platform's sizes from it). Run after
// editing the SVG: `npx tsx scripts/icon.ts`. Uses Debian's Chromium through playwright-core.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/helpers/chromium';

const svg = readFileSync(fileURLToPath(new URL('../resources/icon.svg', import.meta.url)), 'utf8');
const browser = await launchChromium({ viewport: { width: 512, height: 512 } });
try {
  const page = await browser.context.newPage();
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: fileURLToPath(new URL('../resources/icon.png', import.meta.url)), omitBackground: true });
} finally {
  await browser.close();
}
