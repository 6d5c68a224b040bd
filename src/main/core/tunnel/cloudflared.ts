import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { deferred, dialable, TunnelError, type LocalTarget, type OpenTunnel, type TunnelProvider } from './provider';

// Cloudflare quick tunnels: `cloudflared tunnel --url http://127.0.0.1:<port>` prints a
// random https://<words>.trycloudflare.com URL in a box on stderr, then "Registered tunnel
// connection" once the edge can reach us. No account and no interstitial page; a new URL every
// start, and GET SSE streams are buffered by quick tunnels (cloudflare/cloudflared#1449).

export const TRYCLOUDFLARE_URL = /https:\/\/[a-z0-9-]+\.trycloudflare\.com/;
const REGISTERED = /Registered tunnel connection/;
const INSTALL_HINT =
  'Install it (macOS: brew install cloudflared; Windows: winget install --id Cloudflare.cloudflared; Linux: the cloudflared package from Cloudflare\'s repository or release page), or choose another tunnel (--tunnel localtunnel).';

export interface CloudflaredOptions {
  /** The binary; looked up on PATH by default. */
  binary?: string;
  /** The environment the binary runs in (and whose PATH is searched); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** The first executable `name` on PATH, like `which`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export class CloudflaredProvider implements TunnelProvider {
  readonly id = 'cloudflared';

  constructor(private readonly options: CloudflaredOptions = {}) {}

  describe(): string {
    return 'a Cloudflare quick tunnel (cloudflared)';
  }

  async open(local: LocalTarget, signal: AbortSignal): Promise<OpenTunnel> {
    const env = this.options.env ?? process.env;
    const binary = this.options.binary ?? findOnPath('cloudflared', env);
    if (!binary) throw new TunnelError('not-installed', `cloudflared is not on PATH. ${INSTALL_HINT}`, false);

    const child = spawn(binary, ['tunnel', '--no-autoupdate', '--url', `http://${dialable(local.host)}:${local.port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // A cloudflared left behind would keep a public URL pointing at this machine.
    let log = ''; // the tail of its output, for the reason when it exits
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, sig) => {
        process.off('exit', killOnExit);
        resolve(`cloudflared exited (${sig ?? `code ${code}`})${lastLines(log)}`);
      });
    });

    const url = await new Promise<string>((resolve, reject) => {
      let found: string | undefined;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        void stop(child);
        reject(err);
      };
      const onOutput = (chunk: Buffer) => {
        log = (log + chunk.toString('utf8')).slice(-8192);
        found ??= TRYCLOUDFLARE_URL.exec(log)?.[0];
        // The URL is printed before the edge can reach us; "Registered" means it can.
        if (found && REGISTERED.test(log) && !settled) {
          settled = true;
          cleanup();
          resolve(found);
        }
      };
      const onError = (err: NodeJS.ErrnoException) =>
        fail(err.code === 'ENOENT' || err.code === 'EACCES' ? new TunnelError('not-installed', `cloudflared could not be started (${err.code}: ${binary}). ${INSTALL_HINT}`, false) : new TunnelError('exited', `cloudflared could not be started: ${err.message}`, true));
      const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      const cleanup = () => {
        child.stdout!.off('data', onOutput);
        child.stderr!.off('data', onOutput);
        child.off('error', onError);
        signal.removeEventListener('abort', onAbort);
      };
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      child.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      void exited.then((reason) => fail(new TunnelError('exited', reason, true)));
    });
    // Keep draining its output so the pipe never fills and blocks it.
    child.stdout!.resume();
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-8192)));

    const down = deferred<string>();
    let closing = false;
    void exited.then((reason) => closing || down.resolve(reason));
    return {
      url,
      down: down.promise,
      notes: ['Cloudflare quick tunnels get a new URL on every start, and may buffer GET event streams (SSE) until they end'],
      close: async () => {
        closing = true;
        await stop(child);
      },
    };
  }
}

function lastLines(log: string): string {
  const lines = log.trim().split('\n').slice(-3).join(' | ');
  return lines ? `: ${lines}` : '';
}

/** SIGTERM, then SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
