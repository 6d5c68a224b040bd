// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JwtView } from '../../src/renderer/src/components/BodyView';
import { SseList } from '../../src/renderer/src/components/DetailPane';
import type { Exchange } from '../../src/shared/exchange';
import { decodeJwt, findJwts } from '../../src/renderer/src/lib/jwt';
import { SseDataParser, takeToken } from '../../src/renderer/src/api/client';
import { row } from './fixtures';
import { createContainer, mountApp, settle, type Handlers } from './harness';

describe('the app in a DOM', () => {
  let container: HTMLDivElement;
  let dom: ReturnType<typeof createContainer>;
  beforeEach(() => {
    dom = createContainer();
    container = dom.container;
  });
  afterEach(() => dom.unmount());

  const mount = (handlers: Handlers = {}) => mountApp(dom.root, handlers);

  it('shows the first-time steps with the MCP URL before any exchange', async () => {
    await mount();
    expect(container.querySelector('[data-testid=empty-state]')?.textContent).toContain('http://127.0.0.1:7420/mcp');
    expect(container.textContent).toContain('Add custom connector');
  });

  it('renders rows from event batches with phase badges and the changed status', async () => {
    const app = await mount();
    await act(async () => app.push([{ type: 'exchange', exchange: row({ phase: 'registration', method: 'POST', url: '/register', rpcMethods: [], status: 201 }) }]));
    await act(async () => app.push([{ type: 'exchange', exchange: row({ rpcMethods: ['notifications/initialized'], status: 204, upstreamStatus: 202, statusChange: { by: 'notifications → 204', was: 202 }, changedBy: ['notifications → 204'] }) }]));
    await settle();
    const rows = [...container.querySelectorAll('[data-testid=row]')];
    expect(rows.map((r) => r.querySelector('[data-testid=phase-badge]')?.textContent)).toEqual(['DCR', 'notifications/initialized']);
    expect(rows[1]!.textContent).toContain('204 (was 202)notifications → 204');
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

describe('SSE events in the detail pane', () => {
  it('shows a block without a data line (a priming event, a retry) as one, not as empty data', async () => {
    const dom = createContainer();
    const exchange = { state: 'complete', sseEvents: [
      { index: 0, at: 1, kind: 'event', id: '42', retry: 3000 },
      { index: 1, at: 2, kind: 'event', id: '43', data: '' },
      { index: 2, at: 3, kind: 'comment', comment: 'ping' },
    ] } as unknown as Exchange;
    await act(async () => dom.root.render(<SseList exchange={exchange} />));
    const items = [...dom.container.querySelectorAll('li')].map((li) => li.textContent);
    expect(items[0]).toContain('id 42 retry 3000 ms (no data line: a client dispatches no message for it)');
    expect(items[1]).not.toContain('no data line');
    expect(items[2]).toContain(': ping');
    dom.unmount();
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
