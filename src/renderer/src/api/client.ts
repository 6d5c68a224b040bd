import {
  HTTP_API,
  type CommandEnvelope,
  type CommandName,
  type ConnectionState,
  type ControlClient,
  type ControlEvent,
  type InspectorBridge,
} from '../../../shared/controlApi';

// The renderer's one way to the core: a ControlClient over Electron IPC (the preload's
// window.inspector) or over HTTP + SSE (the headless web UI). Components never know which.

export class CommandFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function unwrap<T>(envelope: CommandEnvelope): T {
  if (envelope.ok) return envelope.result as T;
  throw new CommandFailedError(envelope.error.message, envelope.error.code);
}

/** Over the preload bridge: every command is one of its named functions. */
export function ipcClient(bridge: InspectorBridge): ControlClient {
  return {
    async call(name: CommandName, ...params: unknown[]) {
      const fn = bridge[name] as (p?: unknown) => Promise<CommandEnvelope>;
      return unwrap(await fn(params[0]));
    },
    subscribe(listener, onConnection) {
      onConnection?.({ state: 'open' });
      return bridge.onEvents(listener);
    },
  } as ControlClient;
}

/** Splits an SSE byte stream into `data:` payloads (one JSON batch per event). */
export class SseDataParser {
  private buffer = '';
  push(text: string): string[] {
    this.buffer += text.replace(/\r\n?/g, '\n');
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      if (data) out.push(data);
    }
    return out;
  }
}

export interface HttpClientOptions {
  baseUrl?: string;
  token: string;
  fetch?: typeof fetch;
  /** Wait before reconnecting the event stream, ms. */
  retryMs?: number;
}

/**
 * Over HTTP: commands are POSTs, events one streamed response read with fetch so the token
 * travels in a header (EventSource can't send one), reconnecting after a drop.
 */
export function httpClient(options: HttpClientOptions): ControlClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const auth = { Authorization: `Bearer ${options.token}` };
  return {
    async call(name: CommandName, ...params: unknown[]) {
      const response = await doFetch(`${base}${HTTP_API.commandPrefix}${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: params[0] === undefined ? '' : JSON.stringify(params[0]),
      });
      let envelope: CommandEnvelope;
      try {
        envelope = (await response.json()) as CommandEnvelope;
      } catch {
        throw new CommandFailedError(`The inspector answered ${response.status} to ${name}`, 'failed');
      }
      return unwrap(envelope);
    },
    subscribe(listener: (events: ControlEvent[]) => void, onConnection?: (state: ConnectionState) => void) {
      const stop = new AbortController();
      const run = async () => {
        while (!stop.signal.aborted) {
          let reason = 'the connection to the inspector dropped';
          try {
            const response = await doFetch(`${base}${HTTP_API.events}`, { headers: auth, signal: stop.signal });
            if (response.status === 401 || response.status === 403) {
              onConnection?.({ state: 'unauthorized', reason: await response.text().then((t) => tryMessage(t)) });
              return;
            }
            if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
            onConnection?.({ state: 'open' });
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            const parser = new SseDataParser();
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              for (const data of parser.push(value)) listener(JSON.parse(data) as ControlEvent[]);
            }
          } catch (err) {
            if (stop.signal.aborted) return;
            reason = (err as Error).message;
          }
          onConnection?.({ state: 'reconnecting', reason });
          await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1500));
        }
      };
      void run();
      return () => stop.abort();
    },
  } as ControlClient;
}

function tryMessage(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text;
  }
}

const TOKEN_KEY = 'mcp-inspector-token';

/**
 * The token of the headless UI: from `?token=` on the first load (then removed from the
 * address bar and history), else the one this browser kept for this origin.
 */
export function takeToken(location: Location, history: History, storage: Storage): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

/** The client for this page: IPC inside the desktop app, HTTP in a browser. */
export function connect(): ControlClient | { error: string } {
  if (window.inspector) return ipcClient(window.inspector);
  const token = takeToken(window.location, window.history, window.localStorage);
  if (!token) return { error: 'This page needs the access token: open the full URL the inspector printed when it started (it ends in ?token=…).' };
  return httpClient({ token });
}
