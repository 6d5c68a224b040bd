import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { ClientIdMetadataMode } from '../../../../shared/profile';
import { OAuthError } from './errors';

// The URL and address policy for fetching Client ID Metadata Documents, and the fetch's limits.
// A URL client_id makes the authorization server fetch a URL the client chose: without this
// policy anyone could make it reach loopback, the LAN or a cloud metadata endpoint (SSRF).

export const CIMD_TIMEOUT_MS = 5_000;
export const CIMD_MAX_BYTES = 64 * 1024;
export const CIMD_MAX_REDIRECTS = 3;

export interface CimdFetchPolicy {
  /** The profile's mode: `on-allow-loopback` also allows http on a loopback host (for tests). */
  mode: ClientIdMetadataMode;
  /**
   * `--allow-private-cimd`: fetch from non-public addresses too (your own client on a private
   * network), and over plain http from them.
   */
  allowPrivateAddresses?: boolean;
  /** The deadline of the whole fetch, redirects included (CIMD_TIMEOUT_MS). */
  timeoutMs?: number;
}

const NOT_PUBLIC: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'a "this network" address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT (CGNAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol assignment address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.88.99.0', 24, 'ipv4', 'a 6to4 relay address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'the unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['64:ff9b:1::', 48, 'ipv6', 'a local-use NAT64 address'],
  ['100::', 64, 'ipv6', 'a discard-only address'],
  ['2001::', 23, 'ipv6', 'an IETF special-purpose address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['fc00::', 7, 'ipv6', 'a unique-local address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const RANGES = NOT_PUBLIC.map(([network, prefix, type, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, type, kind };
});

/**
 * Why `address` (an IP literal) is not a public unicast address, or undefined when it is.
 * IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are judged by their IPv4.
 */
export function nonPublicAddressKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded) return nonPublicAddressKind(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return RANGES.find((range) => range.type === type && range.list.check(address, type))?.kind;
}

/** The IPv4 address inside an IPv4-mapped or NAT64 (RFC 6052 well-known prefix) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return undefined;
  return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const start = parse(head);
  const end = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? start : [...start, ...new Array(8 - start.length - end.length).fill(0), ...end];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

const isLoopbackKind = (kind: string | undefined) => kind === 'a loopback address';

/** Throws unless `address` may be fetched from over `protocol` under `policy`. */
function checkAddress(host: string, address: string, protocol: string, policy: CimdFetchPolicy): void {
  const kind = nonPublicAddressKind(address);
  const named = host === address ? address : `${host} (${address})`;
  if (kind) {
    if (policy.allowPrivateAddresses) return;
    if (policy.mode === 'on-allow-loopback' && isLoopbackKind(kind)) return;
    throw new Error(`${named} is ${kind}: client metadata documents are fetched only from public addresses (start the server with --allow-private-cimd to test a client on a private network)`);
  }
  if (protocol !== 'https:') throw new Error(`${named} is a public address, so its document must be served over https`);
}

/** A DNS lookup that refuses names resolving to any address the policy forbids (checked at connect time, so DNS rebinding cannot slip past). */
function guardedLookup(protocol: string, policy: CimdFetchPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      try {
        for (const { address } of addresses) checkAddress(hostname, address, protocol, policy);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Whether the URL's scheme is allowed before any address is known. */
function checkScheme(url: URL, policy: CimdFetchPolicy): void {
  if (url.protocol === 'https:') return;
  const loopbackHttp = policy.mode === 'on-allow-loopback' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && (policy.allowPrivateAddresses || loopbackHttp)) return; // the address check still applies
  throw new Error('it must be served over https (plain http is fetched only from private addresses, with --allow-private-cimd)');
}

/**
 * Fetches a Client ID Metadata Document's text under the URL/address policy: https only
 * (http only to a loopback host with `on-allow-loopback`, or to a non-public address with
 * `allowPrivateAddresses`), every resolved address public unless allowed, redirects followed
 * (at most CIMD_MAX_REDIRECTS) only to URLs that pass the same checks, a deadline for the
 * whole fetch (CIMD_TIMEOUT_MS), and at most CIMD_MAX_BYTES of body. A client's `jwks_uri` is
 * fetched under the same policy (`what` names it in the error).
 */
export async function fetchClientIdMetadataDocumentText(clientId: string, policy: CimdFetchPolicy, what = 'the client metadata document'): Promise<string> {
  const timeoutMs = policy.timeoutMs ?? CIMD_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(clientId);
  try {
    for (let hop = 0; ; hop++) {
      checkScheme(url, policy);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      // IP literals never reach the lookup function: check them here.
      if (isIP(host)) checkAddress(host, host, url.protocol, policy);
      const response = await get(url, policy, signal);
      const location = response.headers.location;
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        if (hop >= CIMD_MAX_REDIRECTS) throw new Error(`it redirected more than ${CIMD_MAX_REDIRECTS} times`);
        url = new URL(location, url);
        continue;
      }
      if (response.statusCode !== 200) {
        response.resume();
        throw new Error(`it answered HTTP ${response.statusCode}`);
      }
      return await readCapped(response, CIMD_MAX_BYTES, signal);
    }
  } catch (err) {
    const message = signal.aborted ? `it did not answer within ${timeoutMs} ms` : (err as Error).message;
    throw new OAuthError('invalid_client', `Could not fetch ${what} ${clientId}: ${message}`);
  }
}

function get(url: URL, policy: CimdFetchPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { Accept: 'application/json' }, lookup: guardedLookup(url.protocol, policy), signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function readCapped(response: IncomingMessage, limit: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      response.destroy();
      return reject(new Error(`it is larger than ${limit} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy();
        reject(new Error(`it is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}
