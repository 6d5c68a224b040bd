// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionState, ControlClient, ControlEvent, InspectorStatus } from '../../src/shared/controlApi';
import { App } from '../../src/renderer/src/App';
import { JwtView } from '../../src/renderer/src/components/BodyView';
import { AppContext, createAppStore } from '../../src/renderer/src/state/store';
import { TimelineModel } from '../../src/renderer/src/state/timeline';
import { decodeJwt, findJwts } from '../../src/renderer/src/lib/jwt';
import { SseDataParser, takeToken } from '../../src/renderer/src/api/client';
import { SPEC_PROFILE } from '../../src/main/core/server/profile';
import { row } from './fixtures';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const STATUS: InspectorStatus = {
  mcpUrl: 'http://127.0.0.1:7420/mcp',
  port: 7420,
  upstream: { builtIn: true, health: 'up', url: 'http://127.0.0.1:5000' },
  profile: { ...SPEC_PROFILE },
  toggles: {},
  rules: [],
  exchangeCount: 0,
};

/** A core stand-in: answers commands from a table, pushes events when the test says. */
function fakeClient(handlers: Record<string, (params: unknown) => unknown>) {
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
  return { client, calls, push: (events: ControlEvent[]) => listener!(events), open: () => connection!({ state: 'open' }) };
}

const DEFAULTS = {
  status: () => STATUS,
  'exchanges.list': () => [],
  'toggles.list': () => [],
  'presets.list': () => [],
  'settings.get': () => ({}),
  'captures.list': () => [],
};

/** The next macrotask: lets awaited fake calls and the batcher's timer settle inside act(). */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

describe('the app in a DOM', () => {
  let container: HTMLDivElement;
  let root: Root;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });
  afterEach(() => {
    act(() => root.unmount());
    container.remove();
  });

  async function mount(handlers: Record<string, (params: unknown) => unknown> = {}) {
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

  it('shows the first-time steps with the MCP URL before any exchange', async () => {
    await mount();
    expect(container.querySelector('[data-testid=empty-state]')?.textContent).toContain('http://127.0.0.1:7420/mcp');
    expect(container.textContent).toContain('Add custom connector');
  });

  it('renders rows from event batches with phase badges and the changed status', async () => {
    const app = await mount();
    await act(async () => app.push([{ type: 'exchange', exchange: row({ phase: 'registration', method: 'POST', url: '/register', rpcMethods: [], status: 201 }) }]));
    await act(async () => app.push([{ type: 'exchange', exchange: row({ rpcMethods: ['notifications/initialized'], status: 204, upstreamStatus: 202 }) }]));
    await settle();
    const rows = [...container.querySelectorAll('[data-testid=row]')];
    expect(rows.map((r) => r.querySelector('[data-testid=phase-badge]')?.textContent)).toEqual(['DCR', 'notifications/initialized']);
    expect(rows[1]!.textContent).toContain('was 202 → now 204');
    expect(container.querySelector('[data-testid=counts]')?.textContent).toContain('2 exchanges');
  });

  it('turns a failed command into a readable banner, not a blank screen', async () => {
    const app = await mount({ 'exchanges.clear': () => Promise.reject(new Error('The inspector is not running')) });
    await act(async () => {
      await app.store.getState().clear();
    });
    expect(container.querySelector('[role=alert]')?.textContent).toContain('The inspector is not running');
    expect(container.querySelector('.status-bar')).not.toBeNull();
  });

  it('moves the selection with j/k and opens the detail pane', async () => {
    const first = row();
    const second = row({ rpcMethods: ['tools/call'], label: 'tools/call echo' });
    const app = await mount({ 'exchanges.list': () => [first, second], 'exchanges.get': () => null });
    await act(async () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' })));
    expect(app.store.getState().selectedId).toBe(first.id);
    await act(async () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' })));
    expect(app.store.getState().selectedId).toBe(second.id);
    await act(async () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k' })));
    expect(app.store.getState().selectedId).toBe(first.id);
    await settle();
    expect(container.querySelector('[data-testid=detail]')?.textContent).toContain('tools/list');
  });
});

describe('JWTs', () => {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${encode({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })}.${encode({ aud: 'https://x.example/mcp', exp: 2_000_000_000, scope: 'mcp' })}.sig`;

  it('decodes header and claims, finds tokens in text, and leaves non-JWTs alone', () => {
    expect(decodeJwt(token)).toMatchObject({ header: { kid: 'k1' }, claims: { aud: 'https://x.example/mcp' }, encrypted: false });
    expect(findJwts(`Bearer ${token}`)).toEqual([token]);
    expect(decodeJwt('not.a.jwt')).toBeUndefined();
    const jwe = `${encode({ alg: 'dir', enc: 'A256GCM' })}..iv.cipher.tag`;
    expect(decodeJwt(jwe)).toMatchObject({ encrypted: true });
  });

  it('shows the claims in the detail view', async () => {
    const container = document.createElement('div');
    const root = createRoot(container);
    await act(async () => root.render(<JwtView token={token} where="the Authorization header" />));
    expect(container.textContent).toContain('"aud"');
    expect(container.textContent).toContain('https://x.example/mcp');
    expect(container.textContent).toContain('"kid"');
    act(() => root.unmount());
  });
});

describe('web transport helpers', () => {
  it('splits an SSE stream into data payloads across chunk boundaries', () => {
    const parser = new SseDataParser();
    expect(parser.push(': connected\n\ndata: [1')).toEqual([]);
    expect(parser.push(']\n\n: ping\n\ndata: [2]\r\n\r\n')).toEqual(['[1]', '[2]']);
  });

  it('takes the token from the URL once, removes it from the address bar, and remembers it', () => {
    history.replaceState(null, '', '/?token=abc123&x=1');
    expect(takeToken(location, history, localStorage)).toBe('abc123');
    expect(location.search).toBe('?x=1');
    expect(takeToken(location, history, localStorage)).toBe('abc123');
  });
});
