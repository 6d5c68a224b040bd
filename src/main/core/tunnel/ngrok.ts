import { abortable, deferred, dialable, TunnelError, type LocalTarget, type OpenTunnel, type TunnelProvider } from './provider';

// ngrok through its official SDK (`@ngrok/ngrok`, a native addon installed from the npm
// registry, no binary download). Needs an auth token from a free ngrok account. Streams SSE
// fine; free plans show browsers a warning page once per 7 days (https://ngrok.com/docs/pricing-limits/free-plan-limits).

const TOKEN_HINT = 'Set NGROK_AUTHTOKEN (or pass --ngrok-authtoken <token>); a free account gives one at https://dashboard.ngrok.com/get-started/your-authtoken';
/** ngrok error codes that mean the token itself is wrong: retrying won't help. */
const BAD_TOKEN_CODES = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018']);

export interface NgrokOptions {
  /** Defaults to the NGROK_AUTHTOKEN environment variable. */
  authtoken?: string;
  /** A reserved or free static domain (e.g. my-name.ngrok-free.app). */
  domain?: string;
  env?: NodeJS.ProcessEnv;
}

/** The part of the SDK we use. */
interface NgrokSdk {
  forward(config: { addr: string; authtoken: string; domain?: string; onStatusChange?: (status: string) => void }): Promise<{ url(): string | null; close(): Promise<void> }>;
}

export class NgrokProvider implements TunnelProvider {
  readonly id = 'ngrok';

  constructor(private readonly options: NgrokOptions = {}) {}

  describe(): string {
    return `ngrok${this.options.domain ? ` (${this.options.domain})` : ''}`;
  }

  async open(local: LocalTarget, signal: AbortSignal): Promise<OpenTunnel> {
    const authtoken = this.options.authtoken ?? (this.options.env ?? process.env).NGROK_AUTHTOKEN;
    if (!authtoken) throw new TunnelError('not-configured', `ngrok needs an auth token. ${TOKEN_HINT}`, false);
    let sdk: NgrokSdk;
    try {
      sdk = (await import('@ngrok/ngrok')) as unknown as NgrokSdk;
    } catch (err) {
      throw new TunnelError('not-installed', `The ngrok SDK could not be loaded (${(err as Error).message}). Install it with npm install @ngrok/ngrok, or choose another tunnel.`, false);
    }
    const down = deferred<string>();
    let closing = false;
    const forwarding = sdk.forward({
      addr: `${dialable(local.host)}:${local.port}`,
      authtoken,
      domain: this.options.domain,
      // 'closed': the session to ngrok was lost. The SDK reconnects by itself and says
      // 'connected'; we treat a loss as down so the state and the checks stay honest.
      onStatusChange: (status) => {
        if (status === 'closed' && !closing) down.resolve('ngrok reported the session to its edge as closed');
      },
    });
    let listener: Awaited<typeof forwarding>;
    try {
      listener = await abortable(forwarding, signal);
    } catch (err) {
      // Given up on (timeout, stop): a listener that still arrives must not stay open.
      if (signal.aborted) void forwarding.then((late) => late.close()).catch(() => undefined);
      if (err instanceof Error && err === signal.reason) throw err;
      const code = (err as { errorCode?: string }).errorCode;
      const message = (err as Error).message ?? String(err);
      if (code && BAD_TOKEN_CODES.has(code)) throw new TunnelError('not-configured', `ngrok refused the auth token (${code}): ${message}. ${TOKEN_HINT}`, false);
      throw new TunnelError('refused', `ngrok could not open a tunnel${code ? ` (${code})` : ''}: ${message}`, true);
    }
    const url = listener.url();
    if (!url) {
      await listener.close();
      throw new TunnelError('refused', 'ngrok opened a listener without a URL', true);
    }
    return {
      url: new URL(url).origin,
      down: down.promise,
      notes: ['ngrok free plans show browsers a warning page once per 7 days before your pages'],
      close: async () => {
        closing = true;
        await listener.close().catch(() => undefined);
      },
    };
  }
}
