import type { SseEvent } from '../../../shared/exchange';

// One SSE event as a table row: its type, the JSON-RPC it carries (method, id), whether it is a
// keep-alive ping, and a one-line summary a reader can scan.

export type RpcMessage = Record<string, unknown>;

export interface RpcInfo {
  kind: 'request' | 'notification' | 'response' | 'error' | 'batch';
  method?: string;
  id?: string | number;
}

export interface SseRow {
  event: SseEvent;
  /** The SSE `event:` field ("message" when absent), or "comment". */
  type: string;
  ping: boolean;
  /** The parsed data when it is JSON. */
  json?: { value: unknown };
  /** The JSON-RPC messages in the data (a batch has several). */
  messages: RpcMessage[];
  rpc?: RpcInfo;
  /** "tools/call #3", "#3 result", "notifications/progress", "ping". */
  rpcLabel: string;
  summary: string;
}

export function isRpcId(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

/** The JSON-RPC messages of a parsed body or event (a batch flattened). */
export function rpcMessages(value: unknown): RpcMessage[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((m): m is RpcMessage => typeof m === 'object' && m !== null && !Array.isArray(m) && ((m as RpcMessage).jsonrpc === '2.0' || 'method' in m || 'result' in m || 'error' in m));
}

export function rpcInfo(message: RpcMessage): RpcInfo {
  const id = isRpcId(message.id) ? message.id : undefined;
  if (typeof message.method === 'string') return { kind: id === undefined ? 'notification' : 'request', method: message.method, id };
  if ('error' in message) return { kind: 'error', id };
  return { kind: 'response', id };
}

export function parseJson(text: string | undefined): { value: unknown } | undefined {
  if (text === undefined || !/^\s*[{["\d-tfn]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Compact JSON cut to a line. */
export function oneLine(value: unknown, max = 140): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const isPingMethod = (method: string | undefined) => method === 'ping' || (method !== undefined && /(^|\/)ping$/.test(method));

/** One line about a JSON-RPC message, in the protocol's words. */
export function summarizeMessage(message: RpcMessage): string {
  const params = (message.params ?? {}) as Record<string, unknown>;
  switch (message.method) {
    case 'notifications/progress': {
      const { progress, total, message: text, progressToken } = params;
      return `progress ${String(progress)}${total !== undefined ? `/${String(total)}` : ''}${typeof text === 'string' ? ` — ${text}` : ''} (progressToken ${oneLine(progressToken, 40)})`;
    }
    case 'notifications/message':
      return `[${String(params.level ?? 'log')}]${params.logger ? ` ${String(params.logger)}:` : ''} ${oneLine(params.data, 120)}`;
    case 'notifications/cancelled':
      return `cancels request ${oneLine(params.requestId, 40)}${params.reason ? `: ${String(params.reason)}` : ''}`;
    default:
      break;
  }
  if (typeof message.method === 'string') return Object.keys(params).length ? oneLine(params) : '(no params)';
  if ('error' in message) {
    const error = (message.error ?? {}) as { code?: unknown; message?: unknown };
    return `error ${String(error.code)}: ${String(error.message ?? '')}`;
  }
  const result = message.result as Record<string, unknown> | undefined;
  if (result && Array.isArray(result.content)) {
    const first = result.content[0] as { type?: string; text?: string } | undefined;
    const text = first?.type === 'text' && typeof first.text === 'string' ? `"${oneLine(first.text, 100)}"` : `${result.content.length} content item(s)`;
    return `${result.isError ? 'tool error: ' : 'result: '}${text}`;
  }
  if (result && typeof result === 'object' && 'serverInfo' in result) {
    const info = result.serverInfo as { name?: string; version?: string };
    return `initialized: ${info?.name ?? 'server'} ${info?.version ?? ''}, protocol ${String(result.protocolVersion ?? '?')}`.trim();
  }
  return `result: ${oneLine(result ?? {})}`;
}

export function interpretSse(event: SseEvent): SseRow {
  if (event.kind === 'comment') {
    const text = event.comment ?? '';
    return { event, type: 'comment', ping: true, messages: [], rpcLabel: 'ping', summary: text.trim() ? `: ${text}` : '(empty comment: keep-alive)' };
  }
  const type = event.event || 'message';
  if (event.data === undefined || event.data.trim() === '') {
    const priming = event.id !== undefined;
    return {
      event,
      type,
      ping: !priming && event.retry === undefined,
      messages: [],
      rpcLabel: !priming && event.retry === undefined ? 'ping' : '',
      summary: priming
        ? `priming event: id ${event.id}${event.retry !== undefined ? `, retry ${event.retry} ms` : ''}; no data, so a client dispatches no message (it can resume from this id)`
        : event.retry !== undefined
          ? `retry ${event.retry} ms, no data`
          : '(empty event: keep-alive)',
    };
  }
  const json = parseJson(event.data);
  const messages = json ? rpcMessages(json.value) : [];
  if (messages.length === 0) {
    return { event, type, ping: false, json, messages, rpcLabel: '', summary: type === 'endpoint' ? `endpoint: ${oneLine(event.data, 120)} (where the client POSTs its messages)` : oneLine(json ? json.value : event.data) };
  }
  if (messages.length > 1) {
    const labels = messages.map((m) => labelOf(rpcInfo(m)));
    return { event, type, ping: false, json, messages, rpc: { kind: 'batch' }, rpcLabel: `batch of ${messages.length}`, summary: labels.join(', ') };
  }
  const rpc = rpcInfo(messages[0]!);
  const ping = isPingMethod(rpc.method);
  return { event, type, ping, json, messages, rpc, rpcLabel: ping ? `ping${rpc.id !== undefined ? ` #${rpc.id}` : ''}` : labelOf(rpc), summary: summarizeMessage(messages[0]!) };
}

export function labelOf(rpc: RpcInfo): string {
  if (rpc.kind === 'request') return `${rpc.method} #${rpc.id}`;
  if (rpc.kind === 'notification') return rpc.method ?? '';
  if (rpc.kind === 'error') return `#${rpc.id ?? 'null'} error`;
  if (rpc.kind === 'response') return `#${rpc.id} result`;
  return '';
}
