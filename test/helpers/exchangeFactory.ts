import { bodyRecord } from '../../src/main/core/wire/body';
import { classifyRequest, classifyResponse } from '../../src/main/core/recorder/classify';
import type { Exchange, HttpHeaders } from '../../src/shared/exchange';

// Exchanges as the recorder would hold them, built from a request (and response) spec, for unit
// tests of what reads them (correlation, connections and runs, outcomes).

export interface ExchangeSpec {
  id?: string;
  method?: string;
  url?: string;
  headers?: HttpHeaders;
  body?: unknown;
  response?: { status?: number; headers?: HttpHeaders; body?: unknown };
  address?: string;
  startedAt?: number;
  state?: Exchange['state'];
  error?: Exchange['error'];
  simulationRun?: string;
}

let counter = 0;
const text = (body: unknown) => (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));

/** An Exchange as the recorder would hold it, classified from its request (and response). */
export function exchange(spec: ExchangeSpec = {}): Exchange {
  const method = spec.method ?? 'POST';
  const url = spec.url ?? '/mcp';
  const headers = spec.headers ?? { 'content-type': 'application/json' };
  const requestText = text(spec.body);
  let classification = classifyRequest(method, url, headers, requestText);
  const response = spec.response && { status: spec.response.status ?? 200, headers: spec.response.headers ?? { 'content-type': 'application/json' }, body: undefined as Exchange['request']['body'] };
  if (response && spec.response?.body !== undefined) response.body = bodyRecord(Buffer.from(text(spec.response.body)!));
  if (response) classification = classifyResponse(classification, response.status, response.headers, text(spec.response?.body));
  const userAgent = headers['user-agent'];
  return {
    id: spec.id ?? `ex-${++counter}`,
    startedAt: spec.startedAt ?? 0,
    timings: {},
    state: spec.state ?? 'complete',
    ...(spec.error ? { error: spec.error } : {}),
    ...(spec.simulationRun ? { simulationRun: spec.simulationRun, simulated: true } : {}),
    client: { family: 'unknown', label: 'test', address: spec.address ?? '127.0.0.1', userAgent: Array.isArray(userAgent) ? userAgent[0] : userAgent },
    request: { method, url, httpVersion: '1.1', headers, body: requestText === undefined ? undefined : bodyRecord(Buffer.from(requestText)) },
    response,
    sseEvents: [],
    classification,
    appliedRules: [],
  };
}

