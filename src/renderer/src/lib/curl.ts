import type { Exchange } from '../../../shared/exchange';

/** Headers curl sets itself or that describe the recorded connection, not the request. */
const SKIP = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding', 'keep-alive']);

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A curl command that sends the recorded request again to `origin` (the front door by default). */
export function toCurl(exchange: Exchange, origin: string): string {
  const { request } = exchange;
  const parts = ['curl', '-i'];
  if (request.method !== 'GET') parts.push('-X', request.method);
  parts.push(quote(new URL(request.url, origin).toString()));
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || SKIP.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push('-H', quote(`${name}: ${v}`));
  }
  const body = request.body;
  if (body && body.encoding === 'utf8' && body.data) parts.push('--data-raw', quote(body.data));
  if ((exchange.response?.headers['content-type'] ?? '').toString().includes('text/event-stream')) parts.push('-N');
  return parts.join(' ');
}
