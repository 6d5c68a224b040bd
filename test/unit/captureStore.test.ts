import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeEvent } from '../../src/shared/exchange';
import { bodyRecord } from '../../src/main/core/wire/body';
import { CaptureStore, FLUSH_INTERVAL_MS, skippedLinesNote, UNFINISHED_MESSAGE, WRITER_STALE_MS } from '../../src/main/core/recorder/captureStore';
import { Recorder } from '../../src/main/core/recorder/recorder';
import { capturesCommand } from '../../src/main/captureCommands';

const body = (text: string) => bodyRecord(Buffer.from(text));

/** Drives a Recorder by hand through the lifecycles the proxy reports. */
function recordTraffic(recorder: Recorder) {
  const discovery = recorder.start({ method: 'GET', url: '/.well-known/oauth-protected-resource', httpVersion: '1.1', headers: { host: 'mcp.test', 'user-agent': 'claude-code/2.1.0' } });
  discovery.requestComplete(undefined);
  discovery.responseStarted({ status: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json' } });
  discovery.complete(body('{"resource":"http://mcp.test/mcp","authorization_servers":["http://mcp.test"]}'));

  const init = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { host: 'mcp.test', 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
  init.requestComplete(body('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"claude-code","version":"2.1.0"},"capabilities":{}}}'));
  init.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream', 'mcp-session-id': 'sess-1' } });
  init.sseEvent({ kind: 'comment', comment: 'ping' });
  init.sseEvent({ kind: 'event', event: 'message', data: '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}' });
  init.complete(body(': ping\n\nevent: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18"}}\n\n'));

  // Still streaming when the capture stops.
  const stream = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { host: 'mcp.test', accept: 'text/event-stream', 'mcp-session-id': 'sess-1' } });
  stream.requestComplete(undefined);
  stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
  stream.sseEvent({ kind: 'event', data: '{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}' });
  return { discovery, init, stream };
}

describe('CaptureStore', () => {
  let root: string;
  let store: CaptureStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'capture-store-'));
    store = new CaptureStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes an exchange that ends before its start was written as its end line alone, in start order', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder, 'first handshake');
    const { discovery, init, stream } = recordTraffic(recorder);
    detach();
    // Events after detach do not reach the capture.
    recorder.start({ method: 'GET', url: '/late', httpVersion: '1.1', headers: {} });

    const file = join(root, detach.writer.id, 'events.ndjson');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as ExchangeEvent);
    // The stream never ended: its start line holds it as it was, its SSE event included.
    expect(lines.map((e) => e.type)).toEqual(['exchange:end', 'exchange:end', 'exchange:start']);

    const [summary] = await store.list();
    expect(summary).toEqual({ id: detach.writer.id, name: 'first handshake', createdAt: expect.any(Number), exchanges: 3, sizeBytes: readFileSync(file).length });
    await expectReplayed(detach.writer.id, { discovery, init, stream });
  });

  it('appends every event as its own line when each comes in a batch of its own', async () => {
    const recorder = new Recorder();
    const seen: ExchangeEvent[] = [];
    const detach = store.attach(recorder, 'slow handshake');
    recorder.on('event', (e) => {
      seen.push(e);
      detach.writer.flush();
    });
    const traffic = recordTraffic(recorder);
    detach();

    const file = join(root, detach.writer.id, 'events.ndjson');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as ExchangeEvent).type)).toEqual(seen.map((e) => e.type));
    expect((await store.list())[0]!.exchanges).toBe(3);
    await expectReplayed(detach.writer.id, traffic);
  });

  /** The capture replays to the exchanges recordTraffic made, in start order. */
  async function expectReplayed(id: string, { discovery, init, stream }: ReturnType<typeof recordTraffic>) {
    const exchanges = await store.open(id);
    expect(exchanges.map((e) => e.id)).toEqual([discovery.exchange.id, init.exchange.id, stream.exchange.id]);
    expect(exchanges[0]).toEqual(discovery.exchange);
    expect(exchanges[1]).toEqual(init.exchange);
    expect(exchanges[1]!.classification.phase).toBe('jsonrpc');
    expect(exchanges[1]!.client.family).toBe('claude-code');
    expect(exchanges[1]!.sseEvents.map((e) => e.kind)).toEqual(['comment', 'event']);
    // Never ended: comes back aborted, with what was seen so far.
    expect(exchanges[2]).toMatchObject({ state: 'aborted', error: { kind: 'proxy-error', message: UNFINISHED_MESSAGE }, response: { status: 200 } });
    expect(exchanges[2]!.sseEvents).toHaveLength(1);
  }

  it('counts exchanges written as an end line alone when recounting after a crash', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    recordTraffic(recorder);
    detach();
    // No clean close on record: the count comes from the lines.
    writeFileSync(join(root, detach.writer.id, 'meta.json'), JSON.stringify({ id: detach.writer.id, name: 'crashed', createdAt: 1 }));
    expect((await new CaptureStore(root).list())[0]).toMatchObject({ name: 'crashed', exchanges: 3 });
  });

  it('ignores a partial trailing line left by a crash and recounts lazily', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    const { discovery, stream } = recordTraffic(recorder);
    detach();
    const file = join(root, detach.writer.id, 'events.ndjson');
    // The crash hit while the stream's end was being written.
    appendFileSync(file, `{"type":"exchange:end","exchange":{"id":"${stream.exchange.id}","startedAt":17`);
    const restarted = new CaptureStore(root);

    const exchanges = await restarted.open(detach.writer.id);
    expect(exchanges).toHaveLength(3);
    expect(exchanges[0]).toEqual(discovery.exchange);
    expect(exchanges[2]).toMatchObject({ id: stream.exchange.id, state: 'aborted', error: { message: UNFINISHED_MESSAGE } });

    const [summary] = await restarted.list();
    expect(summary!.exchanges).toBe(3);
    expect(summary!.sizeBytes).toBe(readFileSync(file).length);
    const meta = JSON.parse(readFileSync(join(root, detach.writer.id, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ exchanges: 3, sizeBytes: summary!.sizeBytes });
  });

  /** Runs a script that records traffic into a capture under `dir`, then ends as `ending` says. */
  async function recordInChild(dir: string, ending: string, whileRunning?: (captureId: string) => Promise<void>) {
    const script = join(root, 'writer.ts');
    const modules = fileURLToPath(new URL('../../src/main/core/recorder/', import.meta.url));
    writeFileSync(
      script,
      `import { CaptureStore } from ${JSON.stringify(join(modules, 'captureStore.ts'))};
import { Recorder } from ${JSON.stringify(join(modules, 'recorder.ts'))};
const recorder = new Recorder();
new CaptureStore(${JSON.stringify(dir)}).attach(recorder, 'child');
const done = recorder.start({ method: 'GET', url: '/a', httpVersion: '1.1', headers: {} });
done.requestComplete(undefined);
done.responseStarted({ status: 204, headers: {} });
done.complete(undefined);
const open = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream' } });
open.requestComplete(undefined);
open.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
for (let i = 0; i < 3; i++) open.sseEvent({ kind: 'event', data: String(i) });
${ending}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    const exited = once(child, 'exit');
    if (whileRunning) {
      // Once the child has written both exchanges (its start takes a moment under tsx).
      let id: string | undefined;
      for (let i = 0; i < 200 && !id; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [listed] = existsSync(dir) ? await new CaptureStore(dir).list() : [];
        if (listed && listed.exchanges === 2) id = listed.id;
      }
      await whileRunning(id!);
    }
    const [code, signal] = await exited;
    const [summary] = await new CaptureStore(dir).list();
    return { code, signal, summary, exchanges: await new CaptureStore(dir).open(summary!.id) };
  }

  it('has a finished exchange on disk by the end of the event-loop turn it ended in, through a kill -9', async () => {
    const killed = await recordInChild(join(root, 'killed-at-once'), `setImmediate(() => process.kill(process.pid, 'SIGKILL'));`);
    expect([killed.code, killed.signal]).toEqual([null, 'SIGKILL']);
    // The stream still in flight may be lost; the exchange that ended is not.
    expect(killed.exchanges[0]).toMatchObject({ state: 'complete', request: { url: '/a' }, response: { status: 204 } });
  });

  it('keeps every event older than the flush interval through a kill -9', async () => {
    const killed = await recordInChild(join(root, 'killed'), `setTimeout(() => process.kill(process.pid, 'SIGKILL'), ${FLUSH_INTERVAL_MS * 3});`);
    expect([killed.code, killed.signal]).toEqual([null, 'SIGKILL']);
    expect(killed.summary).toMatchObject({ name: 'child', exchanges: 2 });
    expect(killed.exchanges.map((e) => e.state)).toEqual(['complete', 'aborted']);
    expect(killed.exchanges[1]!.sseEvents.map((e) => e.data)).toEqual(['0', '1', '2']);
  });

  it('skips and reports lines of the wrong shape instead of failing the whole capture', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    recordTraffic(recorder);
    detach.writer.close();
    const file = join(root, detach.writer.id, 'events.ndjson');
    appendFileSync(file, ['{"type":"exchange:end","exchange":null}', '[1,2]', '{"type":"exchange:update"}', '{"type":"telemetry"}', ''].join('\n'));
    const read = await new CaptureStore(root).read(detach.writer.id);
    expect(read.exchanges).toHaveLength(3);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').length;
    expect(read.skipped).toEqual([
      { line: lines - 3, reason: 'exchange:end without an exchange (id, startedAt, request)' },
      { line: lines - 2, reason: 'not an event object' },
      { line: lines - 1, reason: 'exchange:update without an exchange id' },
      { line: lines, reason: 'unknown event type "telemetry"' },
    ]);
    expect(skippedLinesNote(detach.writer.id, read.skipped)).toMatch(/skipped 4 unusable lines \(line \d+: exchange:end without an exchange.*; …\); the rest is shown/);
  });

  it('`captures show` lists what it could read and says what it skipped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'capture-cli-'));
    try {
      const recorder = new Recorder();
      const detach = new CaptureStore(join(dataDir, 'captures')).attach(recorder);
      recordTraffic(recorder);
      detach.writer.close();
      appendFileSync(join(dataDir, 'captures', detach.writer.id, 'events.ndjson'), '{"type":"exchange:end","exchange":null}\n');
      const printed: string[] = [];
      await capturesCommand(['show', detach.writer.id, '--data-dir', dataDir], (line) => printed.push(line));
      expect(printed.filter((line) => line.startsWith('ex-') || /^\S+ {2}/.test(line))).toHaveLength(3);
      expect(printed[0]).toMatch(/skipped 1 unusable line \(line \d+: exchange:end without an exchange/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('does not take a crashed writer for alive when another process got its pid: the heartbeat is stale', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    const { stream } = recordTraffic(recorder);
    detach();
    const dir = join(root, detach.writer.id);
    // What a crash leaves: the pid file stays, naming a pid that a live process (our parent) now has.
    writeFileSync(join(dir, 'writer.pid'), String(process.ppid));
    const other = new CaptureStore(root);
    const stale = new Date(Date.now() - WRITER_STALE_MS - 1000);
    utimesSync(join(dir, 'writer.pid'), stale, stale);
    expect((await other.open(detach.writer.id)).find((e) => e.id === stream.exchange.id)).toMatchObject({ state: 'aborted' });
    await other.delete(detach.writer.id);
    expect(await other.list()).toEqual([]);
  });

  it('takes a writer with a fresh heartbeat for alive, whatever its pid', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    recordTraffic(recorder);
    detach();
    writeFileSync(join(root, detach.writer.id, 'writer.pid'), String(process.ppid)); // touched just now
    await expect(new CaptureStore(root).delete(detach.writer.id)).rejects.toThrow(/is being recorded by process/);
  });

  it('reads a capture another process is writing as live, and will not delete it under that process', async () => {
    const dir = join(root, 'other-process');
    const killed = await recordInChild(dir, `setTimeout(() => process.kill(process.pid, 'SIGKILL'), 60_000);`, async (id) => {
      const other = new CaptureStore(dir);
      expect((await other.open(id)).map((e) => e.state)).toEqual(['complete', 'streaming']);
      await expect(other.delete(id)).rejects.toThrow(/is being recorded by process \d+: stop that run first/);
      process.kill(Number(readFileSync(join(dir, id, 'writer.pid'), 'utf8')), 'SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');
    // The writer is gone (its pid file stale): the capture reads as ended, and may be deleted.
    expect(killed.exchanges.map((e) => e.state)).toEqual(['complete', 'aborted']);
    await new CaptureStore(dir).delete(killed.summary!.id);
    expect(await new CaptureStore(dir).list()).toEqual([]);
  });

  it('writes what is waiting when the process exits without closing the capture', async () => {
    const exited = await recordInChild(join(root, 'exited'), `process.exit(3);`);
    expect([exited.code, exited.signal]).toEqual([3, null]);
    expect(exited.exchanges.map((e) => e.state)).toEqual(['complete', 'aborted']);
    expect(exited.exchanges[1]!.sseEvents.map((e) => e.data)).toEqual(['0', '1', '2']);
  });

  it('picks up a stream that was already open when the capture started', async () => {
    const recorder = new Recorder();
    const before = recorder.start({ method: 'GET', url: '/done', httpVersion: '1.1', headers: {} });
    before.requestComplete(undefined);
    before.fail('client-aborted', 'gone');
    const stream = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream' } });
    stream.requestComplete(undefined);
    stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    stream.sseEvent({ kind: 'event', data: 'before' });
    const detach = store.attach(recorder);
    stream.sseEvent({ kind: 'event', data: 'after' });
    stream.complete(undefined);
    detach();
    const exchanges = await store.open(detach.writer.id);
    expect(exchanges).toEqual([stream.exchange]);
    expect(exchanges[0]!.sseEvents.map((e) => e.data)).toEqual(['before', 'after']);
  });

  it('keeps every SSE event of a long stream, beyond what the recorder holds in memory', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    const stream = recorder.start({ method: 'GET', url: '/sse', httpVersion: '1.1', headers: {} });
    stream.requestComplete(undefined);
    stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    for (let i = 0; i < 2100; i++) stream.sseEvent({ kind: 'event', data: String(i) });
    stream.complete(undefined);
    detach();
    expect(stream.exchange.sseEvents.length).toBeLessThan(2100);
    const [exchange] = await store.open(detach.writer.id);
    expect(exchange!.state).toBe('complete');
    expect(exchange!.sseEvents.map((e) => e.index)).toEqual([...Array(2100).keys()]);
  });

  it('lists, renames and deletes captures', async () => {
    const first = store.create('one');
    first.close();
    const second = store.create();
    expect(second.id).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{8}$/);
    expect(second.id).not.toBe(first.id);
    const byId = async () => new Map((await store.list()).map((c) => [c.id, c]));
    let list = await byId();
    expect([...list.keys()].sort()).toEqual([first.id, second.id].sort());
    expect(list.get(first.id)).toMatchObject({ name: 'one', exchanges: 0, sizeBytes: 0 });
    expect(list.get(second.id)!.name).toMatch(/^Capture \d{4}-/);

    await store.rename(first.id, 'renamed');
    list = await byId();
    expect(list.get(first.id)!.name).toBe('renamed');

    // Deleting the capture being written closes its writer first.
    await store.delete(second.id);
    expect(second.closed).toBe(true);
    expect(() => second.append({ type: 'exchange:update', id: 'x' })).toThrow(/closed/);
    expect((await store.list()).map((c) => c.id)).toEqual([first.id]);
    await expect(store.open(second.id)).rejects.toThrow(`No capture with id ${second.id}`);
    await expect(store.rename(second.id, 'x')).rejects.toThrow(/No capture/);
  });

  it.each(['../x', '..', `2026-11-24T14-03-00Z-1a2b3c4d/../../etc`, '/etc/passwd', 'C:\\x', '', '2026-11-24T14-03-00Z-1A2B3C4D'])(
    'rejects the capture id %j',
    async (id) => {
      await expect(store.open(id)).rejects.toThrow(/Invalid capture id/);
      await expect(store.rename(id, 'x')).rejects.toThrow(/Invalid capture id/);
      await expect(store.delete(id)).rejects.toThrow(/Invalid capture id/);
    },
  );

  it('does not list folders that are not captures', async () => {
    writeFileSync(join(root, 'notes.txt'), 'x');
    const writer = store.create('kept');
    writer.close();
    expect((await store.list()).map((c) => c.name)).toEqual(['kept']);
    expect(readdirSync(root).sort()).toEqual([writer.id, 'notes.txt'].sort());
    expect(existsSync(join(root, writer.id, 'meta.json'))).toBe(true);
  });

  it('reads a capture folder without its log as an empty capture instead of failing every listing', async () => {
    const writer = store.create('half made');
    writer.close();
    rmSync(join(root, writer.id, 'events.ndjson'), { force: true });
    const bare = '2026-01-01T00-00-00Z-deadbeef';
    mkdirSync(join(root, bare));
    expect((await store.list()).map((c) => [c.id, c.exchanges]).sort()).toEqual(
      [
        [bare, 0],
        [writer.id, 0],
      ].sort(),
    );
    expect(await store.open(bare)).toEqual([]);
  });

  it('reads a live capture with its in-flight exchanges as in flight, not aborted', async () => {
    const recorder = new Recorder();
    const detach = store.attach(recorder);
    const stream = recorder.start({ method: 'GET', url: '/mcp', httpVersion: '1.1', headers: { accept: 'text/event-stream' } });
    stream.requestComplete(undefined);
    stream.responseStarted({ status: 200, headers: { 'content-type': 'text/event-stream' } });
    const [live] = await store.open(detach.writer.id);
    expect(live).toMatchObject({ state: 'streaming' });
    expect(live!.error).toBeUndefined();
    detach();
    const [closed] = await store.open(detach.writer.id);
    expect(closed).toMatchObject({ state: 'aborted', error: { message: UNFINISHED_MESSAGE } });
  });
});
