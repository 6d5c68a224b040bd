import type { Exchange } from '../../../../shared/exchange';
import { INPUT_REQUEST_CAPABILITY, declaredCapabilities, describeInputs, opaqueState, readInputRequired, readRetry } from '../../../../shared/mrtr';
import type { LintCheck, LintContext } from '../rule';
import { isObject, requestJson, responseMessages } from '../wire';

// Multi-round-trip requests (2026-07-28): the recorder links the rounds of a conversation
// (`exchange.mrtr`); these checks judge each round against the one before it (the client's
// retry) or on its own (the server's input_required answer).

/** "round 2 of tools/call confirm". */
const roundName = (e: Exchange): string => `round ${e.mrtr!.round} of ${e.classification.label}`;

/** The previous round of a retry's conversation, among the exchanges of its connection. */
function previousRound(e: Exchange, context: LintContext): Exchange | undefined {
  const round = e.mrtr;
  if (!round || round.round < 2) return undefined;
  return context.connection.find((x) => x.mrtr?.conversation === round.conversation && x.mrtr.round === round.round - 1);
}

const requestParams = (e: Exchange): unknown => {
  const body = requestJson(e);
  return isObject(body) ? body.params : undefined;
};

/** The input_required result an exchange was answered with. */
function askedIn(e: Exchange) {
  for (const message of responseMessages(e)) {
    const asked = readInputRequired(message.result);
    if (asked) return asked;
  }
  return undefined;
}

export const stateNotEchoed: LintCheck = (e, context) => {
  if (e.mrtr?.stateEchoed !== false) return undefined;
  const previous = previousRound(e, context);
  const issued = previous && askedIn(previous)?.requestState;
  const sent = readRetry(requestParams(e))?.requestState;
  const what = sent === undefined ? 'sent no requestState' : `sent requestState ${opaqueState(sent)}`;
  return {
    message: `The client's retry (${roundName(e)}) ${what}${issued !== undefined ? `, but the server's input_required answer carried ${opaqueState(issued)}` : ''}; requestState must come back verbatim.`,
    ...(previous ? { related: [previous.id] } : {}),
  };
};

export const retryReusedId: LintCheck = (e, context) => {
  const previous = previousRound(e, context);
  const id = e.classification.jsonRpc?.ids[0];
  if (!previous || id === undefined || previous.classification.jsonRpc?.ids[0] !== id) return undefined;
  return { message: `The client sent ${roundName(e)} under JSON-RPC id ${JSON.stringify(id)}, the id of the round before it; each retry is a new request with a new id.`, related: [previous.id] };
};

export const inputResponsesMissing: LintCheck = (e, context) => {
  const previous = previousRound(e, context);
  const asked = previous?.mrtr?.inputKeys ?? [];
  const answered = new Set(e.mrtr?.responseKeys ?? []);
  const missing = asked.filter((key) => !answered.has(key));
  if (!previous || missing.length === 0) return undefined;
  const reasked = e.mrtr?.answer === 'input_required' ? ' The server asked again, as it should.' : '';
  return { message: `The client's retry (${roundName(e)}) has no inputResponses for ${missing.join(', ')}, which the round before asked for.${reasked}`, related: [previous.id] };
};

export const inputRequiredIncomplete: LintCheck = (e) => {
  const asked = askedIn(e);
  if (!asked || Object.keys(asked.inputRequests ?? {}).length > 0 || asked.requestState !== undefined) return undefined;
  return { message: `${e.classification.label} was answered input_required with ${asked.inputRequests ? 'an empty inputRequests' : 'no inputRequests'} and no requestState: the client has nothing to answer or echo.` };
};

export const inputCapabilityUndeclared: LintCheck = (e) => {
  const asked = askedIn(e);
  if (!asked?.inputRequests) return undefined;
  // Judged only when the request declared its capabilities (2026-07-28 `_meta`).
  const declared = declaredCapabilities(requestParams(e));
  if (!declared) return undefined;
  const undeclared = Object.entries(asked.inputRequests).filter(([, request]) => {
    const capability = INPUT_REQUEST_CAPABILITY[request.method];
    return capability !== undefined && !(capability in declared);
  });
  if (undeclared.length === 0) return undefined;
  const list = undeclared.map(([key, request]) => `${key} (${request.method}, needs ${INPUT_REQUEST_CAPABILITY[request.method]})`).join(', ');
  const has = Object.keys(declared);
  return { message: `The server asked for ${list}, but the request declared ${has.length ? `only ${has.join(', ')}` : 'no client capabilities'}.` };
};

/** An answer that leaves the conversation open: the rule looks at what the client did next. */
export const awaitsRetry = (e: Exchange): boolean => e.mrtr?.answer === 'input_required';

export const abandoned: LintCheck = (e, context) => {
  const round = e.mrtr;
  if (!round || round.answer !== 'input_required') return undefined;
  if (context.connection.some((x) => x.mrtr?.conversation === round.conversation && x.mrtr.round > round.round)) return undefined;
  // Start times are whole milliseconds: an exchange that started in the millisecond the answer came counts as after it.
  const answeredAt = e.startedAt + Math.floor(e.timings.end ?? 0);
  const method = e.classification.jsonRpc?.methods[0];
  const target = e.classification.jsonRpc?.target;
  // The client started the same request over, outside this conversation, after the answer came.
  const afresh = context.connection
    .slice(context.connection.indexOf(e) + 1)
    .find((x) => x.startedAt >= answeredAt && x.classification.jsonRpc?.methods[0] === method && x.classification.jsonRpc?.target === target && x.mrtr?.conversation !== round.conversation);
  if (!afresh) return undefined;
  return {
    message: `The server asked for ${describeInputs(round)} (${roundName(e)}) and the client never retried with inputResponses: it sent ${e.classification.label} afresh instead.`,
    related: [afresh.id],
  };
};
