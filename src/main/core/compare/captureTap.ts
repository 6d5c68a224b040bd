import type { Exchange } from '../../../shared/exchange';
import { fromHar, type HarEntry, type HarNameValue } from '../recorder/har';

// The simulated side of a profile-vs-capture comparison, recorded where the simulated client
// sends it: the `fetch` the simulator (replay engine and SDK driver alike) makes every request
// through. Why not a front door in between, as `scenario run` does: the simulated client must
// talk to the URL the real client talked to (its origin is in PRM `resource`, the audience,
// the redirect back), and an external authorization server would be out of the front door's
// sight. Each request becomes a HAR entry and goes through the same import as the capture it
// is compared with, so both sides are classified by one code path.

/**
 * What Node's fetch (undici) adds on the wire when the caller did not set it; the comparison
 * looks at these two, and a server sees them whether or not the simulator named them.
 */
const FETCH_DEFAULTS: Record<string, string> = { accept: '*/*', 'user-agent': 'node' };

interface Tapped {
  startedAt: number;
  started: number;
  ended?: number;
  request: Request;
  requestBody?: string;
  response?: Response;
  /** The response body as far as the client read it (a stream is recorded as it is read). */
  chunks: Uint8Array[];
  error?: string;
  /** The client stopped reading (cancelled the body) before it ended: a stream it closed. */
  closedByClient?: boolean;
}

/** Statuses a Response may not carry a body with (Fetch standard, null body status). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const nameValues = (headers: Headers): HarNameValue[] => [...headers].map(([name, value]) => ({ name, value }));

export class CaptureTap {
  private readonly tapped: Tapped[] = [];

  /** A fetch that records each exchange and hands the client the response as it streams in. */
  fetch(inner: typeof fetch = fetch): typeof fetch {
    return async (input, init) => {
      const request = new Request(input, init);
      const entry: Tapped = { startedAt: Date.now(), started: performance.now(), request, chunks: [] };
      this.tapped.push(entry);
      if (request.body) entry.requestBody = await request.clone().text();
      try {
        const response = await inner(request);
        entry.response = response;
        if (!response.body) {
          entry.ended = performance.now();
          return response;
        }
        // Pass-through: each chunk goes on to the client as it comes; a cancel reaches the source
        // and is recorded, so a stream the client closed reads as closed by the client.
        const reader = response.body.getReader();
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            let read: ReadableStreamReadResult<Uint8Array>;
            try {
              read = await reader.read();
            } catch (err) {
              // The client aborted its request (its AbortSignal) while reading: closed by the client.
              entry.ended = performance.now();
              if (request.signal.aborted || (err as Error).name === 'AbortError') entry.closedByClient = true;
              throw err;
            }
            const { done, value } = read;
            if (done) {
              entry.ended = performance.now();
              controller.close();
            } else {
              entry.chunks.push(value);
              controller.enqueue(value);
            }
          },
          cancel(reason) {
            entry.ended = performance.now();
            entry.closedByClient = true;
            return reader.cancel(reason);
          },
        });
        return new Response(NULL_BODY_STATUS.has(response.status) || request.method === 'HEAD' ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } catch (err) {
        entry.error = (err as Error).message;
        entry.ended = performance.now();
        throw err;
      }
    };
  }

  /** The exchanges recorded so far, as the HAR import makes them from a foreign capture. */
  exchanges(): Exchange[] {
    return fromHar({ log: { version: '1.2', creator: { name: 'simulator', version: '1' }, entries: this.tapped.map(harEntry) } });
  }
}

function harEntry(t: Tapped): HarEntry {
  const headers = new Headers(t.request.headers);
  for (const [name, value] of Object.entries(FETCH_DEFAULTS)) if (!headers.has(name)) headers.set(name, value);
  const url = new URL(t.request.url);
  const text = Buffer.concat(t.chunks).toString('utf8');
  // An open stream counts as lasting to now: it happened before nothing that followed.
  const time = Math.max(0, Math.round((t.ended ?? performance.now()) - t.started));
  const response = t.response;
  return {
    startedDateTime: new Date(t.startedAt).toISOString(),
    time,
    request: {
      method: t.request.method,
      url: t.request.url,
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'host', value: url.host }, ...nameValues(headers)],
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: t.requestBody === undefined ? 0 : Buffer.byteLength(t.requestBody),
      ...(t.requestBody !== undefined ? { postData: { mimeType: headers.get('content-type') ?? '', text: t.requestBody } } : {}),
    },
    response: response
      ? {
          status: response.status,
          statusText: response.statusText,
          httpVersion: 'HTTP/1.1',
          headers: nameValues(response.headers),
          cookies: [],
          content: { size: Buffer.byteLength(text), mimeType: response.headers.get('content-type') ?? '', ...(text ? { text } : {}) },
          redirectURL: response.headers.get('location') ?? '',
          headersSize: -1,
          bodySize: -1,
        }
      : { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1, _error: t.error ?? 'no answer' },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
    // The tap knows who ended a body: the server (it ran to its end) or the client (it stopped reading).
    ...(t.closedByClient ? { _state: 'aborted' } : t.response && t.ended !== undefined ? { _state: 'complete' } : {}),
  };
}
