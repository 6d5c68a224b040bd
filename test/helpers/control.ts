import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlEvent, ExchangeSummary } from '../../src/shared/controlApi';
import { ControlHttpServer, type ControlHttpServerOptions } from '../../src/main/core/control/httpServer';
import { ControlService, type ControlServiceOptions } from '../../src/main/core/control/service';
import { SettingsStore } from '../../src/main/core/control/settings';
import { capturesDir } from '../../src/main/core/dataDir';
import { Inspector, type InspectorOptions } from '../../src/main/core/inspector';

/**
 * An inspector with its control API served over HTTP, as `serve` runs it, on random ports
 * with a throwaway data dir. `api` calls a command with the token; `events` reads the stream.
 */
export async function startControl(options: InspectorOptions & { http?: ControlHttpServerOptions; tunnelTuning?: ControlServiceOptions['tunnelTuning'] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-inspector-control-'));
  const inspector = await Inspector.create({ port: 0, captureDir: capturesDir(dataDir), profile: { consent: 'auto' }, ...options });
  const info = await inspector.start();
  const settings = new SettingsStore(dataDir);
  const service = new ControlService(inspector, { settings, flushMs: 10, healthIntervalMs: 0, tunnelTuning: options.tunnelTuning });
  const http = new ControlHttpServer(service, { port: 0, ...options.http });
  const url = await http.listen();
  const uiOrigin = `http://127.0.0.1:${http.address.port}`;
  const proxyOrigin = `http://127.0.0.1:${info.port}`;

  async function api<T = unknown>(name: string, params?: unknown, init: { token?: string | null; headers?: Record<string, string> } = {}) {
    const token = init.token === undefined ? http.token : init.token;
    const response = await fetch(`${uiOrigin}/api/commands/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
      body: params === undefined ? '' : JSON.stringify(params),
    });
    const body = (await response.json()) as { ok: boolean; result?: T; error?: { message: string; code: string } };
    return { status: response.status, ...body };
  }

  /** Reads the event stream; `until` resolves with the first batch event passing the test. */
  function events() {
    const abort = new AbortController();
    const seen: ControlEvent[] = [];
    const waiters: Array<{ test: (e: ControlEvent) => boolean; resolve: (e: ControlEvent) => void }> = [];
    const opened = (async () => {
      const response = await fetch(`${uiOrigin}/api/events`, { headers: { authorization: `Bearer ${http.token}` }, signal: abort.signal });
      if (response.status !== 200) throw new Error(`events answered ${response.status}`);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = await reader.read(); // ": connected", once subscribed
      let buffer = first.value ?? '';
      void (async () => {
        try {
          for (;;) {
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = block.split('\n').find((l) => l.startsWith('data: '));
              if (!data) continue;
              for (const event of JSON.parse(data.slice(6)) as ControlEvent[]) {
                seen.push(event);
                for (const waiter of waiters.splice(0)) {
                  if (waiter.test(event)) waiter.resolve(event);
                  else waiters.push(waiter);
                }
              }
            }
            const { value, done } = await reader.read();
            if (done) return;
            buffer += value;
          }
        } catch {
          // aborted
        }
      })();
    })();
    return {
      opened,
      seen,
      until(test: (e: ControlEvent) => boolean): Promise<ControlEvent> {
        const found = seen.find(test);
        if (found) return Promise.resolve(found);
        return new Promise((resolve) => waiters.push({ test, resolve }));
      },
      /** The newest summary of an exchange that passes `test` once it does. */
      exchange(test: (s: ExchangeSummary) => boolean): Promise<ExchangeSummary> {
        return this.until((e) => e.type === 'exchange' && test(e.exchange)).then((e) => (e as Extract<ControlEvent, { type: 'exchange' }>).exchange);
      },
      close: () => abort.abort(),
    };
  }

  return {
    inspector,
    service,
    http,
    url,
    uiOrigin,
    proxyOrigin,
    dataDir,
    api,
    events,
    async close() {
      service.close();
      await http.close();
      await inspector.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A stand-in for out/renderer: the static serving is tested without building the app. */
export function fakeRendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-inspector-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>MCP Handshake Inspector</title><div id="root"></div>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
  return dir;
}
