import type { Exchange } from '../../../shared/exchange';
import { readInputRequired, readRetry, type InputRequest, type InputRequiredResult, type RetryParams } from '../../../shared/mrtr';
import { rpcMessages } from './sseEvents';

// What one round of a multi-round-trip request carried, read from the exchange's bodies: the
// client's inputResponses and echoed requestState, the server's inputRequests and new state.

export interface RoundContent {
  /** What the client sent with its retry (absent on a first round). */
  retry?: RetryParams;
  /** What the server asked for (absent when it answered otherwise). */
  asked?: InputRequiredResult;
}

const parse = (text: string | undefined): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const plain = (body: Exchange['request']['body']): string | undefined => (body?.encoding === 'utf8' ? body.data : undefined);

export function roundContent(exchange: Exchange): RoundContent {
  const request = rpcMessages(parse(plain(exchange.request.body)))[0];
  const retry = readRetry(request?.params);
  const streamed = String(exchange.response?.headers['content-type'] ?? '').includes('text/event-stream');
  const answers = streamed ? exchange.sseEvents.flatMap((e) => (e.kind === 'event' ? rpcMessages(parse(e.data)) : [])) : rpcMessages(parse(plain(exchange.response?.body)));
  const asked = answers.map((m) => readInputRequired(m.result)).find((a) => a !== undefined);
  return { ...(retry ? { retry } : {}), ...(asked ? { asked } : {}) };
}

/** One line on what an input request asks: the elicitation's message and fields, the sampling prompt, roots. */
export function describeInputRequest(request: InputRequest): string {
  const params = request.params ?? {};
  if (request.method === 'elicitation/create') {
    const schema = params.requestedSchema as { properties?: Record<string, unknown> } | undefined;
    const fields = Object.keys(schema?.properties ?? {});
    const message = typeof params.message === 'string' ? `“${params.message}”` : 'a form';
    return params.mode === 'url' ? `${message}: open ${String(params.url ?? 'a URL')}` : `${message}${fields.length ? `; fields: ${fields.join(', ')}` : ''}`;
  }
  if (request.method === 'sampling/createMessage') {
    const messages = Array.isArray(params.messages) ? params.messages : [];
    const last = messages[messages.length - 1] as { content?: { text?: unknown } } | undefined;
    return typeof last?.content?.text === 'string' ? `a model answer to “${last.content.text}”` : `a model answer (${messages.length} message${messages.length === 1 ? '' : 's'})`;
  }
  if (request.method === 'roots/list') return 'the client’s roots';
  return 'an input request this inspector does not know';
}
