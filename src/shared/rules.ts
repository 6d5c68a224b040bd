import type { Phase } from './exchange';

// Rules as plain, serialisable data, executed in core/proxy: matchers in proxy/matchers.ts,
// each step type by its executor in proxy/steps/ (whose index.ts says how to add one). A rule
// is matchers, all of which must hold, plus steps run in order. The last step decides what
// reaches the client.

export type Matcher = (
  | { type: 'method'; methods: string[] }
  /** `*` matches within one path segment, `**` across segments. */
  | { type: 'path'; glob: string }
  | { type: 'phase'; phases: Phase[] }
  | { type: 'jsonrpc-method'; methods: string[] }
  /** What the JSON-RPC body carries: only notifications, a request, … */
  | { type: 'jsonrpc-kind'; kinds: Array<'request' | 'notification' | 'response' | 'error' | 'batch'> }
  /** Header present (and, with `contains`, containing that text, case-insensitively). */
  | { type: 'header'; name: string; contains?: string }
  /** The upstream's status (response steps only). */
  | { type: 'status'; statuses: number[] }
) & {
  /** Match when the condition does NOT hold. */
  negate?: boolean;
};

export type Step =
  /** Wait before going on (before upstream for request steps, before answering for response steps). */
  | { type: 'delay'; ms: number }
  /** Answer without contacting the upstream. Final. */
  | { type: 'reply'; status: number; headers?: Record<string, string>; body?: string }
  /** End the response gracefully without an answer (TCP FIN). Final. */
  | { type: 'close' }
  /** Reset the connection (TCP RST). Final. */
  | { type: 'reset' }
  /** Never answer (until the client gives up). Final. */
  | { type: 'timeout' }
  /** Replace the upstream's status. */
  | { type: 'set-status'; status: number }
  /** Set and remove response headers. */
  | { type: 'set-headers'; set?: Record<string, string>; remove?: string[] }
  /** Replace the response body. */
  | { type: 'replace-body'; body: string; contentType?: string }
  /**
   * Edit the JSON-RPC messages of the response: a JSON body (each message of a batch) or the
   * JSON data of every SSE event. Paths are JSON Pointers (RFC 6901: `/result/_meta/a~1b` for the
   * key `a/b`) where a `*` segment means every element of an array. Both act only where the
   * target exists, as RFC 6902 `remove` and `replace` do: other messages pass unchanged.
   */
  | { type: 'patch-json'; remove?: string[]; replace?: Record<string, unknown> }
  /** SSE: drop the Nth event (0-based, comments not counted) of the response stream. */
  | { type: 'sse-drop-event'; index: number }
  /** SSE: hold the Nth event back for `ms`. */
  | { type: 'sse-delay-event'; index: number; ms: number }
  /** SSE: end the stream after `count` events. */
  | { type: 'sse-close-after'; count: number }
  /**
   * Pause the exchange before it goes upstream (`request`) or before its response reaches the
   * client (`response`) until the user or a script resumes it, maybe edited. It resumes by
   * itself after `timeoutMs` (default 30 s) so a forgotten breakpoint never hangs a client.
   */
  | { type: 'breakpoint'; stage: 'request' | 'response'; timeoutMs?: number };

/** Edits made while an exchange was paused at a breakpoint. */
export interface BreakpointEdits {
  method?: string;
  url?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Rule {
  id: string;
  /** One sentence a user reads in the timeline: why this exchange was changed. */
  description: string;
  enabled: boolean;
  match: Matcher[];
  steps: Step[];
  /** Apply to at most this many exchanges (a burst of 503s), then let the rest pass. */
  limit?: number;
}
