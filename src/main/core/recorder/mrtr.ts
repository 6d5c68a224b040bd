import type { Exchange, MrtrRound } from '../../../shared/exchange';
import { MRTR_METHODS, readInputRequired, readRetry } from '../../../shared/mrtr';
import { bodyText } from '../wire/body';
import { parseJson } from '../wire/json';

// Links the rounds of a multi-round-trip request (2026-07-28 `input_required`) into one
// conversation. A retry is a new JSON-RPC request, so nothing on the wire names its first
// round; it is tied to it by the `requestState` it echoes, or, when the server sent no state
// (or the client changed it), by method + target on the same connection with `inputResponses`
// answering the keys the last round asked for.

/** A conversation whose last round was answered `input_required`: a retry may still come. */
interface OpenConversation {
  id: string;
  method: string;
  target?: string;
  /** Its first exchange: retries without a state must come from the same connection (asked when they arrive, as groups merge). */
  first: Exchange;
  /** Rounds so far. */
  rounds: number;
  /** The keys the last answer asked for. */
  asked: string[];
  /** The state the last answer carried. */
  state?: string;
}

/** A request the linker is waiting to see answered. */
interface PendingRound {
  method: string;
  target?: string;
  rpcId: string | number;
  /** The state the client sent (to tell whether the answer's state changed). */
  sentState?: string;
  conversation?: OpenConversation;
}

/** How many open conversations are kept: older ones can no longer be linked (their retries start new ones). */
const MAX_OPEN = 500;

export class MrtrLinker {
  /** Conversations awaiting a retry, oldest first. */
  private readonly open: OpenConversation[] = [];
  private readonly pending = new Map<string, PendingRound>();

  /** `connectionOf`: the exchange's current client connection (retries without a state link only within one). */
  constructor(private readonly connectionOf: (exchange: Exchange) => string | undefined) {}

  /** The request body is known: note a request that may be answered `input_required`, and link a retry. Returns whether `exchange.mrtr` was set. */
  requestSeen(exchange: Exchange): boolean {
    const rpc = exchange.classification.jsonRpc;
    if (rpc?.kind !== 'request' || rpc.methods.length !== 1 || rpc.ids.length !== 1) return false;
    const method = rpc.methods[0]!;
    if (!MRTR_METHODS.has(method)) return false;
    const round: PendingRound = { method, rpcId: rpc.ids[0]!, ...(rpc.target !== undefined ? { target: rpc.target } : {}) };
    this.pending.set(exchange.id, round);
    const text = bodyText(exchange.request.body);
    // Only a body that names the retry fields is parsed again (one JSON.parse per tool call otherwise).
    if (!text || !(text.includes('"inputResponses"') || text.includes('"requestState"'))) return false;
    const retry = readRetry((parseJson(text) as { params?: unknown } | undefined)?.params);
    if (!retry) return false;
    if (retry.requestState !== undefined) round.sentState = retry.requestState;
    const linked = this.findConversation(exchange, round, retry.inputResponses ? Object.keys(retry.inputResponses) : [], retry.requestState);
    if (!linked) return false;
    const { conversation, linkedBy } = linked;
    this.close(conversation);
    conversation.rounds++;
    round.conversation = conversation;
    exchange.mrtr = {
      conversation: conversation.id,
      round: conversation.rounds,
      ...(retry.inputResponses ? { responseKeys: Object.keys(retry.inputResponses) } : {}),
      linkedBy,
      ...(conversation.state !== undefined ? { stateEchoed: retry.requestState === conversation.state } : {}),
      final: false,
    };
    return true;
  }

  /** Whether the exchange sent a request that may be answered input_required, still unanswered (else its body need not be read). */
  awaitsAnswer(exchange: Exchange): boolean {
    return this.pending.has(exchange.id);
  }

  /**
   * A JSON-RPC answer in the exchange's body or stream. Returns whether `exchange.mrtr` changed.
   * Answers to other requests (a batch, a server notification) are ignored.
   */
  answerSeen(exchange: Exchange, message: unknown): boolean {
    const round = this.pending.get(exchange.id);
    const m = message as Record<string, unknown> | undefined;
    if (!round || !m || typeof m !== 'object' || m.id !== round.rpcId || !('result' in m || 'error' in m)) return false;
    this.pending.delete(exchange.id);
    const asked = 'result' in m ? readInputRequired(m.result) : undefined;
    if (!asked) {
      // A complete result or an error ends a conversation; a plain request stays unannotated.
      if (!exchange.mrtr) return false;
      exchange.mrtr = { ...exchange.mrtr, answer: 'error' in m ? 'error' : 'complete', final: true };
      return true;
    }
    const keys = Object.keys(asked.inputRequests ?? {});
    const conversation: OpenConversation = round.conversation ?? {
      id: exchange.id,
      method: round.method,
      ...(round.target !== undefined ? { target: round.target } : {}),
      first: exchange,
      rounds: 1,
      asked: [],
    };
    conversation.asked = keys;
    conversation.state = asked.requestState;
    this.open.push(conversation);
    if (this.open.length > MAX_OPEN) this.close(this.open[0]!);
    const inputMethods = Object.fromEntries(Object.entries(asked.inputRequests ?? {}).map(([key, request]) => [key, request.method]));
    const annotation: MrtrRound = {
      ...(exchange.mrtr ?? { conversation: conversation.id, round: 1 }),
      inputKeys: keys,
      inputMethods,
      stateIssued: asked.requestState !== undefined,
      answer: 'input_required',
      final: false,
    };
    if (annotation.round > 1 && asked.requestState !== undefined) annotation.stateChanged = asked.requestState !== round.sentState;
    exchange.mrtr = annotation;
    return true;
  }

  /**
   * The exchange ended: an answer that never came will not come now. A retry refused without a
   * JSON-RPC answer (an HTTP error, a dropped connection) leaves its conversation open: the
   * client may send the same state again.
   */
  ended(exchange: Exchange): void {
    const round = this.pending.get(exchange.id);
    if (!round) return;
    this.pending.delete(exchange.id);
    const conversation = round.conversation;
    if (!conversation || this.open.includes(conversation)) return;
    this.open.push(conversation);
  }

  private findConversation(exchange: Exchange, round: PendingRound, answered: string[], state: string | undefined): { conversation: OpenConversation; linkedBy: MrtrRound['linkedBy'] & string } | undefined {
    const connection = this.connectionOf(exchange);
    // A stateless server may issue the same state to two clients (it holds only the answers so
    // far): the one on this connection, else the oldest, which was answered first.
    const sameState = state !== undefined ? this.open.filter((c) => c.state === state && c.method === round.method) : [];
    const byState = sameState.find((c) => this.connectionOf(c.first) === connection) ?? sameState[0];
    if (byState) return { conversation: byState, linkedBy: 'requestState' };
    // No state, or one the server never issued (changed or made up): the same request on the
    // same connection, answering what was asked. The latest such conversation wins.
    const candidates = this.open.filter((c) => c.method === round.method && c.target === round.target && this.connectionOf(c.first) === connection);
    const answers = new Set(answered);
    const match = candidates.findLast((c) => c.asked.every((key) => answers.has(key))) ?? candidates.findLast((c) => c.asked.some((key) => answers.has(key)));
    return match ? { conversation: match, linkedBy: 'inputKeys' } : undefined;
  }

  private close(conversation: OpenConversation): void {
    const at = this.open.indexOf(conversation);
    if (at !== -1) this.open.splice(at, 1);
  }
}

/** The JSON-RPC answers of an exchange's response body (JSON, or the events of an SSE answer). */
export function answersIn(exchange: Exchange): unknown[] {
  const text = bodyText(exchange.response?.body);
  const contentType = String(exchange.response?.headers['content-type'] ?? '');
  if (contentType.includes('text/event-stream')) return exchange.sseEvents.filter((e) => e.kind === 'event').map((e) => parseJson(e.data));
  const body = parseJson(text);
  return Array.isArray(body) ? body : [body];
}

/**
 * Links the conversations of exchanges recorded before the recorder knew them (an older capture,
 * a HAR from another tool); a list where any exchange is already linked is left as it is.
 */
export function ensureConversations(exchanges: readonly Exchange[], connectionOf?: (exchange: Exchange) => string | undefined): void {
  if (exchanges.some((e) => e.mrtr)) return;
  linkConversations(exchanges, connectionOf);
}

/**
 * Links the conversations of a finished list of exchanges (an imported HAR from another tool, a
 * test's constructed exchanges): requests and answers replayed in the order they happened.
 * Sets `mrtr` on the exchanges it links; `connectionOf` as for MrtrLinker.
 */
export function linkConversations(exchanges: readonly Exchange[], connectionOf: (exchange: Exchange) => string | undefined = (e) => e.connectionId): void {
  const linker = new MrtrLinker(connectionOf);
  const steps: Array<{ at: number; index: number; exchange: Exchange; kind: 'request' | 'answer' }> = [];
  exchanges.forEach((exchange, index) => {
    steps.push({ at: exchange.startedAt + (exchange.timings.requestEnd ?? 0), index, exchange, kind: 'request' });
    steps.push({ at: exchange.startedAt + (exchange.timings.upstreamHeaders ?? exchange.timings.end ?? 0), index, exchange, kind: 'answer' });
  });
  steps.sort((a, b) => {
    // startedAt has whole milliseconds: within one, an earlier exchange's answer goes before a
    // later exchange's request (a retry always follows the answer it responds to).
    if (Math.abs(a.at - b.at) < 1 && a.index !== b.index) {
      if (a.kind === 'answer' && b.kind === 'request' && a.index < b.index) return -1;
      if (b.kind === 'answer' && a.kind === 'request' && b.index < a.index) return 1;
    }
    return a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'request' ? -1 : 1);
  });
  for (const { exchange, kind } of steps) {
    if (kind === 'request') linker.requestSeen(exchange);
    else for (const message of answersIn(exchange)) linker.answerSeen(exchange, message);
  }
}
