// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectorStatus } from '../../src/shared/controlApi';
import type { TunnelStatus } from '../../src/shared/tunnel';
import { SPEC_PROFILE } from '../../src/main/core/server/profile';
import { mountApp, openScreen, settle, type Handlers } from './harness';

// The Tunnel screen against a stand-in core: what it shows for each tunnel state, and which
// commands its buttons send. The real commands are tested in test/integration/control-tunnel.

const PUBLIC = 'https://calm-fox-12.loca.lt';
const T0 = new Date(2025, 0, 1, 12, 0, 0).getTime();

const STATUS: InspectorStatus = {
  mcpUrl: 'http://127.0.0.1:7420/mcp',
  port: 7420,
  upstream: { builtIn: true, health: 'up' },
  profile: { ...SPEC_PROFILE },
  toggles: {},
  rules: [],
  exchangeCount: 0,
  dataDir: '/home/dev/.config/mcp-inspector',
};

function tunnel(patch: Partial<TunnelStatus> = {}): TunnelStatus {
  return { provider: 'localtunnel', state: 'connecting', reason: 'Opening localtunnel via https://localtunnel.me', since: T0, attempt: 0, inFlight: 0, saturated: false, notes: [], ...patch };
}

const UP = tunnel({
  state: 'up',
  reason: `Up at ${PUBLIC}`,
  publicUrl: PUBLIC,
  mcpUrl: `${PUBLIC}/mcp`,
  pasteHint: `${PUBLIC}/mcp → Claude.ai → Settings → Connectors → Add custom connector`,
  maxConnections: 10,
  inFlight: 2,
  notes: [
    { at: T0, kind: 'state', level: 'info', text: 'connecting: Opening localtunnel via https://localtunnel.me' },
    { at: T0 + 900, kind: 'state', level: 'info', text: `up: Up at ${PUBLIC}` },
  ],
});


describe('the Tunnel screen', () => {
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

  async function mount(status: InspectorStatus, handlers: Handlers = {}) {
    const app = await mountApp(root, {
      status: () => status,
      'tunnel.status': () => status.tunnel ?? tunnel({ provider: 'none', state: 'off', reason: 'No tunnel' }),
      ...handlers,
    });
    await openScreen(container, 'Tunnel');
    return app;
  }

  const $ = (selector: string) => container.querySelector<HTMLElement>(selector);
  const text = (selector: string) => $(selector)?.textContent ?? '';
  const button = (label: string) => [...container.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent === label);
  const click = (label: string) =>
    act(async () => {
      const found = button(label);
      if (!found) throw new Error(`no button "${label}" in: ${container.textContent}`);
      found.click();
    });
  /** Types into a React-controlled input (React listens for the native input event). */
  const type = (label: string, value: string) =>
    act(async () => {
      const input = $(`input[aria-label="${label}"]`) as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });

  it('off: says only local clients can connect, and starts localtunnel with the subdomain typed (empty fields left to the core)', async () => {
    const app = await mount(STATUS, { 'tunnel.open': () => ({ ...STATUS, tunnel: tunnel() }) });
    expect($('[data-testid=tunnel-state]')?.dataset.state).toBe('off');
    expect(text('[data-testid=tunnel-state]')).toContain('only clients on this machine can reach the inspector');
    expect(button('Stop')).toBeUndefined();
    expect(($('input[value=localtunnel]') as HTMLInputElement).checked).toBe(true);
    await type('Subdomain', 'my-mcp-test');
    await click('Start tunnel');
    await settle();
    expect(app.calls.find(([name]) => name === 'tunnel.open')?.[1]).toEqual({ provider: 'localtunnel', subdomain: 'my-mcp-test', host: undefined });
    // The command's answer shows at once; the core's events keep it current after that.
    expect($('[data-testid=tunnel-state]')?.dataset.state).toBe('connecting');
    expect(text('[data-testid=tunnel-reason]')).toBe('Opening localtunnel via https://localtunnel.me');
  });

  it('a live event that overtakes the command’s answer wins: the screen never falls back to an older state', async () => {
    const unreachable = tunnel({ provider: 'manual', state: 'unreachable', reason: 'https://mcp.example.com did not reach the inspector', since: T0 + 500, nextAttemptAt: T0 + 30_000 });
    let answer: (status: InspectorStatus) => void = () => undefined;
    const app = await mount(STATUS, { 'tunnel.open': () => new Promise<InspectorStatus>((resolve) => (answer = resolve)) });
    await act(async () => ($('input[value=manual]') as HTMLInputElement).click());
    await type('Public URL', 'https://mcp.example.com');
    await click('Start tunnel');
    // The core moves on and says so before its answer to tunnel.open (saying "connecting") arrives.
    await act(async () => app.push([{ type: 'status', status: { ...STATUS, tunnel: unreachable } }]));
    await settle();
    expect(text('.tunnel-state-label')).toBe('Unreachable');
    await act(async () => answer({ ...STATUS, tunnel: tunnel({ provider: 'manual', reason: 'Opening your own public URL https://mcp.example.com' }) }));
    await settle();
    expect(text('.tunnel-state-label')).toBe('Unreachable');
  });

  it('connecting: shows the state and reason, with Stop; no retry button during the first attempt', async () => {
    const app = await mount({ ...STATUS, tunnel: tunnel() }, { 'tunnel.close': () => STATUS });
    expect(text('.tunnel-state-label')).toBe('Connecting…');
    expect(text('[data-testid=tunnel-reason]')).toBe('Opening localtunnel via https://localtunnel.me');
    expect($('[data-testid=tunnel-mcp-url]')).toBeNull();
    expect($('[data-testid=tunnel-next]')).toBeNull();
    expect(button('Retry now')).toBeUndefined();
    await click('Stop');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.close');
    expect($('[data-testid=tunnel-state]')?.dataset.state).toBe('off');
  });

  it('up: the public MCP URL big with a copy button and the exact paste instruction; checks and notes arrive live', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const app = await mount({ ...STATUS, tunnel: UP }, { 'tunnel.recheck': () => UP });
    expect(text('.tunnel-state-label')).toBe('Up');
    expect(text('[data-testid=tunnel-mcp-url]')).toBe(`${PUBLIC}/mcp`);
    expect(text('[data-testid=tunnel-paste-hint]')).toContain('Claude.ai → Settings → Connectors → Add custom connector');
    await click('Copy URL');
    expect(writeText).toHaveBeenCalledWith(`${PUBLIC}/mcp`);
    expect([...container.querySelectorAll('[data-testid=tunnel-notes] li')].map((li) => li.getAttribute('data-kind'))).toEqual(['state', 'state']);
    expect(text('[data-testid=tunnel-checks]')).toContain('Checking the public URL');
    expect(text('[data-testid=tunnel-queue]')).toBe('This tunnel carries up to 10 requests at once (each open SSE stream holds one).');

    // The core pushes the checks as they finish: probes per client kind, DNS, SSE, a new note.
    const checked: TunnelStatus = {
      ...UP,
      reachability: {
        checkedAt: T0 + 2000,
        url: PUBLIC,
        verdict: 'reachable-with-interstitial',
        dns: { hostname: 'calm-fox-12.loca.lt', ipv4: ['193.34.76.44'], outcome: 'public-ipv4', detail: 'calm-fox-12.loca.lt resolves to 193.34.76.44' },
        probes: [
          { as: 'browser', userAgent: 'Mozilla/5.0', outcome: 'interstitial', status: 401, arrived: false, ms: 120, detail: "the tunnel's edge showed its own page (401) instead of forwarding the request" },
          { as: 'python-httpx', userAgent: 'python-httpx/0.27.0', outcome: 'ok', status: 200, arrived: true, ms: 140, detail: 'reached the inspector, answered 200' },
          { as: 'claude-user', userAgent: 'Claude-User', outcome: 'ok', status: 401, arrived: true, ms: 150, detail: 'reached the inspector, answered 401' },
        ],
        advice: ["Browsers see the tunnel's interstitial page before the OAuth consent page: open the public URL once in the browser you use for Claude.ai and get past it"],
      },
      interstitial: { provider: 'localtunnel', passwordUrl: 'https://loca.lt/mytunnelpassword', password: '203.0.113.7', advice: 'Browsers get localtunnel’s reminder page (401) before the OAuth consent page.' },
      sseSelfTest: { checkedAt: T0 + 3000, url: PUBLIC, verdict: 'streams', eventsSent: 5, eventsReceived: 5, intervalMs: 300, firstEventMs: 80, maxGapMs: 320, detail: 'first event after 80 ms, largest gap 320 ms for events sent 300 ms apart' },
      saturated: true,
      inFlight: 10,
      notes: [
        ...UP.notes,
        { at: T0 + 3000, kind: 'sse-self-test', level: 'info', text: 'SSE self-test: streams: first event after 80 ms' },
        { at: T0 + 4000, kind: 'queue', level: 'warn', text: 'All 10 tunnel connections are busy' },
      ],
    };
    await act(async () => app.push([{ type: 'status', status: { ...STATUS, tunnel: checked } }]));
    await settle();
    expect(text('[data-testid=tunnel-verdict]')).toContain('Reachable, but browsers see an interstitial page first');
    expect(text('[data-testid=probe-browser]')).toContain('stopped by an interstitial page');
    expect(text('[data-testid=probe-claude-user]')).toContain('reached the inspector');
    expect(text('[data-testid=tunnel-sse]')).toContain('events stream through');
    const interstitial = text('[data-testid=tunnel-interstitial]');
    expect(interstitial).toContain('The tunnel password is this machine’s public IP address: 203.0.113.7');
    expect(interstitial).toContain('https://loca.lt/mytunnelpassword');
    expect(text('[data-testid=tunnel-queue]')).toContain('All 10 tunnel connections are busy: further requests wait at the tunnel server');
    expect([...container.querySelectorAll('[data-testid=tunnel-notes] li')].map((li) => li.getAttribute('data-kind'))).toEqual(['queue', 'sse-self-test', 'state', 'state']); // newest first

    await click('Check again');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.recheck');
  });

  it('failed: the reason and what to do about it, and Retry', async () => {
    const failed = tunnel({ state: 'failed', provider: 'cloudflared', failure: 'not-installed', reason: 'cloudflared is not on PATH. Install it from https://github.com/cloudflare/cloudflared. The local server keeps working.' });
    const app = await mount({ ...STATUS, tunnel: failed }, { 'tunnel.retry': () => ({ ...STATUS, tunnel: tunnel({ provider: 'cloudflared' }) }) });
    expect(text('.tunnel-state-label')).toBe('Failed');
    expect(text('[data-testid=tunnel-reason]')).toContain('cloudflared is not on PATH. Install it');
    expect(text('[data-testid=tunnel-state]')).toContain('Install what the message names, or choose another provider below.');
    await click('Retry');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.retry');
    expect(text('.tunnel-state-label')).toBe('Connecting…');
  });

  it('connecting after a failed attempt: the reason, when the next attempt is, and Retry now', async () => {
    const reason = 'The tunnel server https://localtunnel.me could not be reached (ENOTFOUND)';
    const waiting = tunnel({ reason, failure: 'unreachable', attempt: 1, nextAttemptAt: T0 + 2000 });
    const app = await mount({ ...STATUS, tunnel: waiting }, { 'tunnel.retry': () => ({ ...STATUS, tunnel: tunnel({ reason, failure: 'unreachable', attempt: 1 }) }) });
    expect(text('.tunnel-state-label')).toBe('Connecting…');
    expect(text('[data-testid=tunnel-reason]')).toBe(reason);
    expect(text('[data-testid=tunnel-next]')).toBe('Not up yet after 1 attempt. Next attempt at 12:00:02; if it still can’t connect it stops trying and says why.');
    expect($('[data-testid=tunnel-next] time')?.getAttribute('datetime')).toBe(new Date(T0 + 2000).toISOString());
    await click('Retry now');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.retry');
    expect(text('[data-testid=tunnel-next]')).toContain('Trying now');
  });

  it('reconnecting: when it was last up, that it keeps trying, the next attempt time, the URL kept, and Retry now', async () => {
    const reconnecting: TunnelStatus = {
      ...UP,
      state: 'reconnecting',
      reason: 'The tunnel server https://localtunnel.me could not be reached (ECONNREFUSED)',
      failure: 'unreachable',
      attempt: 14,
      lastUpAt: T0 + 900,
      nextAttemptAt: T0 + 61_000,
    };
    const app = await mount({ ...STATUS, tunnel: reconnecting }, { 'tunnel.retry': () => ({ ...STATUS, tunnel: reconnecting }) });
    expect($('[data-testid=tunnel-state]')?.dataset.state).toBe('reconnecting');
    expect(text('.tunnel-state-label')).toBe('Reconnecting…');
    expect(text('[data-testid=tunnel-next]')).toBe('It was up until 12:00:00. It keeps trying until it is back, usually with the same URL. Next attempt at 12:01:01. The local server keeps working meanwhile.');
    expect(text('[data-testid=tunnel-paste-hint]')).toContain('The tunnel is down right now; the same URL usually comes back.');
    expect(button('Check again')).toBeUndefined();
    await click('Retry now');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.retry');
  });

  it('unreachable: a manual URL the check could not get through, in plain words, and Check now', async () => {
    const unreachable = tunnel({
      provider: 'manual',
      state: 'unreachable',
      reason: 'https://mcp.example.com did not reach the inspector when requested from this machine: all three got no answer (the name was not found: ENOTFOUND)',
      failure: 'unreachable',
      attempt: 2,
      nextAttemptAt: T0 + 4000,
      publicUrl: 'https://mcp.example.com',
      mcpUrl: 'https://mcp.example.com/mcp',
    });
    const app = await mount({ ...STATUS, tunnel: unreachable }, { 'tunnel.retry': () => ({ ...STATUS, tunnel: unreachable }) });
    expect(text('.tunnel-state-label')).toBe('Unreachable');
    expect(text('[data-testid=tunnel-state] h2')).toContain('My own URL');
    expect(text('[data-testid=tunnel-next]')).toContain('The public URL was requested from this machine and the requests did not arrive here. Next attempt at 12:00:04.');
    expect(text('[data-testid=tunnel-paste-hint]')).toContain('have not arrived here yet');
    await click('Check now');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.retry');
  });

  it('idle: warns prominently that no request arrived, lists the causes, and re-arms after the connector is added', async () => {
    const causes = [
      'the connector is not added yet: Claude.ai → Settings → Connectors → Add custom connector',
      `the connector URL must be exactly ${PUBLIC}/mcp`,
      "a reminder/interstitial page, or a 401/403 from the tunnel's edge, stops requests before they reach the inspector",
      "the tunnel's name has no public IPv4 address: hosted connectors such as Claude.ai connect from the cloud over IPv4 only, to https URLs on port 443",
    ];
    const idle = { ...UP, idle: { since: T0 + 900, waitedMs: 60_000, causes } };
    const app = await mount({ ...STATUS, tunnel: idle }, { 'tunnel.expectRequest': () => UP });
    const warning = $('[data-testid=tunnel-idle]')!;
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.querySelector('h2')?.textContent).toBe('No request arrived within 60 s');
    expect([...warning.querySelectorAll('li')].map((li) => li.textContent)).toEqual(causes);
    // The status bar says so on every screen.
    expect(text('[data-testid=tunnel]')).toContain('no request arrived yet');
    await click('I’ve added the connector — watch again');
    await settle();
    expect(app.calls.map(([name]) => name)).toContain('tunnel.expectRequest');
    expect($('[data-testid=tunnel-idle]')).toBeNull();
  });

  it('ngrok: the auth token goes to the core for this run and the screen says it is never saved', async () => {
    const app = await mount(STATUS, { 'tunnel.open': () => ({ ...STATUS, tunnel: tunnel({ provider: 'ngrok', reason: 'Opening ngrok' }) }) });
    await act(async () => ($('input[value=ngrok]') as HTMLInputElement).click());
    expect(text('.tunnel-form')).toContain('Used for this run only and never saved');
    await type('ngrok auth token', '2abcSECRET');
    await click('Start tunnel');
    await settle();
    expect(app.calls.find(([name]) => name === 'tunnel.open')?.[1]).toEqual({ provider: 'ngrok', authtoken: '2abcSECRET', domain: undefined });
  });

  it('after a tunnel is closed, keeps its notes readable', async () => {
    const closed = tunnel({ state: 'off', reason: 'Tunnel closed', notes: [...UP.notes, { at: T0 + 5000, kind: 'state', level: 'info', text: 'off: Tunnel closed' }] });
    await mount(STATUS, { 'tunnel.status': () => closed });
    expect(text('.tunnel-notes h3')).toBe('What happened with the last tunnel');
    expect(text('[data-testid=tunnel-notes] li')).toContain('off: Tunnel closed');
  });
});
