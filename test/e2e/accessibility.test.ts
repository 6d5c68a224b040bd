import { describe, expect, it } from 'vitest';
import { audit, describeViolations } from '../helpers/axe';
import { MRTR_SCREEN, recordMrtrTraffic, recordTraffic, SCREENS, uiSession } from '../helpers/uiScreens';

// axe-core in Debian's Chromium against the headless web UI with real traffic recorded: every
// screen (and the timeline with the detail pane open), light and dark, must pass WCAG 2.x A and
// AA rules, colour contrast first among them. A violation fails with the rule, the element and
// axe's own summary, so the message says what to fix.

describe('accessibility of every screen (axe-core, WCAG 2.1 A/AA)', () => {
  // The UI's CSP forbids inline scripts, axe's tag among them.
  const session = uiSession({ control: { profile: { consent: 'auto' } }, record: recordTraffic, bypassCSP: true });

  for (const theme of ['light', 'dark'] as const) {
    for (const screen of SCREENS) {
      it(`${screen.id}, ${theme} theme`, async () => {
        await session.page.emulateMedia({ colorScheme: theme });
        await screen.show(session.page);
        const violations = await audit(session.page);
        expect(violations, describeViolations(violations)).toEqual([]);
      });
    }
  }

  it('the page a wrong token gets passes too, and names no port it cannot know', async () => {
    const stranger = await session.browser.context.newPage();
    await stranger.goto(`${session.control.uiOrigin}/?token=not-the-token`);
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
  const session = uiSession({ control: { preset: 'conformance' }, record: recordMrtrTraffic, bypassCSP: true });

  for (const theme of ['light', 'dark'] as const) {
    it(`the rounds in the timeline and the detail pane, ${theme} theme`, async () => {
      await session.page.emulateMedia({ colorScheme: theme });
      await MRTR_SCREEN.show(session.page);
      const violations = await audit(session.page);
      expect(violations, describeViolations(violations)).toEqual([]);
    });
  }
});
