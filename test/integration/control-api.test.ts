import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo, InspectorStatus, RulesCheck } from '../../src/shared/controlApi';
import type { Exchange as RecordedExchange } from '../../src/shared/exchange';
import { SettingsStore } from '../../src/main/core/control/settings';
import { fakeRendererDir, startControl } from '../helpers/control';
import { startReferenceServer } from '../helpers/server';
import { freePort } from '../helpers/ports';

// The control API over HTTP + SSE as the headless web UI uses it: real sockets, the token,
// Host/Origin checks, the proxy port that must not answer for it, and the live event stream.

const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: { experimental: { marker: 'only-in-the-body' } }, clientInfo: { name: 'control-test', version: '1' } } });

/** A raw request, so the Host header can be anything (fetch won't let a test forge it). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('control API over HTTP', () => {
  let control: Awaited<ReturnType<typeof startControl>>;
  const renderer = fakeRendererDir();
  beforeAll(async () => {
    control = await startControl({ http: { rendererDir: renderer } });
  });
  afterAll(async () => {
    await control.close();
    rmSync(renderer, { recursive: true, force: true });
  });

  it('refuses commands and the event stream without the token, or with a wrong one', async () => {
    const missing = await control.api('status', undefined, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.error?.message).toContain('access token');
    const wrong = await control.api('status', undefined, { token: `${control.http.token.slice(0, -2)}xx` });
    expect(wrong.status).toBe(401);
    const events = await fetch(`${control.uiOrigin}/api/events`);
    expect(events.status).toBe(401);
    const ok = await control.api<InspectorStatus>('status');
    expect(ok.status).toBe(200);
    expect(ok.result?.mcpUrl).toBe(`${control.proxyOrigin}/mcp`);
    expect(control.url).toBe(`${control.uiOrigin}/?token=${control.http.token}`);
  });

  it('turns away other Host names (DNS rebinding) and other Origins, even with the token', async () => {
    const port = control.http.address.port;
    const auth = { authorization: `Bearer ${control.http.token}` };
    const rebound = await rawGet(port, '/api/events', { ...auth, host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('attacker.example');
    const page = await rawGet(port, '/', { host: `attacker.example:${port}` });
    expect(page.status).toBe(403);
    const crossSite = await control.api('status', undefined, { headers: { origin: 'http://attacker.example' } });
    expect(crossSite.status).toBe(403);
    const sameSite = await control.api('status', undefined, { headers: { origin: control.uiOrigin } });
    expect(sameSite.status).toBe(200);
    const localhost = await rawGet(port, '/', { host: `localhost:${port}` });
    expect(localhost.status).toBe(200);
  });

  it('takes commands only as JSON, so a cross-site form post cannot run one', async () => {
    const response = await fetch(`${control.uiOrigin}/api/commands/exchanges.clear`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.http.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(response.status).toBe(415);
  });

  it('serves the UI on its own port: index for app paths, 404 for missing assets, nothing outside the folder', async () => {
    const index = await fetch(`${control.uiOrigin}/?token=${control.http.token}`);
    expect(index.status).toBe(200);
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await index.text()).toContain('MCP Handshake Inspector');
    expect((await fetch(`${control.uiOrigin}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${control.uiOrigin}/assets/missing.js`)).status).toBe(404);
    const traversal = await rawGet(control.http.address.port, '/..%2f..%2f..%2fetc%2fpasswd', { host: `127.0.0.1:${control.http.address.port}` });
    expect(traversal.body).not.toContain('root:');
    // Malformed percent-encoding is the client's error: 400, not a 500 from decodeURIComponent.
    const malformed = await rawGet(control.http.address.port, '/assets/%E0%A4%A', { host: `127.0.0.1:${control.http.address.port}` });
    expect(malformed.status).toBe(400);
  });

  it('is never served on the proxy port: a request for it there gets the proxy’s normal answer', async () => {
    const direct = await startReferenceServer();
    try {
      const viaProxy = await fetch(`${control.proxyOrigin}/api/commands/status`, {
        method: 'POST',
        headers: { authorization: `Bearer ${control.http.token}`, 'content-type': 'application/json' },
        body: '',
      });
      const fromServer = await fetch(`${direct.origin}/api/commands/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
      expect(viaProxy.status).toBe(fromServer.status);
      const text = await viaProxy.text();
      expect(text).toBe(await fromServer.text());
      expect(text).not.toContain('mcpUrl');
      const events = await fetch(`${control.proxyOrigin}/api/events`, { headers: { authorization: `Bearer ${control.http.token}` } });
      expect(events.headers.get('content-type')).not.toContain('text/event-stream');
      await events.arrayBuffer();
      const page = await fetch(`${control.proxyOrigin}/?token=${control.http.token}`);
      expect(await page.text()).not.toContain('<div id="root">');
    } finally {
      await direct.close();
    }
    // …and it was recorded like any other exchange.
    const list = await control.api<Array<{ url: string }>>('exchanges.list', {});
    expect(list.result!.some((row) => row.url === '/api/commands/status')).toBe(true);
  });

  it('streams exchanges live, in batches, from start to end, bodies left out', async () => {
    const stream = control.events();
    await stream.opened;
    const response = await fetch(`${control.proxyOrigin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: INITIALIZE });
    expect(response.status).toBe(401);
    await response.text();
    const row = await stream.exchange((s) => s.url === '/mcp' && s.state === 'complete' && s.status === 401);
    expect(row).toMatchObject({ method: 'POST', phase: 'jsonrpc', rpcMethods: ['initialize'], status: 401 });
    expect(JSON.stringify(row)).not.toContain('only-in-the-body'); // the body stays in the core…
    const full = await control.api<RecordedExchange>('exchanges.get', { id: row.id });
    expect(full.result!.request.body?.data).toContain('only-in-the-body'); // …until asked for
    const hits = await control.api<string[]>('exchanges.search', { text: 'ONLY-IN-THE-BODY' });
    expect(hits.result).toContain(row.id);
    stream.close();
  });

  it('reads an exchange the recorder no longer holds in memory from the run’s capture on disk', async () => {
    const small = await startControl({ memoryWindow: 2 });
    try {
      const post = (marker: string) =>
        fetch(`${small.proxyOrigin}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { marker } }),
        }).then((r) => r.text());
      await post('first-of-five');
      const first = small.inspector.exchanges()[0]!;
      for (const n of [2, 3, 4, 5]) await post(`number-${n}`);
      expect(small.inspector.exchange(first.id)).toBeUndefined(); // out of the in-memory window

      const full = await small.api<RecordedExchange>('exchanges.get', { id: first.id });
      expect(full.result!.request.body?.data).toContain('first-of-five');
      const findings = await small.api<{ findings: unknown[] }>('lint.findings', { exchangeId: first.id });
      expect(findings.ok).toBe(true);
      const replayed = await small.api<{ status: number }>('exchanges.replay', { id: first.id });
      expect(replayed.result!.status).toBe(401);
      expect((await small.api('exchanges.get', { id: 'no-such-exchange' })).result).toBeNull();
    } finally {
      await small.close();
    }
  });

  it('validates every command’s parameters and says what is wrong', async () => {
    const unknown = await control.api('no.such.command');
    expect(unknown.status).toBe(404);
    const badToggle = await control.api('toggles.set', { toggleId: 'notification-status', optionId: '418' });
    expect(badToggle.status).toBe(400);
    expect(badToggle.error?.message).toContain('has no option "418"');
    const missing = await control.api('exchanges.get', {});
    expect(missing.status).toBe(400);
    expect(missing.error?.message).toContain('id');
    const badProfile = await control.api('profile.set', { patch: { notificationStatus: 418 } });
    expect(badProfile.error?.message).toContain('notificationStatus');
    const check = await control.api<RulesCheck>('rules.check', { rules: [{ id: 'x', description: 'd', match: [], steps: [{ type: 'set-status', status: 99 }] }] });
    expect(check.result!.ok).toBe(false);
    expect(check.result!.problems[0]).toContain('rules[0]');
    const setBad = await control.api('rules.set', { rules: 'not an array' });
    expect(setBad.status).toBe(400);
  });

  it('applies toggles live, pushes the new status, and saves them for the next run', async () => {
    const stream = control.events();
    await stream.opened;
    const set = await control.api<InspectorStatus>('toggles.set', { toggleId: 'notification-status', optionId: '204' });
    expect(set.result!.toggles).toEqual({ 'notification-status': '204' });
    const pushed = await stream.until((e) => e.type === 'status' && e.status.toggles['notification-status'] === '204');
    expect(pushed).toBeTruthy();
    expect(new SettingsStore(control.dataDir).get().toggles).toEqual({ 'notification-status': '204' });
    const saved = JSON.parse(readFileSync(join(control.dataDir, 'settings.json'), 'utf8'));
    expect(saved.toggles['notification-status']).toBe('204');
    await control.api('toggles.set', { toggleId: 'notification-status', optionId: 'off' });
    stream.close();
  });

  it('exports the live capture as redacted HAR and imports it back as a new capture', async () => {
    const exported = await control.api<{ fileName: string; har: string; exchanges: number }>('captures.exportHar', {});
    expect(exported.result!.fileName).toMatch(/\.har$/);
    const har = JSON.parse(exported.result!.har);
    expect(har.log.entries.length).toBe(exported.result!.exchanges);
    expect(har.log.entries.length).toBeGreaterThan(0);
    const imported = await control.api<CaptureInfo>('captures.importHar', { har: exported.result!.har, name: 'round trip' });
    expect(imported.result).toMatchObject({ name: 'round trip', exchanges: exported.result!.exchanges, live: false });
    const rows = await control.api<Array<{ id: string }>>('exchanges.list', { capture: imported.result!.id });
    expect(rows.result).toHaveLength(exported.result!.exchanges);
    const list = await control.api<CaptureInfo[]>('captures.list');
    expect(list.result!.filter((c) => c.live)).toHaveLength(1);
    const renamed = await control.api<CaptureInfo[]>('captures.rename', { id: imported.result!.id, name: 'renamed' });
    expect(renamed.result!.find((c) => c.id === imported.result!.id)?.name).toBe('renamed');
    const liveDelete = await control.api('captures.delete', { id: list.result!.find((c) => c.live)!.id });
    expect(liveDelete.ok).toBe(false);
    const deleted = await control.api<CaptureInfo[]>('captures.delete', { id: imported.result!.id });
    expect(deleted.result!.some((c) => c.id === imported.result!.id)).toBe(false);
    // An id that names no capture (any more) is not found, not a failure of the command.
    const again = await control.api('captures.delete', { id: imported.result!.id });
    expect(again.status).toBe(404);
    expect(again.error).toMatchObject({ code: 'not-found', message: `No capture with id ${imported.result!.id}` });
    expect((await control.api('captures.rename', { id: '2020-01-01T00-00-00Z-00000000', name: 'x' })).status).toBe(404);
    expect((await control.api('captures.rename', { id: '../elsewhere', name: 'x' })).status).toBe(400);
    const badHar = await control.api('captures.importHar', { har: '{"nope":1}', name: 'bad' });
    expect(badHar.status).toBe(400);
    expect(badHar.error?.message).toContain('Not a HAR file');
  });

  it('takes tunnel commands through the same contract, checking their options', async () => {
    const manual = await control.api('tunnel.open', { provider: 'manual' });
    expect(manual.status).toBe(400);
    expect(manual.error?.message).toContain('public https URL');
    const badSubdomain = await control.api('tunnel.open', { provider: 'localtunnel', subdomain: 'Bad_Name' });
    expect(badSubdomain.status).toBe(400);
    const closed = await control.api<InspectorStatus>('tunnel.close');
    expect(closed.result!.tunnel).toBeUndefined();
  });

  it('clears the live exchanges and tells every subscriber', async () => {
    const stream = control.events();
    await stream.opened;
    const cleared = await control.api<InspectorStatus>('exchanges.clear');
    expect(cleared.result!.exchangeCount).toBe(0);
    await stream.until((e) => e.type === 'cleared');
    stream.close();
  });
});

describe('control API: upstream switching', () => {
  let control: Awaited<ReturnType<typeof startControl>> | undefined;
  afterEach(async () => {
    await control?.close();
    control = undefined;
  });

  it('switches to another upstream on the same port, reports a dead one as down, and back to the built-in', async () => {
    control = await startControl();
    const other = await startReferenceServer();
    try {
      const switched = await control.api<InspectorStatus>('upstream.set', { upstream: other.origin });
      expect(switched.result!.upstream).toMatchObject({ builtIn: false, health: 'up' });
      expect(switched.result!.port).toBe(Number(new URL(control.proxyOrigin).port));
      const probe = await fetch(`${control.proxyOrigin}/`);
      expect(((await probe.json()) as { server: string }).server).toContain('reference server');
      expect(new SettingsStore(control.dataDir).get().upstream).toBe(`${other.origin}/`);
    } finally {
      await other.close();
    }
    const dead = await control.api<InspectorStatus>('upstream.set', { upstream: `http://127.0.0.1:${await freePort()}` });
    expect(dead.result!.upstream.health).toBe('down');
    expect(dead.result!.upstream.reason).toContain('connection refused');
    const malformed = await control.api('upstream.set', { upstream: 'not a url' });
    expect(malformed.ok).toBe(false);
    const back = await control.api<InspectorStatus>('upstream.set', { upstream: null });
    expect(back.result!.upstream).toMatchObject({ builtIn: true, health: 'up' });
    expect((await fetch(`${control.proxyOrigin}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
    expect(new SettingsStore(control.dataDir).get().upstream).toBeUndefined();
  });
});

