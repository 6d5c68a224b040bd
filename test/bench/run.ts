import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { measureUi } from './ui';
import { build } from 'esbuild';
import type { PipelineRun } from './roles';

// npm run bench: throughput and latency of the front door, as `npm run serve` runs it
// (recording to a capture on disk, live lint), against its floor (a bare http-proxy with a
// keep-alive agent), the CPU each stage adds (roles that add one stage at a time), SSE lag
// through the proxy, and memory over many exchanges, large bodies and a long stream. Everything is measured in this one run on loopback and
// printed as ratios: absolute numbers on shared 2-core machines mean little.
//
// Knobs (environment): BENCH_SECONDS (per role, default 8), BENCH_ROUNDS (interleaved slices, 8), BENCH_CONNECTIONS (10),
// BENCH_EXCHANGES (100000), BENCH_SSE_MINUTES (10), BENCH_SSE_INTERVAL_MS (10),
// BENCH_UI_EXCHANGES (100000 rows in the UI's store; 0 skips the UI figure), BENCH_PIPELINE_EXCHANGES
// (40000 exchanges through the recording pipeline without sockets, per stage and run; 0 skips it).

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 8));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const exchanges = Number(process.env.BENCH_EXCHANGES ?? 100_000);
const sseMinutes = Number(process.env.BENCH_SSE_MINUTES ?? 10);
const uiExchanges = Number(process.env.BENCH_UI_EXCHANGES ?? 100_000);
const pipelineExchanges = Number(process.env.BENCH_PIPELINE_EXCHANGES ?? 40_000);

const rolesSource = fileURLToPath(new URL('./roles.ts', import.meta.url));
// The roles run from an esbuild bundle, built here at each start: the app ships built code,
// and tsx's on-the-fly transform (keepNames wraps every closure in a __name call) would
// charge the proxies for work the shipped app doesn't do. Packages stay external. (Built in
// the checkout, not under node_modules: worktrees may share one node_modules.)
const rolesScript = fileURLToPath(new URL('../../test-artifacts/bench/roles.mjs', import.meta.url));
const children: ChildProcess[] = [];

interface Memory {
  heapUsed: number;
  rss: number;
  /** Body bytes in the recorder's in-memory window (inspector-proxy). */
  windowBytes?: number;
}

interface Role {
  child: ChildProcess;
  url: string;
  memory(): Promise<Memory>;
  /** CPU time the role's process has used so far, in µs (user + system), and its GC pauses so far (µs). */
  cpu(): Promise<{ total: number; gc: number }>;
}

function startRole(role: string, target?: string): Promise<Role> {
  const child = fork(rolesScript, [role, ...(target ? [target] : [])], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (message: { port: number }) =>
      resolve({
        child,
        url: `http://127.0.0.1:${message.port}`,
        memory: () =>
          new Promise((done) => {
            child.once('message', (m: Memory) => done(m));
            child.send({ type: 'memory' });
          }),
        cpu: () =>
          new Promise((done) => {
            child.once('message', (m: { user: number; system: number; gc?: number }) => done({ total: m.user + m.system, gc: m.gc ?? 0 }));
            child.send({ type: 'cpu' });
          }),
      }),
    );
  });
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the role's process per request, in µs. */
  cpuPerRequest: number;
  /** The part of it the main thread spent paused for garbage collection, µs per request. */
  gcPerRequest: number;
}

async function load(role: Role, options: { duration?: number; amount?: number; path?: string }): Promise<Load> {
  const { url } = role;
  const { path = '/mcp', ...limit } = options;
  const cpuBefore = await role.cpu();
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: TOOLS_LIST,
    connections,
    ...limit,
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  // CPU per request is steadier than req/s on a shared machine: other load slows the clock
  // of every role alike, but doesn't add to the CPU time the proxy itself spends.
  const cpuAfter = await role.cpu();
  const cpuPerRequest = (cpuAfter.total - cpuBefore.total) / result.requests.total;
  const gcPerRequest = (cpuAfter.gc - cpuBefore.gc) / result.requests.total;
  return { rps: result.requests.total / (result.duration || 1), p50: result.latency.p50, p99: result.latency.p99, cpuPerRequest, gcPerRequest };
}

/**
 * Loads each role for `seconds` in all, in `rounds` interleaved slices (the order reversed
 * every other round): background load on a shared machine then falls on every role alike, and
 * the ratios compare like with like. req/s is over all slices; p50, p99 and CPU per request
 * are the median of the slices' (a burst of other work on the machine inflates the CPU time of
 * the slice it falls in, and the stage breakdown subtracts these figures from each other).
 */
async function interleaved(roles: Role[]): Promise<Load[]> {
  const slices: Load[][] = roles.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = roles.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) slices[i]!.push(await load(roles[i]!, { duration: seconds / rounds }));
  }
  const median = (values: number[]) => percentile(values, 50);
  return slices.map((runs) => ({
    rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
    gcPerRequest: median(runs.map((r) => r.gcPerRequest)),
  }));
}

/** Reads an SSE stream and records when each event id arrived. */
async function arrivals(url: string, until: AbortSignal, onEvent?: () => void): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const response = await fetch(`${url}/events`, { signal: until });
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
      const now = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const id = /^id: (\d+)/m.exec(buffer.slice(0, end))?.[1];
        if (id) seen.set(id, now);
        buffer = buffer.slice(end + 2);
        onEvent?.();
      }
    }
  } catch (err) {
    if (!until.aborted) throw err;
  }
  return seen;
}

const signed = (us: number) => `${us < 0 ? '' : '+'}${us.toFixed(0)}`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const percentile = (values: number[], p: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

/**
 * The recording pipeline's CPU per exchange by stage, without sockets (see pipeline() in
 * roles.ts), for the exchange the throughput figure sends: each stage in a fresh process, three
 * interleaved runs, the median. These figures barely move on a shared machine.
 */
async function recordingPipeline(upstreamUrl: string): Promise<void> {
  const answer = await fetch(`${upstreamUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: TOOLS_LIST });
  const sample = {
    request: { headers: { host: new URL(upstreamUrl).host, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(TOOLS_LIST.length) }, body: TOOLS_LIST },
    response: { status: answer.status, headers: Object.fromEntries(answer.headers), body: await answer.text() },
  };
  const stages: Array<PipelineRun['stage']> = ['recorder', 'lint', 'capture'];
  const runs = new Map(stages.map((s) => [s, [] as number[]]));
  for (let round = 0; round < 3; round++) {
    for (const stage of stages) {
      const child = fork(rolesScript, ['pipeline'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      await new Promise((resolve) => child.once('message', resolve)); // started
      const figure = await new Promise<number>((resolve) => {
        child.once('message', (m: { cpuPerExchange: number }) => resolve(m.cpuPerExchange));
        child.send({ type: 'pipeline', stage, exchanges: pipelineExchanges, ...sample } satisfies { type: 'pipeline' } & PipelineRun);
      });
      child.kill();
      runs.get(stage)!.push(figure);
    }
  }
  const [recorder, lint, capture] = stages.map((s) => percentile(runs.get(s)!, 50));
  console.log(`\nRecording pipeline without sockets (${pipelineExchanges} exchanges of the same POST tools/list and its ${sample.response.body.length}-byte answer, median of 3 runs, CPU per exchange)`);
  console.log(`  recorder ${recorder!.toFixed(1)} µs; + live lint ${signed(lint! - recorder!)} µs; + capture on disk ${signed(capture! - lint!)} µs; all ${capture!.toFixed(1)} µs`);
}

async function main(): Promise<void> {
  await build({ entryPoints: [rolesSource], outfile: rolesScript, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  const upstream = await startRole('upstream');
  const bare = await startRole('bare-proxy', upstream.url);
  const plumbing = await startRole('front-door-plumbing', upstream.url);
  const recorderOnly = await startRole('front-door', upstream.url);
  const withCapture = await startRole('front-door-capture', upstream.url);
  const withLint = await startRole('front-door-capture-lint', upstream.url);
  const inspector = await startRole('inspector-proxy', upstream.url);
  const roles = [upstream, bare, plumbing, recorderOnly, withCapture, withLint, inspector];

  console.log(`Throughput: POST tools/list, ${connections} connections, ${seconds} s each in ${rounds} interleaved rounds (after a 2 s warm-up)`);
  for (const role of roles) await load(role, { duration: 2 });
  const [direct, floor, frontDoorAlone, memory, capture, lint, ours] = await interleaved(roles);
  const row = (name: string, r: Load) =>
    `  ${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${ms(r.p50).padStart(9)}  p99 ${ms(r.p99).padStart(9)}  ${(r.rps / floor!.rps).toFixed(2)}× bare  CPU ${r === direct ? '    -' : `${r.cpuPerRequest.toFixed(0).padStart(4)} µs`}/request${r === direct ? '' : ` (GC pauses ${r.gcPerRequest.toFixed(0)} µs)`}`;
  console.log(row('direct to the upstream', direct!));
  console.log(row('bare http-proxy (keep-alive)', floor!));
  console.log(row('front door recording nothing (its plumbing)', frontDoorAlone!));
  console.log(row('front door, recorder only (in memory)', memory!));
  console.log(row('  + capture on disk', capture!));
  console.log(row('  + live lint', lint!));
  console.log(row('front door as serve runs it (capture, lint)', ours!));
  const rpsOk = ours!.rps >= 0.8 * floor!.rps;
  const p50Ok = ours!.p50 - floor!.p50 <= 1;
  // Each stage's cost is the CPU its role adds to the one before, measured in these same rounds
  // (so figures under a few µs are within the noise of a shared machine).
  const stage = (a: Load, b: Load) => `${(b.cpuPerRequest - a.cpuPerRequest).toFixed(0)} µs (GC ${signed(b.gcPerRequest - a.gcPerRequest)})`;
  console.log(
    `  CPU per request by stage: bare ${floor!.cpuPerRequest.toFixed(0)} µs (GC ${floor!.gcPerRequest.toFixed(0)}); front door's plumbing +${stage(floor!, frontDoorAlone!)}; recorder +${stage(frontDoorAlone!, memory!)}; capture on disk +${stage(memory!, capture!)}; live lint +${stage(capture!, lint!)}; the rest of serve (its listeners) +${stage(lint!, ours!)}`,
  );
  console.log(`  target (as serve runs it) ≥ 0.80× bare req/s: ${(ours!.rps / floor!.rps).toFixed(2)}× ${rpsOk ? 'met' : 'MISSED'}; p50 within 1 ms: +${ms(ours!.p50 - floor!.p50)} ${p50Ok ? 'met' : 'MISSED'}`);
  // Only the front-door roles are needed past this point.
  for (const role of [plumbing, recorderOnly, withCapture, withLint]) role.child.kill();
  if (pipelineExchanges > 0) await recordingPipeline(upstream.url);

  console.log('\nSSE lag behind direct: one event every 10 ms, read directly, through the bare proxy and through the front door at once (20 s)');
  const stop = AbortSignal.timeout(20_000);
  const [directArrivals, bareArrivals, proxiedArrivals] = await Promise.all([arrivals(upstream.url, stop), arrivals(bare.url, stop), arrivals(inspector.url, stop)]);
  const lagsOf = (through: Map<string, number>) => {
    const lags: number[] = [];
    for (const [id, at] of through) {
      const base = directArrivals.get(id);
      if (base !== undefined) lags.push(at - base);
    }
    return lags;
  };
  const describeLags = (name: string, lags: number[]) =>
    `  ${name.padEnd(38)} ${lags.length} events: lag p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(Math.max(...lags))}`;
  const proxiedLags = lagsOf(proxiedArrivals);
  console.log(describeLags('bare http-proxy', lagsOf(bareArrivals)));
  console.log(describeLags('inspector front door', proxiedLags));
  const worst = Math.max(...proxiedLags);
  console.log(`  target no event > 5 ms behind direct: ${worst <= 5 ? 'met' : 'MISSED'}`);

  if (uiExchanges > 0) {
    console.log(`\nUI: ${uiExchanges} exchanges in the store, the built renderer in Chromium (Performance API, input to the frame that shows it)`);
    const ui = await measureUi(uiExchanges);
    console.log(`  grouped by client run (the timeline's default): ${ui.runs} runs, a header each`);
    const worstFilter = Math.max(...ui.filterMs);
    console.log(`  filter change re-render: p50 ${ms(percentile([...ui.filterMs], 50))}, max ${ms(worstFilter)} over ${ui.filterMs.length} changes; target < 100 ms: ${worstFilter < 100 ? 'met' : 'MISSED'}`);
    console.log(`  scroll jump to a new place: p50 ${ms(percentile([...ui.scrollMs], 50))}, max ${ms(Math.max(...ui.scrollMs))}; rows at the new place drawn: ${ui.scrolledRowsOk ? 'yes' : 'NO'}`);
  }

  console.log(`\nMemory of the front door over ${exchanges} exchanges`);
  const before = await inspector.memory();
  await load(inspector, { amount: exchanges });
  const after = await inspector.memory();
  console.log(`  heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, RSS ${mb(before.rss)} → ${mb(after.rss)}`);

  console.log('\nMemory of the front door over 200 answers of 1 MB (the window keeps up to 64 MB of bodies; the capture has them all)');
  const bigBefore = await inspector.memory();
  await load(inspector, { amount: 200, path: '/big' });
  const bigAfter = await inspector.memory();
  console.log(`  window ${mb(bigAfter.windowBytes ?? 0)} of bodies; heap ${mb(bigBefore.heapUsed)} → ${mb(bigAfter.heapUsed)}, RSS ${mb(bigBefore.rss)} → ${mb(bigAfter.rss)}`);

  if (sseMinutes > 0) {
    console.log(`\nMemory over a ${sseMinutes}-minute SSE stream through the front door`);
    const streamBefore = await inspector.memory();
    let events = 0;
    // The exchange keeps its first 2000 events in memory (the capture has them all): the heap
    // grows until then by design, and must stay flat after. Read it at one minute, too.
    const streaming = arrivals(inspector.url, AbortSignal.timeout(sseMinutes * 60_000), () => events++);
    const atOneMinute = sseMinutes > 1 ? await new Promise<{ heapUsed: number; rss: number }>((resolve) => setTimeout(() => resolve(inspector.memory()), 60_000)) : undefined;
    await streaming;
    const streamAfter = await inspector.memory();
    const oneMinute = atOneMinute ? ` → ${mb(atOneMinute.heapUsed)} at 1 min` : '';
    console.log(`  ${events} events; heap ${mb(streamBefore.heapUsed)}${oneMinute} → ${mb(streamAfter.heapUsed)}, RSS ${mb(streamBefore.rss)} → ${mb(streamAfter.rss)}`);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill();
  });
