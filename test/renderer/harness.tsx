import { act } from 'react';
import { afterEach, beforeEach } from 'vitest';
import { createRoot, type Root } from 'react-dom/client';
import type { ConnectionState, ControlClient, ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import { LINT_RULES } from '../../src/shared/lint';
import { App } from '../../src/renderer/src/App';
import { AppContext, createAppStore } from '../../src/renderer/src/state/store';
import { TimelineModel } from '../../src/renderer/src/state/timeline';
import { SPEC_PROFILE } from '../../src/main/core/server/profile';

// The whole app in happy-dom against a core stand-in that answers commands from a table and
// pushes event batches when the test says.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export const STATUS: InspectorStatus = {
  mcpUrl: 'http://127.0.0.1:7420/mcp',
  legacySseUrl: 'http://127.0.0.1:7420/sse',
  port: 7420,
  upstream: { builtIn: true, health: 'up', url: 'http://127.0.0.1:5000' },
  profile: { ...SPEC_PROFILE },
  toggles: {},
  rules: [],
  exchangeCount: 0,
};

export type Handlers = Record<string, (params: unknown) => unknown>;

export function fakeClient(handlers: Handlers) {
  let listener: ((events: ControlEvent[]) => void) | undefined;
  let connection: ((state: ConnectionState) => void) | undefined;
  const calls: Array<[string, unknown]> = [];
  const client = {
    async call(name: string, params?: unknown) {
      calls.push([name, params]);
      const handler = handlers[name];
      if (!handler) throw new Error(`no fake for ${name}`);
      return handler(params);
    },
    subscribe(l: (events: ControlEvent[]) => void, c?: (state: ConnectionState) => void) {
      listener = l;
      connection = c;
      return () => undefined;
    },
  } as unknown as ControlClient;
  return { client, calls, push: (events: ControlEvent[]) => listener!(events), open: () => connection!({ state: 'open' }), connection: (state: ConnectionState) => connection!(state) };
}

export const DEFAULTS: Handlers = {
  status: () => STATUS,
  'exchanges.list': () => [],
  'toggles.list': () => [],
  'presets.list': () => [],
  'settings.get': () => ({}),
  'captures.list': () => [],
  'lint.rules': () => LINT_RULES,
  'boundaries.list': () => [],
};

/** The next macrotask: lets awaited fake calls and the batcher's timer settle inside act(). */
export const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

/** A root to render into, removed by `unmount`. */
/**
 * A fresh container for every test of the enclosing describe, with its query helpers: `dom` is
 * the current container (read it inside tests), `$`/`$$` query it, `click` clicks inside act().
 */
export function containerPerTest() {
  let current: ReturnType<typeof createContainer>;
  beforeEach(() => {
    current = createContainer();
  });
  afterEach(() => current.unmount());
  return {
    dom: () => current,
    $: (selector: string) => current.container.querySelector<HTMLElement>(selector),
    $$: (selector: string) => [...current.container.querySelectorAll<HTMLElement>(selector)],
    click: (element: Element | null | undefined) => act(async () => (element as HTMLElement).click()),
  };
}

export function createContainer() {
  const container = document.createElement('div');
  document.body.append(container);
  const root: Root = createRoot(container);
  return {
    container,
    root,
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

export async function mountApp(root: Root, handlers: Handlers = {}) {
  const fake = fakeClient({ ...DEFAULTS, ...handlers });
  const model = new TimelineModel();
  // Frames come from a timer here: the batcher is tested on its own.
  const store = createAppStore(model, (run) => {
    const timer = setTimeout(run, 0);
    return () => clearTimeout(timer);
  });
  await act(async () => {
    root.render(
      <AppContext.Provider value={{ store, model }}>
        <App client={fake.client} />
      </AppContext.Provider>,
    );
  });
  await act(async () => fake.open());
  await settle();
  return { ...fake, store, model };
}

/** Polls the DOM (not the clock) until `test` holds: fetches and re-renders settle in between. */
export async function waitFor<T>(test: () => T | undefined | null | false, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = test();
    if (value) return value;
    await act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens a screen by its tab, as a user does, and waits until it has loaded (some load on demand). */
export async function openScreen(container: HTMLElement, label: string): Promise<void> {
  const tab = [...container.querySelectorAll<HTMLElement>('[role=tab]')].find((t) => t.textContent === label);
  if (!tab) throw new Error(`no tab "${label}"`);
  await act(async () => tab.click());
  await waitFor(() => !container.querySelector('[data-testid=screen-loading]'), `the ${label} screen to load`);
  await settle();
}
