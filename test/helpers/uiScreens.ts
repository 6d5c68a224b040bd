import type { Page } from 'playwright-core';
import type { ExchangeSummary } from '../../src/shared/controlApi';
import type { startControl } from './control';

// Every screen of the web UI, reached the way a user does (its tab), with what shows it is
// ready, and real traffic to fill them: simulator runs through the front door with toggles
// flipped between them. Shared by the accessibility and screenshot e2e tests.

type Control = Awaited<ReturnType<typeof startControl>>;

export interface Screen {
  /** File-name friendly id: `timeline`, `timeline-detail`, `toggles`… */
  id: string;
  /** The tab that opens it. */
  tab: string;
  /** Brings the screen up on a page already showing the app, and waits until it shows its content. */
  show(page: Page): Promise<void>;
}

const openTab = async (page: Page, name: string) => {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.locator(`[role=tab][aria-selected=true]`, { hasText: name }).waitFor();
};

/** Closes the detail pane and clears the filter, so every screen starts from the same place. */
const resetTimeline = async (page: Page) => {
  await openTab(page, 'Timeline');
  const close = page.getByRole('button', { name: 'Close detail' });
  if (await close.count()) await close.click();
  const filter = page.getByLabel('Filter the timeline');
  if (await filter.inputValue()) await filter.fill('');
  await page.locator('[data-testid=row]').first().waitFor();
};

export const SCREENS: Screen[] = [
  { id: 'timeline', tab: 'Timeline', show: resetTimeline },
  {
    id: 'timeline-detail',
    tab: 'Timeline',
    async show(page) {
      await resetTimeline(page);
      // The row a toggle changed: the detail header says by which, and what it was.
      await page.locator('[data-testid=row]', { has: page.locator('[data-testid=changed-by]') }).first().click();
      await page.locator('[data-testid=detail] .tabs').waitFor();
    },
  },
  {
    id: 'handshake',
    tab: 'Handshake',
    async show(page) {
      await openTab(page, 'Handshake');
      await page.getByTestId('handshake').waitFor();
      await page.getByTestId('sequence').waitFor();
    },
  },
  {
    id: 'toggles',
    tab: 'Toggles & rules',
    async show(page) {
      await openTab(page, 'Toggles & rules');
      await page.getByTestId('active-toggles').waitFor();
      await page.locator('[data-testid^=toggle-notification-status]').waitFor();
    },
  },
  {
    id: 'captures',
    tab: 'Captures',
    async show(page) {
      await openTab(page, 'Captures');
      await page.locator('[data-testid=capture-row]').first().waitFor();
    },
  },
  {
    id: 'simulate',
    tab: 'Simulate',
    async show(page) {
      await openTab(page, 'Simulate');
      await page.waitForFunction(() => (document.querySelector('select[aria-label="Client profile"]') as HTMLSelectElement | null)?.options.length! > 1);
    },
  },
  {
    id: 'compare',
    tab: 'Compare',
    async show(page) {
      await openTab(page, 'Compare');
      await page.waitForFunction(() => (document.querySelector('select[aria-label="Left run"]') as HTMLSelectElement | null)?.value);
      // The two newest connections, compared: the screen as a user reads it.
      if (!(await page.getByTestId('cmp-summary').count())) await page.locator('.compare button.primary:not([disabled])').click();
      await page.getByTestId('cmp-summary').waitFor();
    },
  },
  {
    id: 'tunnel',
    tab: 'Tunnel',
    async show(page) {
      await openTab(page, 'Tunnel');
      await page.getByTestId('tunnel-state').waitFor();
    },
  },
  {
    id: 'settings',
    tab: 'Settings',
    async show(page) {
      await openTab(page, 'Settings');
      await page.locator('.settings').waitFor();
    },
  },
];

async function api<T>(control: Control, name: string, params?: unknown): Promise<T> {
  const answer = await control.api<T>(name, params);
  if (!answer.ok) throw new Error(`${name} failed: ${answer.error?.message}`);
  return answer.result!;
}

/**
 * Real traffic through the front door of a built-in-server inspector: the spec client, then
 * Claude.ai (2025-10) with "notifications → 204" and "GET /mcp → 501" on, as the new user of
 * issue 12 had them (Claude.ai goes on after both, so both show), with a boundary marked between
 * the two runs so the timeline and the run list show a divider. Leaves both toggles on.
 */
export async function recordTraffic(control: Control): Promise<ExchangeSummary[]> {
  await api(control, 'simulate.run', { client: 'spec@2025-06-18' });
  await api(control, 'toggles.set', { toggleId: 'notification-status', optionId: '204' });
  await api(control, 'toggles.set', { toggleId: 'get-stream', optionId: '501' });
  await api(control, 'boundaries.mark', { label: 'after toggles' });
  await api(control, 'simulate.run', { client: 'claude-ai@2025-10' });
  return api<ExchangeSummary[]>(control, 'exchanges.list', {});
}

/**
 * A multi-round-trip request (2026-07-28) for the screens that show one: the simulator's spec
 * client calls the conformance preset's three-round tool through the front door. Needs an
 * inspector started with `preset: 'conformance'`.
 */
export async function recordMrtrTraffic(control: Control): Promise<ExchangeSummary[]> {
  await api(control, 'simulate.run', { client: 'spec@2026-07-28', callTool: { name: 'test_input_required_result_multi_round' } });
  return api<ExchangeSummary[]>(control, 'exchanges.list', {});
}

/** The timeline with the second round of that conversation open in the detail pane. */
export const MRTR_SCREEN: Screen = {
  id: 'timeline-mrtr',
  tab: 'Timeline',
  async show(page) {
    await resetTimeline(page);
    await page.locator('[data-testid=row]', { has: page.locator('[data-testid=mrtr-badge][data-round="2"]') }).click();
    await page.getByTestId('mrtr-asked').waitFor();
  },
};

/** Opens the UI and waits until the timeline shows every recorded row. */
export async function openUi(page: Page, control: Control, rows: number): Promise<void> {
  await page.goto(control.url);
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid=row]').length > 0 && Number(/(\d+) exchanges/.exec(document.querySelector('[data-testid=counts]')?.textContent ?? '')?.[1]) >= count, rows);
}
