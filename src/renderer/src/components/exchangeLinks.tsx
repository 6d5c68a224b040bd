import type { ReactNode } from 'react';
import { time } from '../lib/format';
import type { Place } from '../lib/rpcLinks';
import { useTimeline } from '../state/store';

// Links between exchanges in the detail pane: what to open (an exchange, a tab, an SSE event),
// and a short name for another exchange ("GET /mcp at 12:00:01.234").

export type DetailTab = 'request' | 'response' | 'sse' | 'jsonrpc';

export interface LinkTarget {
  id: string;
  tab?: DetailTab;
  sseIndex?: number;
}

export type OpenLink = (target: LinkTarget) => void;

/** Where to land once another exchange's detail opens (set just before selecting it). */
let pending: LinkTarget | undefined;

export function setPendingFocus(target: LinkTarget | undefined): void {
  pending = target;
}

/** The focus asked for this exchange, once. */
export function takePendingFocus(id: string): LinkTarget | undefined {
  if (pending?.id !== id) return undefined;
  const target = pending;
  pending = undefined;
  return target;
}

/** The tab and event a message's place opens. */
export function targetOf(place: Place): LinkTarget {
  return place.in === 'sse' ? { id: place.exchangeId, tab: 'sse', sseIndex: place.index } : { id: place.exchangeId, tab: 'jsonrpc' };
}

export function placeText(place: Place, currentId: string): string {
  const here = place.exchangeId === currentId;
  if (place.in === 'sse') return `${here ? 'this exchange’s' : 'its'} SSE event ${place.index}`;
  if (place.in === 'request') return here ? 'this exchange’s request body' : 'its request body';
  return here ? 'this exchange’s response body' : 'its response body';
}

/** "GET /mcp (SSE) at 12:00:01.234", from the timeline row. */
export function ExchangeName({ id }: { id: string }) {
  const row = useTimeline().byId.get(id);
  if (!row) return <span className="hint">exchange {id}</span>;
  return (
    <span className="exchange-name">
      {row.method} {row.url.split('?')[0]} · {row.label} · {time(row.startedAt)}
    </span>
  );
}

export function OpenButton({ target, onOpen, children }: { target: LinkTarget; onOpen: OpenLink; children: ReactNode }) {
  return (
    <button
      className="link"
      data-testid="open-link"
      onClick={(e) => {
        e.stopPropagation();
        onOpen(target);
      }}
    >
      {children}
    </button>
  );
}
