import type { ServerResponse } from 'node:http';
import { formatSse } from '../../wire/sse';

/**
 * One `text/event-stream` response. Headers are flushed at once (a client's stream-open must
 * not wait for the first event) and `: ping` comments keep idle streams alive through tunnels
 * and reverse proxies that cut quiet connections.
 */
export class SseStream {
  private pingTimer: NodeJS.Timeout | undefined;
  private nextEventId = 1;
  closed = false;

  constructor(
    readonly res: ServerResponse,
    pingIntervalMs: number,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Tells nginx-style proxies (and some tunnels) not to buffer the stream.
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    res.flushHeaders();
    res.socket?.setTimeout(0);
    res.on('close', () => this.dispose());
    if (pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.comment(`ping ${new Date().toISOString()}`), pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** Writes one event. `data` objects are serialised as JSON on a single data line. */
  send(data: unknown, event?: string): void {
    if (this.closed) return;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(formatSse({ kind: 'event', id: String(this.nextEventId++), event: event || undefined, data: payload }));
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(formatSse({ kind: 'comment', comment: text }));
  }

  close(): void {
    if (this.closed) return;
    this.dispose();
    this.res.end();
  }

  private dispose(): void {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
  }
}
