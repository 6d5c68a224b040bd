import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../../../shared/exchange';
import type { InterstitialInfo, TunnelNote, TunnelState, TunnelStatus } from '../../../shared/tunnel';
import { checkReachability, defaultResolveIPv4, sseSelfTest, type CheckDeps } from './checks';
import { createProvider, providersWithoutInterstitial, type ProviderOptions } from './providers';
import { TunnelError, type LocalTarget, type OpenTunnel, type TunnelProvider } from './provider';
import { SelfChecks } from './selfCheck';

/** How the supervisor retries and checks; the defaults suit real tunnels, tests shorten them. */
export interface SupervisorTuning {
  /** How long one attempt to open may take (default 20 s). */
  openTimeoutMs?: number;
  /** First retry delay, doubled per failure up to maxMs (defaults 1 s and 30 s), with ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Consecutive failed attempts before giving up with `failed` (default 8, about 90 s). */
  maxAttempts?: number;
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
}

export type TunnelOptions = ProviderOptions & SupervisorTuning;

interface SupervisorHooks {
  /** The public origin the reference server and front door should name (undefined: back to local). */
  onPublicUrl(url: string | undefined): void;
  /** The path of the MCP endpoint, for "what to paste where". */
  mcpPath: string;
}

const MAX_NOTES = 200;

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

  /** Starts again with the same options, e.g. after `failed`. */
  async retry(): Promise<void> {
    if (this.options && this.local) await this.start(this.local, this.options);
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

  private async supervise(provider: TunnelProvider, local: LocalTarget, options: TunnelOptions, stopped: AbortSignal): Promise<void> {
    const maxAttempts = options.maxAttempts ?? 8;
    let failures = 0;
    let previousUrl: string | undefined;
    this.transition('starting', `Opening ${provider.describe()}`);
    while (!stopped.aborted) {
      const attempt = AbortSignal.any([stopped, AbortSignal.timeout(options.openTimeoutMs ?? 20_000)]);
      let tunnel: OpenTunnel;
      try {
        tunnel = await provider.open(local, attempt);
      } catch (err) {
        if (stopped.aborted) return;
        const error = asTunnelError(err, attempt, provider, options);
        failures++;
        if (!error.retryable || failures >= maxAttempts) {
          this.hooks.onPublicUrl(undefined);
          const gaveUp = error.retryable ? ` (gave up after ${failures} attempts; retry when it is fixed)` : '';
          this.transition('failed', `${error.message}${gaveUp}. The local server keeps working.`, { failure: error.kind, attempt: failures, nextAttemptAt: undefined, publicUrl: undefined, mcpUrl: undefined, pasteHint: undefined });
          return;
        }
        const delay = this.backoff(failures - 1, options);
        this.transition('reconnecting', `${error.message}; attempt ${failures + 1} in ${seconds(delay)}`, { failure: error.kind, attempt: failures, nextAttemptAt: Date.now() + delay });
        await sleep(delay, undefined, { signal: stopped }).catch(() => undefined);
        continue;
      }
      if (stopped.aborted) {
        await tunnel.close();
        return;
      }
      failures = 0;
      this.tunnel = tunnel;
      this.up(tunnel, previousUrl);
      previousUrl = tunnel.url;
      const reason = await Promise.race([tunnel.down, new Promise<undefined>((resolve) => stopped.addEventListener('abort', () => resolve(undefined), { once: true }))]);
      if (stopped.aborted || reason === undefined) return; // stop() closes the tunnel
      this.tunnel = undefined;
      clearTimeout(this.idleTimer);
      this.inFlight.clear();
      await tunnel.close();
      const delay = this.backoff(0, options);
      // The public URL stays named in metadata: the same one usually comes back.
      this.transition('reconnecting', `Tunnel down: ${reason}; re-opening in ${seconds(delay)}`, { failure: 'dropped', attempt: 0, nextAttemptAt: Date.now() + delay, inFlight: 0, saturated: false });
      await sleep(delay, undefined, { signal: stopped }).catch(() => undefined);
    }
  }

  private up(tunnel: OpenTunnel, previousUrl: string | undefined): void {
    const mcpUrl = `${tunnel.url}${this.hooks.mcpPath}`;
    this.hooks.onPublicUrl(tunnel.url);
    if (previousUrl && previousUrl !== tunnel.url) {
      this.note('url-changed', 'warn', `The public URL changed from ${previousUrl} to ${tunnel.url}: update the connector in Claude.ai (Settings → Connectors) to ${mcpUrl}`);
    }
    this.transition('up', `Up at ${tunnel.url}`, {
      failure: undefined,
      attempt: 0,
      nextAttemptAt: undefined,
      publicUrl: tunnel.url,
      mcpUrl,
      pasteHint: `${mcpUrl} → Claude.ai → Settings → Connectors → Add custom connector`,
      maxConnections: tunnel.maxConnections,
      inFlight: 0,
      saturated: false,
      reachability: undefined,
      sseSelfTest: undefined,
      interstitial: undefined,
      idle: undefined,
    });
    for (const text of tunnel.notes ?? []) this.note('provider', 'info', text);
    this.armIdleWarning();
    if (this.options?.checks !== false) void this.runChecks(tunnel);
  }

  private checkDeps(): CheckDeps {
    return {
      fetch: this.options?.fetch ?? fetch,
      resolveIPv4: this.options?.resolveIPv4 ?? defaultResolveIPv4,
      selfChecks: this.selfChecks,
      timeoutMs: this.options?.checkTimeoutMs,
    };
  }

  private async runChecks(tunnel: OpenTunnel): Promise<void> {
    const deps = this.checkDeps();
    const report = await checkReachability(tunnel.url, deps);
    if (this.tunnel !== tunnel) return; // went down meanwhile; the next `up` checks again
    this.update({ reachability: report });
    const probes = report.probes.map((p) => `${p.as}: ${p.outcome === 'unreachable' ? p.detail : `${p.outcome} ${p.status}`} in ${p.ms} ms`).join('; ');
    const advice = report.advice.length ? ` ${report.advice.join('. ')}.` : '';
    this.note('reachability', report.verdict === 'reachable' && report.dns.outcome === 'public-ipv4' ? 'info' : 'warn', `Reachability of ${report.url}: ${report.verdict} (${probes}).${advice}`);
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

  private backoff(failuresBefore: number, options: TunnelOptions): number {
    const initial = options.backoff?.initialMs ?? 1000;
    const max = options.backoff?.maxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** failuresBefore);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private transition(state: TunnelState, reason: string, patch: Partial<TunnelStatus> = {}): void {
    this.current = { ...this.current, ...patch, state, reason, since: Date.now() };
    this.note('state', state === 'failed' ? 'error' : state === 'reconnecting' ? 'warn' : 'info', `${state}: ${reason}`);
    this.emit('state', this.status);
  }

  private update(patch: Partial<TunnelStatus>): void {
    this.current = { ...this.current, ...patch };
  }

  private note(kind: TunnelNote['kind'], level: TunnelNote['level'], text: string): void {
    const note: TunnelNote = { at: Date.now(), kind, level, text };
    this.current.notes = [...this.current.notes.slice(-(MAX_NOTES - 1)), note];
    this.emit('note', note, this.status);
  }
}

function offStatus(): TunnelStatus {
  return { provider: 'none', state: 'off', reason: 'No tunnel', since: Date.now(), attempt: 0, inFlight: 0, saturated: false, notes: [] };
}

/** Whatever an attempt threw, as a TunnelError (a timeout of ours becomes one here). */
function asTunnelError(err: unknown, attempt: AbortSignal, provider: TunnelProvider, options: TunnelOptions): TunnelError {
  if (err instanceof TunnelError) return err;
  if (attempt.aborted && (attempt.reason as Error)?.name === 'TimeoutError') {
    return new TunnelError('timeout', `${provider.describe()} gave no tunnel within ${seconds(options.openTimeoutMs ?? 20_000)}`, true);
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
