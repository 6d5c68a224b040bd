import { useEffect, useMemo, useState } from 'react';
import type { ClientProfileInfo } from '../../../shared/controlApi';
import type { Scenario, SimulationResult, StepOutcome } from '../../../shared/simulator';
import { duration } from '../lib/format';
import { useApp } from '../state/store';

// Run a real client's handshake (replayed from its recorded behaviour, or the real SDK)
// against the inspector or any URL, and read the verdict per step. The exchanges show up in
// the timeline marked simulated; bug-report scenarios run in an inspector of their own.

const OUTCOME_MARK: Record<StepOutcome, string> = { ok: '✓', warn: '!', fail: '✗', skipped: '–' };

/** `Name: value` lines → headers; the first bad line is the problem. */
export function parseHeaderLines(text: string): Record<string, string> | { problem: string } {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { problem: `"${line}" is not a header: write Name: value` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function Verdicts({ result }: { result: SimulationResult }) {
  return (
    <ol className="verdicts" aria-label="Verdict per step">
      {result.steps.map((step, i) => (
        <li key={`${step.step}-${i}`} className={`verdict outcome-${step.outcome}`} data-testid="verdict" data-outcome={step.outcome} data-step={step.step}>
          <div className="verdict-title">
            <span className="verdict-mark" aria-hidden>
              {OUTCOME_MARK[step.outcome]}
            </span>
            <strong>{step.title}</strong> <code className="hint">{step.step}</code>
          </div>
          <p>{step.message}</p>
          {step.rounds && (
            <ol className="sim-rounds" aria-label={`Rounds of ${step.title}`} data-testid="sim-rounds">
              {step.rounds.map((round) => (
                <li key={round.round} data-testid="sim-round">
                  Round {round.round} (JSON-RPC id {round.rpcId}): {round.answer}
                  {round.asked?.length ? `, asked for ${round.asked.map((a) => `${a.key} (${a.method})`).join(', ')}${round.requestState ? ' with a requestState to echo' : ''}` : ''}
                </li>
              ))}
            </ol>
          )}
          {step.requests.length > 0 && (
            <details>
              <summary>{step.requests.length === 1 ? '1 request' : `${step.requests.length} requests`}</summary>
              <ul className="sim-requests">
                {step.requests.map((r, j) => (
                  <li key={j}>
                    <code>
                      {r.method} {r.url}
                    </code>{' '}
                    → {r.status ?? r.error} <span className="hint">{duration(r.ms)}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

function ResultView({ result }: { result: SimulationResult }) {
  const showInTimeline = useApp((s) => s.showInTimeline);
  return (
    <section className="sim-result" data-testid="sim-result">
      <h3 className={result.ok ? 'sim-ok' : 'sim-fail'} data-testid="sim-summary">
        {result.ok ? '✓' : '✗'} {result.profileId}: {result.summary}
      </h3>
      <p className="hint">
        {result.url} · {duration(result.durationMs)} · run {result.runId.slice(0, 8)}{' '}
        <button className="link" onClick={() => void showInTimeline(`run:${result.runId.slice(0, 8)}`)}>
          show its exchanges in the timeline
        </button>
      </p>
      <Verdicts result={result} />
    </section>
  );
}

function ProfileDetails({ profile }: { profile: ClientProfileInfo }) {
  return (
    <div className="profile-details" data-testid="profile-details">
      <p>
        <strong>{profile.client}</strong>: {profile.variant}
      </p>
      <p className="hint">
        Observed {profile.observed}
        {profile.driver !== 'replay' ? ' · drives the real SDK package, not a replay' : ''}
        {profile.transport === 'legacy-sse' ? ' · HTTP+SSE transport (2024-11-05)' : ''}
      </p>
      <p>
        Sources:{' '}
        {profile.sources.map((source, i) => (
          <span key={source.ref} title={source.note}>
            {i > 0 && '; '}
            {/^https?:\/\//.test(source.ref) ? (
              <a href={source.ref} target="_blank" rel="noreferrer">
                {source.ref}
              </a>
            ) : (
              source.ref
            )}
          </span>
        ))}
      </p>
      {profile.notes?.length ? (
        <ul className="hint">
          {profile.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ScenarioRow({ scenario }: { scenario: Scenario }) {
  const runScenario = useApp((s) => s.runScenario);
  const running = useApp((s) => s.scenarioRun.running);
  return (
    <tr data-testid="scenario-row" data-id={scenario.id}>
      <td>
        <strong>{scenario.title}</strong>
        <div className="hint">
          {scenario.reference} · client {scenario.clientId} · expects {scenario.expect.outcome} at <code>{scenario.expect.step}</code> · lint {scenario.expectedLint.join(', ')}
        </div>
      </td>
      <td className="actions">
        <button disabled={!!running} onClick={() => void runScenario(scenario.id, false)}>
          {running === scenario.id ? 'Running…' : 'Reproduce'}
        </button>
        <button disabled={!!running} onClick={() => void runScenario(scenario.id, true)} title="Run the same client against the fixed server: it must connect">
          With the fix
        </button>
      </td>
    </tr>
  );
}

function ScenarioResult() {
  const { result, fixed } = useApp((s) => s.scenarioRun);
  const captures = useApp((s) => s.captures);
  const openCapture = useApp((s) => s.openCapture);
  const scenarios = useApp((s) => s.scenarios);
  if (!result) return null;
  const scenario = scenarios.find((s) => s.id === result.scenarioId);
  const capture = captures.find((c) => c.id === result.captureId);
  const verdict = fixed ? (result.reproduced ? 'FIXED' : 'NOT FIXED') : result.reproduced ? 'REPRODUCED' : 'NOT REPRODUCED';
  return (
    <section className="sim-result" data-testid="scenario-result">
      <h3 className={result.reproduced ? 'sim-ok' : 'sim-fail'}>
        {verdict}: {scenario?.title ?? result.scenarioId}
      </h3>
      <p>{result.explanation}</p>
      {scenario && !fixed && (
        <p>
          <span className="what">Fix:</span> {scenario.fix}
        </p>
      )}
      <p className="hint">
        It ran in an inspector of its own (its server misbehaves on purpose), so its exchanges are in a capture, not in this session.{' '}
        {capture && (
          <button className="link" onClick={() => void openCapture(capture)}>
            Open its capture
          </button>
        )}
      </p>
      <h4>{result.simulation.summary}</h4>
      <Verdicts result={result.simulation} />
    </section>
  );
}

export function SimulateScreen() {
  const status = useApp((s) => s.status);
  const profiles = useApp((s) => s.profiles);
  const scenarios = useApp((s) => s.scenarios);
  const loadSimulator = useApp((s) => s.loadSimulator);
  const simulate = useApp((s) => s.simulate);
  const simulation = useApp((s) => s.simulation);
  const [client, setClient] = useState(simulation.params?.client ?? '');
  const [url, setUrl] = useState(simulation.params?.url ?? '');
  const [headerText, setHeaderText] = useState('');
  const [tool, setTool] = useState(simulation.params?.callTool?.name ?? '');
  useEffect(() => void loadSimulator(), [loadSimulator]);

  const families = useMemo(() => {
    const byFamily = new Map<string, ClientProfileInfo[]>();
    for (const p of profiles) byFamily.set(p.family, [...(byFamily.get(p.family) ?? []), p]);
    return [...byFamily];
  }, [profiles]);
  const chosen = profiles.find((p) => p.id === client) ?? profiles.find((p) => p.isDefault) ?? profiles[0];
  const defaultUrl = chosen?.transport === 'legacy-sse' ? status?.legacySseUrl : status?.mcpUrl;
  const headers = parseHeaderLines(headerText);
  const headersProblem = 'problem' in headers ? (headers.problem as string) : undefined;

  const start = () => {
    if (!chosen || headersProblem) return;
    const extra = headers as Record<string, string>;
    void simulate({ client: chosen.id, ...(url.trim() ? { url: url.trim() } : {}), ...(Object.keys(extra).length ? { headers: extra } : {}), ...(tool.trim() ? { callTool: { name: tool.trim() } } : {}) });
  };

  return (
    <div className="simulate">
      <h2>Simulate a client</h2>
      <p className="hint">
        Replays what a real client sends, step by step, and says where it would stop. Through the inspector (the default URL) its exchanges appear in the timeline, marked
        simulated (filter <code>is:simulated</code>).
      </p>
      <div className="sim-form">
        <label>
          Client{' '}
          <select value={chosen?.id ?? ''} onChange={(e) => setClient(e.target.value)} aria-label="Client profile">
            {families.map(([family, members]) => (
              <optgroup key={family} label={family}>
                {members.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.id} — observed {p.observed}
                    {p.isDefault ? ' (default)' : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          Target URL{' '}
          <input type="url" value={url} placeholder={defaultUrl ?? 'http://127.0.0.1:7420/mcp'} onChange={(e) => setUrl(e.target.value)} aria-label="Target URL" size={48} />
        </label>
        <label>
          Headers you configured for the server (optional, one per line)
          <textarea rows={2} value={headerText} placeholder="X-API-Key: …" onChange={(e) => setHeaderText(e.target.value)} aria-label="Configured headers" />
        </label>
        {headersProblem && <p className="field-error">{headersProblem}</p>}
        <label>
          Then call the tool (optional; 2026-07-28 clients answer its input_required rounds){' '}
          <input type="text" value={tool} placeholder="test_input_required_result_multi_round" onChange={(e) => setTool(e.target.value)} aria-label="Tool to call" size={36} />
        </label>
        <div className="actions">
          <button className="primary" disabled={!chosen || simulation.running || !!headersProblem} onClick={start}>
            {simulation.running ? 'Running…' : 'Run simulation'}
          </button>
          {!url.trim() && defaultUrl && <span className="hint">against {defaultUrl} (this inspector)</span>}
        </div>
      </div>
      {chosen && <ProfileDetails profile={chosen} />}
      {simulation.result && !simulation.running && <ResultView result={simulation.result} />}

      <h2>Bug-report scenarios</h2>
      <p className="hint">Each documented failure, end to end: a server misbehaving as in the report, the client that tripped on it, and whether it fails where the report says.</p>
      <table className="scenario-table">
        <tbody>
          {scenarios.map((s) => (
            <ScenarioRow key={s.id} scenario={s} />
          ))}
        </tbody>
      </table>
      <ScenarioResult />
    </div>
  );
}
