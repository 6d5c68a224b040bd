import type { CommandEnvelope, ControlEvent, ExchangeSummary, InspectorStatus } from '../../src/shared/controlApi';
import type { Phase } from '../../src/shared/exchange';
import { ControlHttpServer } from '../../src/main/core/control/httpServer';
import type { ControlService } from '../../src/main/core/control/service';
import { SPEC_PROFILE } from '../../src/main/core/server/profile';
import { ensureRendererBuilt } from '../helpers/buildRenderer';
import { launchChromium } from '../helpers/chromium';

// The UI figure of `npm run bench`: the built renderer in Chromium with N exchanges in its
// store, grouped by client run as the timeline shows them by default (RUN_SIZE exchanges per
// run, three runs per client connection: 2000 runs for 100k rows), timed with the Performance
// API inside the page. A filter change is timed from the input event to the second animation
// frame after it (the frame that shows the new rows and run headers); a scroll jump from setting
// scrollTop to the frame that shows the rows at the new place.

/** Exchanges per client run (each run is a header and its rows). */
export const RUN_SIZE = 50;

const PHASES: Phase[] = ['discovery', 'registration', 'authorization', 'token', 'jsonrpc', 'jsonrpc', 'jsonrpc', 'sse-stream'];
const METHODS = ['initialize', 'notifications/initialized', 'tools/list', 'tools/call'];

function syntheticRows(count: number): ExchangeSummary[] {
  const rows: ExchangeSummary[] = [];
  for (let i = 0; i < count; i++) {
    const phase = PHASES[i % PHASES.length]!;
    const rpc = phase === 'jsonrpc' ? [METHODS[i % METHODS.length]!] : [];
    rows.push({
      id: `bench-${i}`,
      revision: i + 1,
      startedAt: 1_700_000_000_000 + i,
      method: phase === 'discovery' || phase === 'sse-stream' ? 'GET' : 'POST',
      url: phase === 'discovery' ? '/.well-known/oauth-protected-resource/mcp' : phase === 'jsonrpc' ? '/mcp' : `/${phase}`,
      phase,
      label: rpc[0] ?? phase,
      rpcMethods: rpc,
      state: 'complete',
      status: i % 17 === 0 ? 401 : i % 29 === 0 ? 503 : 200,
      clientFamily: i % 3 === 0 ? 'claude-user' : 'mcp-sdk',
      clientLabel: i % 3 === 0 ? 'Claude-User' : 'MCP SDK',
      sessionId: `session-${i % 50}`,
      outcome: i % 17 === 0 ? 'challenge' : i % 29 === 0 ? 'failed' : 'ok',
      connectionId: `session:session-${Math.floor(i / RUN_SIZE / 3)}`,
      runId: `run:bench-${Math.floor(i / RUN_SIZE)}`,
      durationMs: (i % 40) + 0.5,
      sseEventCount: 0,
      appliedRules: [],
    });
  }
  return rows;
}

/** Just enough of the control service for the page: the rows, a status, no live events. */
function stubService(rows: ExchangeSummary[]): ControlService {
  const status: InspectorStatus = { port: 7420, mcpUrl: 'http://127.0.0.1:7420/mcp', upstream: { builtIn: true, health: 'up' }, profile: { ...SPEC_PROFILE }, toggles: {}, rules: [], exchangeCount: rows.length };
  const answers: Record<string, unknown> = {
    status,
    'exchanges.list': rows,
    'exchanges.search': [],
    'toggles.list': [],
    'presets.list': [],
    'settings.get': {},
    'captures.list': [],
    'exchanges.get': null,
    'lint.rules': [],
    'boundaries.list': [],
  };
  return {
    invoke: async (name: unknown): Promise<CommandEnvelope> => (typeof name === 'string' && name in answers ? { ok: true, result: answers[name] as never } : { ok: false, error: { code: 'not-found', message: String(name) } }),
    subscribe: (_listener: (events: ControlEvent[]) => void) => () => undefined,
  } as unknown as ControlService;
}

export interface UiFigures {
  exchanges: number;
  /** Client runs the rows are grouped in (one header each). */
  runs: number;
  filterMs: number[];
  scrollMs: number[];
  scrolledRowsOk: boolean;
}

export async function measureUi(count: number, options: { grouped?: boolean } = {}): Promise<UiFigures> {
  const rendererDir = ensureRendererBuilt();
  const server = new ControlHttpServer(stubService(syntheticRows(count)), { port: 0, rendererDir });
  const url = await server.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    // tsx (esbuild) wraps named functions in __name(); the functions sent to the page need it too.
    await page.addInitScript('window.__name = (fn) => fn');
    await page.goto(url);
    await page.waitForFunction((n) => document.querySelector('[data-testid=counts]')?.textContent?.startsWith(`${n} exchanges`), count, { timeout: 120_000 });
    await page.locator('[data-testid=row]').first().waitFor();
    // Measured as users see it by default: rows grouped under their run's header.
    if (!(await page.getByLabel('Group by run').isChecked())) throw new Error('the timeline should group rows by run by default');
    if (options.grouped === false) await page.getByLabel('Group by run').uncheck();

    const filterMs = await page.evaluate(async (queries: string[]) => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Filter the timeline"]')!;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const times: number[] = [];
      for (const [i, query] of queries.entries()) {
        await frame();
        performance.mark(`filter-${i}-start`);
        setValue.call(input, query);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        await frame();
        performance.mark(`filter-${i}-end`);
        times.push(performance.measure(`filter-${i}`, `filter-${i}-start`, `filter-${i}-end`).duration);
      }
      return times;
    }, ['phase:token', 'status:4xx', '', 'client:claude-user rpc:tools/call', 'phase:jsonrpc,discovery -status:5xx', '']);

    const scroll = await page.evaluate(async ({ total, runSize }: { total: number; runSize: number }) => {
      const list = document.querySelector<HTMLElement>('.virtual-list')!;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      // Each run is its header then its rows.
      const lines = total + Math.ceil(total / runSize);
      const rowHeight = list.scrollHeight / lines;
      const times: number[] = [];
      let ok = true;
      for (const [i, fraction] of [0.1, 0.5, 0.9, 0.25, 0.75, 0.0, 1.0].entries()) {
        await frame();
        performance.mark(`scroll-${i}-start`);
        list.scrollTop = fraction * (list.scrollHeight - list.clientHeight);
        list.dispatchEvent(new Event('scroll'));
        await frame();
        await frame();
        performance.mark(`scroll-${i}-end`);
        times.push(performance.measure(`scroll-${i}`, `scroll-${i}-start`, `scroll-${i}-end`).duration);
        // The lines now drawn must be the ones at the new place (a run's header, or a row).
        const line = Math.min(lines - 1, Math.floor(list.scrollTop / rowHeight) + 1);
        const run = Math.floor(line / (runSize + 1));
        const within = line % (runSize + 1);
        ok &&= !!list.querySelector(within === 0 ? `[data-testid=run-header][data-run="run:bench-${run}"]` : `[data-id="bench-${run * runSize + within - 1}"]`);
      }
      return { times, ok };
    }, { total: count, runSize: RUN_SIZE });
    return { exchanges: count, runs: Math.ceil(count / RUN_SIZE), filterMs, scrollMs: scroll.times, scrolledRowsOk: scroll.ok };
  } finally {
    await browser.close();
    await server.close();
  }
}
