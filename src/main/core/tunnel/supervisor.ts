import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import type { Exchange } from '../../../shared/exchange';
import type { InterstitialInfo, ReachabilityReport, TunnelFailureKind, TunnelNote, TunnelState, TunnelStatus } from '../../../shared/tunnel';
import { checkReachability, defaultLookupIPv4, defaultResolveIPv4, describeProbes, describeReachability, reachesInspector, sseSelfTest, type CheckDeps } from './checks';
import { createProvider, providersWithoutInterstitial, type ProviderOptions } from './providers';
import { TunnelError, type LocalTarget, type OpenTunnel, type TunnelProvider } from './provider';
import { SelfChecks } from './selfCheck';

/** How the supervisor retries and checks; the defaults suit real tunnels, tests shorten them. */
export interface SupervisorTuning {
  /** How long one attempt to open may take (default 20 s; while connecting, never past the first-connection window). */
  openTimeoutMs?: number;
  /** How long a tunnel that has never been up keeps trying before `failed` with the reason (default 20 s). */
  firstConnectMs?: number;
  /** Failed attempts before a tunnel that has never been up gives up (default: as many as fit in firstConnectMs). */
  maxAttempts?: number;
  /**
   * Delay before the next attempt: initialMs, doubled per failure up to maxMs (defaults 1 s and
   * 10 s), ±20 % jitter. Once up, a tunnel keeps retrying at that cap for as long as it is wanted.
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Check the public URL when the tunnel comes up (default on). */
  checks?: boolean;
  /** The SSE self-test stream: events and their spacing (defaults 5 × 300 ms). */
  sseSelfTest?: { events?: number; intervalMs?: number };
  /** Per check request (default 10 s). */
  checkTimeoutMs?: number;
  /** Warn when no request arrives this long after the tunnel came up (default 60 s). */
  idleWarningMs?: number;
  /** For the checks; Node's fetch and DNS by default. */
  fetch?: typeof fetch;
  resolveIPv4?: (hostname: string) => Promise<string[]>;
  /** How this machine resolves a name (hosts file included), to tell it apart from DNS. */
  lookupIPv4?: (hostname: string) => Promise<string[]>;
}

export type TunnelOptions = ProviderOptions & SupervisorTuning;

interface SupervisorHooks {
  /** The public origin the reference server and front door should name (undefined: back to local). */
  onPublicUrl(url: string | undefined): void;
  /** The path of the MCP endpoint, for "what to paste where". */
  mcpPath: string;
}

const MAX_NOTES = 200;

/** The timings when tuning leaves them out. */
export const TUNNEL_TIMING_DEFAULTS = { openTimeoutMs: 20_000, firstConnectMs: 20_000, backoff: { initialMs: 1000, maxMs: 10_000 } } as const;

/** Failures that no retry can fix, even for a tunnel that has been up (the binary or token went away). */
const FINAL_AFTER_UP = new Set<TunnelFailureKind>(['not-installed', 'not-configured', 'invalid-option']);

/** What `retry()` did: tried at once, found an attempt under way, found it up, or started over. */
export type RetryOutcome = 'now' | 'busy' | 'up' | 'restarted' | 'nothing';

/**
 * Runs one tunnel provider: opens it, watches it, re-opens it with backoff when it drops, and
 * checks the public URL each time it comes up. Every change is a state or a note, emitted as
 * `state` / `note` and kept in `status`, so the UI and CLI show the same story.
 */
export class TunnelSupervisor extends EventEmitter<{ state: [TunnelStatus]; note: [TunnelNote, TunnelStatus] }> {
  readonly selfChecks = new SelfChecks();
  private current: TunnelStatus = offStatus();
  private options?: TunnelOptions;
  private local?: LocalTarget;
  private stopping?: AbortController;
  private running?: Promise<void>;
  private tunnel?: OpenTunnel;
  private readonly inFlight = new Set<string>();
  private idleTimer?: NodeJS.Timeout;
  private idleArmedAt?: number;
  /** Ends the wait between two attempts early (retry now, a request through an unreachable URL). */
  private wake?: () => void;
  /** Set while a URL nothing of ours carries (manual) waits for proof that it reaches us. */
  private awaitingProof = false;
  /** A real client's request came through the public URL: proof it is reachable, whatever our own check says. */
  private arrivedThroughPublicUrl = false;
  /** What the provider told about its tunnel in this run: said once, not again on every re-open. */
  private readonly providerNotes = new Set<string>();

  constructor(private readonly hooks: SupervisorHooks) {
    super();
  }

  get status(): TunnelStatus {
    return { ...this.current, notes: [...this.current.notes] };
  }

  /** Opens a tunnel to the front door in the background (a running one is stopped first). Never throws. */
  async start(local: LocalTarget, options: TunnelOptions): Promise<void> {
    await this.stop();
    this.options = options;
    this.local = local;
    this.awaitingProof = false;
    this.arrivedThroughPublicUrl = false;
    this.providerNotes.clear();
    this.current = { ...offStatus(), provider: options.provider, notes: [] };
    const provider = createProvider(options);
    if (!provider) return;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.running = this.supervise(provider, local, options, stopping.signal).catch((err: unknown) => {
      // A bug here must not take the inspector down: say so and stop.
      this.transition('failed', `The tunnel supervisor failed: ${(err as Error).message}`);
    });
  }

  /**
   * "Try again now": ends the wait before the next attempt (or re-check) at once, or starts over
   * with the same options after `failed` or `off`. Nothing to do while up or mid-attempt.
   */
  async retry(): Promise<RetryOutcome> {
    if (this.wake) {
      this.wake();
      return 'now';
    }
    const { state } = this.current;
    if (state === 'up') return 'up';
    if (state !== 'failed' && state !== 'off') return 'busy';
    if (!this.options || !this.local) return 'nothing';
    await this.start(this.local, this.options);
    return 'restarted';
  }

  async stop(): Promise<void> {
    const stopping = this.stopping;
    if (!stopping) return;
    this.stopping = undefined;
    stopping.abort(new Error('the tunnel was stopped'));
    clearTimeout(this.idleTimer);
    const tunnel = this.tunnel;
    this.tunnel = undefined;
    await tunnel?.close();
    await this.running;
    this.inFlight.clear();
    this.hooks.onPublicUrl(undefined);
    if (this.current.state !== 'off') this.transition('off', 'Tunnel closed', { publicUrl: undefined, mcpUrl: undefined, pasteHint: undefined, failure: undefined, saturated: false, inFlight: 0, idle: undefined });
  }

  /** Runs the reachability check and the SSE self-test again (the "check now" button). */
  async recheck(): Promise<void> {
    if (this.tunnel && this.current.state === 'up') await this.runChecks(this.tunnel);
    else if (this.current.state === 'unreachable') this.wake?.();
  }

  /** The user says a connector was just added: warn again if nothing arrives in the idle window. */
  expectRequest(): void {
    if (this.current.state !== 'up') return;
    // The old warning no longer applies: this is a new wait, with its own deadline.
    if (this.current.idle) this.update({ idle: undefined });
    this.armIdleWarning();
    this.note('idle', 'info', `Waiting for the connector's first request through ${this.current.publicUrl} (warning again if none arrives in ${seconds(this.options?.idleWarningMs ?? 60_000)})`);
  }

  /** The inspector reports each exchange that starts: counts what came through the tunnel. */
  observeStart(exchange: Exchange): void {
    if (!this.cameThroughTunnel(exchange)) return;
    if (this.awaitingProof && !exchange.simulated) {
      // Our check from this machine can fail where the internet gets through (no hairpin NAT).
      this.arrivedThroughPublicUrl = true;
      this.wake?.();
    }
    this.inFlight.add(exchange.id);
    if (!exchange.simulated && this.idleArmedAt !== undefined) {
      this.idleArmedAt = undefined;
      clearTimeout(this.idleTimer);
      if (this.current.idle) this.update({ idle: undefined });
    }
    const max = this.current.maxConnections;
    if (max !== undefined && this.inFlight.size >= max && !this.current.saturated) {
      this.update({ inFlight: this.inFlight.size, saturated: true });
      this.note('queue', 'warn', `All ${max} tunnel connections are busy: further requests wait at the tunnel server until one ends (each open SSE stream holds one)`);
    } else this.update({ inFlight: this.inFlight.size });
  }

  observeEnd(exchange: Exchange): void {
    if (!this.inFlight.delete(exchange.id)) return;
    const max = this.current.maxConnections;
    if (this.current.saturated && max !== undefined && this.inFlight.size < max) {
      this.update({ inFlight: this.inFlight.size, saturated: false });
      this.note('queue', 'info', `A tunnel connection is free again (${this.inFlight.size} of ${max} busy)`);
    } else this.update({ inFlight: this.inFlight.size });
  }

  private cameThroughTunnel(exchange: Exchange): boolean {
    const publicUrl = this.current.publicUrl;
    const host = exchange.request.headers.host;
    if (!publicUrl || typeof host !== 'string') return false;
    try {
      return new URL(`http://${host}`).hostname === new URL(publicUrl).hostname;
    } catch {
      return false;
    }
  }

  /**
   * The state machine: `connecting` (attempts with backoff until the first success, `failed`
   * after the first-connection window) → `up` → `reconnecting` when it drops (attempts with
   * capped backoff, never given up) → `up`. A manual URL is `up` only once the reachability
   * check gets through, `unreachable` (checked again with backoff) until then.
   */
  private async supervise(provider: TunnelProvider, local: LocalTarget, options: TunnelOptions, stopped: AbortSignal): Promise<void> {
    const timing = timingsOf(options);
    const deadline = Date.now() + timing.firstConnectMs;
    let wasUp = false;
    let failures = 0;
    let lastError: TunnelError | undefined;
    let previousUrl: string | undefined;
    this.transition('connecting', `Opening ${provider.describe()}`);
    while (!stopped.aborted) {
      // A first connection never runs past its window: the user hears why within it.
      const openMs = wasUp ? timing.openTimeoutMs : Math.max(1, Math.min(timing.openTimeoutMs, deadline - Date.now()));
      const attempt = AbortSignal.any([stopped, AbortSignal.timeout(openMs)]);
      let tunnel: OpenTunnel;
      try {
        tunnel = await provider.open(local, attempt);
      } catch (err) {
        if (stopped.aborted) return;
        let error = asTunnelError(err, attempt, provider, openMs);
        // An attempt cut short by the window says less than the failure before it.
        if (error.kind === 'timeout' && openMs < timing.openTimeoutMs && lastError) error = lastError;
        lastError = error;
        failures++;
        const delay = this.backoff(failures - 1, timing);
        const final = wasUp ? !error.retryable && FINAL_AFTER_UP.has(error.kind) : !error.retryable || failures >= (options.maxAttempts ?? Infinity) || Date.now() + delay >= deadline;
        if (final) {
          this.hooks.onPublicUrl(undefined);
          const gaveUp = error.retryable ? ` (not up after ${failures} attempt${failures === 1 ? '' : 's'}; retry when it is fixed)` : '';
          this.transition('failed', `${error.message}${gaveUp}. The local server keeps working.`, { failure: error.kind, attempt: failures, nextAttemptAt: undefined, publicUrl: undefined, mcpUrl: undefined, pasteHint: undefined });
          return;
        }
        if (!(await this.waitToRetry(wasUp ? 'reconnecting' : 'connecting', error.message, { failure: error.kind, attempt: failures }, delay, stopped))) return;
        continue;
      }
      if (stopped.aborted) {
        await tunnel.close();
        return;
      }
      let report: ReachabilityReport | undefined;
      if (tunnel.checkedOnly && options.checks !== false) {
        report = await this.checkFromOutside(tunnel);
        if (stopped.aborted) return;
        if (!reachesInspector(report) && !this.arrivedThroughPublicUrl) {
          failures++;
          const reason = `${tunnel.url} did not reach the inspector when requested from this machine: ${describeProbes(report.probes)}`;
          if (!(await this.waitToRetry('unreachable', reason, { failure: 'unreachable', attempt: failures }, this.backoff(failures - 1, timing), stopped))) return;
          continue;
        }
      }
      wasUp = true;
      failures = 0;
      lastError = undefined;
      this.tunnel = tunnel;
      this.up(tunnel, previousUrl, report);
      previousUrl = tunnel.url;
      const reason = await Promise.race([tunnel.down, new Promise<undefined>((resolve) => stopped.addEventListener('abort', () => resolve(undefined), { once: true }))]);
      if (stopped.aborted || reason === undefined) return; // stop() closes the tunnel
      this.tunnel = undefined;
      clearTimeout(this.idleTimer);
      this.inFlight.clear();
      await tunnel.close();
      // The public URL stays named in metadata: the same one usually comes back.
      if (!(await this.waitToRetry('reconnecting', `Tunnel down: ${reason}`, { failure: 'dropped', attempt: 0, inFlight: 0, saturated: false }, this.backoff(0, timing), stopped))) return;
    }
  }

  /**
   * Says why and when the next attempt is, then waits for it (or for retry()). Returns false
   * when stopped meanwhile. Repeating the same reason adds no note: each line is said once.
   */
  private async waitToRetry(state: TunnelState, reason: string, patch: Partial<TunnelStatus>, delayMs: number, stopped: AbortSignal): Promise<boolean> {
    this.transition(state, reason, { ...patch, nextAttemptAt: Date.now() + delayMs }, `next attempt in ${seconds(delayMs)}`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopped.removeEventListener('abort', done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, delayMs);
      stopped.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    if (stopped.aborted) return false;
    // Trying now: no next attempt to show until this one fails.
    this.transition(state, reason, { nextAttemptAt: undefined });
    return true;
  }

  /** The reachability check of a URL nothing of ours carries (manual): its only proof of life. */
  private async checkFromOutside(tunnel: OpenTunnel): Promise<ReachabilityReport> {
    this.awaitingProof = true;
    this.hooks.onPublicUrl(tunnel.url);
    this.update({ publicUrl: tunnel.url, mcpUrl: `${tunnel.url}${this.hooks.mcpPath}` });
    const report = await checkReachability(tunnel.url, this.checkDeps());
    this.noteReachability(report);
    return report;
  }

  private up(tunnel: OpenTunnel, previousUrl: string | undefined, report?: ReachabilityReport): void {
    const mcpUrl = `${tunnel.url}${this.hooks.mcpPath}`;
    this.hooks.onPublicUrl(tunnel.url);
    if (previousUrl && previousUrl !== tunnel.url) {
      this.note('url-changed', 'warn', `The public URL changed from ${previousUrl} to ${tunnel.url}: update the connector in Claude.ai (Settings → Connectors) to ${mcpUrl}`);
    }
    const proof = report && !reachesInspector(report) ? ': a request arrived through it (the check from this machine did not get through, which happens behind NAT)' : '';
    this.awaitingProof = false;
    this.arrivedThroughPublicUrl = false;
    this.transition('up', `Up at ${tunnel.url}${proof}`, {
      failure: undefined,
      attempt: 0,
      nextAttemptAt: undefined,
      lastUpAt: Date.now(),
      publicUrl: tunnel.url,
      mcpUrl,
      pasteHint: `${mcpUrl} → Claude.ai → Settings → Connectors → Add custom connector`,
      maxConnections: tunnel.maxConnections,
      inFlight: 0,
      saturated: false,
      reachability: report,
      sseSelfTest: undefined,
      interstitial: undefined,
      idle: undefined,
    });
    for (const text of tunnel.notes ?? []) {
      if (this.providerNotes.has(text)) continue;
      this.providerNotes.add(text);
      this.note('provider', 'info', text);
    }
    this.armIdleWarning();
    if (this.options?.checks !== false) void this.runChecks(tunnel, report);
  }

  private checkDeps(): CheckDeps {
    return {
      fetch: this.options?.fetch ?? fetch,
      resolveIPv4: this.options?.resolveIPv4 ?? defaultResolveIPv4,
      lookupIPv4: this.options?.lookupIPv4 ?? defaultLookupIPv4,
      selfChecks: this.selfChecks,
      timeoutMs: this.options?.checkTimeoutMs,
    };
  }

  /** The checks through the public URL; a reachability report already made (manual) isn't made again. */
  private async runChecks(tunnel: OpenTunnel, known?: ReachabilityReport): Promise<void> {
    const deps = this.checkDeps();
    const report = known ?? (await checkReachability(tunnel.url, deps));
    if (this.tunnel !== tunnel) return; // went down meanwhile; the next `up` checks again
    if (!known) this.noteReachability(report);
    if (report.probes.some((p) => p.as === 'browser' && p.outcome === 'interstitial')) {
      const interstitial = await this.describeInterstitial(tunnel, deps);
      if (this.tunnel !== tunnel) return;
      this.update({ interstitial });
      this.note('interstitial', 'warn', interstitial.advice);
    }
    const sse = this.options?.sseSelfTest;
    const result = await sseSelfTest(tunnel.url, deps, sse?.events, sse?.intervalMs);
    if (this.tunnel !== tunnel) return;
    this.update({ sseSelfTest: result });
    this.note('sse-self-test', result.verdict === 'streams' ? 'info' : 'warn', `SSE self-test: ${result.verdict}: ${result.detail}`);
  }

  /** Keeps the report and says it in one line, unless that line was just said (a re-check finding the same). */
  private noteReachability(report: ReachabilityReport): void {
    this.update({ reachability: report });
    const advice = report.advice.length ? ` ${report.advice.join('. ')}.` : '';
    const text = `${describeReachability(report)}${advice}`;
    const last = this.current.notes.findLast((n) => n.kind === 'reachability');
    if (last?.text === text && this.current.state !== 'up') return;
    this.note('reachability', report.verdict === 'reachable' && report.dns.outcome === 'public-ipv4' ? 'info' : 'warn', text);
  }

  /** Tells the user how to get past the page, with the password when we can read it. */
  private async describeInterstitial(tunnel: OpenTunnel, deps: CheckDeps): Promise<InterstitialInfo> {
    const provider = this.current.provider;
    const passwordUrl = tunnel.interstitial?.passwordUrl;
    let password: string | undefined;
    if (passwordUrl) {
      try {
        const res = await deps.fetch(passwordUrl, { signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) });
        const text = (await res.text()).trim();
        if (res.ok && isIP(text)) password = text;
      } catch {
        // Shown as "look it up there" instead.
      }
    }
    const alternatives = providersWithoutInterstitial(this.options?.env).filter((p) => p !== provider);
    const how =
      provider === 'localtunnel'
        ? `Browsers get localtunnel's reminder page (401) before the OAuth consent page. Open ${tunnel.url} once in the browser you use for Claude.ai and enter the tunnel password: this machine's public IP address${password ? ` (${password})` : ''}${passwordUrl ? `, shown at ${passwordUrl}` : ''}.`
        : `Browsers get ${provider}'s warning page before the OAuth consent page: open ${tunnel.url} once in the browser you use for Claude.ai and continue past it.`;
    const prefer = alternatives.length ? ` ${alternatives.join(', ')} is available here and shows no such page: --tunnel ${alternatives[0]}.` : '';
    return { provider, passwordUrl, password, advice: `${how}${prefer}` };
  }

  private armIdleWarning(): void {
    clearTimeout(this.idleTimer);
    const armedAt = Date.now();
    this.idleArmedAt = armedAt;
    const waitMs = this.options?.idleWarningMs ?? 60_000;
    this.idleTimer = setTimeout(() => {
      if (this.idleArmedAt !== armedAt || this.current.state !== 'up') return;
      const causes = [...(this.current.reachability?.advice ?? []), ...idleCauses(this.current.mcpUrl ?? '')];
      this.update({ idle: { since: armedAt, waitedMs: waitMs, causes } });
      this.note('idle', 'warn', `No request arrived through ${this.current.publicUrl} in the ${seconds(waitMs)} since it came up. Common causes: ${causes.join('; ')}`);
    }, waitMs);
    this.idleTimer.unref();
  }

  private backoff(failuresBefore: number, timing: Timings): number {
    const base = Math.min(timing.backoff.maxMs, timing.backoff.initialMs * 2 ** failuresBefore);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * Enters `state` (or stays in it with a new reason or timing). A note (the timeline, the CLI's
   * `[tunnel]` line) only when the state or reason changed; `after` adds what is next to it.
   */
  private transition(state: TunnelState, reason: string, patch: Partial<TunnelStatus> = {}, after?: string): void {
    const changed = state !== this.current.state || reason !== this.current.reason;
    this.current = { ...this.current, ...patch, state, reason, since: changed ? Date.now() : this.current.since };
    const level = state === 'failed' ? 'error' : state === 'reconnecting' || state === 'unreachable' || (state === 'connecting' && this.current.failure) ? 'warn' : 'info';
    if (changed) this.note('state', level, `${state}: ${reason}${after ? `; ${after}` : ''}`, state);
    this.emit('state', this.status);
  }

  private update(patch: Partial<TunnelStatus>): void {
    this.current = { ...this.current, ...patch };
  }

  private note(kind: TunnelNote['kind'], level: TunnelNote['level'], text: string, state?: TunnelState): void {
    const note: TunnelNote = { at: Date.now(), kind, level, text, ...(state ? { state } : {}) };
    this.current.notes = [...this.current.notes.slice(-(MAX_NOTES - 1)), note];
    this.emit('note', note, this.status);
  }
}

interface Timings {
  openTimeoutMs: number;
  firstConnectMs: number;
  backoff: { initialMs: number; maxMs: number };
}

function timingsOf(options: SupervisorTuning): Timings {
  const d = TUNNEL_TIMING_DEFAULTS;
  return {
    openTimeoutMs: options.openTimeoutMs ?? d.openTimeoutMs,
    firstConnectMs: options.firstConnectMs ?? d.firstConnectMs,
    backoff: { initialMs: options.backoff?.initialMs ?? d.backoff.initialMs, maxMs: options.backoff?.maxMs ?? d.backoff.maxMs },
  };
}

function offStatus(): TunnelStatus {
  return { provider: 'none', state: 'off', reason: 'No tunnel', since: Date.now(), attempt: 0, inFlight: 0, saturated: false, notes: [] };
}

/** Whatever an attempt threw, as a TunnelError (a timeout of ours becomes one here). */
function asTunnelError(err: unknown, attempt: AbortSignal, provider: TunnelProvider, openMs: number): TunnelError {
  if (err instanceof TunnelError) return err;
  if (attempt.aborted && (attempt.reason as Error)?.name === 'TimeoutError') {
    return new TunnelError('timeout', `${provider.describe()} gave no tunnel within ${seconds(openMs)}`, true);
  }
  return new TunnelError('refused', `${provider.describe()} failed: ${(err as Error)?.message ?? String(err)}`, true);
}

function idleCauses(mcpUrl: string): string[] {
  return [
    'the connector is not added yet: Claude.ai → Settings → Connectors → Add custom connector',
    `the connector URL must be exactly ${mcpUrl}`,
    'the tunnel URL changed since the connector was added (re-add it)',
    "a reminder/interstitial page, or a 401/403 from the tunnel's edge, stops requests before they reach the inspector",
    "the tunnel's name has no public IPv4 address: hosted connectors such as Claude.ai connect from the cloud over IPv4 only, to https URLs on port 443",
  ];
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
