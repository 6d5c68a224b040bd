import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { DnsFinding, ReachabilityProbe, ReachabilityReport, SseSelfTestResult } from '../../../shared/tunnel';
import { SSE_SELF_TEST_PATH, type SelfChecks } from './selfCheck';

// "Nothing arrives" is the most common failure with hosted clients. These checks request the
// public URL from outside, the way a browser and the connector's backend would, and say what
// stood in the way. Whether the front door saw the request is the proof it went through.

export interface CheckDeps {
  fetch: typeof fetch;
  /** IPv4 addresses of a name (A records), asked of the DNS servers: what the internet finds. */
  resolveIPv4: (hostname: string) => Promise<string[]>;
  /** IPv4 addresses of a name as this machine finds them (hosts file, mDNS, DNS). */
  lookupIPv4?: (hostname: string) => Promise<string[]>;
  selfChecks: SelfChecks;
  /** Per request (default 10 s: Claude.ai's budget for discovery answers). */
  timeoutMs?: number;
}

const BROWSER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Who we pretend to be, and what each would ask for first. */
const PROBES: Array<{ as: ReachabilityProbe['as']; userAgent: string; method: string; path: string; accept: string }> = [
  // The OAuth consent page opens in the user's browser, through the tunnel.
  { as: 'browser', userAgent: BROWSER_UA, method: 'GET', path: '/', accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  // Claude.ai's backend during discovery (python-httpx, then Claude-User: docs/client-profiles.md).
  { as: 'python-httpx', userAgent: 'python-httpx/0.27.0', method: 'GET', path: '/.well-known/oauth-protected-resource/mcp', accept: 'application/json' },
  { as: 'claude-user', userAgent: 'Claude-User', method: 'GET', path: '/mcp', accept: 'application/json' },
];

/** What interstitial pages say (loca.lt's reminder, ngrok's and dev tunnels' warnings). */
const INTERSTITIAL_TEXT = /tunnel password|friendly reminder|bypass-tunnel-reminder|ngrok-skip-browser-warning|you are about to visit|anti-phishing|interstitial/i;

/** Headers that get server-side requests past the interstitials we know (loca.lt, ngrok, dev tunnels). */
export const INTERSTITIAL_BYPASS_HEADERS = {
  'bypass-tunnel-reminder': '1',
  'ngrok-skip-browser-warning': '1',
  'x-tunnel-skip-antiphishing-page': '1',
};

export async function checkReachability(publicUrl: string, deps: CheckDeps): Promise<ReachabilityReport> {
  const origin = new URL(publicUrl).origin;
  const [dnsFinding, ...probes] = await Promise.all([checkDns(new URL(origin).hostname, deps.resolveIPv4, deps.lookupIPv4), ...PROBES.map((probe) => runProbe(origin, probe, deps))]);
  const serverSide = probes.filter((p) => p.as !== 'browser');
  const browser = probes.find((p) => p.as === 'browser')!;
  const verdict: ReachabilityReport['verdict'] = serverSide.every((p) => p.outcome === 'ok')
    ? browser.outcome === 'interstitial'
      ? 'reachable-with-interstitial'
      : 'reachable'
    : serverSide.some((p) => p.outcome === 'unreachable')
      ? 'unreachable'
      : 'blocked';
  return { checkedAt: Date.now(), url: origin, probes, dns: dnsFinding, verdict, advice: adviceFor(probes, dnsFinding) };
}

async function runProbe(origin: string, probe: (typeof PROBES)[number], deps: CheckDeps): Promise<ReachabilityProbe> {
  const mark = deps.selfChecks.mark();
  const started = performance.now();
  const base = { as: probe.as, userAgent: probe.userAgent };
  try {
    const res = await deps.fetch(`${origin}${probe.path}`, {
      method: probe.method,
      headers: { 'user-agent': probe.userAgent, accept: probe.accept, ...mark.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
    const body = probe.method === 'HEAD' ? '' : (await res.text()).slice(0, 64 * 1024);
    const ms = Math.round(performance.now() - started);
    const arrived = deps.selfChecks.arrived(mark.id);
    const html = (res.headers.get('content-type') ?? '').includes('text/html');
    const status = res.status;
    if (arrived) return { ...base, outcome: 'ok', status, arrived, ms, detail: `reached the inspector, answered ${status}` };
    if ((html && status < 500) || INTERSTITIAL_TEXT.test(body)) {
      return { ...base, outcome: 'interstitial', status, arrived, ms, detail: `the tunnel's edge showed its own page (${status}) instead of forwarding the request` };
    }
    if (status === 401 || status === 403 || status === 407) return { ...base, outcome: 'edge-denied', status, arrived, ms, detail: `the tunnel's edge answered ${status} without forwarding the request` };
    if (status >= 500) return { ...base, outcome: 'tunnel-error', status, arrived, ms, detail: `the tunnel's edge answered ${status}${res.headers.get('x-localtunnel-status') ? ` (${res.headers.get('x-localtunnel-status')})` : ''}: it has no working connection to this machine` };
    return { ...base, outcome: 'unexpected', status, arrived, ms, detail: `answered ${status}, but the request never reached the inspector: the URL leads somewhere else` };
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    return { ...base, outcome: 'unreachable', arrived: deps.selfChecks.arrived(mark.id), ms, detail: networkErrorText(err) };
  } finally {
    deps.selfChecks.forget(mark.id);
  }
}

export async function checkDns(hostname: string, resolveIPv4: CheckDeps['resolveIPv4'], lookupIPv4: CheckDeps['lookupIPv4'] = defaultLookupIPv4): Promise<DnsFinding> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    const ipv4 = isIP(bare) === 4 ? [bare] : [];
    const ok = ipv4.length > 0 && isPublicIPv4(bare);
    return { hostname, ipv4, outcome: 'ip-literal', detail: ok ? `${bare} is a public IPv4 address` : `${bare} is ${ipv4.length ? 'not a public IPv4 address' : 'an IPv6 address'}: hosted connectors need a public IPv4 address` };
  }
  const noIPv4 = `the DNS servers know ${hostname} but give it no IPv4 address (A record): hosted connectors such as Claude.ai connect over IPv4 only`;
  let ipv4: string[];
  try {
    ipv4 = await resolveIPv4(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return { hostname, ipv4: [], outcome: 'no-ipv4', detail: noIPv4 };
    // This machine may still find it (hosts file, local resolver): say so, or it reads like our error.
    const local = await lookupIPv4(hostname).catch(() => []);
    const why = code === 'ENOTFOUND' ? `do not know ${hostname} (ENOTFOUND)` : `could not be asked about ${hostname} (${code ?? (err as Error).message})`;
    const here = local.length ? `; this machine finds it (${local.join(', ')}) through its hosts file or a local resolver, which hosted connectors don't see` : '';
    return { hostname, ipv4: [], outcome: 'dns-error', detail: `the DNS servers this machine uses ${why}${here}` };
  }
  if (ipv4.length === 0) return { hostname, ipv4, outcome: 'no-ipv4', detail: noIPv4 };
  if (!ipv4.some(isPublicIPv4)) return { hostname, ipv4, outcome: 'private-ipv4-only', detail: `${hostname} is in DNS with non-public addresses only (${ipv4.join(', ')}): hosted connectors on the internet can't reach it` };
  return { hostname, ipv4, outcome: 'public-ipv4', detail: `${hostname} is in DNS with the public IPv4 address ${ipv4.join(', ')}` };
}

export async function defaultResolveIPv4(hostname: string): Promise<string[]> {
  return dns.resolve4(hostname);
}

export async function defaultLookupIPv4(hostname: string): Promise<string[]> {
  return (await dns.lookup(hostname, { family: 4, all: true })).map((a) => a.address);
}

/** Whether the check proves the URL leads to the inspector for the clients that matter (server-side). */
export function reachesInspector(report: ReachabilityReport): boolean {
  return report.verdict === 'reachable' || report.verdict === 'reachable-with-interstitial';
}

const VERDICT_WORDS: Record<ReachabilityReport['verdict'], string> = {
  reachable: 'reachable',
  'reachable-with-interstitial': 'reachable, but browsers get an interstitial page first',
  blocked: 'blocked before the inspector',
  unreachable: 'not reachable',
};

const PROBE_NAMES: Record<ReachabilityProbe['as'], string> = { browser: 'a browser', 'python-httpx': 'python-httpx', 'claude-user': 'Claude-User' };

/** What each kind of client got, grouped, in words: "all three reached the inspector (200, 401, 401)". */
export function describeProbes(probes: ReachabilityProbe[]): string {
  const groups = new Map<string, ReachabilityProbe[]>();
  for (const probe of probes) {
    const key = probe.outcome === 'unreachable' ? `unreachable:${probe.detail}` : probe.outcome;
    groups.set(key, [...(groups.get(key) ?? []), probe]);
  }
  return [...groups.values()]
    .map((group) => {
      const who = group.length === probes.length && probes.length > 1 ? (probes.length === 3 ? 'all three' : 'all') : joinWords(group.map((p) => PROBE_NAMES[p.as]));
      const statuses = group.map((p) => p.status).filter((s) => s !== undefined).join(', ');
      const first = group[0]!;
      switch (first.outcome) {
        case 'ok':
          return `${who} reached the inspector (${statuses})`;
        case 'interstitial':
          return `${who} got the tunnel's own page (${statuses}) instead of the inspector`;
        case 'edge-denied':
          return `${who} got ${statuses} from the tunnel's edge, which did not forward the request`;
        case 'tunnel-error':
          return `${who} got ${statuses} from the tunnel's edge: it has no working connection to this machine`;
        case 'unexpected':
          return `${who} got an answer (${statuses}) from something other than the inspector`;
        case 'unreachable':
          return `${who} got no answer (${first.detail})`;
      }
    })
    .join('; ');
}

/** The whole check in one line: what was requested, as whom, from where, and what came back. */
export function describeReachability(report: ReachabilityReport): string {
  return `Reachability of ${report.url}: ${VERDICT_WORDS[report.verdict]}. Requested it from this machine as a browser, as python-httpx and as Claude-User (Claude.ai's discovery and MCP requests): ${describeProbes(report.probes)}. DNS: ${report.dns.detail}.`;
}

function joinWords(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Not loopback, private (RFC 1918), link-local, CGNAT, "this network" or multicast/reserved. */
export function isPublicIPv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  return true;
}

function adviceFor(probes: ReachabilityProbe[], dnsFinding: DnsFinding): string[] {
  const advice: string[] = [];
  for (const probe of probes) {
    const who = probe.as === 'browser' ? 'A browser' : `A server-side client (${probe.userAgent})`;
    if (probe.outcome === 'interstitial') {
      advice.push(
        probe.as === 'browser'
          ? "Browsers see the tunnel's interstitial page before the OAuth consent page: open the public URL once in the browser you use for Claude.ai and get past it"
          : `${who} gets the tunnel's interstitial page: hosted connectors will fail; use a tunnel without one`,
      );
    } else if (probe.outcome === 'edge-denied') advice.push(`${who} got ${probe.status} from the tunnel's edge: check its access settings (auth, IP allow-lists, bot protection)`);
    else if (probe.outcome === 'tunnel-error') advice.push(`${who} got ${probe.status} from the tunnel's edge: the tunnel has no live connection to this machine; it is being re-opened`);
    else if (probe.outcome === 'unreachable') advice.push('Check that the URL is right, that its name resolves on the internet and that it forwards to this inspector\'s port');
    else if (probe.outcome === 'unexpected') advice.push(`${who} got an answer that never came from the inspector: the public URL forwards somewhere else`);
  }
  if (dnsFinding.outcome !== 'public-ipv4') advice.push('Hosted connectors such as Claude.ai need a name in public DNS with a public IPv4 address (A record), served over https on port 443');
  return [...new Set(advice)];
}

/** Requests a test event stream through the public URL and measures how it arrives. */
export async function sseSelfTest(publicUrl: string, deps: CheckDeps, events = 5, intervalMs = 300): Promise<SseSelfTestResult> {
  const origin = new URL(publicUrl).origin;
  const url = `${origin}${SSE_SELF_TEST_PATH}?events=${events}&interval=${intervalMs}`;
  const mark = deps.selfChecks.mark();
  const base = { url: origin, eventsSent: events, intervalMs };
  const started = performance.now();
  const arrivals: number[] = [];
  try {
    const res = await deps.fetch(url, {
      headers: { accept: 'text/event-stream', 'user-agent': 'mcp-handshake-inspector-self-test', ...INTERSTITIAL_BYPASS_HEADERS, ...mark.headers },
      signal: AbortSignal.timeout((deps.timeoutMs ?? 10_000) + events * intervalMs),
    });
    if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('text/event-stream') || !res.body) {
      await res.body?.cancel();
      const reached = deps.selfChecks.arrived(mark.id) ? 'reached the inspector' : 'never reached the inspector';
      return { ...base, checkedAt: Date.now(), verdict: 'failed', eventsReceived: 0, detail: `the test stream answered ${res.status} ${res.headers.get('content-type') ?? ''} and ${reached}` };
    }
    const decoder = new TextDecoder();
    let buffered = '';
    let ended: string | undefined;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
        let boundary: number;
        while ((boundary = buffered.indexOf('\n\n')) !== -1) {
          const frame = buffered.slice(0, boundary);
          buffered = buffered.slice(boundary + 2);
          if (/^data:/m.test(frame)) arrivals.push(performance.now());
        }
      }
    } catch (err) {
      ended = networkErrorText(err);
    }
    return judgeStream(base, started, arrivals, ended);
  } catch (err) {
    return { ...base, checkedAt: Date.now(), verdict: 'failed', eventsReceived: 0, detail: `the test stream could not be opened: ${networkErrorText(err)}` };
  } finally {
    deps.selfChecks.forget(mark.id);
  }
}

function judgeStream(base: { url: string; eventsSent: number; intervalMs: number }, started: number, arrivals: number[], error: string | undefined): SseSelfTestResult {
  const firstEventMs = arrivals.length ? Math.round(arrivals[0]! - started) : undefined;
  let maxGapMs = 0;
  for (let i = 1; i < arrivals.length; i++) maxGapMs = Math.max(maxGapMs, Math.round(arrivals[i]! - arrivals[i - 1]!));
  const result = { ...base, checkedAt: Date.now(), eventsReceived: arrivals.length, firstEventMs, maxGapMs: arrivals.length > 1 ? maxGapMs : undefined };
  if (arrivals.length < base.eventsSent) {
    return { ...result, verdict: 'cut', detail: `the stream ended after ${arrivals.length} of ${base.eventsSent} events${error ? ` (${error})` : ''}: the tunnel cuts event streams` };
  }
  // Sent over (n-1)·interval; arriving in much less means something held them and let go at once.
  const spread = arrivals.length > 1 ? arrivals[arrivals.length - 1]! - arrivals[0]! : 0;
  const expected = (base.eventsSent - 1) * base.intervalMs;
  if (expected >= 200 && spread < expected / 2) {
    return { ...result, verdict: 'buffered', detail: `${base.eventsSent} events sent ${base.intervalMs} ms apart arrived within ${Math.round(spread)} ms: the tunnel buffers event streams (MCP progress and GET streams will stall)` };
  }
  return { ...result, verdict: 'streams', detail: `first event after ${firstEventMs} ms, largest gap ${maxGapMs} ms for events sent ${base.intervalMs} ms apart` };
}

/** A failed request in words, with the error code for searching. */
function networkErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  const code = e?.cause?.code;
  const words: Record<string, string> = {
    ENOTFOUND: 'the name was not found',
    EAI_AGAIN: 'the name could not be looked up',
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'the connection was reset',
    ETIMEDOUT: 'the connection timed out',
    EHOSTUNREACH: 'no route to the host',
    ENETUNREACH: 'no network route',
  };
  if (code && words[code]) return `${words[code]}: ${code}`;
  if (code && /CERT|SSL|TLS/.test(code)) return `its TLS certificate was not accepted: ${code}`;
  return code ?? e?.cause?.message ?? e?.message ?? String(err);
}
