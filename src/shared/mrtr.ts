import type { MrtrRound } from './exchange';

// Multi-round-trip requests (2026-07-28, SEP-2322) as plain data: what an `input_required`
// answer asks for, what a retry carries, and how a conversation of rounds ended. Pure
// functions: the recorder, lint, the simulator and the renderer read the wire the same way.

/** The requests a server may answer with `input_required`. */
export const MRTR_METHODS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read', 'tasks/result']);

/** The client capability each input request needs (`_meta["io.modelcontextprotocol/clientCapabilities"]`). */
export const INPUT_REQUEST_CAPABILITY: Readonly<Record<string, string>> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

export const CLIENT_CAPABILITIES_META = 'io.modelcontextprotocol/clientCapabilities';

export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/** An `input_required` result: what the server asks for before it can answer. */
export interface InputRequiredResult {
  inputRequests?: Record<string, InputRequest>;
  requestState?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `input_required` part of a JSON-RPC result, or undefined for any other result. */
export function readInputRequired(result: unknown): InputRequiredResult | undefined {
  if (!isObject(result) || result.resultType !== 'input_required') return undefined;
  const out: InputRequiredResult = {};
  if (isObject(result.inputRequests)) {
    out.inputRequests = {};
    for (const [key, request] of Object.entries(result.inputRequests)) {
      if (!isObject(request)) continue;
      out.inputRequests[key] = { method: String(request.method ?? ''), ...(isObject(request.params) ? { params: request.params } : {}) };
    }
  }
  if (typeof result.requestState === 'string') out.requestState = result.requestState;
  return out;
}

/** What a retry carries in its params: the answers and the echoed state (either may be absent). */
export interface RetryParams {
  inputResponses?: Record<string, unknown>;
  requestState?: string;
}

export function readRetry(params: unknown): RetryParams | undefined {
  if (!isObject(params)) return undefined;
  const out: RetryParams = {};
  if (isObject(params.inputResponses)) out.inputResponses = params.inputResponses;
  if (typeof params.requestState === 'string') out.requestState = params.requestState;
  return out.inputResponses || out.requestState !== undefined ? out : undefined;
}

/** The client capabilities a 2026-07-28 request declared in its `_meta`, or undefined when it declared none. */
export function declaredCapabilities(params: unknown): Record<string, unknown> | undefined {
  const meta = isObject(params) && isObject(params._meta) ? params._meta : undefined;
  const capabilities = meta?.[CLIENT_CAPABILITIES_META];
  return isObject(capabilities) ? capabilities : undefined;
}

/** "round 2 of 3" (or "round 2" while the total is not known). */
export function roundLabel(round: Pick<MrtrRound, 'round'>, total?: number): string {
  return total && total >= round.round ? `round ${round.round} of ${total}` : `round ${round.round}`;
}

/** A short, readable stand-in for an opaque `requestState` ("eyJhbGci…3f9a (212 chars)"). */
export function opaqueState(state: string): string {
  return state.length <= 24 ? state : `${state.slice(0, 12)}…${state.slice(-6)} (${state.length} chars)`;
}

export type ConversationOutcome = 'complete' | 'failed' | 'waiting' | 'abandoned' | 'in-progress';

export interface ConversationVerdict {
  outcome: ConversationOutcome;
  rounds: number;
  /** In words a developer reads next to the conversation. */
  reason: string;
}

/** What a conversation verdict needs of each round (an exchange or a timeline row). */
export interface ConversationRound {
  mrtr: MrtrRound;
  /** The exchange is still open. */
  inProgress?: boolean;
  /** Why it failed, for a round answered with an error. */
  failure?: string;
}

/**
 * How a conversation of rounds ended: `complete` with the final result, `failed` on an error,
 * `waiting` after an `input_required` answer the client has not retried yet, `abandoned` when
 * the client went on (`movedOn`: it started the same request afresh) without retrying.
 */
export function conversationVerdict(rounds: readonly ConversationRound[], movedOn = false): ConversationVerdict {
  const ordered = [...rounds].sort((a, b) => a.mrtr.round - b.mrtr.round);
  const last = ordered[ordered.length - 1];
  const count = last?.mrtr.round ?? 0;
  const n = `${count} round${count === 1 ? '' : 's'}`;
  if (!last || last.inProgress) return { outcome: 'in-progress', rounds: count, reason: `round ${count}: waiting for the server's answer` };
  if (!last.mrtr.answer) return { outcome: 'failed', rounds: count, reason: `round ${count} got no JSON-RPC answer${last.failure ? `: ${last.failure}` : ''}` };
  if (last.mrtr.answer === 'complete') return { outcome: 'complete', rounds: count, reason: `finished after ${n}` };
  if (last.mrtr.answer === 'error') return { outcome: 'failed', rounds: count, reason: `the server refused round ${count}${last.failure ? `: ${last.failure}` : ''}` };
  const asked = describeInputs(last.mrtr);
  if (movedOn) return { outcome: 'abandoned', rounds: count, reason: `abandoned after ${n}: the server asked for ${asked} and the client started the request over instead of retrying with inputResponses` };
  return { outcome: 'waiting', rounds: count, reason: `waiting for the client: the server asked for ${asked} and the client has not retried with inputResponses yet` };
}

/** "user_name (elicitation/create), capital_question (sampling/createMessage)". */
export function describeInputs(round: Pick<MrtrRound, 'inputKeys' | 'inputMethods'>): string {
  const keys = round.inputKeys ?? [];
  if (keys.length === 0) return 'a retry with its requestState';
  return keys.map((key) => (round.inputMethods?.[key] ? `${key} (${round.inputMethods[key]})` : key)).join(', ');
}
