import type { BodyRecord, HttpHeaders } from '../../../shared/exchange';
import { header } from '../lib/format';
import { BodyView, HeaderJwts, HeadersTable, type JsonExpand } from './BodyView';
import './ExchangeViews.css';

// A request or response as a reader wants it: when the body is JSON or a form (PRM, DCR, token,
// initialize), the body comes first and the headers fold away (counted, one click to open); the
// JWTs they carry stay decoded in sight. Other bodies keep headers first.

export function isStructuredBody(body: BodyRecord | undefined, headers: HttpHeaders): boolean {
  if (!body || body.size === 0 || body.encoding !== 'utf8') return false;
  const type = header(headers, 'content-type') ?? '';
  if (type.includes('json') || type.includes('application/x-www-form-urlencoded')) return true;
  if (type.includes('text/event-stream') || type.includes('html')) return false;
  return /^\s*[{[]/.test(body.data);
}

function headerCount(headers: HttpHeaders): number {
  return Object.values(headers).reduce<number>((n, v) => n + (v === undefined ? 0 : Array.isArray(v) ? v.length : 1), 0);
}

export function FoldedHeaders({ headers, where }: { headers: HttpHeaders; where: string }) {
  const count = headerCount(headers);
  return (
    <details className="folded-headers" data-testid="folded-headers">
      <summary>
        Headers <span className="count">({count})</span>
      </summary>
      <HeadersTable headers={headers} where={where} decodeJwts={false} />
    </details>
  );
}

export function MessageView({ headers, body, where, expand, explained }: { headers: HttpHeaders; body?: BodyRecord; where: string; expand?: JsonExpand; explained?: boolean }) {
  if (explained && isStructuredBody(body, headers)) {
    // A parameter table above already shows every field: the body as sent folds away too.
    return (
      <div className="message-view body-first" data-testid="body-first">
        <details className="folded-body" data-testid="folded-body">
          <summary>Body as sent <span className="count">({header(headers, 'content-type')?.split(';')[0] ?? 'no content type'})</span></summary>
          <BodyView body={body} headers={headers} where={where} expand={expand} />
        </details>
        <FoldedHeaders headers={headers} where={where} />
        <HeaderJwts headers={headers} where={where} />
      </div>
    );
  }
  if (isStructuredBody(body, headers)) {
    return (
      <div className="message-view body-first" data-testid="body-first">
        <h4>Body</h4>
        <BodyView body={body} headers={headers} where={where} expand={expand} />
        <FoldedHeaders headers={headers} where={where} />
        <HeaderJwts headers={headers} where={where} />
      </div>
    );
  }
  return (
    <div className="message-view">
      <h4>Headers</h4>
      <HeadersTable headers={headers} where={where} />
      <h4>Body</h4>
      <BodyView body={body} headers={headers} where={where} expand={expand} />
    </div>
  );
}

/** The JSON-RPC handshake methods whose capabilities and client/server info open by default. */
const HANDSHAKE = new Set(['initialize', 'server/discover']);
const OPEN_KEYS = new Set(['capabilities', 'clientInfo', 'serverInfo', 'params', 'result']);

/** Opens capabilities and clientInfo/serverInfo (with what leads to them) of initialize and server/discover. */
export const expandHandshake: JsonExpand = (path) => path.some((key) => OPEN_KEYS.has(key));

export function expandFor(methods: readonly string[] | undefined): JsonExpand | undefined {
  return methods?.some((m) => HANDSHAKE.has(m)) ? expandHandshake : undefined;
}
