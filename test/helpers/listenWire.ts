import { SseParser } from '../../src/main/core/wire/sse';

// subscriptions/listen (2026-07-28) by hand with fetch: the request headers and `_meta` envelope
// every 2026-07-28 request carries, and a listen stream read frame by frame.

const VERSION = '2026-07-28';
const META = {
  'io.modelcontextprotocol/protocolVersion': VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'listen-test', version: '1.0.0' },
};

type Fetch = (path: string, init: RequestInit) => Promise<Response>;

/** A 2026-07-28 request: body with the `_meta` envelope (and these client capabilities), and the headers that mirror it. */
export function modernRequest(id: string | number, method: string, params: Record<string, unknown> = {}, capabilities: Record<string, unknown> = {}): RequestInit {
  const name = method === 'tools/call' || method === 'prompts/get' ? params.name : method === 'resources/read' ? params.uri : method.startsWith('tasks/') ? params.taskId : undefined;
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': VERSION,
      'mcp-method': method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...META, 'io.modelcontextprotocol/clientCapabilities': capabilities } } }),
  };
}

/** Calls a tool the 2026-07-28 way and returns the JSON-RPC response (JSON or the SSE answer's last message). */
export async function callTool(fetchMcp: Fetch, name: string, id: string | number = `call-${name}`): Promise<Record<string, unknown>> {
  const response = await fetchMcp('/mcp', modernRequest(id, 'tools/call', { name, arguments: {} }));
  const text = await response.text();
  if (!String(response.headers.get('content-type')).includes('text/event-stream')) return JSON.parse(text) as Record<string, unknown>;
  const messages: Array<Record<string, unknown>> = [];
  new SseParser((item) => item.kind === 'event' && item.data && messages.push(JSON.parse(item.data) as Record<string, unknown>)).push(text);
  return messages.find((m) => m.id === id) ?? {};
}

/**
 * Opens a listen stream, runs `whenOpen` once its headers are in (the server has registered it
 * by then), and reads messages until `until` says enough or the stream ends; then closes it.
 */
export async function listenUntil(
  fetchMcp: Fetch,
  id: string | number,
  notifications: Record<string, unknown>,
  whenOpen: () => Promise<unknown>,
  until: (messages: Array<Record<string, unknown>>) => boolean,
  capabilities: Record<string, unknown> = {},
): Promise<{ status: number; contentType: string; messages: Array<Record<string, unknown>> }> {
  const controller = new AbortController();
  const response = await fetchMcp('/mcp', { ...modernRequest(id, 'subscriptions/listen', { notifications }, capabilities), signal: controller.signal });
  const contentType = String(response.headers.get('content-type'));
  const messages: Array<Record<string, unknown>> = [];
  if (!contentType.includes('text/event-stream')) {
    messages.push(JSON.parse(await response.text()) as Record<string, unknown>);
    return { status: response.status, contentType, messages };
  }
  const parser = new SseParser((item) => item.kind === 'event' && item.data && messages.push(JSON.parse(item.data) as Record<string, unknown>));
  await whenOpen();
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  while (!until(messages)) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.push(decoder.decode(value, { stream: true }));
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return { status: response.status, contentType, messages };
}
