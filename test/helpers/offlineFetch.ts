// Preloaded into a child process (`node --import tsx --import ./test/helpers/offlineFetch.ts …`):
// fetch to anything but this machine fails as it does without a network, so a test of the
// offline path gives the same answer whether or not the machine running it is online.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const realFetch = globalThis.fetch;

globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.has(url.hostname)) return Promise.reject(new TypeError('fetch failed (no network: test/helpers/offlineFetch.ts)'));
  return realFetch(input, init);
};
