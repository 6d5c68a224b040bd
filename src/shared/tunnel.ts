// The public tunnel as the UI and CLI see it: which provider, what state, what the checks
// through the public URL found. Plain data: it crosses IPC unchanged.

export const TUNNEL_PROVIDERS = ['localtunnel', 'cloudflared', 'ngrok', 'manual', 'none'] as const;
export type TunnelProviderId = (typeof TUNNEL_PROVIDERS)[number];

/** What the localtunnel server accepts as a subdomain (localtunnel/server server.js); the control API checks it too. */
export const LOCALTUNNEL_SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;

/**
 * `off`: no tunnel asked for. `connecting` until the tunnel is up for the first time (retries
 * with backoff; `failed` with the reason when it isn't up within the first-connection window,
 * 20 s by default). `up` → `reconnecting` when it drops: once a tunnel has been up it is
 * re-opened with capped backoff for as long as it is wanted, never given up on (`nextAttemptAt`
 * says when the next try is). `unreachable`: a manual URL whose reachability check did not get
 * through to the inspector (checked again with the same backoff; a real request arriving
 * through it also proves it). `failed` when retrying can't help (missing binary or token, a
 * refused option) or the first connection didn't succeed in time.
 */
export type TunnelState = 'off' | 'connecting' | 'up' | 'reconnecting' | 'unreachable' | 'failed';

/** Why a tunnel could not open or went down, for the UI to pick an icon and advice. */
export type TunnelFailureKind =
  | 'not-installed' // binary or package missing
  | 'not-configured' // auth token missing or rejected
  | 'invalid-option' // an option the provider refuses (bad subdomain, local HTTPS without certs)
  | 'refused' // the tunnel server answered with an error
  | 'unreachable' // the tunnel server could not be reached
  | 'timeout' // no answer within the open timeout
  | 'dropped' // an open tunnel went down
  | 'exited'; // the provider's process exited

export interface TunnelNote {
  at: number;
  kind: 'state' | 'provider' | 'url-changed' | 'reachability' | 'sse-self-test' | 'interstitial' | 'queue' | 'idle';
  level: 'info' | 'warn' | 'error';
  /** One line for the timeline and the CLI. */
  text: string;
  /** For `state` notes: the state entered. */
  state?: TunnelState;
}

/** How one kind of client fared requesting the public URL. */
export interface ReachabilityProbe {
  /** Who we pretended to be: a browser (OAuth consent page), or a hosted connector's backend. */
  as: 'browser' | 'claude-user' | 'python-httpx';
  userAgent: string;
  /**
   * `ok`: the request reached the inspector and the answer came back. `interstitial`: the
   * tunnel's edge showed a reminder/warning page instead. `edge-denied`: the edge answered
   * 401/403 itself. `tunnel-error`: the edge answered 5xx (no tunnel client connected, timeout).
   * `unreachable`: no HTTP answer at all (DNS, refused, timeout). `unexpected`: anything else.
   */
  outcome: 'ok' | 'interstitial' | 'edge-denied' | 'tunnel-error' | 'unreachable' | 'unexpected';
  status?: number;
  /** Whether the front door saw the request (the only proof it went through the tunnel). */
  arrived: boolean;
  ms: number;
  detail: string;
}

export interface DnsFinding {
  hostname: string;
  ipv4: string[];
  /** `public-ipv4` is what hosted connectors (IPv4-only, from the cloud) need. */
  outcome: 'public-ipv4' | 'private-ipv4-only' | 'no-ipv4' | 'ip-literal' | 'dns-error';
  detail: string;
}

export interface ReachabilityReport {
  checkedAt: number;
  url: string;
  probes: ReachabilityProbe[];
  dns: DnsFinding;
  /** One word for the status bar; `reachable` needs every server-side probe `ok`. */
  verdict: 'reachable' | 'reachable-with-interstitial' | 'blocked' | 'unreachable';
  /** What to do about it, one sentence each. */
  advice: string[];
}

export interface SseSelfTestResult {
  checkedAt: number;
  url: string;
  /** `streams`: events arrived spaced as sent. `buffered`: held back and delivered together. `cut`: the stream ended early. */
  verdict: 'streams' | 'buffered' | 'cut' | 'failed';
  eventsSent: number;
  eventsReceived: number;
  intervalMs: number;
  firstEventMs?: number;
  /** Largest delay between two consecutive events as received. */
  maxGapMs?: number;
  detail: string;
}

/** A page the tunnel's edge shows browsers before our own (localtunnel's reminder, ngrok's warning). */
export interface InterstitialInfo {
  provider: TunnelProviderId;
  /** Where the tunnel password (this machine's public IP) can be looked up. */
  passwordUrl?: string;
  /** The password itself, when we could fetch it. */
  password?: string;
  advice: string;
}

/** Set when nothing arrived through the tunnel within the idle window after it came up. */
export interface IdleWarning {
  since: number;
  waitedMs: number;
  causes: string[];
}

export interface TunnelStatus {
  provider: TunnelProviderId;
  state: TunnelState;
  /** Why it is in this state, in words for the user. */
  reason: string;
  since: number;
  failure?: TunnelFailureKind;
  /** The public origin, once known (kept while reconnecting, since the same one usually comes back). */
  publicUrl?: string;
  /** The MCP endpoint through the tunnel. */
  mcpUrl?: string;
  /** "https://…/mcp → Claude.ai → Settings → Connectors → Add custom connector". */
  pasteHint?: string;
  /** Consecutive failed attempts (or checks, for a manual URL) since the tunnel was last up. */
  attempt: number;
  /** When the next attempt starts, while `connecting`, `reconnecting` or `unreachable` waits between tries. */
  nextAttemptAt?: number;
  /** When it was last up (kept while reconnecting). */
  lastUpAt?: number;
  /** Requests through the tunnel that haven't finished (each holds one tunnel connection). */
  inFlight: number;
  /** The provider's concurrency limit (localtunnel's max_conn_count), when it has one. */
  maxConnections?: number;
  /** True while every tunnel connection is busy: further requests queue at the tunnel server. */
  saturated: boolean;
  reachability?: ReachabilityReport;
  sseSelfTest?: SseSelfTestResult;
  interstitial?: InterstitialInfo;
  idle?: IdleWarning;
  /** The timeline of this tunnel: state changes and findings, oldest first. */
  notes: TunnelNote[];
}
