import type { ExchangeSummary } from '../../../shared/controlApi';
import { AUTHORIZATION_RESPONSE_RELAY, type BodyRecord, type HttpHeaders } from '../../../shared/exchange';

export const PHASE_LABELS: Record<string, string> = {
  discovery: 'discovery',
  registration: 'DCR',
  authorization: 'authorize',
  token: 'token',
  jsonrpc: 'JSON-RPC',
  'sse-stream': 'SSE',
  'session-end': 'DELETE',
  other: 'other',
};

/**
 * The badge a row shows: the JSON-RPC method for JSON-RPC, else the phase; "callback" for the
 * authorization response --intercept-as relays (the browser coming back, not the request that sent it).
 */
export function phaseBadge(row: Pick<ExchangeSummary, 'phase' | 'rpcMethods' | 'label'>): string {
  if (row.phase === 'jsonrpc' && row.rpcMethods.length) return row.rpcMethods.length > 1 ? `${row.rpcMethods[0]} +${row.rpcMethods.length - 1}` : row.rpcMethods[0]!;
  if (row.phase === 'authorization' && row.label === AUTHORIZATION_RESPONSE_RELAY) return 'callback';
  return PHASE_LABELS[row.phase] ?? row.phase;
}

export function statusClass(status: number | undefined): string {
  if (status === undefined) return 'pending';
  return `s${String(status)[0]}xx`;
}

export function time(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function header(headers: HttpHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(', ') : value;
  return undefined;
}

/** The body as text when it is text; base64 bodies are described, not shown. */
export function bodyText(body: BodyRecord | undefined): string | undefined {
  if (!body) return undefined;
  return body.encoding === 'utf8' ? body.data : undefined;
}

export function shortId(id: string | undefined): string {
  if (!id) return '';
  const bare = id.replace(/^(session|client|token|ua):/, '');
  return bare.length > 10 ? `${bare.slice(0, 8)}…` : bare;
}
