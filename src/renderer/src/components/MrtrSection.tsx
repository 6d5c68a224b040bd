import { useMemo } from 'react';
import type { ExchangeSummary } from '../../../shared/controlApi';
import type { Exchange, MrtrRound } from '../../../shared/exchange';
import { conversationVerdict, opaqueState, roundLabel } from '../../../shared/mrtr';
import { describeInputRequest, roundContent } from '../lib/mrtr';
import { useApp, useTimeline } from '../state/store';
import { JsonTree } from './BodyView';
import './ExchangeViews.css';
import './MrtrSection.css';

// One round of a multi-round-trip request (2026-07-28) in the detail pane: where it stands in
// its conversation (the other rounds one click away), what the client answered, what the
// server asked for next, and the opaque requestState with whether it changed between rounds.

const ANSWER_WORDS: Record<NonNullable<MrtrRound['answer']>, string> = { input_required: 'input required', complete: 'complete', error: 'error' };

/** "Round 2 of 3" in the conversation's own words, for the timeline and the detail pane. */
export function roundTitle(summary: Pick<ExchangeSummary, 'label' | 'mrtr'>, total: number): string {
  return `${summary.label} · ${roundLabel(summary.mrtr!, total)}`;
}

function StateNote({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return (
    <div className={`resource-check ${ok ? 'resource-match' : 'resource-mismatch'}`} data-testid="mrtr-state-note" data-ok={ok}>
      <span className="resource-mark" aria-hidden="true">
        {ok ? '✓' : '⚠'}
      </span>{' '}
      {children}
    </div>
  );
}

function StateValue({ state }: { state: string }) {
  return (
    <>
      <code className="param-text" title={state}>
        {opaqueState(state)}
      </code>
      <div className="param-what">Opaque: the server's own memory of the rounds so far; the client must not read or change it.</div>
    </>
  );
}

function RoundTable({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  return (
    <div className="param-section" data-testid={testId}>
      <h4>{title}</h4>
      <table className="param-table">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value and what it is for</th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function MrtrSection({ summary, exchange }: { summary: ExchangeSummary; exchange?: Exchange }) {
  const timeline = useTimeline();
  useApp((s) => s.version);
  const select = useApp((s) => s.select);
  const round = summary.mrtr!;
  const rows = timeline.conversation(round.conversation);
  const last = rows[rows.length - 1];
  // The client sent the same request afresh after the last answer: it will not retry this one.
  const connection = last?.connectionId ? timeline.connection(last.connectionId) : [];
  const movedOn =
    last?.mrtr?.answer === 'input_required' &&
    connection.slice(connection.indexOf(last) + 1).some((row) => row.rpcMethods[0] === last.rpcMethods[0] && row.rpcTarget === last.rpcTarget && row.mrtr?.conversation !== round.conversation);
  const verdict = conversationVerdict(
    rows.map((row) => ({ mrtr: row.mrtr!, inProgress: row.state === 'pending' || row.state === 'streaming', ...(row.outcomeReason ? { failure: row.outcomeReason } : {}) })),
    movedOn,
  );
  const content = useMemo(() => (exchange ? roundContent(exchange) : undefined), [exchange]);
  const responses = Object.entries(content?.retry?.inputResponses ?? {});
  const requests = Object.entries(content?.asked?.inputRequests ?? {});
  const sent = content?.retry?.requestState;
  const issued = content?.asked?.requestState;
  return (
    <section className="mrtr-section param-sections" data-testid="mrtr-section" aria-label="Multi-round-trip request">
      <h3>Multi-round-trip request: {roundTitle(summary, rows.length)}</h3>
      <p className={`mrtr-verdict mrtr-${verdict.outcome}`} data-testid="mrtr-verdict" data-outcome={verdict.outcome}>
        {verdict.reason}
      </p>
      <ol className="mrtr-rounds" aria-label="Rounds of this conversation">
        {rows.map((row) => (
          <li key={row.id}>
            {row.id === summary.id ? (
              <span aria-current="step">
                Round {row.mrtr!.round} (this one){row.mrtr!.answer ? `: ${ANSWER_WORDS[row.mrtr!.answer]}` : ''}
              </span>
            ) : (
              <button className="link" onClick={() => select(row.id)}>
                Round {row.mrtr!.round}
                {row.mrtr!.answer ? `: ${ANSWER_WORDS[row.mrtr!.answer]}` : ''}
              </button>
            )}
          </li>
        ))}
      </ol>
      {!content && <p className="hint">Loading the round's bodies…</p>}
      {content && (responses.length > 0 || sent !== undefined) && (
        <RoundTable title="Sent by the client with this retry" testId="mrtr-sent">
          {responses.map(([key, value]) => (
            <tr key={`response-${key}`} data-testid="mrtr-response" data-key={key}>
              <th scope="row">
                <code>{key}</code>
              </th>
              <td>
                <JsonTree value={value} />
                <div className="param-what">The client's answer (inputResponses) to the input request “{key}” of the round before.</div>
              </td>
            </tr>
          ))}
          {sent !== undefined && (
            <tr data-testid="mrtr-state-sent">
              <th scope="row">requestState</th>
              <td>
                <StateValue state={sent} />
                {round.stateEchoed !== undefined && (
                  <StateNote ok={round.stateEchoed}>
                    {round.stateEchoed ? `Echoed verbatim: the state the server issued in round ${round.round - 1}.` : `Not the state the server issued in round ${round.round - 1}: requestState must come back verbatim.`}
                  </StateNote>
                )}
              </td>
            </tr>
          )}
        </RoundTable>
      )}
      {content && (requests.length > 0 || issued !== undefined) && (
        <RoundTable title="Asked by the server (input_required)" testId="mrtr-asked">
          {requests.map(([key, request]) => (
            <tr key={`request-${key}`} data-testid="mrtr-request" data-key={key}>
              <th scope="row">
                <code>{key}</code>
              </th>
              <td>
                <code>{request.method}</code>: {describeInputRequest(request)}
                <div className="param-what">What the server asks for (inputRequests); the client answers it under this key in its retry.</div>
              </td>
            </tr>
          ))}
          {issued !== undefined && (
            <tr data-testid="mrtr-state-issued">
              <th scope="row">requestState</th>
              <td>
                <StateValue state={issued} />
                {round.round > 1 && round.stateChanged !== undefined && (
                  <StateNote ok>{round.stateChanged ? 'A new state: it changed from the one the client sent this round.' : 'Unchanged from the one the client sent this round.'}</StateNote>
                )}
              </td>
            </tr>
          )}
        </RoundTable>
      )}
    </section>
  );
}
