import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHeaders } from '../../../src/shared/exchange';
import type { Step } from '../../../src/shared/rules';
import { Recorder, type ExchangeRecording } from '../../../src/main/core/recorder/recorder';
import { Breakpoints } from '../../../src/main/core/proxy/breakpoints';
import { executorOf } from '../../../src/main/core/proxy/steps';
import type { RequestStepContext, ResponseStepContext } from '../../../src/main/core/proxy/steps/step';
import { SseEventWriter, sseTransform } from '../../../src/main/core/proxy/sseTransform';
import type { ParsedSse } from '../../../src/main/core/wire/sse';

// Test factories for step executors: a response-stage context as the front door builds it, and
// a request-stage step run on a real request over a real socket, with a real recorder.

export function responseContext(status = 200, headers: HttpHeaders = { 'content-type': 'application/json' }): ResponseStepContext {
  return { status, headers: { ...headers }, jsonRpcEdits: [], sse: sseTransform(), onStream: [] };
}

/** Runs a response step; returns how many times it recorded itself as applied. */
export async function runOnResponse(step: Step, ctx: ResponseStepContext): Promise<{ applied: () => number }> {
  let applied = 0;
  await executorOf(step).onResponse!(step, ctx, () => applied++);
  return { applied: () => applied };
}

export interface ClientSaw {
  status?: number;
  headers?: IncomingMessage['headers'];
  body?: string;
  /** The socket error the client got instead of an answer (ECONNRESET), or 'closed' for an end without one. */
  error?: string;
}

export interface RequestRun {
  ctx: RequestStepContext;
  recording: ExchangeRecording;
  res: ServerResponse;
  breakpoints: Breakpoints;
  /** The step has run. */
  done: Promise<void>;
  /** What the client got; with `abort`, the client gives up first. */
  client(abort?: boolean): Promise<ClientSaw>;
}

/**
 * Sends a POST to a fresh server whose handler runs the step before the upstream. Resolves once
 * the step has started (`done` when it has run; the client's outcome comes with `client()`).
 */
export async function runOnRequest(step: Step): Promise<RequestRun> {
  const recorder = new Recorder();
  const breakpoints = new Breakpoints();
  let ran!: (run: Omit<RequestRun, 'client'>) => void;
  const stepRan = new Promise<Omit<RequestRun, 'client'>>((resolve) => (ran = resolve));
  const server = createServer((req, res) => {
    const recording = recorder.start({ method: req.method!, url: req.url!, httpVersion: req.httpVersion, headers: { ...req.headers } });
    const ctx: RequestStepContext = {
      req,
      res,
      recording,
      pause: (stage, ms) => breakpoints.pause(recording, stage, ms),
      endResponse: (body, record) => {
        record();
        res.end(body);
      },
    };
    const done = Promise.resolve(executorOf(step).onRequest!(step, ctx));
    ran({ ctx, recording, res, breakpoints, done });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clientReq = request({ port, host: '127.0.0.1', method: 'POST', path: '/mcp', headers: { 'content-type': 'application/json' } });
  const outcome = new Promise<ClientSaw>((resolve) => {
    clientReq.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    clientReq.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code === 'ECONNRESET' && err.message === 'socket hang up' ? 'closed' : (err.code ?? err.message) }));
  });
  clientReq.end('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
  const run = await stepRan;
  return {
    ...run,
    client: async (abort = false) => {
      if (abort) clientReq.destroy();
      const saw = await outcome.catch((err: Error) => ({ error: err.message }));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      return saw;
    },
  };
}

/**
 * Writes events through the SSE transform to a real client, as the front door does with a
 * stream's parsed events; resolves with the text the client read and whether the transform
 * stopped the upstream (close-after).
 */
export async function throughSseWriter(sse: ResponseStepContext['sse'], items: ParsedSse[]): Promise<{ text: string; stopped: boolean; at: number[] }> {
  let stopped = false;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const writer = new SseEventWriter(res, sse, () => (stopped = true));
    for (const item of items) writer.write(item);
    void writer.drained().then(() => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started = performance.now();
  const at: number[] = [];
  const text = await new Promise<string>((resolve, reject) => {
    request({ port, host: '127.0.0.1', path: '/' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (c: string) => {
        body += c;
        at.push(performance.now() - started);
      });
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
  await new Promise((resolve) => server.close(resolve));
  return { text, stopped, at };
}

export const events = (...data: string[]): ParsedSse[] => data.map((d) => ({ kind: 'event', data: d }));
