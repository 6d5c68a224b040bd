import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpHeaders } from '../../../shared/exchange';
import { HOP_BY_HOP } from '../wire/headers';
import { originForm } from '../wire/paths';

// Replaying a recorded request through the front door, as-is or edited: the new exchange is
// recorded like any other and linked to the original with `replayOf`.

/** A recorded request to send again. */
export interface ReplayRequest {
  replayOf: string;
  method: string;
  url: string;
  headers: HttpHeaders;
  body?: Buffer;
}

const REPLAY_HEADER = 'x-mcp-inspector-replay';

export class Replays {
  private readonly secret = randomUUID();
  /** Replays under way, by their marker's nonce: each learns the id of the exchange it became. */
  private readonly pending = new Map<string, (exchangeId: string) => void>();

  /** Sends the request to the front door listening on `port`; resolves with the status and the new exchange's id. */
  async send(port: number, request: ReplayRequest): Promise<{ status: number; exchangeId?: string }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Each replay gets its own marker, so two replays of one exchange learn their own new ids.
    const nonce = randomUUID();
    headers[REPLAY_HEADER] = `${this.secret}:${request.replayOf}:${nonce}`;
    const started = new Promise<string>((resolve) => this.pending.set(nonce, resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${port}${originForm(request.url)}`, {
        method: request.method,
        headers,
        body: request.body && !['GET', 'HEAD'].includes(request.method) ? new Uint8Array(request.body) : undefined,
        redirect: 'manual',
      });
      const exchangeId = await started;
      // The caller gets the status now; the body is read to its end in the background, so the new
      // exchange records all of it (a stream runs until the upstream ends it or the front door stops).
      void drain(response);
      return { status: response.status, exchangeId };
    } finally {
      this.pending.delete(nonce);
    }
  }

  /**
   * The replay a request is, taking its marker off (the upstream sees the request as recorded).
   * A marker is honoured only with this process's secret, so clients can't forge one.
   */
  take(req: IncomingMessage): { replayOf: string; nonce?: string } | undefined {
    const marker = req.headers[REPLAY_HEADER];
    if (typeof marker !== 'string') return undefined;
    delete req.headers[REPLAY_HEADER];
    const [secret, replayOf, nonce] = marker.split(':');
    return secret === this.secret && replayOf ? { replayOf, nonce } : undefined;
  }

  /** Tells a replay waiting for it which exchange it became. */
  started(nonce: string | undefined, exchangeId: string): void {
    if (nonce) this.pending.get(nonce)?.(exchangeId);
  }
}

/** Reads a response body to its end, discarding it. */
async function drain(response: Response): Promise<void> {
  try {
    const reader = response.body?.getReader();
    while (reader && !(await reader.read()).done);
  } catch {
    // The front door closed the stream: nothing more to read.
  }
}
