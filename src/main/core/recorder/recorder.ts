import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  AppliedRule,
  Boundary,
  Exchange,
  ExchangeErrorKind,
  ExchangeEvent,
  JsonRpcSummary,
  RequestRecord,
  ResponseRecord,
  SseEvent,
} from '../../../shared/exchange';
import { bodyText, readableText } from '../wire/body';
import { classifyRequest, classifyResponse, summarizeJsonRpc } from './classify';
import { parseJson } from '../wire/json';
import { recognizeClient } from './clients';
import { legacySessionId, RpcCorrelator } from './correlate';
import { ConnectionModel, type Merge } from './runs';
import { MrtrLinker } from './mrtr';
import type { ParsedSse } from '../wire/sse';

/** How many SSE events one exchange keeps in memory; later ones are still emitted and stored. */
export const MAX_SSE_EVENTS_IN_MEMORY = 2000;
/**
 * How many exchanges the live recorder keeps in memory; the capture store has them all (the
 * control API reads older ones from there). Every kept exchange is heap the garbage collector
 * walks: 5000 cost the front door ~0.2× of a bare proxy's throughput in `npm run bench`.
 */
export const DEFAULT_MAX_EXCHANGES = 1000;
/**
 * How many bytes of bodies (request, response, the SSE events kept) the live recorder keeps in
 * memory; beyond them the oldest exchanges go as well, however few (the capture has them, and
 * `exchange(id)` reads them back). 1000 exchanges with 1 MB bodies held the front door at 1.1-1.4 GB.
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Body bytes of a record as the window counts them: characters of its data (one byte each in a one-byte string: ASCII text, base64). */
const sizeOf = (body: { data: string } | undefined): number => body?.data.length ?? 0;

/**
 * One live exchange: the proxy reports its lifecycle here, the recorder turns it into the
 * append-only event stream (`exchange:start`, `exchange:update`, `exchange:end`).
 */
export class ExchangeRecording {
  private readonly t0 = performance.now();
  private sseCount = 0;
  private ended = false;
  private requestDone = false;
  /** A response can finish before the request body does (an early 413); the end waits for both. */
  private endWhenRequestDone = false;
  /** A key of the exchange's connection group, from its last placement. */
  private key?: string;

  constructor(
    readonly exchange: Exchange,
    private readonly emit: (event: ExchangeEvent) => void,
    private readonly links: ConnectionLinks,
  ) {}

  /** Places this exchange in its connection and run (plus `extra` keys); returns a key of its group. */
  private group(extra: string[] = []): string | undefined {
    const { connectionId, key } = this.links.model.assign(this.exchange, extra);
    if (connectionId) this.exchange.connectionId = connectionId;
    this.key = key;
    return key;
  }

  /** `connectionKey`: the exchange's first connection key (what group() returned). */
  private correlate(summary: JsonRpcSummary | undefined, sseEvent: SseEvent | undefined, connectionKey: string | undefined): void {
    const found = this.links.correlator.responsesSeen(this.exchange, connectionKey, summary, sseEvent);
    if (found.length) (this.exchange.correlations ??= []).push(...found);
  }

  private elapsed(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  /** The request body is complete: classify with it. */
  requestComplete(body: RequestRecord['body']): void {
    const { exchange } = this;
    this.requestDone = true;
    exchange.request.body = body;
    this.links.grew(exchange, sizeOf(body));
    exchange.timings.requestEnd = this.elapsed();
    exchange.classification = classifyRequest(exchange.request.method, exchange.request.url, exchange.request.headers, bodyText(body), body?.truncated);
    const clientInfo = exchange.classification.jsonRpc?.clientInfo;
    if (clientInfo) exchange.client = recognizeClient(exchange.client.userAgent, clientInfo, exchange.client.address);
    const connectionKey = this.group();
    this.links.correlator.requestsSent(exchange, connectionKey);
    // The client's answers to the server's requests (sampling, elicitation) pair with the stream event that asked.
    const answers = exchange.classification.jsonRpc;
    if (answers && answers.kind !== 'request' && answers.kind !== 'notification') {
      const found = this.links.serverRequests.responsesSeen(exchange, connectionKey, answers);
      if (found.length) (exchange.correlations ??= []).push(...found);
    }
    const retry = this.links.mrtr.requestSeen(exchange);
    this.emit({ type: 'exchange:update', id: exchange.id, patch: { request: exchange.request, classification: exchange.classification, timings: exchange.timings, client: exchange.client, connectionId: exchange.connectionId, runId: exchange.runId, ...(retry ? { mrtr: exchange.mrtr } : {}) } });
    if (this.endWhenRequestDone) this.finish();
  }

  /** Response headers are known (before any body byte). `upstream` is the original when a rule changed it. */
  responseStarted(response: ResponseRecord, upstream?: ResponseRecord): void {
    const { exchange } = this;
    exchange.response = response;
    if (upstream) exchange.upstreamResponse = upstream;
    exchange.timings.upstreamHeaders = this.elapsed();
    const contentType = String(response.headers['content-type'] ?? '');
    if (contentType.includes('text/event-stream')) exchange.state = 'streaming';
    exchange.classification = classifyResponse(exchange.classification, response.status, response.headers);
    this.emit({ type: 'exchange:update', id: exchange.id, patch: { response, upstreamResponse: exchange.upstreamResponse, state: exchange.state, classification: exchange.classification, timings: exchange.timings } });
  }

  firstByte(): void {
    if (this.exchange.timings.firstByte === undefined) this.exchange.timings.firstByte = this.elapsed();
  }

  sseEvent(parsed: ParsedSse): void {
    if (this.ended) return; // a decoder's last events after the exchange failed
    const { exchange } = this;
    const event: SseEvent = { index: this.sseCount++, at: this.elapsed(), ...parsed };
    if (exchange.sseEvents.length < MAX_SSE_EVENTS_IN_MEMORY) {
      exchange.sseEvents.push(event);
      this.links.grew(exchange, parsed.data?.length ?? 0);
    }
    // The legacy transport names its session in the `endpoint` event: the stream joins it.
    if (parsed.event === 'endpoint' && exchange.classification.stream === 'get-stream') {
      // An `endpoint` event is the legacy HTTP+SSE transport, whatever the path looked like.
      exchange.classification = { ...exchange.classification, stream: 'legacy-sse', label: 'legacy SSE stream' };
      this.emit({ type: 'exchange:update', id: exchange.id, patch: { classification: exchange.classification } });
    }
    const legacySession = parsed.event === 'endpoint' ? legacySessionId(parsed.data ?? '') : undefined;
    if (legacySession) this.group([`session:${legacySession}`]);
    if (parsed.kind === 'event') {
      const message = parseJson(parsed.data);
      const connectionKey = this.key ?? this.group();
      this.correlate(summarizeJsonRpc(message), event, connectionKey);
      this.links.serverRequests.requestsIn(message, exchange.id, connectionKey);
      if (this.links.mrtr.answerSeen(exchange, message)) this.emit({ type: 'exchange:update', id: exchange.id, patch: { mrtr: exchange.mrtr } });
    }
    this.emit({ type: 'exchange:update', id: exchange.id, sseEvent: event });
  }

  /** A breakpoint holds the exchange (`stage` set) or let it go (undefined). */
  setPaused(paused: Exchange['paused']): void {
    if (paused) this.exchange.paused = paused;
    else delete this.exchange.paused;
    this.emit({ type: 'exchange:update', id: this.exchange.id, patch: { paused } });
  }

  ruleApplied(rule: AppliedRule): void {
    this.exchange.appliedRules.push(rule);
  }

  /** The response finished. `body` is the client-visible body record. */
  complete(body: ResponseRecord['body'], upstreamBody?: ResponseRecord['body']): void {
    if (this.ended) return;
    const { exchange } = this;
    if (exchange.response) {
      exchange.response.body = body;
      this.links.grew(exchange, sizeOf(body));
      const text = readableText(body, exchange.response.headers);
      exchange.classification = classifyResponse(exchange.classification, exchange.response.status, exchange.response.headers, text);
      const connectionKey = this.group();
      const contentType = String(exchange.response.headers['content-type'] ?? '');
      // A JSON answer was summarised by classifyResponse: correlate from that, not a second parse.
      // (JSON-RPC under another content type is still read; SSE answers correlate per event.)
      if (!contentType.includes('text/event-stream')) {
        this.correlate(contentType.includes('json') ? exchange.classification.jsonRpcResponse : summarizeJsonRpc(parseJson(text)), undefined, connectionKey);
        if (this.links.mrtr.awaitsAnswer(exchange)) {
          // (parseJson caches: the body classifyResponse just read is not parsed again.)
          const body = parseJson(text);
          for (const message of Array.isArray(body) ? body : [body]) this.links.mrtr.answerSeen(exchange, message);
        }
      }
      // Refused (405, 401, a 400 without a session): no answer will come on a stream either.
      if (exchange.response.status >= 400) this.links.correlator.forget(exchange.id);
    }
    if (exchange.upstreamResponse && upstreamBody) {
      exchange.upstreamResponse.body = upstreamBody;
      if (upstreamBody !== body) this.links.grew(exchange, sizeOf(upstreamBody));
    }
    exchange.state = 'complete';
    if (this.requestDone) this.finish();
    else this.endWhenRequestDone = true;
  }

  /** The exchange ended badly: client gone, upstream refused/reset/timed out. */
  fail(kind: ExchangeErrorKind, message: string, body?: ResponseRecord['body']): void {
    if (this.ended) return;
    const { exchange } = this;
    if (exchange.response && body) {
      exchange.response.body = body;
      this.links.grew(exchange, sizeOf(body));
    }
    exchange.error = { kind, message };
    exchange.state = kind === 'client-aborted' ? 'aborted' : 'failed';
    if (kind !== 'client-aborted') this.links.correlator.forget(exchange.id);
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.exchange.response) this.group();
    this.links.model.ended(this.exchange);
    this.links.mrtr.ended(this.exchange);
    this.exchange.timings.end = this.elapsed();
    this.emit({ type: 'exchange:end', exchange: this.exchange });
  }
}

export interface StartExchange {
  method: string;
  url: string;
  httpVersion: string;
  headers: RequestRecord['headers'];
  address?: string;
  simulated?: boolean;
  /** The simulator run that sent it (header X-MCP-Inspector-Simulated). */
  simulationRun?: string;
  replayOf?: string;
}

/** Records exchanges and publishes the inspector's one event stream. */
/** Shared by all recordings of one recorder: connection groups and pending JSON-RPC requests. */
interface ConnectionLinks {
  model: ConnectionModel;
  correlator: RpcCorrelator;
  /** Requests the server sent on streams, answered by the client's POSTs. */
  serverRequests: RpcCorrelator;
  /** Rounds of multi-round-trip requests (input_required and retries). */
  mrtr: MrtrLinker;
  /** An exchange now holds `bytes` more of body data (the window counts them). */
  grew(exchange: Exchange, bytes: number): void;
}

/** Reads an exchange the window let go of back from where it was recorded (the capture on disk). */
export type ExchangeArchive = (id: string) => Promise<Exchange | undefined>;

export class Recorder extends EventEmitter<{ event: [ExchangeEvent]; boundary: [Boundary]; merge: [Merge]; evict: [string] }> {
  private readonly exchanges = new Map<string, Exchange>();
  /** Body bytes of each exchange kept (see sizeOf), and their sum. */
  private readonly sizes = new Map<string, number>();
  private keptBytes = 0;
  private readonly archives = new Set<ExchangeArchive>();
  private readonly marked: Boundary[] = [];
  /**
   * Ids in insertion order, the oldest kept at `oldest`. (Asking the Map for its first key
   * walks over every deleted entry before it: ~4 µs per exchange with 5000 kept.)
   */
  private order: string[] = [];
  private oldest = 0;
  private readonly links: ConnectionLinks;

  /** Sinks (capture writers) that must hold an exchange's end before its client gets the last byte. */
  private readonly barriers = new Set<() => Promise<void>>();

  constructor(
    private readonly maxExchanges = DEFAULT_MAX_EXCHANGES,
    private readonly maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  ) {
    super();
    const model = new ConnectionModel((merge) => this.emit('merge', merge));
    this.links = {
      model,
      correlator: new RpcCorrelator(model.groups),
      serverRequests: new RpcCorrelator(model.groups),
      mrtr: new MrtrLinker((e) => model.connectionOf(e.connectionId)),
      grew: (exchange, bytes) => this.grew(exchange.id, bytes),
    };
  }

  /** Body bytes the window holds now (at most the byte bound, past the moment an exchange grows). */
  get windowBytes(): number {
    return this.keptBytes;
  }

  private grew(id: string, bytes: number): void {
    const size = this.sizes.get(id);
    if (size === undefined || bytes === 0) return; // let go of already: the capture holds it
    this.sizes.set(id, size + bytes);
    this.keptBytes += bytes;
    while (this.keptBytes > this.maxBodyBytes && this.exchanges.size > 0) this.evictOldest();
  }

  private evictOldest(): void {
    const id = this.order[this.oldest]!;
    this.order[this.oldest++] = '';
    if (this.oldest >= 1024 && this.oldest * 2 >= this.order.length) {
      this.order.splice(0, this.oldest);
      this.oldest = 0;
    }
    this.exchanges.delete(id);
    this.keptBytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
    this.emit('evict', id);
  }

  /** Registers where exchanges beyond the window can be read back (a capture); returns the unregister function. */
  addArchive(read: ExchangeArchive): () => void {
    this.archives.add(read);
    return () => this.archives.delete(read);
  }

  /** The whole exchange `id`: from memory while the window keeps it, else read back from the capture. */
  async exchange(id: string): Promise<Exchange | undefined> {
    const kept = this.exchanges.get(id);
    if (kept) return kept;
    for (const read of this.archives) {
      const found = await read(id);
      if (found) return found;
    }
    return undefined;
  }

  /** The current connection id of an exchange (groups merge as a handshake unfolds). */
  connectionOf(exchange: Exchange): string | undefined {
    return this.links.model.connectionOf(exchange.connectionId);
  }

  /** The current id of an exchange's run (runs tied by a later key answer to their oldest id). */
  runOf(exchange: Exchange): string | undefined {
    return this.links.model.runOf(exchange.runId);
  }

  /** The current id of a connection id seen earlier (merged groups answer to their oldest id). */
  connectionRoot(connectionId: string): string | undefined {
    return this.links.model.connectionOf(connectionId);
  }

  /** Registers a sink whose `flushed()` resolves once the exchanges ended so far are on disk; returns the unregister function. */
  addDurabilityBarrier(flushed: () => Promise<void>): () => void {
    this.barriers.add(flushed);
    return () => this.barriers.delete(flushed);
  }

  /**
   * Write-ahead: resolves once every sink holds the exchanges that ended so far. The front door
   * awaits it between recording an exchange's end and sending its last bytes, so a crash can
   * never lose an exchange its client saw whole. Without a capture it resolves at once.
   */
  durable(): Promise<void> {
    if (this.barriers.size === 0) return Promise.resolve();
    // One capture is the usual case: its promise as it is, without a Promise.all per exchange.
    if (this.barriers.size === 1) for (const flushed of this.barriers) return flushed();
    return Promise.all([...this.barriers].map((flushed) => flushed())).then(() => undefined);
  }

  start(init: StartExchange): ExchangeRecording {
    const userAgent = typeof init.headers['user-agent'] === 'string' ? init.headers['user-agent'] : undefined;
    const exchange: Exchange = {
      // randomUUID() concatenates its hex pieces: a tree of ~14 cons strings per id that every
      // kept exchange (and its correlations) would hold. toLowerCase(), a no-op on lowercase
      // hex, returns it as one flat string (~430 bytes less per exchange).
      id: randomUUID().toLowerCase(),
      startedAt: Date.now(),
      timings: {},
      state: 'pending',
      client: recognizeClient(userAgent, undefined, init.address),
      request: { method: init.method, url: init.url, httpVersion: init.httpVersion, headers: init.headers },
      sseEvents: [],
      classification: classifyRequest(init.method, init.url, init.headers),
      appliedRules: [],
    };
    if (init.simulated) exchange.simulated = true;
    if (init.simulationRun) exchange.simulationRun = init.simulationRun;
    if (init.replayOf) exchange.replayOf = init.replayOf;
    this.exchanges.set(exchange.id, exchange);
    this.sizes.set(exchange.id, 0);
    this.order.push(exchange.id);
    if (this.exchanges.size > this.maxExchanges) this.evictOldest();
    const recording = new ExchangeRecording(exchange, this.publishEvent, this.links);
    this.publish({ type: 'exchange:start', exchange });
    return recording;
  }

  get(id: string): Exchange | undefined {
    return this.exchanges.get(id);
  }

  /** Marks a boundary now: every client's next exchange begins a new run. */
  markBoundary(label?: string): Boundary {
    const boundary: Boundary = { id: randomUUID().toLowerCase(), at: Date.now(), ...(label ? { label } : {}) };
    this.marked.push(boundary);
    this.links.model.markBoundary();
    this.emit('boundary', boundary);
    return boundary;
  }

  boundaries(): Boundary[] {
    return [...this.marked];
  }

  list(): Exchange[] {
    return [...this.exchanges.values()];
  }

  clear(): void {
    this.exchanges.clear();
    this.sizes.clear();
    this.keptBytes = 0;
    this.order = [];
    this.oldest = 0;
  }

  /** One function for every recording (not a closure per exchange). */
  private readonly publishEvent = (event: ExchangeEvent): void => this.publish(event);

  private publish(event: ExchangeEvent): void {
    // A failing subscriber must never break recording or the proxy.
    try {
      this.emit('event', event);
    } catch (err) {
      process.emitWarning(`An exchange event subscriber failed: ${(err as Error).message}`);
    }
  }
}
