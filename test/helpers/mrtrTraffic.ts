import { bodyRecord } from '../../src/main/core/wire/body';
import type { Recorder } from '../../src/main/core/recorder/recorder';
import type { Exchange } from '../../src/shared/exchange';

// 2026-07-28 multi-round-trip traffic driven through a Recorder by hand, as the front door
// reports it: every message a POST, answered as JSON or as one SSE event.

export const body = (value: unknown) => bodyRecord(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
export const ask = (key: string, message = `What is ${key}?`) => ({
  [key]: { method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties: { [key]: { type: 'string' } } } } },
});
export const inputRequired = (inputRequests: Record<string, unknown> | undefined, requestState?: string) => ({
  resultType: 'input_required',
  ...(inputRequests ? { inputRequests } : {}),
  ...(requestState !== undefined ? { requestState } : {}),
});
export const complete = { resultType: 'complete', content: [{ type: 'text', text: 'done' }] };

export interface Call {
  id: number;
  tool?: string;
  inputResponses?: Record<string, unknown>;
  requestState?: string;
  /** The client capabilities the request declares in its `_meta` (none declared when absent). */
  capabilities?: Record<string, unknown>;
}

/** One POST of `client` through the recorder: the request, then `answer` as JSON (or as one SSE event). */
export function post(recorder: Recorder, client: string, call: Call, answer: { result?: unknown; error?: unknown }, sse = false): Exchange {
  const recording = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'user-agent': client } });
  const params = { name: call.tool ?? 'confirm', arguments: {}, ...(call.inputResponses ? { inputResponses: call.inputResponses } : {}), ...(call.requestState !== undefined ? { requestState: call.requestState } : {}), _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', ...(call.capabilities ? { 'io.modelcontextprotocol/clientCapabilities': call.capabilities } : {}) } };
  recording.requestComplete(body({ jsonrpc: '2.0', id: call.id, method: 'tools/call', params }));
  const message = JSON.stringify({ jsonrpc: '2.0', id: call.id, ...answer });
  if (sse) {
    recording.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    recording.sseEvent({ kind: 'event', event: 'message', data: message });
    recording.complete(body(`event: message\ndata: ${message}\n\n`));
  } else {
    recording.responseStarted({ status: 200, headers: { 'content-type': 'application/json' } });
    recording.complete(body(message));
  }
  return recording.exchange;
}

export const accept = (value: Record<string, unknown>) => ({ action: 'accept', content: value });

