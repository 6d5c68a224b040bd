import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { Exchange } from '../../../shared/exchange';
import { duration, time } from '../lib/format';
import type { NotificationLink, Pairing } from '../lib/rpcLinks';
import { interpretSse, labelOf, type SseRow } from '../lib/sseEvents';
import { JsonTree } from './BodyView';
import { ExchangeName, OpenButton, targetOf, type OpenLink } from './exchangeLinks';
import { expandHandshake } from './MessageView';
import './ExchangeViews.css';

// The SSE events of an exchange as a table: time, event type, the JSON-RPC method/id (or
// "ping"), one line of summary. A click opens the event as a JSON tree under its row, with the
// request it belongs to. Pings (comments, empty keep-alives, ping messages) can be hidden.
// Rows are keyed by event index, so a stream that grows while open only appends.

/** Rows drawn at once; a stream open for hours has thousands of pings. */
const ROW_LIMIT = 500;

interface Related {
  label: string;
  /** The request it belongs to or answers, for the compact link in the row ("→ tools/call #3"). */
  short: string;
  /** What the link opens, when it is another exchange or another tab. */
  target?: Parameters<OpenLink>[0];
  /** The other exchange, to name it. */
  exchangeId?: string;
}

/** What each event of this exchange is linked to: the request it belongs to or answers, or the answer it got. */
function relatedByEvent(exchange: Exchange, links: NotificationLink[], pairings: Pairing[]): Map<number, Related[]> {
  const byEvent = new Map<number, Related[]>();
  const add = (index: number, related: Related) => byEvent.set(index, [...(byEvent.get(index) ?? []), related]);
  for (const link of links) {
    const place = link.notification.place;
    if (place.in !== 'sse' || place.exchangeId !== exchange.id) continue;
    const request = link.request;
    const how = link.how === 'progressToken' ? 'by progressToken' : link.how === 'requestId' ? 'by request id' : 'sent on its response stream';
    add(place.index, { label: `belongs to ${labelOf(request.info)} (${how})`, short: `→ ${labelOf(request.info)}`, target: targetOf(request.place), exchangeId: request.place.exchangeId });
  }
  for (const pair of pairings) {
    const response = pair.response?.place;
    if (response?.in === 'sse' && response.exchangeId === exchange.id) {
      add(response.index, {
        label: `answers ${pair.method ?? 'request'} #${pair.rpcId}`,
        short: `→ ${pair.method ?? 'request'} #${pair.rpcId}`,
        target: pair.request ? targetOf(pair.request.place) : { id: pair.requestExchangeId, tab: 'jsonrpc' },
        exchangeId: pair.requestExchangeId,
      });
    }
    const request = pair.request?.place;
    if (request?.in === 'sse' && request.exchangeId === exchange.id) {
      add(request.index, { label: `answered (#${pair.rpcId})`, short: '→ answer', target: pair.response ? targetOf(pair.response.place) : { id: pair.responseExchangeId, tab: 'jsonrpc' }, exchangeId: pair.responseExchangeId });
    }
  }
  return byEvent;
}

/** A method name that may wrap after its slashes, never inside a word. */
function breakable(text: string) {
  const parts = text.split('/');
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          /<wbr />
        </>
      )}
    </Fragment>
  ));
}

function RelatedLinks({ related, exchangeId, onOpen }: { related: Related[]; exchangeId: string; onOpen: OpenLink }) {
  return (
    <>
      {related.map((r, i) => (
        <span key={i} className="sse-related" data-testid="sse-related">
          {r.target ? (
            <OpenButton target={r.target} onOpen={onOpen}>
              → {r.label}
            </OpenButton>
          ) : (
            r.label
          )}
          {r.exchangeId && r.exchangeId !== exchangeId && (
            <span className="hint">
              {' '}
              in <ExchangeName id={r.exchangeId} />
            </span>
          )}
        </span>
      ))}
    </>
  );
}

function EventDetail({ row, related, exchangeId, onOpen }: { row: SseRow; related: Related[]; exchangeId: string; onOpen: OpenLink }) {
  const { event } = row;
  const handshake = row.messages.some((m) => m.method === 'initialize' || m.method === 'server/discover' || (typeof m.result === 'object' && m.result !== null && 'serverInfo' in m.result));
  return (
    <div className="sse-event-detail" data-testid="sse-event-detail">
      <div className="hint">
        Event {event.index} · {row.type}
        {event.id !== undefined ? ` · id ${event.id}` : ''}
        {event.retry !== undefined ? ` · retry ${event.retry} ms` : ''} · +{duration(event.at)} after the request started
      </div>
      {related.length > 0 && (
        <div className="sse-related-list">
          <RelatedLinks related={related} exchangeId={exchangeId} onOpen={onOpen} />
        </div>
      )}
      {event.kind === 'comment' ? (
        <pre className="raw">: {event.comment}</pre>
      ) : row.json ? (
        <JsonTree value={row.json.value} expand={handshake ? expandHandshake : undefined} />
      ) : event.data !== undefined ? (
        <pre className="raw">{event.data}</pre>
      ) : (
        <p className="hint">No data line: a client dispatches no message for this event.</p>
      )}
    </div>
  );
}

export function SseEventTable({
  exchange,
  links = [],
  pairings = [],
  onOpen,
  focusIndex,
}: {
  exchange: Exchange;
  links?: NotificationLink[];
  pairings?: Pairing[];
  onOpen: OpenLink;
  focusIndex?: number;
}) {
  const [hidePings, setHidePings] = useState(false);
  const [selected, setSelected] = useState<number | undefined>(focusIndex);
  const focusRef = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (focusIndex === undefined) return;
    setSelected(focusIndex);
  }, [focusIndex]);
  useEffect(() => {
    if (focusIndex !== undefined && selected === focusIndex) focusRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [focusIndex, selected]);

  // Interpreting is per event: rows already seen keep their objects while the stream grows.
  const cache = useRef(new Map<number, { source: unknown; row: SseRow }>());
  const rows = useMemo(
    () =>
      exchange.sseEvents.map((event) => {
        const cached = cache.current.get(event.index);
        if (cached && cached.source === event.data + String(event.comment) + String(event.id)) return cached.row;
        const row = interpretSse(event);
        cache.current.set(event.index, { source: event.data + String(event.comment) + String(event.id), row });
        return row;
      }),
    [exchange.sseEvents],
  );
  const related = useMemo(() => relatedByEvent(exchange, links, pairings), [exchange, links, pairings]);
  const pings = rows.filter((r) => r.ping).length;
  const kept = hidePings ? rows.filter((r) => !r.ping) : rows;
  // A long stream shows its newest rows; all on request, or when a link asks for an older one.
  const [showAll, setShowAll] = useState(false);
  const limited = !showAll && kept.length > ROW_LIMIT && !(selected !== undefined && kept.findIndex((r) => r.event.index === selected) < kept.length - ROW_LIMIT && kept.some((r) => r.event.index === selected));
  const shown = limited ? kept.slice(-ROW_LIMIT) : kept;

  if (rows.length === 0) return <p className="hint">No SSE events{exchange.state === 'streaming' ? ' yet' : ''}.</p>;
  return (
    <div className="sse-table-view" data-testid="sse-table-view">
      <div className="sse-tools">
        <span className="hint" data-testid="sse-counts">
          {rows.length} event{rows.length === 1 ? '' : 's'}, {pings} ping{pings === 1 ? '' : 's'}
          {exchange.state === 'streaming' ? ' · stream open, updating live' : ''}
        </span>
        <label>
          <input type="checkbox" checked={hidePings} onChange={(e) => setHidePings(e.target.checked)} data-testid="hide-pings" /> Hide pings
        </label>
      </div>
      {limited && (
        <p className="hint">
          Showing the newest {ROW_LIMIT} of {kept.length} events.{' '}
          <button className="link" onClick={() => setShowAll(true)}>
            Show all
          </button>
        </p>
      )}
      <table className="sse-table" data-testid="sse-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">JSON-RPC</th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const index = row.event.index;
            const open = selected === index;
            const rowRelated = related.get(index) ?? [];
            return (
              <Fragment key={index}>
                <tr
                  ref={open && focusIndex === index ? focusRef : undefined}
                  className={`sse-row${row.ping ? ' sse-ping' : ''}${open ? ' selected' : ''}`}
                  data-testid="sse-row"
                  data-index={index}
                  data-ping={row.ping ? 'true' : 'false'}
                  aria-selected={open}
                  tabIndex={0}
                  onClick={() => setSelected(open ? undefined : index)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      setSelected(open ? undefined : index);
                    }
                  }}
                >
                  <td className="sse-index">{index}</td>
                  <td className="sse-time" title={`+${duration(row.event.at)} after the request started`}>
                    {time(exchange.startedAt + row.event.at)}
                  </td>
                  <td className="sse-type">{row.type}</td>
                  <td className="sse-rpc">{breakable(row.rpcLabel)}</td>
                  <td className="sse-summary">
                    <span className="sse-summary-text">{row.summary}</span>
                    {rowRelated.slice(0, 1).map((r) =>
                      r.target ? (
                        <span key="related" className="sse-related-inline" data-testid="sse-related-inline" title={r.label}>
                          <OpenButton target={r.target} onOpen={onOpen}>
                            {r.short}
                          </OpenButton>
                        </span>
                      ) : null,
                    )}
                  </td>
                </tr>
                {open && (
                  <tr className="sse-detail-row">
                    <td colSpan={5}>
                      <EventDetail row={row} related={rowRelated} exchangeId={exchange.id} onOpen={onOpen} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {hidePings && pings > 0 && <p className="hint">{pings} ping{pings === 1 ? '' : 's'} hidden.</p>}
    </div>
  );
}
