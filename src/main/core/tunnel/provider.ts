import type { TunnelFailureKind, TunnelProviderId } from '../../../shared/tunnel';

/**
 * One way of getting a public URL for a local port. A provider only opens tunnels; retrying,
 * backoff, states and checks belong to the TunnelSupervisor, the same for every provider.
 */
export interface TunnelProvider {
  readonly id: TunnelProviderId;
  /** "localtunnel via https://localtunnel.me", for the timeline. */
  describe(): string;
  /**
   * Opens a tunnel to the front door at `local` and resolves once its public URL is known.
   * Rejects with a TunnelError. When `signal` aborts (timeout, stop), it must give up and
   * release everything it started.
   */
  open(local: LocalTarget, signal: AbortSignal): Promise<OpenTunnel>;
}

/** Where the tunnel delivers requests: the front door. */
export interface LocalTarget {
  host: string;
  port: number;
}

/** An address to dial for a listening address (a wildcard bind is reached on loopback). */
export function dialable(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export interface OpenTunnel {
  /** The public origin, e.g. https://wise-pans-fly.loca.lt. */
  url: string;
  /** Settles with a reason when the tunnel goes down on its own (never on close()). */
  readonly down: Promise<string>;
  close(): Promise<void>;
  /** Things worth telling the user once the tunnel is up (subdomain taken, plaintext leg). */
  notes?: string[];
  /** How many requests the tunnel carries at once (localtunnel: max_conn_count). */
  maxConnections?: number;
  /** What browsers meet before our pages, and how to get past it. */
  interstitial?: InterstitialHint;
  /**
   * Nothing of ours carries it (a manual URL), so nothing can tell it went down: it is up only
   * once the reachability check (or a real request) gets through it.
   */
  checkedOnly?: boolean;
}

export interface InterstitialHint {
  /** Where the tunnel password can be read (on the machine running the tunnel). */
  passwordUrl?: string;
}

/** A tunnel that could not open. `retryable` says whether trying again later can help. */
export class TunnelError extends Error {
  constructor(
    readonly kind: TunnelFailureKind,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TunnelError';
  }
}

/** Rejects with the abort reason when `signal` aborts; for awaiting things that can't be cancelled. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** A promise and its resolver, for `down`. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
