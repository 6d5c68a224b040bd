import type { ServerResponse } from 'node:http';
import { formatSse, type ParsedSse } from '../wire/sse';
import type { JsonRpcEdits } from './jsonPatch';

// SSE transforms act on parsed events, never on raw chunks: drop, delay or patch event N,
// close after N. The events are formatted again one by one (wire/sse.ts formatSse).

export interface SseTransform {
  drop: Set<number>;
  delays: Map<number, number>;
  closeAfter?: number;
  /** patch-json steps, applied to each event's JSON data. */
  patches?: JsonRpcEdits;
}

export function sseTransform(): SseTransform {
  return { drop: new Set(), delays: new Map() };
}

/** Whether the transform changes anything (else the stream's bytes pass as they came). */
export function transforms(sse: SseTransform): boolean {
  return sse.drop.size > 0 || sse.delays.size > 0 || sse.closeAfter !== undefined || sse.patches !== undefined;
}

/** Writes parsed SSE items to the client in order, applying drop / delay / close-after. */
export class SseEventWriter {
  private chain: Promise<void> = Promise.resolve();
  private eventIndex = 0;
  private sent = 0;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly transform: SseTransform,
    private readonly stopUpstream: () => void,
  ) {}

  write(parsed: ParsedSse): void {
    const patched = parsed.kind === 'event' && parsed.data !== undefined ? this.transform.patches?.apply(parsed.data) : undefined;
    const item = patched === undefined ? parsed : { ...parsed, data: patched };
    const index = item.kind === 'event' ? this.eventIndex++ : -1;
    if (index >= 0 && this.transform.drop.has(index)) return;
    const delay = index >= 0 ? this.transform.delays.get(index) : undefined;
    this.chain = this.chain.then(async () => {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closed) return;
      this.res.write(formatSse(item));
      if (index >= 0 && ++this.sent === this.transform.closeAfter) {
        this.closed = true;
        this.res.end();
        this.stopUpstream();
      }
    });
  }

  drained(): Promise<void> {
    return this.chain;
  }
}
