import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Boundary, Exchange, ExchangeEvent } from '../../../shared/exchange';
import type { InspectorEvent } from '../../../shared/inspectorEvents';
import { MAX_SSE_EVENTS_IN_MEMORY, type Recorder } from './recorder';

// Captures on disk: one folder per capture holding meta.json and events.ndjson, the recorder's
// event stream appended as complete JSON lines. An exchange is written as it ends, before that
// turn of the event loop is over, with one write(2) on an O_APPEND descriptor; what happens
// before its end (start, updates, SSE events) waits at most FLUSH_INTERVAL_MS. So a crash (even
// kill -9) loses at most the exchanges in flight at that moment, never one finished before, and
// leaves at most one partial trailing line, which reading skips. (A write and a JSON.stringify
// per event cost the front door more than the proxying itself.)

const META_FILE = 'meta.json';
const EVENTS_FILE = 'events.ndjson';
/** The pid of the process writing a capture, while it writes (left behind by a crash: stale). */
const WRITER_FILE = 'writer.pid';
/** A writer touches its pid file this often; one not touched for WRITER_STALE_MS is dead, whatever process has its pid now. */
const WRITER_HEARTBEAT_MS = 10_000;
export const WRITER_STALE_MS = 3 * WRITER_HEARTBEAT_MS;

/** `2026-11-24T14-03-00Z-1a2b3c4d`: sortable, readable, safe as a file name on every OS. */
const CAPTURE_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{8}$/;

/** How long the events of an exchange in flight wait in memory before they are written, at most. */

/** No capture has this id: the control API answers 404 for it. */
export class CaptureNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No capture with id ${id}`);
  }
}
export const FLUSH_INTERVAL_MS = 100;
/** Events waiting beyond this many are written at once, whatever the time. */
const FLUSH_EVENTS = 2000;

/** The id of a start or end line, read without parsing it (the id is the exchange's first key). */
const EXCHANGE_LINE = /^\{"type":"exchange:(?:start|end)","exchange":\{"id":"([^"]+)"/;

export const UNFINISHED_MESSAGE = 'capture ended before the exchange finished';

export interface CaptureSummary {
  id: string;
  name: string;
  /** ms since the epoch, like Exchange.startedAt. */
  createdAt: number;
  exchanges: number;
  sizeBytes: number;
}

interface CaptureMeta {
  id: string;
  name: string;
  createdAt: number;
  /** Exchange count, valid while the event file is still `sizeBytes` long. */
  exchanges?: number;
  sizeBytes?: number;
}

/** Rejects anything that is not one of our ids, so no id can point outside the store. */
/** A string that cannot be a capture id (the control API answers 400; it also keeps paths inside the store). */
export class InvalidCaptureIdError extends Error {}

export function assertCaptureId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !CAPTURE_ID.test(id)) {
    throw new InvalidCaptureIdError(`Invalid capture id ${JSON.stringify(id)}: expected the form 2026-11-24T14-03-00Z-1a2b3c4d`);
  }
}

function newCaptureId(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${stamp}Z-${randomBytes(4).toString('hex')}`;
}

/** Replace, never rewrite in place: a crash mid-write must not leave half a meta.json. */
function writeMeta(dir: string, meta: CaptureMeta): void {
  const tmp = join(dir, `${META_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  renameSync(tmp, join(dir, META_FILE));
}

function readMeta(dir: string, id: string): CaptureMeta {
  try {
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as Partial<CaptureMeta>;
    if (typeof meta.name === 'string' && typeof meta.createdAt === 'number') return { ...meta, id, name: meta.name, createdAt: meta.createdAt };
  } catch {
    // A missing or damaged meta.json must not hide the events next to it.
  }
  return { id, name: id, createdAt: statSync(dir).birthtimeMs };
}

/**
 * Appends one capture's events; `close` records the exchange count in meta.json.
 *
 * An exchange's events wait in memory until it ends (then they are written at once) or for
 * FLUSH_INTERVAL_MS. What a line would only repeat is left out: an exchange that ends before its
 * start was written is its end line alone (which holds the whole exchange), and a start line is
 * the exchange as it is at write time, which already holds the updates before it. Events are
 * serialised at write time, so a short exchange costs one JSON.stringify and one write.
 */
export class CaptureWriter {
  private fd: number | undefined;
  private started = 0;
  /** Events not written yet, by exchange, in the order each exchange's first one came. */
  private pending = new Map<string, ExchangeEvent[]>();
  private pendingEvents = 0;
  /** Events of exchanges that ended in this turn of the event loop, written at its end. */
  private ended: ExchangeEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The first write failure (disk full, folder removed); later events are not written. */
  error: Error | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly id: string,
    private readonly dir: string,
    private readonly onClose: (writer: CaptureWriter) => void,
  ) {
    this.fd = openSync(join(dir, EVENTS_FILE), 'a');
    // Other processes (the CLI next to a running serve) see who is writing it; the heartbeat
    // keeps the file fresh so a crashed writer whose pid was reused is not taken for alive.
    const pidFile = join(dir, WRITER_FILE);
    writeFileSync(pidFile, String(process.pid));
    this.heartbeat = setInterval(() => {
      const now = new Date();
      try {
        utimesSync(pidFile, now, now);
      } catch {
        // Deleted under us: close() says the rest.
      }
    }, WRITER_HEARTBEAT_MS).unref();
    flushOnExit(this);
  }

  get exchanges(): number {
    let waiting = 0;
    for (const events of this.pending.values()) if (events[0]!.type === 'exchange:start') waiting++;
    for (const event of this.ended) if (event.type === 'exchange:start') waiting++;
    return this.started + waiting;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  append(event: ExchangeEvent): void {
    if (this.fd === undefined) throw new Error(`Capture ${this.id} is closed`);
    if (this.error) return;
    const id = event.type === 'exchange:update' ? event.id : event.exchange.id;
    if (event.type === 'exchange:end') {
      // A finished exchange goes to disk before this turn of the event loop is over, with
      // whatever of it was still waiting (exchanges ending in the same turn share one write).
      const before = this.pending.get(id) ?? [];
      this.pending.delete(id);
      this.pendingEvents -= before.length;
      before.push(event);
      if (this.ended.length === 0) setImmediate(this.writeEnded);
      this.ended.push(...before);
      return;
    }
    const events = this.pending.get(id);
    if (events) events.push(event);
    else this.pending.set(id, [event]);
    if (++this.pendingEvents >= FLUSH_EVENTS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** A boundary the user marked: written at once, after what was waiting (it orders what follows). */
  appendBoundary(boundary: Boundary): void {
    if (this.fd === undefined) throw new Error(`Capture ${this.id} is closed`);
    this.flush();
    this.writeText(`${JSON.stringify({ type: 'boundary', boundary } satisfies BoundaryLine)}\n`);
  }

  /** Settles when this turn's batch of ended exchanges is written: one promise for every exchange in it. */
  private batchWritten: { promise: Promise<void>; resolve: () => void } | undefined;

  private readonly writeEnded = (): void => {
    const ended = this.ended;
    this.ended = [];
    this.write(ended);
    // Written, or not writable (a full disk): either way no client waits on this capture any longer.
    const batch = this.batchWritten;
    this.batchWritten = undefined;
    batch?.resolve();
  };

  /** Resolves once the exchanges that ended so far are written: at the end of this turn's batch, or now. */
  flushedEnds(): Promise<void> {
    if (this.ended.length === 0) return Promise.resolve();
    if (!this.batchWritten) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.batchWritten = { promise, resolve };
    }
    return this.batchWritten.promise;
  }

  /** Writes every waiting event now (readers of the file call it first). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ended.length) this.writeEnded();
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()].flat();
    this.pending.clear();
    this.pendingEvents = 0;
    this.write(batch);
  }

  private write(batch: ExchangeEvent[]): void {
    if (this.fd === undefined || this.error || batch.length === 0) return;
    const { text, exchanges } = serializeBatch(batch);
    if (this.writeText(text)) this.started += exchanges;
  }

  private writeText(text: string): boolean {
    if (this.fd === undefined || this.error) return false;
    try {
      // One write(2) in practice; a short write (a full disk) goes on from where it stopped.
      let written = writeSync(this.fd, text);
      if (written < Buffer.byteLength(text)) {
        const bytes = Buffer.from(text);
        while (written < bytes.length) written += writeSync(this.fd, bytes, written);
      }
    } catch (err) {
      this.error = err as Error;
      process.emitWarning(`Capture ${this.id} stopped recording: ${this.error.message}`);
      return false;
    }
    return true;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    openWriters.delete(this);
    clearInterval(this.heartbeat);
    closeSync(this.fd);
    this.fd = undefined;
    rmSync(join(this.dir, WRITER_FILE), { force: true });
    this.onClose(this);
    try {
      const meta = readMeta(this.dir, this.id);
      writeMeta(this.dir, { ...meta, exchanges: this.started, sizeBytes: statSync(join(this.dir, EVENTS_FILE)).size });
    } catch {
      // Deleted while open: nothing left to describe.
    }
  }
}

/** A capture line that is not an exchange event: a boundary between runs. */
interface BoundaryLine {
  type: 'boundary';
  boundary: Boundary;
}

/** Writers not closed yet: a process exiting (normally or on an uncaught error) flushes them. */
const openWriters = new Set<CaptureWriter>();
let exitHooked = false;

function flushOnExit(writer: CaptureWriter): void {
  if (!exitHooked) process.on('exit', () => openWriters.forEach((w) => w.flush()));
  exitHooked = true;
  openWriters.add(writer);
}

/**
 * The lines for one batch of events, and how many exchanges first appear in them. Exchange
 * objects are live: the recorder keeps changing them until their end, so what a start line
 * holds is decided here, at write time.
 */
function serializeBatch(batch: ExchangeEvent[]): { text: string; exchanges: number } {
  // Exchanges whose end is in this batch with every SSE event still in memory: the end line says it all.
  const whole = new Map<string, ExchangeEvent>();
  for (const event of batch) {
    if (event.type === 'exchange:end' && event.exchange.sseEvents.length < MAX_SSE_EVENTS_IN_MEMORY) whole.set(event.exchange.id, event);
  }
  /** Exchanges whose start line is in this batch, with how many SSE events that line holds. */
  const snapshot = new Map<string, number>();
  /** Ends already written in their start's place (which keeps the log in start order). */
  const endWritten = new Set<string>();
  let text = '';
  let exchanges = 0;
  for (let event of batch) {
    if (event.type === 'exchange:start') {
      const { id } = event.exchange;
      exchanges++;
      const end = whole.get(id);
      if (end) {
        event = end;
        endWritten.add(id);
      } else snapshot.set(id, event.exchange.sseEvents.length);
    } else if (event.type === 'exchange:update') {
      // The end line in this batch holds it, or the start line written above does.
      if (whole.has(event.id)) continue;
      const held = snapshot.get(event.id);
      if (held !== undefined && (event.sseEvent === undefined || event.sseEvent.index < held)) continue;
    } else if (endWritten.has(event.exchange.id)) continue;
    text += `${JSON.stringify(event)}\n`;
  }
  return { text, exchanges };
}

/** What a capture records from: the inspector's one event stream and its write-ahead barrier. */
export interface CaptureSource {
  /** The exchanges held now. */
  exchanges(): Exchange[];
  /** Hears every event synchronously, in order; returns the function that stops it. */
  subscribe(listener: (event: InspectorEvent) => void): () => void;
  /** Makes `flushed` part of the write-ahead barrier; returns the function that removes it. */
  addDurabilityBarrier(flushed: () => Promise<void>): () => void;
  /** Where exchanges the memory window let go of can be read back; returns the function that removes it. */
  addArchive(read: (exchangeId: string) => Promise<Exchange | undefined>): () => void;
}

/** A bare recorder (tools, unit tests) as a capture source. */
function recorderSource(recorder: Recorder): CaptureSource {
  return {
    exchanges: () => recorder.list(),
    subscribe(listener) {
      const onBoundary = (boundary: Boundary): void => listener({ type: 'boundary:marked', boundary });
      recorder.on('event', listener);
      recorder.on('boundary', onBoundary);
      return () => {
        recorder.off('event', listener);
        recorder.off('boundary', onBoundary);
      };
    },
    addDurabilityBarrier: (flushed) => recorder.addDurabilityBarrier(flushed),
    addArchive: (read) => recorder.addArchive(read),
  };
}

/** A detach function that also says which capture it is writing. */
export type CaptureAttachment = (() => void) & { writer: CaptureWriter };

/** Rebuilds final exchanges from an event log, in the order they started. */
class ExchangeReplay {
  private readonly exchanges = new Map<string, Exchange>();
  private readonly ended = new Set<string>();

  apply(event: ExchangeEvent): void {
    switch (event.type) {
      case 'exchange:start':
        this.exchanges.set(event.exchange.id, event.exchange);
        return;
      case 'exchange:update': {
        const exchange = this.exchanges.get(event.id);
        if (!exchange) return; // its start was lost: nothing to patch
        if (event.patch) Object.assign(exchange, event.patch);
        if (event.sseEvent) exchange.sseEvents.push(event.sseEvent);
        return;
      }
      case 'exchange:end': {
        const sofar = this.exchanges.get(event.exchange.id);
        const final = event.exchange;
        // The recorder keeps a bounded number of SSE events in memory; the log has them all.
        if (sofar && sofar.sseEvents.length > final.sseEvents.length) final.sseEvents = sofar.sseEvents;
        this.exchanges.set(final.id, final); // an existing key keeps its place: start order
        this.ended.add(final.id);
        return;
      }
    }
  }

  /** `live`: the capture is still being written, so an exchange without its end is in flight, not lost. */
  result(live = false): Exchange[] {
    // Lines come in the order they were written: a finished exchange can precede one that
    // started before it and was still in flight.
    const sorted = [...this.exchanges.values()].sort((a, b) => a.startedAt - b.startedAt);
    return live ? sorted : sorted.map((exchange) => (this.ended.has(exchange.id) ? exchange : unfinished(exchange)));
  }
}

function unfinished(exchange: Exchange): Exchange {
  return { ...exchange, state: 'aborted', error: { kind: 'proxy-error', message: UNFINISHED_MESSAGE } };
}

/** A line of a capture log the reader could not use, and why (reported, never fatal). */
export interface SkippedLine {
  line: number;
  reason: string;
}

/** One line for a person: which lines of capture `id` were skipped and why (the first few). */
export function skippedLinesNote(id: string, skipped: SkippedLine[]): string {
  const shown = skipped.slice(0, 3).map((s) => `line ${s.line}: ${s.reason}`).join('; ');
  return `Capture ${id}: skipped ${skipped.length} unusable line${skipped.length === 1 ? '' : 's'} (${shown}${skipped.length > 3 ? '; …' : ''}); the rest is shown.`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An exchange as a start or end line must carry it: enough for the replay to place it. */
const isExchange = (value: unknown): value is Exchange => isObject(value) && typeof value.id === 'string' && typeof value.startedAt === 'number' && isObject(value.request);

/**
 * One log line as an event, or why it cannot be one. A line can be cut by a crash (the last
 * one), or be well-formed JSON of the wrong shape (a bug, a hand edit): either way the rest
 * of the capture still opens.
 */
function parseEvent(line: string): ExchangeEvent | BoundaryLine | { problem: string } | undefined {
  if (!line) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return { problem: 'not JSON (a line cut short when its writer stopped?)' };
  }
  if (!isObject(event)) return { problem: 'not an event object' };
  switch (event.type) {
    case 'exchange:start':
    case 'exchange:end':
      return isExchange(event.exchange) ? (event as unknown as ExchangeEvent) : { problem: `${event.type} without an exchange (id, startedAt, request)` };
    case 'exchange:update':
      return typeof event.id === 'string' ? (event as unknown as ExchangeEvent) : { problem: 'exchange:update without an exchange id' };
    case 'boundary':
      return isObject(event.boundary) && typeof event.boundary.id === 'string' && typeof event.boundary.at === 'number' ? (event as unknown as BoundaryLine) : { problem: 'boundary without an id and time' };
    default:
      return { problem: `unknown event type ${JSON.stringify(event.type)}` };
  }
}

async function* eventLines(file: string): AsyncGenerator<string> {
  // A capture folder without its log (a create that failed half-way) reads as empty.
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
  }
}

/**
 * The lines of a log that contain `text`, found in the raw bytes: a capture of large bodies
 * can be gigabytes, and only the few lines of one exchange are decoded.
 */
async function* linesHolding(file: string, text: string): AsyncGenerator<string> {
  if (!existsSync(file)) return;
  const needle = Buffer.from(text);
  /** The start of a line that went on past the last chunk. */
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    const complete = bytes.lastIndexOf(0x0a) + 1; // whole lines end here
    let from = 0;
    let at: number;
    while ((at = bytes.indexOf(needle, from)) !== -1 && at < complete) {
      const start = bytes.lastIndexOf(0x0a, at) + 1;
      const end = bytes.indexOf(0x0a, at);
      yield bytes.toString('utf8', start, end);
      from = end + 1;
    }
    carry = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
  }
  // A last line without its newline (a crash cut it, or it is being written).
  if (carry?.includes(needle)) yield carry.toString('utf8');
}

/**
 * The live process writing the capture in `dir`, if any: its pid file names a process that
 * exists AND was touched by the writer's heartbeat lately. The pid alone can lie: after a
 * crash the number may belong to another process, which would lock the capture for good.
 */
function recordingProcess(dir: string): number | undefined {
  let pid: number;
  let touched: number;
  try {
    const file = join(dir, WRITER_FILE);
    pid = Number(readFileSync(file, 'utf8'));
    touched = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (pid !== process.pid && Date.now() - touched > WRITER_STALE_MS) return undefined;
  try {
    process.kill(pid, 0); // signal 0: only asks whether it exists
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined; // alive, another user's
  }
}

/** Append-only store of captures under `root` (the caller picks the user data directory). */
export class CaptureStore {
  private readonly writers = new Map<string, CaptureWriter>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private dirOf(id: string): string {
    assertCaptureId(id);
    return join(this.root, id);
  }

  create(name?: string): CaptureWriter {
    const now = new Date();
    for (;;) {
      const id = newCaptureId(now);
      const dir = join(this.root, id);
      try {
        mkdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      writeMeta(dir, { id, name: name ?? `Capture ${now.toISOString().slice(0, 19).replace('T', ' ')}`, createdAt: now.getTime() });
      const writer = new CaptureWriter(id, dir, (w) => this.writers.delete(w.id));
      this.writers.set(id, writer);
      return writer;
    }
  }

  /**
   * Records every exchange event and boundary of `source` (the inspector's event stream, or a
   * bare recorder) into a new capture until the returned function is called. Events are
   * appended synchronously as they are published, and the writer's flush is a write-ahead
   * barrier of the source: an exchange's end is on disk before its client gets the last byte.
   */
  attach(source: CaptureSource | Recorder, name?: string): CaptureAttachment {
    const from = 'subscribe' in source ? source : recorderSource(source);
    const writer = this.create(name);
    // Streams already open when capture starts are recorded from here on.
    for (const exchange of from.exchanges()) {
      if (exchange.state === 'pending' || exchange.state === 'streaming') writer.append({ type: 'exchange:start', exchange });
    }
    const unsubscribe = from.subscribe((event) => {
      if (event.type === 'boundary:marked') writer.appendBoundary(event.boundary);
      else if (event.type === 'exchange:start' || event.type === 'exchange:update' || event.type === 'exchange:end') writer.append(event);
    });
    const removeBarrier = from.addDurabilityBarrier(() => writer.flushedEnds());
    // Exchanges beyond the recorder's memory window are read back from here.
    const removeArchive = from.addArchive((exchangeId) => this.readExchange(writer.id, exchangeId));
    const detach = (): void => {
      unsubscribe();
      removeBarrier();
      removeArchive();
      writer.close();
    };
    return Object.assign(detach, { writer });
  }

  async list(): Promise<CaptureSummary[]> {
    const entries = await readdir(this.root, { withFileTypes: true });
    const summaries: CaptureSummary[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !CAPTURE_ID.test(entry.name)) continue;
      summaries.push(await this.summary(entry.name));
    }
    return summaries.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  private async summary(id: string): Promise<CaptureSummary> {
    const dir = this.dirOf(id);
    const meta = readMeta(dir, id);
    this.writers.get(id)?.flush();
    const sizeBytes = await stat(join(dir, EVENTS_FILE)).then((s) => s.size, () => 0);
    const live = this.writers.get(id);
    let exchanges: number;
    if (live) exchanges = live.exchanges;
    else if (meta.sizeBytes === sizeBytes && typeof meta.exchanges === 'number') exchanges = meta.exchanges;
    else {
      // Not closed cleanly (crash): count once, and remember the count for this file size.
      exchanges = await this.countExchanges(id);
      writeMeta(dir, { ...meta, exchanges, sizeBytes });
    }
    return { id, name: meta.name, createdAt: meta.createdAt, exchanges, sizeBytes };
  }

  private async countExchanges(id: string): Promise<number> {
    // An exchange is a start line, or an end line alone when it ended before its start was written.
    const ids = new Set<string>();
    for await (const line of this.lines(id)) {
      const exchangeId = EXCHANGE_LINE.exec(line)?.[1];
      if (exchangeId && parseEvent(line)) ids.add(exchangeId);
    }
    return ids.size;
  }

  private lines(id: string): AsyncGenerator<string> {
    return eventLines(join(this.dirOf(id), EVENTS_FILE));
  }

  private assertExists(id: string): string {
    const dir = this.dirOf(id);
    try {
      if (statSync(dir).isDirectory()) return dir;
    } catch {
      // falls through to the clear message
    }
    throw new CaptureNotFoundError(id);
  }

  /**
   * The capture's exchanges in start order, replayed line by line (never the whole file in
   * one string). Exchanges that never ended come back as aborted, unless this process is still
   * writing the capture (then they are in flight).
   */
  async open(id: string): Promise<Exchange[]> {
    return (await this.read(id)).exchanges;
  }

  /**
   * The capture's exchanges (as `open`), the boundaries marked while it was recorded, and the
   * lines that could not be used (skipped, so one bad line never makes a capture unopenable).
   */
  async read(id: string): Promise<{ exchanges: Exchange[]; boundaries: Boundary[]; skipped: SkippedLine[] }> {
    this.assertExists(id);
    const writer = this.writers.get(id);
    writer?.flush(); // what the live capture holds so far, to the last moment
    const live = writer ?? recordingProcess(this.dirOf(id));
    const replay = new ExchangeReplay();
    const boundaries: Boundary[] = [];
    const skipped: SkippedLine[] = [];
    let number = 0;
    for await (const line of this.lines(id)) {
      number++;
      const event = parseEvent(line);
      if (!event) continue;
      if ('problem' in event) skipped.push({ line: number, reason: event.problem });
      else if (event.type === 'boundary') boundaries.push(event.boundary);
      else replay.apply(event);
    }
    return { exchanges: replay.result(live !== undefined), boundaries, skipped };
  }

  /**
   * One exchange of a capture, replayed from its own lines only (the others are not parsed):
   * how the live recorder reads back an exchange its memory window let go of.
   */
  async readExchange(id: string, exchangeId: string): Promise<Exchange | undefined> {
    this.assertExists(id);
    const writer = this.writers.get(id);
    writer?.flush();
    const live = writer ?? recordingProcess(this.dirOf(id));
    const replay = new ExchangeReplay();
    for await (const line of linesHolding(join(this.dirOf(id), EVENTS_FILE), `"${exchangeId}"`)) {
      const event = parseEvent(line);
      if (!event || 'problem' in event || event.type === 'boundary') continue;
      // The id can also appear inside another exchange (a replay's original, a correlation).
      if ((event.type === 'exchange:update' ? event.id : event.exchange.id) === exchangeId) replay.apply(event);
    }
    return replay.result(live !== undefined)[0];
  }

  async rename(id: string, name: string): Promise<void> {
    const dir = this.assertExists(id);
    if (typeof name !== 'string' || !name.trim()) throw new Error('A capture name must be a non-empty string');
    writeMeta(dir, { ...readMeta(dir, id), name });
  }

  async delete(id: string): Promise<void> {
    const dir = this.assertExists(id);
    const writer = recordingProcess(dir);
    if (writer !== undefined && writer !== process.pid) throw new Error(`Capture ${id} is being recorded by process ${writer}: stop that run first`);
    this.writers.get(id)?.close();
    await rm(dir, { recursive: true });
  }
}
