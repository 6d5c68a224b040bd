import type { Exchange } from '../../../shared/exchange';
import { duration } from '../lib/format';
import { locatedMessages, type LocatedMessage, type NotificationLink, type Pairing } from '../lib/rpcLinks';
import { labelOf, summarizeMessage } from '../lib/sseEvents';
import { JsonTree } from './BodyView';
import { ExchangeName, OpenButton, placeText, targetOf, type OpenLink } from './exchangeLinks';
import { expandFor, expandHandshake } from './MessageView';
import './ExchangeViews.css';

// The JSON-RPC tab: what the client sent, the response paired with each request (shown, not
// just named, wherever it travelled), the notifications that belong to each request (progress
// on the GET stream, cancellations), and, for an exchange that carries answers or notifications
// for requests elsewhere, the request they belong to.

function handshakeMessage(message: LocatedMessage['message']): boolean {
  return message.method === 'initialize' || message.method === 'server/discover' || (typeof message.result === 'object' && message.result !== null && 'serverInfo' in message.result);
}

/** A response's result or error is what a reader came for: open it a few levels down. */
const openAnswer = (path: readonly string[]) => (path[0] === 'result' || path[0] === 'error') && path.length <= 4;

/** One JSON-RPC message with where it travelled and a link there when that is elsewhere. */
function MessageCard({ located, title, current, onOpen, testId }: { located: LocatedMessage; title: string; current: Exchange; onOpen: OpenLink; testId: string }) {
  const elsewhere = located.place.exchangeId !== current.id;
  const isError = located.info.kind === 'error';
  return (
    <div className={`rpc-card${isError ? ' rpc-error' : ''}`} data-testid={testId}>
      <div className="rpc-card-head">
        <strong>{title}</strong> <span className="rpc-summary">{summarizeMessage(located.message)}</span>
      </div>
      <div className="hint">
        In {placeText(located.place, current.id)}
        {elsewhere && (
          <>
            {' '}
            of <ExchangeName id={located.place.exchangeId} />{' '}
            <OpenButton target={targetOf(located.place)} onOpen={onOpen}>
              open it
            </OpenButton>
          </>
        )}
        {!elsewhere && located.place.in === 'sse' && (
          <>
            {' '}
            <OpenButton target={targetOf(located.place)} onOpen={onOpen}>
              show in the SSE tab
            </OpenButton>
          </>
        )}
      </div>
      <JsonTree value={located.message} expand={handshakeMessage(located.message) ? expandHandshake : openAnswer} />
    </div>
  );
}

function NotificationList({ links, current, onOpen, side }: { links: NotificationLink[]; current: Exchange; onOpen: OpenLink; side: 'notification' | 'request' }) {
  return (
    <ul className="rpc-links">
      {links.map((link, i) => {
        const other = side === 'notification' ? link.notification : link.request;
        const elsewhere = other.place.exchangeId !== current.id;
        return (
          <li key={i} data-testid={side === 'notification' ? 'rpc-notification' : 'rpc-belongs'}>
            {side === 'request' && <span>{labelOf(link.notification.info)} belongs to </span>}
            <OpenButton target={targetOf(other.place)} onOpen={onOpen}>
              {labelOf(other.info)}
            </OpenButton>{' '}
            <span className="rpc-summary">{summarizeMessage(side === 'notification' ? other.message : link.notification.message)}</span>{' '}
            <span className="hint">
              · {placeText(other.place, current.id)}
              {elsewhere && (
                <>
                  {' '}
                  of <ExchangeName id={other.place.exchangeId} />
                </>
              )}
              {link.how === 'progressToken' ? ' · by progressToken' : link.how === 'requestId' ? ' · by request id' : ' · on the request’s response stream'}
              {side === 'notification' && ` · +${duration(link.notification.at - link.request.at)}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function RpcPanel({ exchange, links, pairings, onOpen }: { exchange: Exchange; links: NotificationLink[]; pairings: Pairing[]; onOpen: OpenLink }) {
  const summary = exchange.classification.jsonRpc;
  const messages = locatedMessages(exchange);
  const sent = messages.filter((m) => m.place.in === 'request');
  const requests = sent.filter((m) => m.info.kind === 'request');
  const requestBody = (() => {
    const text = exchange.request.body?.encoding === 'utf8' ? exchange.request.body.data : undefined;
    try {
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      return undefined;
    }
  })();
  // Pairs where this exchange sent the request, and pairs where it carries the answer to a request sent elsewhere.
  const own = pairings.filter((p) => p.requestExchangeId === exchange.id);
  const answers = pairings.filter((p) => p.responseExchangeId === exchange.id && p.requestExchangeId !== exchange.id);
  const forRequests = links.filter((l) => l.request.place.exchangeId === exchange.id && l.request.place.in === 'request');
  const belongs = links.filter((l) => l.notification.place.exchangeId === exchange.id && l.request.place.exchangeId !== exchange.id);

  return (
    <div className="rpc-panel">
      {summary ? (
        <section data-testid="rpc-request">
          <h4>
            Request: {summary.kind === 'request' ? '' : `${summary.kind} `}
            {summary.methods.join(', ')} {summary.ids.length ? `(id ${summary.ids.join(', ')})` : ''}
          </h4>
          {requestBody !== undefined && <JsonTree value={requestBody} expand={(path) => path[path.length - 1] === '_meta' || (expandFor(summary.methods)?.(path) ?? false)} />}
        </section>
      ) : (
        <p className="hint">The request carried no JSON-RPC.</p>
      )}

      {(requests.length > 0 || own.length > 0) && (
        <section data-testid="paired-responses">
          <h4>Paired response{requests.length > 1 ? 's' : ''}</h4>
          {requests.map((request) => {
            const pair = own.find((p) => String(p.rpcId) === String(request.info.id) && (p.method === undefined || p.method === request.info.method));
            const title = `${labelOf(request.info)} →`;
            if (pair?.response) return <MessageCard key={String(request.info.id)} located={pair.response} title={title} current={exchange} onOpen={onOpen} testId="paired-response" />;
            if (pair)
              return (
                <p key={String(request.info.id)} className="hint" data-testid="paired-response">
                  {title} answered in <ExchangeName id={pair.responseExchangeId} />{' '}
                  <OpenButton target={{ id: pair.responseExchangeId, tab: 'jsonrpc' }} onOpen={onOpen}>
                    open it
                  </OpenButton>
                </p>
              );
            return (
              <p key={String(request.info.id)} className="hint" data-testid="no-response">
                {title} no response seen yet
                {exchange.response && exchange.response.status >= 400 ? ` (the HTTP answer was ${exchange.response.status}: the request was refused before JSON-RPC)` : exchange.state === 'complete' ? ' in this exchange or the streams of its connection' : ''}.
              </p>
            );
          })}
        </section>
      )}
      {requests.length === 0 && summary?.kind === 'notification' && (
        <p className="hint">A notification gets no JSON-RPC response: the HTTP status ({exchange.response?.status ?? '…'}) is the whole answer (the spec says 202).</p>
      )}

      {forRequests.length > 0 && (
        <section data-testid="rpc-notifications">
          <h4>Notifications for this request ({forRequests.length})</h4>
          <NotificationList links={forRequests} current={exchange} onOpen={onOpen} side="notification" />
        </section>
      )}

      {answers.length > 0 && (
        <section data-testid="rpc-answers">
          <h4>Answers to requests sent elsewhere</h4>
          {answers.map((pair) =>
            pair.request ? (
              <MessageCard key={`${pair.requestExchangeId}-${pair.rpcId}`} located={pair.request} title={`answers ${labelOf(pair.request.info)}`} current={exchange} onOpen={onOpen} testId="answered-request" />
            ) : (
              <p key={`${pair.requestExchangeId}-${pair.rpcId}`}>
                answers {pair.method ?? 'request'} #{String(pair.rpcId)} sent in <ExchangeName id={pair.requestExchangeId} />{' '}
                <OpenButton target={{ id: pair.requestExchangeId, tab: 'jsonrpc' }} onOpen={onOpen}>
                  open it
                </OpenButton>
              </p>
            ),
          )}
          {answers.map((pair) =>
            pair.response && pair.response.place.exchangeId === exchange.id ? (
              <MessageCard key={`r-${pair.requestExchangeId}-${pair.rpcId}`} located={pair.response} title={`#${String(pair.rpcId)} ${pair.response.info.kind === 'error' ? 'error' : 'result'} (here)`} current={exchange} onOpen={onOpen} testId="answer-here" />
            ) : null,
          )}
        </section>
      )}

      {belongs.length > 0 && (
        <section data-testid="belongs-to">
          <h4>Belongs to</h4>
          <NotificationList links={belongs} current={exchange} onOpen={onOpen} side="request" />
        </section>
      )}
    </div>
  );
}
