import { createServer, Agent, type Server } from 'node:http';
import httpProxy from 'http-proxy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Inspector } from '../../src/main/core/inspector';
import { FrontDoor } from '../../src/main/core/proxy/frontDoor';
import { Recorder, type ExchangeRecording, type StartExchange } from '../../src/main/core/recorder/recorder';
import type { Exchange, HttpHeaders } from '../../src/shared/exchange';
import { bodyRecord } from '../../src/main/core/wire/body';
import { ReferenceServer } from '../../src/main/core/server';
import { CaptureStore } from '../../src/main/core/recorder/captureStore';
import { LiveLint } from '../../src/main/core/lint/live';

// One role per child process, so the load generator, the proxy and the upstream don't share
// an event loop. The parent talks to each child over IPC: {port} when listening, and
// {memory} answers to {type:'memory'} requests (after a GC), and {cpu} (process.cpuUsage(), µs,
// with `gc`: the garbage collector's pauses so far, µs) answers to {type:'cpu'}.

type Message = { type: 'memory' } | { type: 'cpu' } | { type: 'exit' } | ({ type: 'pipeline' } & PipelineRun);

/** One exchange as it passed (the bench's POST tools/list and the upstream's answer), and how often to record it. */
export interface PipelineRun {
  stage: 'recorder' | 'lint' | 'capture';
  exchanges: number;
  request: { headers: HttpHeaders; body: string };
  response: { status: number; headers: HttpHeaders; body: string };
}

/**
 * A recorder that records nothing: the front door's own plumbing (http-proxy driven with a body
 * read first, its listeners, the write-ahead hold) with no exchange kept, classified, linted or
 * written. Only a bench baseline: it shows which part of the gap to a bare proxy is recording.
 */
class RecordingNothing extends Recorder {
  override start(init: StartExchange): ExchangeRecording {
    const exchange = {
      id: '',
      request: { method: init.method, url: init.url, httpVersion: init.httpVersion, headers: init.headers },
      classification: { phase: 'other', label: '' },
      appliedRules: [],
    } as unknown as Exchange;
    const nothing = () => undefined;
    return { exchange, requestComplete: nothing, responseStarted: nothing, firstByte: nothing, sseEvent: nothing, setPaused: nothing, ruleApplied: nothing, complete: nothing, fail: nothing } as unknown as ExchangeRecording;
  }
}

/**
 * The recording pipeline without sockets: `exchanges` copies of one exchange reported to a
 * recorder (+ live lint, + the capture on disk) as the front door reports them, four per turn of
 * the event loop with the write-ahead wait; CPU µs per exchange. No network, no other process:
 * a figure that stays put on a shared machine, where the throughput figures move by ±20%.
 */
async function pipeline(run: PipelineRun): Promise<number> {
  const recorder = new Recorder();
  if (run.stage !== 'recorder') new LiveLint(recorder);
  if (run.stage === 'capture') new CaptureStore(captureDir()).attach(recorder);
  const requestBody = Buffer.from(run.request.body);
  const responseBody = Buffer.from(run.response.body);
  const one = () => {
    const recording = recorder.start({ method: 'POST', url: '/mcp', httpVersion: '1.1', headers: { ...run.request.headers }, address: '127.0.0.1' });
    recording.requestComplete(bodyRecord(requestBody));
    recording.responseStarted({ status: run.response.status, statusMessage: 'OK', headers: { ...run.response.headers } });
    recording.firstByte();
    recording.complete(bodyRecord(responseBody));
    return recorder.durable();
  };
  const turns = async (count: number) => {
    for (let i = 0; i < count; i += 4) {
      void one();
      void one();
      void one();
      await one();
      await new Promise(setImmediate);
    }
  };
  await turns(Math.min(5000, run.exchanges)); // warm-up: optimised code, a full memory window
  const before = process.cpuUsage();
  await turns(run.exchanges);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / run.exchanges;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** The body bytes the role's recorder keeps in its window, where it has one. */
let windowBytes: (() => number) | undefined;

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss, windowBytes: windowBytes?.() };
}

/** A ~1 MB JSON answer (the memory window's figure sends 200 of them through the front door). */
const BIG_ANSWER = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { padding: 'x'.repeat(1024 * 1024 - 50) } });

/** A temporary capture folder that goes with the process. */
function captureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inspector-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * An SSE endpoint (/events) that sends `{"n": i}` (with `id: i`) every `intervalMs`. One timer
 * feeds every open stream, so event i leaves for the direct reader and the proxies' upstream
 * requests at the same moment and arrival times compare event by event. (A timer per stream
 * made the "lag" mostly how much later each stream had opened.)
 */
function withEventSource(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void, intervalMs: number) {
  const streams = new Set<import('node:http').ServerResponse>();
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const frame = `id: ${n}\ndata: {"n":${n++}}\n\n`;
    for (const res of streams) res.write(frame);
  };
  return createServer((req, res) => {
    if (req.url === '/big') {
      req.resume();
      return req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(BIG_ANSWER));
    }
    if (req.url !== '/events') return handler(req, res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    streams.add(res);
    timer ??= setInterval(tick, intervalMs);
    res.on('close', () => {
      streams.delete(res);
      if (streams.size === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    });
  });
}

/** Time the main thread spent paused for garbage collection so far, µs (its share of the CPU per request). */
let gcPauses = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses += entry.duration * 1000;
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const [role, target] = process.argv.slice(2);
  let port: number;
  switch (role) {
    case 'upstream': {
      const reference = await ReferenceServer.create({ profile: { tokenRequired: 'none', sessionId: 'omit', pingIntervalMs: 0 } });
      port = await listen(withEventSource(reference.handle, Number(process.env.BENCH_SSE_INTERVAL_MS ?? 10)));
      break;
    }
    case 'bare-proxy': {
      // The design's floor: http-proxy with a keep-alive agent and nothing else.
      const proxy = httpProxy.createProxyServer({ target, agent: new Agent({ keepAlive: true, maxSockets: 256 }) });
      proxy.on('error', (_err, _req, res) => (res as import('node:http').ServerResponse).destroy());
      port = await listen(createServer((req, res) => proxy.web(req, res)));
      break;
    }
    case 'front-door-plumbing': {
      port = (await new FrontDoor(new RecordingNothing(), { upstream: target! }).listen(0)).port;
      break;
    }
    case 'pipeline': {
      port = 0; // nothing listens: it answers {type: 'pipeline'} messages
      break;
    }
    case 'front-door': {
      // The front door and its recorder alone, in memory. This role and the next two add one
      // stage each on the way to inspector-proxy: the differences are the stages' costs.
      port = (await new FrontDoor(new Recorder(), { upstream: target! }).listen(0)).port;
      break;
    }
    case 'front-door-capture':
    case 'front-door-capture-lint': {
      // + the capture on disk (+ live lint), wired as the Inspector wires them (lint first).
      const recorder = new Recorder();
      if (role === 'front-door-capture-lint') new LiveLint(recorder);
      new CaptureStore(captureDir()).attach(recorder);
      port = (await new FrontDoor(recorder, { upstream: target! }).listen(0)).port;
      break;
    }
    case 'inspector-proxy': {
      // The front door as `npm run serve` runs it: recording into a capture on disk, with live
      // lint judging every exchange (no UI attached). The capture goes with the process.
      const inspector = await Inspector.create({ upstream: target!, port: 0, captureDir: captureDir() });
      port = (await inspector.start()).port;
      windowBytes = () => inspector.windowBytes;
      break;
    }
    default:
      throw new Error(`unknown role ${role}`);
  }
  // Exit (running exit handlers) when the bench stops this role or goes away without a word.
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'listening', port });
  process.on('message', (message: Message) => {
    if (message.type === 'memory') process.send!({ type: 'memory', ...memory() });
    if (message.type === 'cpu') process.send!({ type: 'cpu', ...process.cpuUsage(), gc: gcPauses });
    if (message.type === 'exit') process.exit(0);
    if (message.type === 'pipeline') void pipeline(message).then((cpuPerExchange) => process.send!({ type: 'pipeline', cpuPerExchange }));
  });
}

void main();
