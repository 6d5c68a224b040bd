import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

// No network but this machine: fetch and DNS to anything but loopback fail as they do offline,
// so a test of an offline path gives the same answer whether or not the machine is online.
// DNS matters too: the authorization server fetches client metadata documents with node:https
// and its own lookup. syncBuiltinESMExports carries the change to `import { lookup } from
// 'node:dns'` bindings.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Cuts this process off from the network (loopback stays); returns the function that restores it. */
export function goOffline(): () => void {
  const realFetch = globalThis.fetch;
  const realLookup = dns.lookup;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!LOOPBACK.has(url.hostname)) return Promise.reject(new TypeError('fetch failed (no network: test/helpers/offline.ts)'));
    return realFetch(input, init);
  };
  const offlineLookup = (hostname: string, options: unknown, callback?: unknown): void => {
    const done = (typeof options === 'function' ? options : callback) as (err: NodeJS.ErrnoException | null, ...rest: unknown[]) => void;
    if (LOOPBACK.has(hostname)) {
      (realLookup as (...args: unknown[]) => void)(hostname, ...(typeof options === 'function' ? [] : [options]), done);
      return;
    }
    const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    process.nextTick(() => done(error));
  };
  dns.lookup = offlineLookup as typeof dns.lookup;
  syncBuiltinESMExports();
  return () => {
    globalThis.fetch = realFetch;
    dns.lookup = realLookup;
    syncBuiltinESMExports();
  };
}
