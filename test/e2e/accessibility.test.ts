import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';
import { startControl } from '../helpers/control';
import { MRTR_SCREEN, openUi, recordMrtrTraffic, recordTraffic, SCREENS } from '../helpers/uiScreens';

// axe-core in Debian's Chromium against the headless web UI with real traffic recorded: every
// screen (and the timeline with the detail pane open), light and dark, must pass WCAG 2.x A and
// AA rules, colour contrast first among them. A violation fails with the rule, the element and
// axe's own summary, so the message says what to fix.

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');
/** WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

async function audit(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ') })) }));
  }, TAGS);
}

const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 8).map((n) => `  ${n.target}: ${n.summary}`).join('\n')}`).join('\n');

describe('accessibility of every screen (axe-core, WCAG 2.1 A/AA)', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let rows = 0;

  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir }, profile: { consent: 'auto' } });
    rows = (await recordTraffic(control)).length;
    browser = await launchChromium({ bypassCSP: true }); // the UI's CSP forbids inline scripts, axe's tag among them
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await openUi(page, control, rows);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const screen of SCREENS) {
      it(`${screen.id}, ${theme} theme`, async () => {
        await page.emulateMedia({ colorScheme: theme });
        await screen.show(page);
        const violations = await audit(page);
        expect(violations, describeViolations(violations)).toEqual([]);
      });
    }
  }

  it('the page a wrong token gets passes too, and names no port it cannot know', async () => {
    const stranger = await browser.context.newPage();
    await stranger.goto(`${control.uiOrigin}/?token=not-the-token`);
    await stranger.getByTestId('no-access').waitFor();
    const text = await stranger.locator('body').textContent();
    expect(text).toContain('?token=');
    expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
    const violations = await audit(stranger);
    expect(violations, describeViolations(violations)).toEqual([]);
    await stranger.close();
  });
});

describe('accessibility of a multi-round-trip conversation (axe-core, WCAG 2.1 A/AA)', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    control = await startControl({ http: { rendererDir }, preset: 'conformance' });
    const rows = (await recordMrtrTraffic(control)).length;
    browser = await launchChromium({ bypassCSP: true });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await openUi(page, control, rows);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await control?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`the rounds in the timeline and the detail pane, ${theme} theme`, async () => {
      await page.emulateMedia({ colorScheme: theme });
      await MRTR_SCREEN.show(page);
      const violations = await audit(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});
