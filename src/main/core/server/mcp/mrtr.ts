import { randomBytes } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { JsonRpcErrorCode } from '../../../../shared/protocol';
import { McpError } from './jsonrpc';

// Multi-round-trip requests (MRTR, 2026-07-28, SEP-2322). A server that needs input from the
// client (an elicitation, a sampling completion, the client's roots) no longer sends it a request:
// it answers the client's request with `resultType: "input_required"`, the `inputRequests` it
// needs by key and an opaque `requestState`. The client fulfils them and retries the same method
// under a new JSON-RPC id with `inputResponses` by key and the `requestState` echoed verbatim.
//
// Our handlers are written once for both eras: they call `input({ key: request })`. In the
// session era that sends server→client requests on the POST's stream; here it either returns the
// answers the client already sent, or throws InputRequired for the missing ones. The handler runs
// again from the start on every retry; answers of earlier rounds travel in the signed
// requestState, so the server keeps nothing between rounds (stateless, as the revision intends).

/** The requests a server may ask the client for, and the capability each needs. */
export const INPUT_METHODS = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
} as const;
export type InputMethod = keyof typeof INPUT_METHODS;

export interface InputRequest {
  method: InputMethod;
  params: Record<string, unknown>;
}

/** Methods whose result may be input_required (SEP-2322: tools/call, prompts/get, resources/read). */
export const MRTR_METHODS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** Thrown by a handler that cannot go on without these inputs; the dispatcher turns it into an input_required result. */
export class InputRequired extends Error {
  constructor(readonly inputRequests: Record<string, InputRequest>) {
    super(`input required: ${Object.keys(inputRequests).join(', ')}`);
  }
}

/** What a round of one request knows: the answers so far (earlier rounds + this retry) and its number. */
export interface InputRound {
  /** 1 for the first request; n for the (n-1)th retry that carried a valid requestState. */
  round: number;
  answers: Record<string, Record<string, unknown>>;
  /** The keys the handler asked for: only their answers go forward into the next requestState. */
  asked: Set<string>;
}

/** The content of a requestState. Bound to the method and its target, so it cannot be replayed elsewhere. */
interface RequestStatePayload {
  method: string;
  target: string;
  round: number;
  answers: Record<string, Record<string, unknown>>;
  exp: number;
}

/** A requestState lives this long: long enough for a user to answer an elicitation form. */
const STATE_LIFETIME_SECONDS = 15 * 60;

/**
 * Signs and verifies requestState (HMAC-SHA256 compact JWS, jose). SEP-2322: the server MUST
 * reject state that fails integrity verification. The key is per server instance: a restart
 * invalidates outstanding state, which a client must handle like any rejected retry.
 */
export class RequestStateCodec {
  private readonly key: Uint8Array;

  constructor(key: Uint8Array = randomBytes(32)) {
    this.key = key;
  }

  async sign(payload: Omit<RequestStatePayload, 'exp'>): Promise<string> {
    const body = new TextEncoder().encode(JSON.stringify({ ...payload, exp: Math.floor(Date.now() / 1000) + STATE_LIFETIME_SECONDS }));
    return new CompactSign(body).setProtectedHeader({ alg: 'HS256' }).sign(this.key);
  }

  /**
   * The verified payload, or McpError -32602 saying why the state was refused. Without
   * `checkIntegrity` (a server breaking SEP-2322 on purpose) the payload is read unsigned.
   */
  async verify(token: string, method: string, target: string, checkIntegrity = true): Promise<RequestStatePayload> {
    let payload: RequestStatePayload;
    try {
      const bytes = checkIntegrity ? (await compactVerify(token, this.key, { algorithms: ['HS256'] })).payload : Buffer.from(token.split('.')[1] ?? '', 'base64url');
      payload = JSON.parse(new TextDecoder().decode(bytes)) as RequestStatePayload;
    } catch {
      throw invalidState('it failed integrity verification (altered, or issued by another server instance)');
    }
    if (payload.exp < Date.now() / 1000) throw invalidState('it expired; start the request again without requestState');
    if (payload.method !== method || payload.target !== target) {
      throw invalidState(`it was issued for ${payload.method} ${payload.target}, not ${method} ${target}`);
    }
    return payload;
  }
}

function invalidState(why: string): McpError {
  return new McpError(JsonRpcErrorCode.InvalidParams, `Invalid requestState: ${why}`);
}

/** What a request's `requestState` is bound to: the tool or prompt name, or the resource URI. */
export function mrtrTarget(params: Record<string, unknown>): string {
  return String(params.name ?? params.uri ?? '');
}

/**
 * The round a retry is in: verifies its requestState (if any) and merges the earlier rounds'
 * answers with this retry's `inputResponses`. Keys the handler never asks for are ignored
 * (SEP-2322: servers SHOULD ignore what they do not recognise).
 */
export async function beginRound(method: string, params: Record<string, unknown>, codec: RequestStateCodec, checkIntegrity = true): Promise<InputRound> {
  const responses = params.inputResponses;
  if (responses !== undefined && (typeof responses !== 'object' || responses === null || Array.isArray(responses))) {
    throw new McpError(JsonRpcErrorCode.InvalidParams, 'inputResponses must be an object keyed by the inputRequests keys');
  }
  let round = 1;
  let earlier: Record<string, Record<string, unknown>> = {};
  if (params.requestState !== undefined) {
    if (typeof params.requestState !== 'string') throw invalidState('it must be the string the server sent, echoed verbatim');
    const state = await codec.verify(params.requestState, method, mrtrTarget(params), checkIntegrity);
    round = state.round + 1;
    earlier = state.answers;
  }
  return { round, answers: { ...earlier, ...(responses as Record<string, Record<string, unknown>> | undefined) }, asked: new Set() };
}

/**
 * The answers to `requests` from this round, or InputRequired for those still missing. An answer
 * that is not a result of its request's method is refused with -32602 saying what was expected:
 * a developer debugging a client learns more from that than from being asked again.
 */
export function answersFor(round: InputRound, requests: Record<string, InputRequest>): Record<string, Record<string, unknown>> {
  const missing: Record<string, InputRequest> = {};
  const answers: Record<string, Record<string, unknown>> = {};
  for (const [key, request] of Object.entries(requests)) {
    round.asked.add(key);
    if (!(key in round.answers)) {
      missing[key] = request;
      continue;
    }
    const problem = resultProblem(request.method, round.answers[key]);
    if (problem) throw new McpError(JsonRpcErrorCode.InvalidParams, `inputResponses.${key}: ${problem}`);
    answers[key] = round.answers[key]!;
  }
  if (Object.keys(missing).length > 0) throw new InputRequired(missing);
  return answers;
}

/** Why `value` is not a result of `method`, or undefined when it is one. */
export function resultProblem(method: InputMethod, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected the ${method} result object, got ${JSON.stringify(value)}`;
  const result = value as Record<string, unknown>;
  switch (method) {
    case 'elicitation/create':
      return ['accept', 'decline', 'cancel'].includes(result.action as string) ? undefined : 'an elicitation/create result needs "action": "accept" | "decline" | "cancel"';
    case 'sampling/createMessage':
      return typeof result.role === 'string' && typeof result.content === 'object' && result.content !== null ? undefined : 'a sampling/createMessage result needs "role" and "content"';
    case 'roots/list':
      return Array.isArray(result.roots) ? undefined : 'a roots/list result needs a "roots" array';
  }
}

/** The input_required result for what a handler still needs, with the state of this round signed. */
export async function inputRequiredResult(method: string, params: Record<string, unknown>, round: InputRound, needed: InputRequired, codec: RequestStateCodec): Promise<Record<string, unknown>> {
  // Only answers the handler asked for go forward: unrecognised keys are ignored, not carried.
  const answers = Object.fromEntries(Object.entries(round.answers).filter(([key]) => round.asked.has(key)));
  const requestState = await codec.sign({ method, target: mrtrTarget(params), round: round.round, answers });
  return { resultType: 'input_required', inputRequests: needed.inputRequests, requestState };
}
