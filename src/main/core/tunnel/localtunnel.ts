import type { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { abortable, deferred, TunnelError, type LocalTarget, type OpenTunnel, type TunnelProvider } from './provider';
import { clip } from '../../../shared/text';

// The `localtunnel` npm client (2.0.2, unmaintained since 2021) driven through our own
// supervision. We keep its data plane (TunnelCluster: a pool of plain TCP sockets to the
// tunnel server, each piped to one local connection) and replace only its control-plane call,
// `Tunnel#_init`, which retries `GET {host}/?new` every second forever on any error and can't
// be cancelled. Everything else the client gets wrong is handled here (localtunnel/localtunnel lib/Tunnel.js, TunnelCluster.js).

export const PUBLIC_LOCALTUNNEL_HOST = 'https://localtunnel.me';
/** loca.lt's page showing the tunnel password (the public IP of the machine running the client). */
export const LOCA_LT_PASSWORD_URL = 'https://loca.lt/mytunnelpassword';
export { LOCALTUNNEL_SUBDOMAIN } from '../../../shared/tunnel';

export interface LocaltunnelOptions {
  /** The tunnel server (default https://localtunnel.me); a self-hosted one for teams and tests. */
  host?: string;
  /** Ask for this name; the server gives a random one when it is taken. */
  subdomain?: string;
  /**
   * Where the client connects locally when the front door isn't on loopback. On loopback the
   * client dials `localhost` and leaves the public Host header alone.
   */
  localHost?: string;
  /**
   * The local side speaks HTTPS. The client needs either `allowInvalidCert` or both `cert` and
   * `key` (files): without them it throws from a socket callback and takes the process down.
   */
  localHttps?: { allowInvalidCert?: boolean; cert?: string; key?: string; ca?: string };
  /** Where users read the tunnel password; loca.lt's page for the public server. */
  passwordUrl?: string;
  /** How long the registration request may take (default 10 s). */
  requestTimeoutMs?: number;
  /** A tunnel with no socket left to the server for this long is dead (default 10 s). */
  emptyPoolGraceMs?: number;
}

/** The fields of localtunnel's `Tunnel` we use (the library ships no types for lib/). */
interface LocaltunnelClient extends EventEmitter {
  opts: Record<string, unknown>;
  closed: boolean;
  clientId?: string;
  url?: string;
  tunnelCluster?: EventEmitter;
  open(cb: (err?: Error) => void): void;
  close(): void;
  _getInfo(body: unknown): RegisteredTunnel;
}
type TunnelConstructor = new (opts: Record<string, unknown>) => LocaltunnelClient;

/** What `_getInfo` makes of the server's `{id, port, max_conn_count, url}`. */
interface RegisteredTunnel {
  name: string;
  url: string;
  max_conn: number;
  remote_port: number;
}

interface AxiosLike {
  get(url: string, config: { responseType: 'json'; timeout: number; signal: AbortSignal }): Promise<{ status: number; data: unknown }>;
}

const requireFromHere = createRequire(import.meta.url);
/** The client's own axios (1.x through package.json `overrides`; it pins 0.21.4). */
const axios = createRequire(requireFromHere.resolve('localtunnel'))('axios') as AxiosLike;
const Tunnel = requireFromHere('localtunnel/lib/Tunnel') as TunnelConstructor;

/**
 * The client's Tunnel with a registration request that has a timeout, can be aborted, and
 * tries once: the supervisor decides about retries, with backoff.
 */
class SupervisedTunnel extends Tunnel {
  constructor(
    opts: Record<string, unknown>,
    private readonly signal: AbortSignal,
    private readonly timeoutMs: number,
  ) {
    super(opts);
  }

  // Same request as Tunnel#_init (`GET {host}/<subdomain>` or `/?new`), same axios.
  _init(cb: (err: Error | null, info?: RegisteredTunnel) => void): void {
    const host = String(this.opts.host);
    const uri = `${host}/${(this.opts.subdomain as string | undefined) ?? '?new'}`;
    axios.get(uri, { responseType: 'json', timeout: this.timeoutMs, signal: this.signal }).then(
      (res) => {
        const body = res.data as Record<string, unknown> | undefined;
        if (!body || typeof body !== 'object' || typeof body.id !== 'string' || typeof body.port !== 'number' || typeof body.url !== 'string') {
          return cb(new TunnelError('refused', `The tunnel server ${host} answered without a tunnel (expected {id, port, url}, got ${clip(JSON.stringify(body), 200)})`, true));
        }
        cb(null, this._getInfo(body));
      },
      (err: unknown) => cb(registrationError(err, host, this.signal)),
    );
  }
}

/** Turns an axios failure of the registration request into words and a retry decision. */
function registrationError(err: unknown, host: string, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  const e = err as { response?: { status: number; data?: unknown }; code?: string; message?: string };
  if (e.response) {
    const status = e.response.status;
    const data = e.response.data as { message?: unknown } | string | undefined;
    const said = typeof data === 'object' && data && typeof data.message === 'string' ? data.message : typeof data === 'string' ? clip(data, 200) : '';
    // 4xx is the server refusing what we asked (e.g. 403 for an invalid subdomain): asking
    // again won't change its mind, except for rate limiting.
    const retryable = status >= 500 || status === 429;
    return new TunnelError('refused', `The tunnel server ${host} refused the tunnel with ${status}${said ? `: ${said}` : ''}`, retryable);
  }
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return new TunnelError('timeout', `The tunnel server ${host} did not answer in time (${e.code})`, true);
  return new TunnelError('unreachable', `The tunnel server ${host} could not be reached (${e.code ?? e.message ?? String(err)})`, true);
}

/** Refuses local HTTPS options the client would crash the process on (issues #460, #472). */
function checkLocalHttps(https: LocaltunnelOptions['localHttps']): Record<string, unknown> {
  if (!https) return {};
  if (!https.allowInvalidCert && !(https.cert && https.key)) {
    throw new TunnelError('invalid-option', 'localtunnel with local HTTPS needs allowInvalidCert, or both a cert and a key file (the client would otherwise crash on the first connection)', false);
  }
  for (const [name, file] of [['cert', https.cert], ['key', https.key], ['ca', https.ca]] as const) {
    if (!file || https.allowInvalidCert) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch {
      // The client reads these files inside a socket callback, where a failure is uncaught.
      throw new TunnelError('invalid-option', `localtunnel local HTTPS: cannot read the ${name} file ${file}`, false);
    }
  }
  return { local_https: true, allow_invalid_cert: https.allowInvalidCert, local_cert: https.cert, local_key: https.key, local_ca: https.ca };
}

/** Names that reach 127.0.0.1 from the client's default `localhost` target. */
const LOOPBACK_BINDINGS = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

export class LocaltunnelProvider implements TunnelProvider {
  readonly id = 'localtunnel';
  private readonly host: string;
  /** The name we last had: asked for again after a drop, so the URL stays the same. */
  private lastName?: string;

  constructor(private readonly options: LocaltunnelOptions = {}) {
    this.host = (options.host ?? PUBLIC_LOCALTUNNEL_HOST).replace(/\/+$/, '');
  }

  describe(): string {
    return `localtunnel via ${this.host}${this.options.subdomain ? ` (subdomain ${this.options.subdomain})` : ''}`;
  }

  get isPublicServer(): boolean {
    return this.host === PUBLIC_LOCALTUNNEL_HOST;
  }

  async open(local: LocalTarget, signal: AbortSignal): Promise<OpenTunnel> {
    const https = checkLocalHttps(this.options.localHttps);
    const wanted = this.lastName ?? this.options.subdomain;
    const localHost = this.options.localHost ?? local.host;
    const client = new SupervisedTunnel(
      {
        host: this.host,
        port: local.port,
        subdomain: wanted,
        // Without local_host the client dials `localhost` and leaves the public Host header
        // alone; with it, it rewrites Host on the first request of each socket only (lib/HeaderHostTransformer.js).
        ...(localHost && !LOOPBACK_BINDINGS.has(localHost) ? { local_host: localHost } : {}),
        ...https,
      },
      signal,
      this.options.requestTimeoutMs ?? 10_000,
    );
    const down = deferred<string>();
    let reportedDown = false;
    const goDown = (reason: string) => {
      if (reportedDown) return;
      reportedDown = true;
      down.resolve(reason);
    };
    // One 'error' per pool socket, for the whole life of the client: an 'error' without a
    // listener would crash the process. After a server restart they say "connection refused"
    // and the client never registers again (no 'close' either): that tunnel is dead.
    client.on('error', (err: Error) => goDown(`the tunnel server dropped the tunnel: ${err.message}`));

    let stopWatching = () => {};
    try {
      await abortable(new Promise<void>((resolve, reject) => client.open((err) => (err ? reject(err) : resolve()))), signal);
      // Registered, and the pool sockets are dialling: watch them from their first 'open'.
      stopWatching = this.watchPool(client, goDown);
      // Wait for the first pool socket to connect to the server's tunnel port.
      await abortable(
        new Promise<void>((resolve, reject) => {
          client.once('url', () => resolve());
          client.once('error', (err: Error) => reject(new TunnelError('refused', `The tunnel server ${this.host} registered the tunnel but refused its connections (${err.message}). A firewall blocking outgoing connections to high ports does this.`, true)));
        }),
        signal,
      );
    } catch (err) {
      stopWatching();
      client.close();
      throw err;
    }

    const name = client.clientId!;
    const notes: string[] = [];
    if (wanted && wanted !== name) {
      notes.push(
        this.lastName === wanted
          ? `The tunnel server gave a new name (${name}) instead of ${wanted}: the public URL changed`
          : `The subdomain "${wanted}" is taken on ${this.host}; the server gave "${name}" instead`,
      );
    }
    if (!this.host.startsWith('https:')) notes.push(`The tunnel server ${this.host} is plain HTTP`);
    notes.push('localtunnel carries traffic between this machine and the tunnel server unencrypted');
    this.lastName = name;

    const maxConnections = (client as unknown as { tunnelCluster?: { opts?: { max_conn?: number } } }).tunnelCluster?.opts?.max_conn;
    return {
      url: new URL(client.url!).origin,
      down: down.promise,
      notes,
      maxConnections,
      interstitial: { passwordUrl: this.options.passwordUrl ?? (this.isPublicServer ? LOCA_LT_PASSWORD_URL : undefined) },
      close: async () => {
        reportedDown = true;
        stopWatching();
        client.close(); // destroys the pool sockets; the server forgets the tunnel shortly after
      },
    };
  }

  /**
   * Sockets that fail before connecting (anything but ECONNREFUSED) vanish from the pool
   * without an event. A pool left empty past the grace time is a dead tunnel too.
   */
  private watchPool(client: LocaltunnelClient, goDown: (reason: string) => void): () => void {
    const graceMs = this.options.emptyPoolGraceMs ?? 10_000;
    const live = new Set<Socket>();
    let timer: NodeJS.Timeout | undefined;
    const onOpen = (socket: Socket) => {
      live.add(socket);
      clearTimeout(timer);
      socket.once('close', () => {
        live.delete(socket);
        if (live.size === 0 && !client.closed) {
          clearTimeout(timer);
          timer = setTimeout(() => goDown(`no connection to the tunnel server is left (for ${graceMs} ms)`), graceMs);
          timer.unref();
        }
      });
    };
    client.tunnelCluster?.on('open', onOpen);
    return () => {
      clearTimeout(timer);
      client.tunnelCluster?.off('open', onOpen);
    };
  }
}
