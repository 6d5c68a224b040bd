import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatSse } from '../wire/sse';

// Requests the inspector sends to itself through the public URL (reachability probes, the SSE
// self-test) carry a marker with this process's secret. The front door uses it to tell them
// apart from real clients: it records probes as simulated and answers the SSE self-test
// itself. Nobody outside can forge the marker, so the test stream is no public endpoint.

export const CHECK_HEADER = 'x-mcp-inspector-check';
export const SSE_SELF_TEST_PATH = '/.mcp-inspector/sse-self-test';

/** What the front door does with a marked request. */
export interface ClaimedCheck {
  id: string;
  /** Set when the inspector answers the request itself (nothing goes upstream or is recorded). */
  respond?: (res: ServerResponse) => void;
}

export class SelfChecks {
  private readonly secret = randomUUID();
  private readonly arrivedIds = new Set<string>();

  /** A new check id and the headers that carry it. */
  mark(): { id: string; headers: Record<string, string> } {
    const id = randomUUID();
    return { id, headers: { [CHECK_HEADER]: `${this.secret}:${id}` } };
  }

  /** Whether a check's request reached the front door (so it went through the tunnel). */
  arrived(id: string): boolean {
    return this.arrivedIds.has(id);
  }

  forget(id: string): void {
    this.arrivedIds.delete(id);
  }

  /** For the front door: recognises (and strips) our marker; undefined for everyone else's requests. */
  readonly claim = (req: IncomingMessage): ClaimedCheck | undefined => {
    const marker = req.headers[CHECK_HEADER];
    if (typeof marker !== 'string') return undefined;
    delete req.headers[CHECK_HEADER];
    const [secret, id] = marker.split(':');
    if (secret !== this.secret || !id) return undefined;
    this.arrivedIds.add(id);
    const url = new URL(req.url ?? '/', 'http://check.invalid');
    if (url.pathname === SSE_SELF_TEST_PATH) return { id, respond: (res) => streamSelfTest(res, url.searchParams) };
    return { id };
  };
}

/** `events` data events, `interval` ms apart, the first at once; then the stream ends. */
function streamSelfTest(res: ServerResponse, params: URLSearchParams): void {
  const events = clamp(Number(params.get('events') ?? 5), 1, 50);
  const intervalMs = clamp(Number(params.get('interval') ?? 300), 0, 5000);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    // What makes proxies pass events on at once (nginx honours X-Accel-Buffering; Cloudflare flushes text/event-stream, cloudflare/cloudflared#1095).
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let sent = 0;
  const timers: NodeJS.Timeout[] = [];
  res.on('close', () => timers.forEach(clearTimeout));
  const send = () => {
    if (res.destroyed) return;
    res.write(formatSse({ kind: 'event', id: String(sent), event: 'self-test', data: JSON.stringify({ n: sent, of: events, sentAt: Date.now() }) }));
    if (++sent === events) res.end();
  };
  for (let i = 0; i < events; i++) timers.push(setTimeout(send, i * intervalMs));
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
